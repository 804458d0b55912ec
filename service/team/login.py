"""Who is logged in: the one place the team's routes ask, and the login and logout pages.

Accounts and their roles are in accounts.py; sessions and login throttling (both in the
database) in sessions.py. `guard(request, role)` lets in an enabled account with that role:
moderation pages need « modération », the writing room (/redaction/) « rédaction », the team's
accounts « administration ». The session cookie is set for both areas' paths.
"""

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from service.core import db
from service.core.forms import FormError, read_form
from service.core.site import PRIVATE_HEADERS, Site
from service.team import accounts
from service.team.accounts import MODERATION, ROLES, authenticate, roles_of
from service.team.sessions import SESSION_COOKIE, SESSION_MAX_AGE, LoginThrottle, Session, Sessions
from site_core.paths import MODERATION_PATH, ROOM_PATH

# One session, sent to the moderation pages and to the room: the same signed value under a
# name per path (httpx and some browsers' tools cannot hold one name at two paths).
COOKIES = ((SESSION_COOKIE, MODERATION_PATH.rstrip("/")), ("redaction", ROOM_PATH.rstrip("/")))


class Auth:
    """Who is logged in, the session cookie, CSRF checks, and the login and logout routes."""

    def __init__(self, database: Path, secret_key: str, site: Site, public_url: Callable[[], str]):
        self.database = database
        self.site = site
        self.public_url = public_url
        self.sessions = Sessions(secret_key)
        self.throttle = LoginThrottle(secret_key)

    async def session(self, request: Request) -> tuple[Session, bool]:
        """The request's session, and whether it is new (its cookie must be set)."""
        cookie = next(filter(None, (request.cookies.get(name) for name, _ in COOKIES)), None)
        session = None
        if cookie:
            session = await db.run(self.database, self.sessions.from_cookie, cookie, write=False)
        return (session, False) if session else (self.sessions.anonymous(), True)

    async def account(self, session: Session):
        """The account row of a logged-in session (None when anonymous)."""
        if not session.username:
            return None
        return await db.run(self.database, accounts.find, session.username, write=False)

    def set_cookie(self, response: Response, session: Session) -> Response:
        value = self.sessions.cookie(session)
        for name, path in COOKIES:
            response.set_cookie(
                name,
                value,
                max_age=SESSION_MAX_AGE,
                path=path,
                httponly=True,
                samesite="lax",
                secure=self.public_url().startswith("https://"),
            )
        return response

    def render(self, template: str, session: Session, status_code=200, **context) -> Response:
        """A page of the team's area, with this session's CSRF token (`template` in
        moderation/ unless it names its folder)."""
        html = self.site.render(
            template if "/" in template else f"moderation/{template}",
            base=MODERATION_PATH,
            room=ROOM_PATH,
            site_url=self.site.url,
            csrf=self.sessions.csrf_token(session),
            **context,
        )
        return HTMLResponse(html, status_code=status_code, headers=PRIVATE_HEADERS)

    async def form(self, request: Request, session: Session):
        """The posted form, or a French error page: unreadable, or its CSRF token is not this
        session's (403)."""
        try:
            form = await read_form(request)
        except FormError as error:
            return {}, self.render(
                "error.html", session, error.status_code, title=error.title, error=error.message
            )
        if not self.sessions.csrf_ok(session, form.get("csrf")):
            return form, self.render(
                "error.html",
                session,
                403,
                title="Formulaire expiré",
                error="Ce formulaire a expiré ou ne vient pas de cette page : rechargez la page "
                "et recommencez.",
            )
        return form, None

    async def posted(self, request: Request, role: str | tuple[str, ...] = MODERATION):
        """(session, account row, form, None) for a POST by an account with `role` and a valid
        CSRF token, or (…, a response: log in first, or the refusal) to return as it is."""
        session, account, away = await self.guard(request, role)
        if away:
            return session, None, None, away
        form, refused = await self.form(request, session)
        return session, account, form, refused

    async def guard(self, request: Request, role: str | tuple[str, ...] = MODERATION):
        """(session, account row, None) for an enabled account with `role` (or one of
        them); else a response sending the visitor to log in (back to this page of the room
        afterwards), or a 403."""
        wanted = (role,) if isinstance(role, str) else role
        session, _ = await self.session(request)
        account = await self.account(session)
        if not roles_of(account):
            path = request.url.path
            after = f"?{urlencode({'suite': path})}" if path.startswith(ROOM_PATH) else ""
            return session, None, RedirectResponse(f"{MODERATION_PATH}connexion{after}", 303)
        if not roles_of(account) & set(wanted):
            forbidden = self.render(
                "redaction/interdit.html",
                session,
                403,
                title="Accès réservé",
                account=account,
                roles=roles_of(account),
                role_label=" » ou « ".join(ROLES[each] for each in wanted),
                moderation=MODERATION_PATH,
            )
            return session, account, forbidden
        return session, account, None

    @staticmethod
    def landing(account, wanted: str = "") -> str:
        """Where to go after login: `wanted` if it is a page of ours, else the account's area."""
        wanted = wanted or ""
        if (
            wanted.startswith((ROOM_PATH, MODERATION_PATH))
            and len(wanted) < 500
            and not any(mark in wanted for mark in ("//", "\\", "\r", "\n"))
        ):
            return wanted
        return MODERATION_PATH if MODERATION in roles_of(account) else ROOM_PATH

    async def login_page(self, request: Request) -> Response:
        session, new = await self.session(request)
        wanted = request.query_params.get("suite", "")
        if session.username:  # already logged in (e.g. a link opened from a webmail)
            account = await self.account(session)
            return RedirectResponse(self.landing(account, wanted), 303)
        logged_out = "deconnecte" in request.query_params
        response = self.render(
            "login.html",
            session,
            title="Connexion",
            username="",
            suite=wanted,
            message="Vous êtes déconnecté." if logged_out else "",
        )
        return self.set_cookie(response, session) if new else response

    async def check_login(self, request: Request, username: str, password: str):
        """(seconds to wait, None) when throttled; else (0, logged-in session or None)."""
        ip = request.client.host if request.client else ""

        def attempt(conn):
            wait = self.throttle.retry_after(conn, username, ip)
            if wait:
                return wait, None
            moderator = authenticate(conn, username, password)
            if moderator is None:
                self.throttle.failure(conn, username, ip)
                return 0, None
            self.throttle.success(conn, username, ip)
            return 0, self.sessions.open(conn, moderator["username"])

        # Each statement commits on its own: argon2's check must not hold the write lock.
        return await db.run(self.database, attempt, write=False)

    async def login(self, request: Request) -> Response:
        session, _ = await self.session(request)
        form, refused = await self.form(request, session)
        if refused:
            return self.set_cookie(refused, session)
        username = form.get("identifiant").strip()[:200]
        wanted = form.get("suite")
        wait, opened = await self.check_login(request, username, form.get("mot_de_passe"))
        if wait:
            minutes = max(1, round(wait / 60))
            response = self.render(
                "login.html",
                session,
                429,
                title="Connexion",
                username=username,
                suite=wanted,
                error=f"Trop de tentatives de connexion : réessayez dans {minutes} min.",
            )
            response.headers["Retry-After"] = str(int(wait) + 1)
            return response
        if opened is None:
            return self.render(
                "login.html",
                session,
                401,
                title="Connexion",
                username=username,
                suite=wanted,
                error="Identifiant ou mot de passe incorrect.",
            )
        account = await self.account(opened)
        return self.set_cookie(RedirectResponse(self.landing(account, wanted), 303), opened)

    async def logout(self, request: Request) -> Response:
        session, _ = await self.session(request)
        _, refused = await self.form(request, session)
        if refused:
            return refused
        await db.run(self.database, self.sessions.close, session, write=True)
        response = RedirectResponse(MODERATION_PATH + "connexion?deconnecte=1", 303)
        return self.set_cookie(response, self.sessions.anonymous())

    def routes(self) -> list[Route]:
        return [
            Route("/connexion", self.login_page, methods=["GET"]),
            Route("/connexion", self.login, methods=["POST"]),
            Route("/deconnexion", self.logout, methods=["POST"]),
        ]
