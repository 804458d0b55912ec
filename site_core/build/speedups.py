"""Pelican made cheaper where its output does not change: compiled templates shared between
environments and builds, and set lookups where Pelican tests list membership."""

import jinja2


class _Bytecode(jinja2.BytecodeCache):
    """Compiled templates kept in memory, keyed by name and source checksum: Pelican makes one
    Jinja environment per generator and per build, each compiling the same templates (about
    20 ms each) again."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _Bytecode()


def prepare_environment(env: jinja2.Environment) -> None:
    """Shared compiled templates, and no stat() of each template file at every include (a build
    loads them once; the next build makes new environments)."""
    env.bytecode_cache = _BYTECODE
    env.auto_reload = False


class Members(list):
    """A taxonomy's article list whose `in` is a set lookup. Pelican's generate_tags, _categories
    and _authors keep `[a for a in self.dates if a in articles]` for each tag, thème and
    intervenant: N × |articles| comparisons each, about 1 s at N = 5000. Contents compare by
    identity (Content defines no __eq__), so the result is the same list."""

    __slots__ = ("_ids",)

    def __init__(self, items):
        super().__init__(items)
        self._ids = {id(item) for item in items}

    def __contains__(self, item):
        return id(item) in self._ids


def fast_membership(generator) -> None:
    """Swap the article lists of the generator's tags, thèmes and intervenants for Members
    (in place, so the context's lists of pairs see them too)."""
    for tag, articles in generator.tags.items():
        generator.tags[tag] = Members(articles)
    for pairs in (generator.categories, generator.authors):
        pairs[:] = [(key, Members(articles)) for key, articles in pairs]
