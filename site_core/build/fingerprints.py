"""Fingerprints of what each page is rendered from, for the incremental build.

A page is re-rendered when the digest of its inputs differs from the previous build's: the
build's global digest (settings, theme templates, code), then, for each variable its template
can read (found statically with `jinja2.meta`, following includes and extends), the digest of
that variable's value in the page's context. Values are digested structurally:

- a content object (article, page) by its own attributes, the contents it refers to (its
  neighbours, its translations) counting by their own attributes, one level deep, so a page shows
  a neighbour's new title but a change two links away does not re-render it;
- Pelican's paginator without its full object list (a list page depends on its own slice);
- Pelican's categories, tags and authors by name and slug;
- strings, numbers, dates, lists, dicts, sets, named tuples, dataclasses and plain objects by
  their values (a plain object by its `__getstate__`: a memo it leaves out of its pickles is
  not digested either); the settings and the shared context by a token (the global digest
  covers them).

A value that cannot be digested stably (a cycle outside contents, an object whose only
description is its address) raises `Unstable`: that page is then always re-rendered.
"""

import dataclasses
import datetime
import hashlib
import re

import jinja2
from jinja2 import meta
from pelican.contents import Content
from pelican.paginator import Paginator
from pelican.urlwrappers import URLWrapper


def has_links(content: Content) -> bool:
    """Whether the content links to other contents by their source ({filename}, {static}…):
    its HTML then depends on their addresses."""
    regex = content._get_intrasite_link_regex()
    summary = str(content.metadata.get("summary", ""))
    return bool(regex.search(content._content or "") or regex.search(summary))


class Unstable(Exception):
    """The value has no stable digest."""


def blake(parts: list[bytes]) -> bytes:
    return hashlib.blake2b(b"\x1f".join(parts), digest_size=16).digest()


class Restored:
    """Attributes a content object has from the content cache, restored or just cached
    (`entry`: contents.Entry, whose digest is computed once): not digested again unless a
    plugin assigned a new value since (compared by identity)."""

    __slots__ = ("values", "entry")

    def __init__(self, values: dict, entry):
        self.values = values
        self.entry = entry


_MISSING = object()
_SKIPPED_ATTRIBUTES = frozenset({"settings", "_context"})


class Digester:
    """The digests of one build, memoised per object: nothing a page reads changes while the
    pages are written."""

    def __init__(self, tokens: dict[int, bytes], context: dict):
        self.tokens = tokens  # id(settings), id(context)... -> a fixed token
        self.context = context
        self.restored: dict[int, tuple[Content, Restored]] = {}
        self.linked: set[int] = set()  # restored contents with intrasite links
        self._links: bytes | None = None
        self._shallow: dict[int, tuple[bytes, list]] = {}
        self._deep: dict[int, bytes] = {}
        self._values: dict[int, tuple[object, bytes]] = {}  # keeps the value: ids stay unique

    def value(self, value) -> bytes:
        """A page variable's digest; shared values (the context's lists…) digested once."""
        memo = self._values.get(id(value))
        if memo is None:
            parts: list[bytes] = []
            self._feed(value, parts, set(), None)
            memo = self._values[id(value)] = (value, blake(parts))
        return memo[1]

    def content(self, content: Content) -> bytes:
        """A content's attributes and those of the contents it refers to."""
        deep = self._deep.get(id(content))
        if deep is None:
            own, refs = self._own(content)
            deep = blake([own] + [self._own(ref)[0] for ref in refs])
            self._deep[id(content)] = deep
        return deep

    def _own(self, content: Content) -> tuple[bytes, list]:
        memo = self._shallow.get(id(content))
        if memo is not None:
            return memo
        restored = self.restored.get(id(content), (None, None))[1]
        parts: list[bytes] = [type(content).__qualname__.encode()]
        refs: list = []
        if restored is not None:
            if not restored.entry.digest:
                restored.entry.digest = self.state(restored.values)
            parts.append(restored.entry.digest)
        if id(content) in self.linked if restored is not None else has_links(content):
            parts.append(self.links())
        for key, value in content.__dict__.items():
            if key in _SKIPPED_ATTRIBUTES:
                continue
            if restored is not None and restored.values.get(key, _MISSING) is value:
                continue
            parts.append(key.encode())
            self._feed(value, parts, {id(content)}, refs)
        memo = self._shallow[id(content)] = (blake(parts), refs)
        return memo

    def links(self) -> bytes:
        """The address of every content and static file: what intrasite links resolve to."""
        if self._links is None:
            pairs = []
            for key in ("generated_content", "static_content"):
                for path, item in sorted(self.context.get(key, {}).items()):
                    pairs.append(f"{key}:{path}:{item.url if item is not None else ''}".encode())
            self._links = blake(pairs)
        return self._links

    def state(self, state: dict) -> bytes:
        """Digest of a content's cached attributes (contents.NOT_CACHED left out)."""
        parts: list[bytes] = []
        for key, value in state.items():
            parts.append(key.encode())
            self._feed(value, parts, set(), [])
        return blake(parts)

    def _feed(self, value, out: list[bytes], seen: set[int], refs: list | None) -> None:
        kind = type(value)
        if value is None or kind in (bool, int, float):
            out.append(repr(value).encode())
        elif isinstance(value, str):
            out.append(kind.__name__.encode() + b":" + value.encode("utf-8", "surrogatepass"))
        elif isinstance(value, bytes):
            out.append(b"b:" + value)
        elif isinstance(value, datetime.date | datetime.time):
            out.append(
                f"{kind.__name__}:{value.isoformat()}:{getattr(value, 'tzinfo', '')}".encode()
            )
        elif id(value) in self.tokens:
            out.append(self.tokens[id(value)])
        elif isinstance(value, URLWrapper):  # its slug is computed lazily: digest it, not _slug
            out.append(f"{kind.__qualname__}:{value.name}:{value.slug}".encode())
        elif isinstance(value, Content):
            if refs is None:  # a page variable: the content and its neighbours
                out.append(b"C" + self.content(value))
            else:  # inside a content: a reference, digested with its referrer's deep digest
                refs.append(value)
                out.append(f"ref:{kind.__qualname__}:{value.source_path}".encode())
        else:
            self._feed_container(value, out, seen, refs)

    def _feed_container(self, value, out, seen, refs) -> None:
        if id(value) in seen:
            raise Unstable(f"cycle through {type(value).__qualname__}")
        seen = seen | {id(value)}
        kind = type(value)
        out.append(f"<{kind.__module__}.{kind.__qualname__}".encode())
        if isinstance(value, list | tuple):
            for item in value:
                self._feed(item, out, seen, refs)
        elif isinstance(value, dict):
            for key, item in value.items():
                self._feed(key, out, seen, refs)
                self._feed(item, out, seen, refs)
        elif isinstance(value, set | frozenset):
            out.extend(sorted(self._sub(item, seen, refs) for item in value))
        elif isinstance(value, Paginator):  # its count, not every item of the list
            out.append(f"{value.name}|{value.url}|{value.per_page}|{value.count}".encode())
        elif dataclasses.is_dataclass(value):
            for item in dataclasses.fields(value):
                self._feed(getattr(value, item.name), out, seen, refs)
        elif isinstance(value, re.Pattern):
            out.append(f"{value.pattern!r}{value.flags}".encode())
        elif callable(value) and hasattr(value, "__qualname__"):
            out.append(f"{getattr(value, '__module__', '')}.{value.__qualname__}".encode())
        elif hasattr(value, "__dict__"):
            state = value.__getstate__()  # what it pickles as: a memo it keeps may be left out
            for key, item in (state if isinstance(state, dict) else vars(value)).items():
                out.append(key.encode())
                self._feed(item, out, seen, refs)
        else:
            text = repr(value)
            if " at 0x" in text:
                raise Unstable(f"no stable form for {kind.__qualname__}")
            out.append(text.encode())
        out.append(b">")

    def _sub(self, value, seen, refs) -> bytes:
        parts: list[bytes] = []
        self._feed(value, parts, seen, refs)
        return blake(parts)


class TemplateNames:
    """The context variables each template can read, itself or through the templates it
    includes, extends or imports (None: it loads a template by a computed name, so any)."""

    def __init__(self):
        self._names: dict[tuple[str, str], tuple] = {}

    def names(self, env: jinja2.Environment, name: str) -> frozenset[str] | None:
        found: set[str] = set()
        for names, referenced in self._walk(env, name):
            if referenced is None:
                return None
            found |= names
        return frozenset(found)

    def load(self, env: jinja2.Environment, name: str) -> None:
        """Compile `name` and every template it uses into `env` (before forking workers, so
        they inherit them instead of each compiling them)."""
        for _ in self._walk(env, name, load=True):
            pass

    def _walk(self, env, name, load=False):
        pending, done = [name], set()
        while pending:
            current = pending.pop()
            if current in done:
                continue
            done.add(current)
            if load:
                env.get_template(current)
            source = env.loader.get_source(env, current)[0]
            key = (current, hashlib.blake2b(source.encode()).hexdigest())
            if key not in self._names:
                self._names[key] = self._analyse(env, source)
            yield self._names[key]
            pending.extend(self._names[key][1] or [])

    @staticmethod
    def _analyse(env, source):
        tree = env.parse(source)
        referenced = list(meta.find_referenced_templates(tree))
        if any(item is None for item in referenced):
            return frozenset(), None
        return frozenset(meta.find_undeclared_variables(tree)), referenced
