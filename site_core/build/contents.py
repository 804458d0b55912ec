"""Articles read once: in parallel on a clean build, from the content cache on a rebuild.

This fills Pelican's own generator-level cache (`CachingGenerator._cache`, keyed by source path
and checked with its file stamp, CHECK_MODIFIED_METHOD) before `generate_context` runs, so
Pelican's loop takes each article from there instead of reading it. What is cached is an
article's state once every `content_object_init` handler has run (Markdown converted, French
typography applied, questions numbered, speakers paired), without the settings and the shared
context, which are bound again to the current build's on restore. Why not the reader layer
(LOAD_CONTENT_CACHE with CONTENT_CACHING_LAYER = "reader"): it skips only Markdown, and building
the Article again with its plugins costs 0.6 ms an article (0.6 s at N = 1000, the whole budget
of a live-preview rebuild). Why not Pelican's generator layer as it stands: it pickles each
article with the whole shared context, gives back objects bound to the previous build's context
(stale links) and is never invalidated when settings or code change.

Articles missing from the cache are read by forked workers when there are enough of them
(`MIN_PARALLEL_READS`); a file a worker cannot read, or for which a plugin recorded a problem
(site_core.build_errors), is left to the build process, which reads it the normal way, so
content errors are collected and reported exactly as in a sequential build. Such a file is never
cached: the next build reads it again.
"""

import logging
from dataclasses import dataclass

from pelican.contents import Article, Content, SkipStub
from pelican.plugins import signals

from site_core import build_errors
from site_core.build import pool
from site_core.build.fingerprints import Digester, Restored, has_links

logger = logging.getLogger(__name__)

MIN_PARALLEL_READS = 48  # below this, forking costs more than it saves
READ_CHUNK = 16
# Bound again to the current build on restore, or set again by Pelican after reading.
NOT_CACHED = ("settings", "_context", "translations")


@dataclass
class Entry:
    stamp: object  # the file stamp Pelican's cache compares (mtime by default)
    data: bytes  # pickled (class, state)
    digest: bytes = b""
    links: bool = False  # the content has intrasite links ({filename}…): depends on other URLs
    state: dict | None = None  # unpickled, kept in memory between builds of one process
    kind: type | None = None


def _state(content: Content) -> dict:
    return {key: value for key, value in content.__dict__.items() if key not in NOT_CACHED}


class ContentCache:
    """The cached articles of one site (source path relative to PATH -> Entry)."""

    def __init__(self, entries: dict[str, Entry] | None = None, keep_data: bool = True):
        self.entries = entries or {}
        self.changed: set[str] = set()  # entries added this build (to save)
        self.keep_data = keep_data  # False: nothing is saved, free the pickles once read

    def snapshot(self, path: str, stamp, content: Content, shared: pool.Shared) -> Entry | None:
        try:
            data = shared.dumps((type(content), _state(content)))
        except Exception as error:  # a plugin put something unpicklable on it: never cached
            logger.debug("%s is not cached: %s", path, error)
            return None
        entry = Entry(stamp, data, links=has_links(content))
        self.entries[path] = entry
        self.changed.add(path)
        return entry

    def restore(self, path: str, generator, shared: pool.Shared, digester: Digester) -> Content:
        entry = self.entries[path]
        if entry.state is None:
            entry.kind, entry.state = shared.loads(entry.data)
            if not self.keep_data:
                entry.data = b""
        content = entry.kind.__new__(entry.kind)
        if not self.keep_data:  # a clean build: the state is this build's alone, used as it is
            content.__dict__.update(entry.state)
            entry.state = None
        else:  # one level of copies: a plugin assigning or appending must not change the cache
            values = {
                key: value.copy() if type(value) in (list, dict, set) else value
                for key, value in entry.state.items()
            }
            content.__dict__.update(values)
            digester.restored[id(content)] = (content, Restored(values, entry))
            if entry.links:
                digester.linked.add(id(content))
        content.settings = generator.settings
        content._context = generator.context
        content.translations = []
        return content


class ArticleReading:
    """Fills one ArticlesGenerator's cache before it reads, then caches what it read itself."""

    def __init__(self, cache: ContentCache, shared: pool.Shared, digester: Digester, workers):
        self.cache, self.shared, self.digester, self.workers = cache, shared, digester, workers
        self.stamps: dict[str, object] = {}
        self.restored: set[int] = set()
        self.generator = None
        self.to_read = 0  # articles not in the cache, read by workers or by Pelican

    def prefill(self, generator) -> None:
        self.generator = generator
        settings = generator.settings
        files = sorted(
            generator.get_files(settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"])
        )
        self.stamps = {path: generator._get_file_stamp(path) for path in files}
        missing = [
            path
            for path in files
            if path not in self.cache.entries or self.cache.entries[path].stamp != self.stamps[path]
        ]
        self.to_read = len(missing)
        if self.workers > 1 and len(missing) >= MIN_PARALLEL_READS:
            self._read_in_workers(missing)
        for path in files:
            entry = self.cache.entries.get(path)
            if entry is not None and entry.stamp == self.stamps[path]:
                content = self.cache.restore(path, generator, self.shared, self.digester)
                self.restored.add(id(content))
                generator._cache[path] = (entry.stamp, content)

    def _read_in_workers(self, missing: list[str]) -> None:
        chunks = pool.chunked(len(missing), self.workers, READ_CHUNK)
        pool.run(
            lambda chunk: [self._read(missing[i]) for i in chunk],
            chunks,
            self.workers,
            each=self._keep_read,
        )

    def _keep_read(self, results: list) -> None:
        """Articles a worker read, as they come (unpickled at once when not saved)."""
        for path, data, links, records in results:
            if data is None:
                continue  # read again by Pelican in this process, which reports the error
            for name, level, message in records:
                logging.getLogger(name).log(level, "%s", message)
            entry = self.cache.entries[path] = Entry(self.stamps[path], data, links=links)
            self.cache.changed.add(path)
            if not self.cache.keep_data:
                entry.kind, entry.state = self.shared.loads(data)
                entry.data = b""

    def _read(self, path: str):
        """In a worker: read and build one article, as generate_context would."""
        generator = self.generator
        with _Captured() as records:
            try:
                content = generator.readers.read_file(
                    base_path=generator.path,
                    path=path,
                    content_class=Article,
                    context=generator.context,
                    preread_signal=signals.article_generator_preread,
                    preread_sender=generator,
                    context_signal=signals.article_generator_context,
                    context_sender=generator,
                )
                if isinstance(content, SkipStub) or not content.is_valid():
                    return path, None, False, []
                if build_errors.has_problems(content.source_path):  # recorded by the parent
                    return path, None, False, []
                data = self.shared.dumps((type(content), _state(content)))
            except Exception:
                return path, None, False, []
        return path, data, has_links(content), list(records)

    def cache_new(self, generator) -> None:
        """After reading (article_generator_pretaxonomy): cache what Pelican read itself."""
        for content in all_contents(generator):
            if id(content) in self.restored or build_errors.has_problems(content.source_path):
                continue  # an article with problems is read again until they are fixed
            path = content.get_relative_source_path()
            if path not in self.stamps:
                continue
            entry = self.cache.snapshot(path, self.stamps[path], content, self.shared)
            if entry is not None:  # digested like a restored one, whose state it now is
                self.digester.restored[id(content)] = (content, Restored(_state(content), entry))
                if entry.links:
                    self.digester.linked.add(id(content))


CONTENT_LISTS = (
    "articles", "translations", "hidden_articles", "hidden_translations", "drafts",
    "drafts_translations", "pages", "hidden_pages", "draft_pages", "draft_translations",
)  # fmt: skip


def all_contents(generator) -> list[Content]:
    """Every content of an articles or pages generator: published, hidden, drafts and their
    translations."""
    return [
        content for name in CONTENT_LISTS if isinstance(getattr(generator, name, None), list)
        for content in getattr(generator, name)
    ]  # fmt: skip


class _Captured(list):
    """Log records of one read in a worker, re-emitted by the build process if it keeps it."""

    def __enter__(self):
        root = logging.getLogger()
        self._saved = root.handlers[:]
        handler = logging.Handler()
        handler.emit = lambda record: self.append(
            (record.name, record.levelno, record.getMessage())
        )
        root.handlers = [handler]
        return self

    def __exit__(self, *exc):
        logging.getLogger().handlers = self._saved
        return False
