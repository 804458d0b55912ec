"""Comments: readers post them, moderators approve them, the built pages follow at once.

`setup(settings, core, area)` assembles the domain for app.py: the writer (writer.py) stores
posts and emits `comment-stored` (the moderators' notifier wakes); moderation (actions.py)
emits `comment-changed`, on which the built pages are patched (republish.py) and the search
index rewritten (search_refresh.py, which then emits `site-patched`). Its routes: the readers'
under /commentaires/, the moderation pages under /redaction/commentaires/.
"""

from dataclasses import dataclass

from starlette.routing import Mount

from service.comments.actions import Moderation
from service.comments.moderation_pages import ModerationPages
from service.comments.notifier import Notifier
from service.comments.posting import Posting
from service.comments.reader_pages import ReaderPages
from service.comments.republish import Republisher
from service.comments.search_refresh import SearchRefresher
from service.comments.settings import CommentsSettings
from service.comments.writer import CommentWriter
from service.core import Core, Domain
from service.core.events import COMMENT_CHANGED, COMMENT_STORED, Change
from service.team.area import Area
from site_core.paths import COMMENTS_ENDPOINT, TEAM_PATH


@dataclass(kw_only=True)
class CommentsDomain(Domain):
    settings: CommentsSettings
    moderation: Moderation  # what the command line's commands perform
    notifier: Notifier
    pages: ReaderPages  # the readers' error pages, the service's too


def setup(settings: CommentsSettings, core: Core, area: Area) -> CommentsDomain:
    writer = CommentWriter(core.database, core.bus)
    notifier = Notifier(settings, core.settings, core.site)
    core.bus.connect(COMMENT_STORED, lambda ids: notifier.wake())
    search = SearchRefresher(core.site, core.database, settings.search_refresh_delay, core.bus)
    if settings.republish:
        republisher = Republisher(core.site, core.database)

        def follow_up(change: Change) -> None:
            """The pages first: the search index is made from them."""
            republisher(change)
            search(change)

        core.bus.connect(COMMENT_CHANGED, follow_up)
    moderation = Moderation(core.database, core.bus)
    pages = ReaderPages(core.settings, core.site)
    posting = Posting(settings, core.settings, pages, writer)
    routes = {
        COMMENTS_ENDPOINT: posting.routes(),
        TEAM_PATH: [
            Mount("/commentaires", routes=ModerationPages(core.site, moderation, area).routes())
        ],
    }
    return CommentsDomain(
        routes=routes,
        # The writer first: it creates and migrates the database.
        workers=[writer, notifier, search],
        settings=settings,
        moderation=moderation,
        notifier=notifier,
        pages=pages,
    )
