"""The team's old addresses: every page that was under /commentaires/moderation/ (the comments'
queue and its actions, the login and logout, the lettre's page) now lives under /redaction/,
and its old address answers with a redirect there, query kept: 301 for a GET (bookmarks, links
in old e-mails), 308 for a POST so the browser sends the form again, unchanged."""

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route

from site_core.paths import (
    COMMENTS_ENDPOINT,
    LETTRE_TEAM_PATH,
    LOGIN_PATH,
    LOGOUT_PATH,
    MODERATION_PATH,
    OLD_MODERATION_PATH,
)

# Old path (after /commentaires/moderation/) -> new address; the lettre's sub-pages follow it.
RENAMED = {"connexion": LOGIN_PATH, "deconnexion": LOGOUT_PATH, "lettre": LETTRE_TEAM_PATH}


def new_address(old: str) -> str:
    """Where `old` (a path under /commentaires/moderation/, without that prefix) went."""
    first, slash, rest = old.partition("/")
    if first in RENAMED:
        return RENAMED[first] + slash + rest
    return MODERATION_PATH + old


async def moved(request: Request) -> Response:
    target = new_address(request.path_params["old"])
    if request.url.query:
        target += "?" + request.url.query
    status = 301 if request.method in ("GET", "HEAD") else 308
    return RedirectResponse(target, status)


def mount() -> Mount:
    """For the readers' mount (/commentaires), where the old pages were."""
    path = "/" + OLD_MODERATION_PATH.removeprefix(COMMENTS_ENDPOINT).rstrip("/")
    return Mount(path, routes=[Route("/{old:path}", moved, methods=["GET", "POST"])])
