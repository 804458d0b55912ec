"""The service, assembled in one place (flaskr's app factory).

`assemble(settings)` calls each domain's `setup()` once, in the order they depend on each
other: the core (shared settings, the event bus, the built site), the team (the guard and the
team area's pages), then the comments, the lettre and the room, each handed its own settings,
the core and the team area;
each connects its handlers to the bus (core/events.py lists the events) and returns its routes
and background workers. The command line uses these parts as they are (cli.py); `create_app`
adds the web: the routes mounted, the workers started and stopped with the server, the error
pages. Readers' routes go under /commentaires/, every team page under /redaction/, bound to
the guard (team/guard.py), which refuses a route that declares no role; with `serve_site` the
same app serves the built site at "/", so one command runs site and service.

What happens when a comment is approved: comments/moderation_pages.py (the button) →
comments/actions.py (the database, returning a Change) → `comment-changed` →
comments/republish.py (the pages and the feed), then comments/search_refresh.py.
"""

import contextlib
import logging
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.routing import Mount

from service import comments, core, lettre, room, team
from service.comments import store as comment_store
from service.core.forms import FormError
from service.core.static import SiteFiles
from service.settings import Settings
from service.team import moved
from site_core.paths import COMMENTS_ENDPOINT, TEAM_PATH

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Parts:
    core: core.Core
    team: team.TeamDomain
    comments: comments.CommentsDomain
    lettre: lettre.LettreDomain
    room: room.RoomDomain

    def routes(self, path: str) -> list:
        """Every domain's routes under `path`; the room's last (its /{folder}/{name}/ would
        take the others' addresses)."""
        domains = (self.team, self.lettre, self.comments, self.room)
        unknown = {key for domain in domains for key in domain.routes} - set(PATHS)
        if unknown:
            raise ValueError(f"routes under {unknown}: app.py mounts no such path")
        return [route for domain in domains for route in domain.routes.get(path, [])]

    def workers(self) -> list:
        """Started in this order (the comments' writer makes the database), stopped in
        reverse."""
        return [*self.comments.workers, *self.room.workers, *self.lettre.workers]


PATHS = (COMMENTS_ENDPOINT, TEAM_PATH)  # where domains put routes: readers', the team's


def assemble(settings: Settings) -> Parts:
    shared = core.setup(settings.core)
    guard = team.setup(shared)
    return Parts(
        shared,
        guard,
        comments.setup(settings.comments, shared, guard.area),
        # The lettre reads comments through the comments domain's reader, not its own SQL.
        lettre.setup(settings.lettre, shared, guard.area, comment_store.snapshot),
        room.setup(settings.room, shared, guard.area, comment_store.pending_by_article),
    )


def create_app(settings: Settings, *, serve_site: bool = False) -> Starlette:
    parts = assemble(settings)
    pages = parts.comments.pages

    @contextlib.asynccontextmanager
    async def lifespan(app):
        started = []
        try:
            for worker in parts.workers():
                worker.start()
                started.append(worker)
            yield
        finally:
            for worker in reversed(started):
                worker.stop()

    async def http_error(request, error: HTTPException | FormError):
        return pages.error_page(error)

    async def client_gone(request, error: ClientDisconnect):
        return Response(status_code=400)  # nobody is listening any more: no page, no traceback

    async def server_error(request, error: Exception):
        log.exception("unexpected error on %s", request.url.path, exc_info=error)
        return pages.error_page(
            HTTPException(
                500,
                "Le service a rencontré une erreur imprévue : votre demande n’a pas abouti. "
                "Revenez à la page précédente (bouton Retour), où ce que vous aviez écrit est "
                "encore, et réessayez dans un instant.",
            )
        )

    readers = [*parts.routes(COMMENTS_ENDPOINT), moved.mount()]
    routes = [
        Mount(COMMENTS_ENDPOINT.rstrip("/"), routes=readers),
        Mount(TEAM_PATH.rstrip("/"), routes=parts.team.guard.bind(parts.routes(TEAM_PATH))),
    ]
    if serve_site:
        routes.append(
            Mount("/", SiteFiles(directory=settings.core.site_dir, html=True, check_dir=False))
        )
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
    app.state.parts = parts  # tests wake its workers instead of waiting for their polls
    return app
