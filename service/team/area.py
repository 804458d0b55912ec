"""How a page of the team's area is drawn: one renderer for every team page (articles, images,
publications, comments, lettre, accounts, log, login).

`page()` renders a template (of templates/redaction/ unless it names its folder) with the
account's menu, the area's addresses and this session's CSRF token, and the private headers of
every team page plus a Content-Security-Policy that allows scripts, styles and frames from the
service's own origin only (and the site's stylesheet), so text typed into an article or a
comment can never run as script in a team member's browser. Who may see a page is decided
before, by guard.py.
"""

from datetime import datetime
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from service.core.site import PRIVATE_HEADERS, Site
from service.team.accounts import ROLES, roles_of
from service.team.sessions import Session, Sessions
from site_core.dates import format_datetime, format_datetime_seconds
from site_core.paths import LETTRE_TEAM_PATH, LOGIN_PATH, LOGOUT_PATH, MODERATION_PATH, TEAM_PATH

# The area's addresses as the templates name them.
ADDRESSES = {
    "room": TEAM_PATH,
    "moderation": MODERATION_PATH,
    "lettre": LETTRE_TEAM_PATH,
    "login": LOGIN_PATH,
    "logout": LOGOUT_PATH,
}


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


def iso_seconds_fr(value: str) -> str:
    """The same to the second, « 3 mars 2025 à 14 h 05 min 37 s », for histories."""
    return format_datetime_seconds(datetime.fromisoformat(value)) if value else ""


class Area:
    def __init__(self, site: Site, sessions: Sessions, database):
        self.site = site
        self.sessions = sessions
        self.database = database

    def page(
        self, template: str, session: Session, account, status_code: int = 200, **context
    ) -> Response:
        context.setdefault("title", "Espace rédaction")
        self.site.env().filters["iso_datetime_fr"] = iso_datetime_fr
        self.site.env().filters["iso_seconds_fr"] = iso_seconds_fr
        html = self.site.render(
            template if "/" in template else f"redaction/{template}",
            **ADDRESSES,
            site_url=self.site.url,
            csrf=self.sessions.csrf_token(session),
            account=account,
            roles=roles_of(account),
            role_labels=ROLES,
            **context,
        )
        headers = {**PRIVATE_HEADERS, "Content-Security-Policy": content_policy(self.site.url)}
        return HTMLResponse(html, status_code=status_code, headers=headers)

    def error(self, session, account, status_code: int, title: str, message: str) -> Response:
        return self.page("erreur.html", session, account, status_code, title=title, error=message)

    def absolute(self, request: Request, path: str) -> str:
        """`path` (from the site's root) as a full address, for links sent to someone."""
        base = self.site.public_url() or f"{request.url.scheme}://{request.url.netloc}"
        return base.rstrip("/") + path
