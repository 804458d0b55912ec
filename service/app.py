"""The comment service, assembled in one place (flaskr's app factory).

`build_parts(config)` makes what the command line needs too: the built site as the service sees
it, the hooks, and the moderation actions; republishing is connected here as a hook, once.
`create_app(config)` adds the web side: the comment writer, the moderator e-mails, the reader
routes under /commentaires/ and the moderation pages under /commentaires/moderation/; with
`serve_site` the same app serves the built site at "/", so one command runs site and comments.

What happens when a comment is approved: moderation.py (the button) → actions.set_status (the
database, returning a Change) → hooks → republish.Republisher (the pages and the feed).
"""

import contextlib
import logging
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.routing import Mount

from service.comments.actions import Moderation
from service.comments.moderation_pages import ModerationPages
from service.comments.notifier import Notifier
from service.comments.posting import Posting
from service.comments.reader_pages import ReaderPages
from service.comments.republish import Republisher
from service.comments.search_refresh import SearchRefresher
from service.comments.writer import CommentWriter
from service.core.config import Config
from service.core.events import Hooks
from service.core.forms import FormError
from service.core.site import Site
from service.core.site_copy import SiteCopy
from service.core.static import SiteFiles
from service.lettre.archive import ArchiveWriter
from service.lettre.follows import Follows
from service.lettre.link_pages import LinkPages
from service.lettre.sender import Sender
from service.lettre.subscribe_pages import SubscribePages
from service.lettre.team_page import LetterTeamPage
from service.room import Room
from service.team.area import Area
from service.team.login import Auth
from site_core.paths import COMMENTS_ENDPOINT, ROOM_PATH

log = logging.getLogger(__name__)


@dataclass
class Parts:
    config: Config
    site: Site
    hooks: Hooks
    moderation: Moderation
    republisher: Republisher
    search: SearchRefresher
    copy: SiteCopy

    def public_url(self) -> str:
        """The address readers use, for links that leave the site (e-mails, cookies)."""
        return self.config.site_url or self.site.url


def build_parts(config: Config) -> Parts:
    site = Site(config.site_dir)
    hooks = Hooks()
    republisher = Republisher(site, config.database)
    search = SearchRefresher(site, config.database, config.search_refresh_delay)
    copy = SiteCopy(config)  # to another web server, if COMMENTS_PUBLISH_COPY says so
    if config.republish:
        for handler in (republisher, search, copy):
            hooks.connect(handler)
    hooks.connect_in_transaction(Follows(config, site).on_change)  # e-mails to followers
    moderation = Moderation(config.database, hooks)
    return Parts(config, site, hooks, moderation, republisher, search, copy)


def create_app(config: Config, *, serve_site: bool = False) -> Starlette:
    parts = build_parts(config)
    notifier = Notifier(config, parts.site)
    writer = CommentWriter(
        config.database,
        on_commit=notifier.wake,
        in_transaction=Follows(config, parts.site).record,
    )
    pages = ReaderPages(config, parts.site)
    posting = Posting(config, pages, writer)
    auth = Auth(config.database, config.secret_key, parts.site, parts.public_url)
    moderation = ModerationPages(parts.site, parts.moderation, auth)
    room = Room(config, parts, Area(auth, config.database, parts.public_url))  # /redaction/
    # E-mail subscriptions (issue 11): the lettre's pages and its sender.
    sender = Sender(config, parts.site, ArchiveWriter(parts.site, config.database))
    subscribe = SubscribePages(config, parts.site, on_queued=sender.wake)
    link_pages = LinkPages(subscribe, sender.composer.links)
    team = LetterTeamPage(config, parts.site, auth, sender.wake)
    # After a publication from the room: the copy to the web server, if any, then the
    # lettre announces its article at once, not at the next poll.
    if config.publish_copy:
        room.publishing.publisher.after_swap.append(("copie vers le serveur", parts.copy.copy))
    room.publishing.publisher.on_published.append(lambda jobs: sender.wake())

    @contextlib.asynccontextmanager
    async def lifespan(app):
        writer.start()  # creates and migrates the database
        notifier.start()
        parts.search.start()
        parts.copy.start()
        room.start()
        sender.start()
        try:
            yield
        finally:
            sender.stop()
            room.stop()
            parts.copy.stop()
            parts.search.stop()
            notifier.stop()
            writer.stop()

    async def http_error(request, error: HTTPException | FormError):
        return pages.error_page(error)

    async def client_gone(request, error: ClientDisconnect):
        return Response(status_code=400)  # nobody is listening any more: no page, no traceback

    async def server_error(request, error: Exception):
        log.exception("unexpected error on %s", request.url.path, exc_info=error)
        return pages.error_page(
            HTTPException(
                500,
                "Le service de commentaires a rencontré une erreur imprévue. Votre commentaire "
                "n’a pas été enregistré : revenez à l’article et renvoyez-le dans un instant.",
            )
        )

    service = [
        *posting.routes(),
        *subscribe.routes(),
        *link_pages.routes(),
        Mount("/moderation", routes=[*team.routes(), *moderation.routes()]),
    ]
    routes = [
        Mount(COMMENTS_ENDPOINT.rstrip("/"), routes=service),
        Mount(ROOM_PATH.rstrip("/"), routes=room.routes()),
    ]
    if serve_site:
        routes.append(Mount("/", SiteFiles(directory=config.site_dir, html=True, check_dir=False)))
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            HTTPException: http_error,
            FormError: http_error,
            ClientDisconnect: client_gone,
            Exception: server_error,
        },
    )
    app.state.parts = parts
    app.state.notifier = notifier  # tests wake it instead of waiting for its poll
    app.state.room = room
    app.state.sender = sender
    return app
