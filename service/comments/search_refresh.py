"""Keeps the site's search index in step with the comments the service publishes.

Approved comments are searchable as part of their article (plugins/search indexes the article
pages, comments included). After a moderation action changes a page, this hook rewrites the
index (site_core.search_index, the build's own function), debounced: one rewrite for a burst
of approvals, in a background thread, never in the moderator's request. About 0.3 s of CPU at
1,000 articles, plus Pagefind's own process. A site built without search is left alone.
"""

import logging
from pathlib import Path

from service.core.events import Change
from service.core.site import Site
from service.core.workers import DebouncedWorker
from site_core.locks import site_lock
from site_core.search_index import DEFAULT_BUNDLE, SearchIndexError, write_index

log = logging.getLogger(__name__)


class SearchRefresher(DebouncedWorker):
    name = "search-refresh"

    def __init__(self, site: Site, database: Path, delay: float):
        super().__init__(Path(database), delay)
        self.site = site

    def wanted(self, change: Change) -> bool:
        return bool(change.articles) and (self.site.dir / DEFAULT_BUNDLE).is_dir()

    def refresh(self) -> None:
        try:
            with site_lock(self.database):
                write_index(self.site.dir)
        except (OSError, SearchIndexError):
            log.exception("the search index could not be refreshed (the next build will)")
