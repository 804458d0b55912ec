"""Site search: a Pagefind index of the built site, written after every build.

Pagefind (the `pagefind[bin]` package: a Rust binary in a Python wheel) reads the written HTML
and produces a static, chunked index that the « Rechercher » page queries in the browser
(theme/static/js/recherche.js): no server, no request to another host, and a browser fetches
only the chunks a query needs.

What is indexed is decided by the templates: only elements marked `data-pagefind-body` (the
article and page templates set it for published content only) are read, so list pages, drafts,
hidden articles, the 404, the search page and the comment shell are left out; `nav`, `footer`
and `form` elements and anything marked `data-pagefind-ignore` are skipped. Thème and
intervenant are `data-pagefind-filter`s, thème and date `data-pagefind-meta`.

`SEARCH_INDEX = False` builds the site without its index: the writing room's previews, whose
frames run no script, so could not search (a third of a preview's build at 1,000 articles).

The indexing itself is `site_core.search_index.write_index`, which the comment service also
calls after it patches pages.
"""

import logging
import time
from functools import partial
from pathlib import Path

from pelican import signals

from site_core.build import defer, keep
from site_core.locks import site_lock
from site_core.search_index import DEFAULT_BUNDLE, write_index

logger = logging.getLogger(__name__)


class _Build:
    """The article and page files written by the current build: the only ones that may be
    indexed (the templates decide which are), so Pagefind need not read the list pages, about
    as many again (at 1,000 articles: 1,005 files instead of 1,774, a third of its time)."""

    pages: list[str] = []


def _start(_pelican) -> None:
    _Build.pages = []


def _record(path, context=None) -> None:
    if context and ("article" in context or "page" in context) and str(path).endswith(".html"):
        _Build.pages.append(path)


def index_site(pelican) -> None:
    """finalized handler: every build (`invoke build`, livereload, publish) ends indexed; the
    live preview indexes once the browsers reloaded (site_core.build.defer), and keeps the
    previous index meanwhile."""
    settings, output = pelican.settings, pelican.output_path
    if not settings.get("SEARCH_INDEX", True):
        return
    bundle = settings.get("SEARCH_BUNDLE", DEFAULT_BUNDLE)
    task = partial(_index, settings, output, bundle, list(_Build.pages))
    if defer(task):
        for path in Path(output, bundle).rglob("*"):
            if path.is_file():
                keep(path)
    else:
        task()


def _index(settings, output, bundle: str, pages: list[str]) -> None:
    started = time.perf_counter()
    # Under the site lock: the comment service re-indexes the same folder after moderation.
    with site_lock(settings.get("COMMENTS_DB") or Path(output) / "index.db"):
        count = write_index(output, bundle, pages)
    logger.info("Recherche : %d pages indexées en %.1f s", count, time.perf_counter() - started)


def register():
    signals.initialized.connect(_start)
    signals.content_written.connect(_record)
    signals.finalized.connect(index_site)
