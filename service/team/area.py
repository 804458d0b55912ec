"""The team's area under /redaction/ (writing room, accounts, log): one helper for its pages.

`enter(request, role)` is auth.Auth's guard (login, enabled account, role); `page()` renders a
template of templates/redaction/ with the account's menu and this session's CSRF token, with
the private headers of every team page plus a Content-Security-Policy that allows scripts,
styles and frames from the service's own origin only (and the site's stylesheet), so text
typed into an article can never run as script in a team member's browser.
"""

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from service.core.forms import FormError, read_form
from service.core.site import PRIVATE_HEADERS
from service.team.accounts import ROLES, roles_of
from service.team.login import Auth
from service.team.sessions import Session
from site_core.dates import format_datetime
from site_core.paths import MODERATION_PATH, ROOM_PATH


def content_policy(site_url: str) -> str:
    origin = urlsplit(site_url)
    site = f" {origin.scheme}://{origin.netloc}" if origin.scheme and origin.netloc else ""
    return (
        "default-src 'self'; img-src 'self' data:; "
        f"style-src 'self'{site}; script-src 'self'; frame-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
    )


def iso_datetime_fr(value: str) -> str:
    """A stored ISO time (UTC) as French text in Paris time: « 3 mars 2025 à 14 h 05 »."""
    return format_datetime(datetime.fromisoformat(value)) if value else ""


class Area:
    def __init__(self, auth: Auth, database, public_url: Callable[[], str]):
        self.auth = auth
        self.database = database
        self.public_url = public_url

    async def enter(self, request: Request, role: str):
        return await self.auth.guard(request, role)

    def page(
        self, template: str, session: Session, account, status_code: int = 200, **context
    ) -> Response:
        context.setdefault("title", "Espace rédaction")
        self.auth.site.env().filters["iso_datetime_fr"] = iso_datetime_fr
        html = self.auth.site.render(
            f"redaction/{template}",
            room=ROOM_PATH,
            moderation=MODERATION_PATH,
            site_url=self.auth.site.url,
            csrf=self.auth.sessions.csrf_token(session),
            account=account,
            roles=roles_of(account),
            role_labels=ROLES,
            **context,
        )
        headers = {
            **PRIVATE_HEADERS,
            "Content-Security-Policy": content_policy(self.auth.site.url),
        }
        return HTMLResponse(html, status_code=status_code, headers=headers)

    def error(self, session, account, status_code: int, title: str, message: str) -> Response:
        return self.page("erreur.html", session, account, status_code, title=title, error=message)

    async def form(self, request: Request, session: Session, account):
        """The posted fields, or an error page (unreadable form, CSRF token not this
        session's)."""
        try:
            form = await read_form(request)
        except FormError as error:
            return None, self.error(session, account, error.status_code, error.title, error.message)
        if not self.auth.sessions.csrf_ok(session, form.get("csrf")):
            return None, self.error(
                session,
                account,
                403,
                "Formulaire expiré",
                "Ce formulaire a expiré ou ne vient pas de cette page : rechargez la page et "
                "recommencez.",
            )
        return form, None

    async def posted(self, request: Request, role: str):
        """(session, account, form, None) for a valid POST of an account with `role`; else the
        response to send instead (login, 403, expired form)."""
        session, account, away = await self.enter(request, role)
        if away:
            return session, account, None, away
        form, refused = await self.form(request, session, account)
        return session, account, form, refused

    def absolute(self, request: Request, path: str) -> str:
        """`path` (from the site's root) as a full address, for links sent to someone."""
        base = self.public_url() or f"{request.url.scheme}://{request.url.netloc}"
        return base.rstrip("/") + path
