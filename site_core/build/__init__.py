"""Faster site builds: parallel on every build, incremental through `build()`.

Parallel (any build with the `fast_build` plugin, `BUILD_WORKERS` processes, 1 = Pelican's own
sequential build): articles missing from the content cache are read and built by forked workers
(contents.py), and the article and list pages are rendered by the build process beside forked
workers (writing.py, pool.py). The output is byte-identical to a sequential build.

Incremental (`build(settings)`, used by `invoke build`, `run` and `livereload`; not yet by the
writing room's publication, which builds into a fresh staging folder): unchanged articles come
from the content cache instead of being read, pages whose inputs did not change are not
rendered (fingerprints.py), and files the previous build produced that this one does not are
deleted, so the output folder is what a clean build would write.
With `later=True` (the live preview), work a plugin hands to `defer` (the search index) is
returned for after the browsers reload instead of being done in the build.

What a plugin must do to stay correct under both
-------------------------------------------------
1. `content_object_init` (and the readers, `article_generator_preread`,
   `article_generator_context`) may run in a worker process, and not at all for an article
   restored from the cache. A handler must therefore only set attributes on the content object
   (they are cached with it, and must be picklable); anything it needs across articles it
   collects from the generator's lists later (`article_generator_finalized`,
   `all_generators_finalized`), which always run in the build process.
2. After `content_object_init`, change a content object by assigning attributes, never by
   mutating in place a list or dict it holds: changes are detected by identity.
3. Data reaches templates through the context (`generator.context[...]`) or content attributes,
   not through Jinja globals; a Jinja global or filter must be a pure function of its arguments.
   Pages are rendered once the whole batch is listed: `article_generator_write_article` may
   change the article, not the shared context.
4. `content_written` is sent from the build process for every article and list page, after the
   pages of the batch are on disk, even for a page an incremental build kept as it was. Collect
   from its `context`; do not assume the file was just rewritten. Templates render in workers:
   state a template filter records is lost.
5. A plugin writing files itself (feeds, sitemap, images…) writes each of its files in every
   build, or, if it skips an unchanged one, calls `keep(path)` for it: after an incremental
   build, a file the previous build produced and this one neither wrote nor kept is deleted.
   `unchanged(path, inputs)` tells whether the file was written from the same inputs.
"""

import copy
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from pelican import Pelican
from pelican.contents import Content
from pelican.generators import ArticlesGenerator
from pelican.plugins import signals

from site_core.build import pool
from site_core.build.contents import ArticleReading, ContentCache, all_contents
from site_core.build.fingerprints import Digester, TemplateNames, Unstable, blake
from site_core.build.keys import content_key, templates_digest
from site_core.build.speedups import fast_membership, fast_relative_paths, prepare_environment
from site_core.build.state import FILE_NAME as STATE_FILE
from site_core.build.state import SiteState, produced_files
from site_core.build.writing import BatchWriter

__all__ = ["Report", "all_contents", "build", "defer", "keep", "register", "unchanged", "workers"]

_sessions: dict[tuple[str, str], SiteState] = {}
_template_names = TemplateNames()
_current = None  # the Build of the running Pelican.run()
_pending: SiteState | None = None  # handed by build() to the next Build
_later: list | None = None  # tasks deferred by plugins, with build(later=True)


def workers(settings) -> int:
    """BUILD_WORKERS, else the processors this process may use."""
    value = settings.get("BUILD_WORKERS")
    return max(1, int(value)) if value else len(os.sched_getaffinity(0))


class Outputs:
    """Page fingerprints: the previous build's and this build's."""

    def __init__(self, output: str, previous: dict[str, bytes]):
        self.output, self.previous, self.current = output, previous, {}

    def changed(self, job, fingerprint: bytes | None) -> bool:
        name = os.path.relpath(job.path, self.output)
        if fingerprint is None:
            return True
        self.current[name] = fingerprint
        return self.previous.get(name) != fingerprint or not os.path.exists(job.path)


class Build:
    """One run of Pelican with the fast-build machinery."""

    def __init__(self, pelican, state: SiteState | None):
        self.settings = pelican.settings
        self.output = str(Path(pelican.output_path).resolve())
        self.given = os.path.abspath(pelican.output_path)  # as plugins name their files
        self.workers = workers(self.settings)
        self.state = state
        self.outputs = Outputs(self.output, state.outputs) if state else None
        self.template_names = _template_names
        self.names: dict[str, frozenset | None] = {}  # template -> variables, this build
        self.rendered: set[str] = set()
        self.pages: set[str] = set()
        self.reading: ArticleReading | None = None
        self.digester: Digester | None = None
        self.context: dict = {}
        self.kept: set[str] = set()  # files plugins kept as the previous build wrote them
        self._global = None
        for method in ("get_content", "get_summary"):  # Pelican's memo would keep every build
            Content.__dict__[method].cache.clear()

    @property
    def global_digest(self) -> bytes:
        if self._global is None:
            self._global = (self.state.key if self.state else b"") + templates_digest(self.settings)
        return self._global

    def fresh_contents(self) -> set[int]:
        """ids of the articles this build read (not restored from the content cache)."""
        if self.reading is None or self.reading.generator is None:
            return set()
        generator = self.reading.generator
        return {
            id(content)
            for content in generator.articles + generator.hidden_articles + generator.drafts
            if id(content) not in self.reading.restored
        }

    def start_articles(self, generator) -> None:
        shared = pool.Shared(settings=generator.settings, context=generator.context)
        self.digester = Digester(
            {id(generator.settings): b"<settings>", id(generator.context): b"<context>"},
            generator.context,
        )
        cache = self.state.contents if self.state else ContentCache(keep_data=False)
        self.reading = ArticleReading(cache, shared, self.digester, self.workers)
        self.reading.prefill(generator)
        generate_pages = generator.generate_pages

        def batched(writer):
            fast_membership(generator)
            if isinstance(writer, BatchWriter):
                if self.state is not None:
                    self.state.writing_pages()
                writer.batch(generate_pages)
            else:
                generate_pages(writer)

        generator.generate_pages = batched


@dataclass
class Report:
    """What `build` did, paths relative to the output folder."""

    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    pages: int = 0  # article and list pages of the site
    rendered: int = 0  # of which rendered by this build
    read: int = 0  # articles read (not from the cache)
    seconds: float = 0.0
    # With build(later=True): what plugins left for after the pages are shown (`defer`).
    deferred: list = field(default_factory=list)


def keep(path) -> None:
    """A plugin kept `path` (under OUTPUT_PATH) as the previous build wrote it: not stale."""
    if _current is None:
        return
    _current.kept.add(_output_name(_current, path))


def _output_name(current: Build, path) -> str:
    name = os.path.abspath(path)
    if name.startswith(current.given + os.sep):  # no resolving: a thousand files a build
        return name[len(current.given) + 1 :]
    return os.path.relpath(Path(path).resolve(), current.output)


def unchanged(path, inputs) -> bool:
    """For a file a plugin writes itself: True when the previous build into this output folder
    wrote `path` from the same `inputs` (contents, lists, strings…, digested as the pages'
    variables are, with the settings and the code) and it is still there; the plugin then
    calls keep(path) instead of writing it again. Always False outside an incremental build."""
    current = _current
    if current is None or current.outputs is None or current.digester is None:
        return False
    try:
        fingerprint = blake([current.global_digest, current.digester.value(inputs)])
    except Unstable:
        return False
    name = _output_name(current, path)
    current.outputs.current[name] = fingerprint
    return current.outputs.previous.get(name) == fingerprint and os.path.exists(path)


def defer(task) -> bool:
    """Leave `task()` to whoever called build(later=True) (the live preview, which reloads
    the browsers first); False in any other build, where the caller runs it at once."""
    if _later is None:
        return False
    _later.append(task)
    return True


def build(settings: dict, *, incremental: bool = True, later: bool = False) -> Report:
    """Build the site of `settings` (from pelican.settings.read_settings) into OUTPUT_PATH.

    Incremental: only what changed since the last build into that folder is read and written
    (the first build, or one after a change of settings or code, reads and writes everything),
    and files that are no longer part of the site are deleted. The output folder is then the
    same, file for file, as a clean build's. Content errors raise as in Pelican.run().
    `later`: work plugins `defer` is returned in `Report.deferred` instead of being done."""
    global _pending, _later
    start = time.perf_counter()
    register()
    # A copy: Pelican changes the settings it is given (MarkdownReader adds its extensions),
    # which would change the next build's key.
    settings = copy.deepcopy(dict(settings))
    if incremental:
        settings["DELETE_OUTPUT_DIRECTORY"] = False
    state = _session(settings) if incremental else None
    output = Path(settings["OUTPUT_PATH"])
    output.mkdir(parents=True, exist_ok=True)
    since = _probe(output)
    _pending, _later, deferred = state, [] if later else None, _later
    try:
        Pelican(settings).run()
    finally:
        _pending, _later, deferred = None, None, _later
    current = _current
    report = Report(pages=len(current.pages), rendered=len(current.rendered))
    report.deferred = deferred or []
    report.read = current.reading.to_read if current.reading else 0
    produced = produced_files(current.output, since)
    report.written = sorted(produced)
    if state is not None:
        produced |= {os.path.relpath(p, current.output) for p in current.pages}
        produced |= _static_files(current, settings) | current.kept
        report.deleted = _delete(current.output, state.produced - produced)
        state.save(set(current.reading.stamps), current.outputs.current, produced)
    report.seconds = time.perf_counter() - start
    return report


def _session(settings) -> SiteState:
    key = content_key(settings)
    where = (
        str(Path(settings["CACHE_PATH"]).resolve()),
        str(Path(settings["OUTPUT_PATH"]).resolve()),
    )
    state = _sessions.get(where)
    if state is None or state.key != key or not state.is_current():
        state = _sessions[where] = SiteState(*where, key).load()
    return state


def _probe(output: Path) -> int:
    """The file system's clock now: files written from now on have this mtime or later."""
    probe = output / f".build-probe-{os.getpid()}"
    probe.write_bytes(b"")
    try:
        return probe.stat().st_mtime_ns
    finally:
        probe.unlink()


def _static_files(current, settings) -> set[str]:
    """Static files and theme files Pelican copies only when they changed."""
    found = {item.save_as for item in current.context.get("staticfiles", [])}
    theme = Path(settings["THEME"])
    for name in settings["THEME_STATIC_PATHS"]:
        source = theme / name
        files = [source] if source.is_file() else [p for p in source.rglob("*") if p.is_file()]
        for path in files:
            relative = path.name if source.is_file() else path.relative_to(source).as_posix()
            found.add(f"{settings['THEME_STATIC_DIR']}/{relative}")
    return found


def _delete(output: str, stale: set[str]) -> list[str]:
    deleted = []
    for name in sorted(stale):
        path = Path(output, name)
        if path.is_file():
            path.unlink()
            deleted.append(name)
            folder = path.parent
            while folder != Path(output) and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent
    return deleted


def _start(pelican) -> None:
    global _current
    _current = Build(pelican, _pending)
    BatchWriter.build = _current
    if _pending is None:  # a build that keeps no state rewrites pages the state describes
        Path(pelican.settings["CACHE_PATH"], STATE_FILE).unlink(missing_ok=True)


def _environment(generator) -> None:
    prepare_environment(generator.env)


def _writer(_pelican):
    return BatchWriter


def _articles(generator) -> None:
    if isinstance(generator, ArticlesGenerator) and _current is not None:
        _current.context = generator.context
        _current.start_articles(generator)


def _read(generator) -> None:
    if _current is not None and _current.reading is not None and _current.state is not None:
        _current.reading.cache_new(generator)  # only kept by incremental builds


def register() -> None:
    """Connect the machinery to Pelican's signals (idempotent)."""
    fast_relative_paths()
    signals.initialized.connect(_start)
    signals.get_writer.connect(_writer)
    signals.generator_init.connect(_environment)
    signals.article_generator_init.connect(_articles)
    signals.article_generator_pretaxonomy.connect(_read)
