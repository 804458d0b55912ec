"""The comment service as one Starlette application.

Service routes live under /commentaires/ (pelicanconf COMMENTS_ENDPOINT); with `serve_site` the
same app serves the built site at "/", so one command runs site and comments together.
"""

import contextlib
import importlib
import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from . import db
from .config import Config
from .notifications import Notifier
from .posting import Posting
from .templating import Shell, make_env
from .writer import CommentWriter

log = logging.getLogger(__name__)


def _moderation_routes() -> list:
    try:
        module = importlib.import_module("comment_service.moderation")
    except ModuleNotFoundError as error:
        if error.name != "comment_service.moderation":
            raise
        return []
    return list(module.moderation_routes())


def create_app(config: Config, *, serve_site: bool = False) -> Starlette:
    notifier = Notifier(config)
    writer = CommentWriter(config.database, on_commit=notifier.wake)
    posting = Posting(config, make_env(config), Shell(config.site_dir), writer)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        writer.start()  # creates and migrates the database
        posting.reader = db.connect(config.database)
        notifier.start()
        try:
            yield
        finally:
            notifier.stop()
            writer.stop()
            posting.reader.close()

    async def http_error(request, error: HTTPException):
        return posting.error_page(error)

    async def server_error(request, error: Exception):
        log.exception("unexpected error on %s", request.url.path, exc_info=error)
        return posting.error_page(
            HTTPException(
                500,
                "Le service de commentaires a rencontré une erreur imprévue. Votre commentaire "
                "n’a pas été enregistré : revenez à l’article et renvoyez-le dans un instant.",
            )
        )

    service = posting.routes()
    if moderation := _moderation_routes():
        service.append(Mount("/moderation", routes=moderation))
    routes = [Mount("/commentaires", routes=service)]
    if serve_site:
        routes.append(
            Mount("/", StaticFiles(directory=config.site_dir, html=True, check_dir=False))
        )
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error, Exception: server_error},
    )
    app.state.config = config
    app.state.posting = posting
    app.state.notifier = notifier
    return app
