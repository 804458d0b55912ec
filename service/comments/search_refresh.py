"""Keeps the site's search index in step with the comments the service publishes.

Approved comments are searchable as part of their article (plugins/search indexes the article
pages, comments included). After a moderation action changes a page, this handler rewrites the
index (site_core.search_index, the build's own function), debounced: one rewrite for a burst
of approvals, in a background thread, never in the moderator's request. About 0.3 s of CPU at
1,000 articles, plus Pagefind's own process. A site built without search has no index to
rewrite. Then the public folder is complete, and it says so: event `site-patched` (the room's
copy to another web server waits for it).
"""

import logging
from pathlib import Path

from service.core.events import SITE_PATCHED, Bus, Change
from service.core.site import Site
from service.core.workers import DebouncedWorker
from site_core.locks import site_lock
from site_core.search_index import DEFAULT_BUNDLE, SearchIndexError, write_index

log = logging.getLogger(__name__)


class SearchRefresher(DebouncedWorker):
    name = "search-refresh"

    def __init__(self, site: Site, database: Path, delay: float, bus: Bus):
        super().__init__(Path(database), delay)
        self.site = site
        self.bus = bus

    def wanted(self, change: Change) -> bool:
        return bool(change.articles)

    def refresh(self) -> None:
        if (self.site.dir / DEFAULT_BUNDLE).is_dir():
            try:
                with site_lock(self.database):
                    write_index(self.site.dir)
            except (OSError, SearchIndexError):
                log.exception("the search index could not be refreshed (the next build will)")
        self.bus.emit(SITE_PATCHED, self)
