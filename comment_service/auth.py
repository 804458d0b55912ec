"""Who is logged in: the one place the moderation routes ask, and the login and logout pages.

Accounts are in accounts.py; sessions and login throttling (both in the database) in
sessions.py.
"""

from collections.abc import Callable
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from site_core import db
from site_core.paths import MODERATION_PATH

from .accounts import authenticate
from .forms import FormError, read_form
from .sessions import SESSION_COOKIE, SESSION_MAX_AGE, LoginThrottle, Session, Sessions
from .site import PRIVATE_HEADERS, Site


class Auth:
    """Who is logged in, the session cookie, CSRF checks, and the login and logout routes."""

    def __init__(self, database: Path, secret_key: str, site: Site, public_url: Callable[[], str]):
        self.database = database
        self.site = site
        self.public_url = public_url
        self.sessions = Sessions(secret_key)
        self.throttle = LoginThrottle(secret_key)

    def read(self, function, *args):
        """`function(conn, *args)` with a fresh connection, off the event loop."""

        def call():
            conn = db.connect(self.database)
            try:
                return function(conn, *args)
            finally:
                conn.close()

        return run_in_threadpool(call)

    async def session(self, request: Request) -> tuple[Session, bool]:
        """The request's session, and whether it is new (its cookie must be set)."""
        cookie = request.cookies.get(SESSION_COOKIE)
        session = await self.read(self.sessions.from_cookie, cookie) if cookie else None
        return (session, False) if session else (self.sessions.anonymous(), True)

    def moderator(self, conn, session: Session):
        if not session.username:
            return None
        return conn.execute(
            "SELECT * FROM moderators WHERE username = ?", (session.username,)
        ).fetchone()

    def set_cookie(self, response: Response, session: Session) -> Response:
        response.set_cookie(
            SESSION_COOKIE,
            self.sessions.cookie(session),
            max_age=SESSION_MAX_AGE,
            path=MODERATION_PATH.rstrip("/"),
            httponly=True,
            samesite="lax",
            secure=self.public_url().startswith("https://"),
        )
        return response

    def render(self, template: str, session: Session, status_code=200, **context) -> Response:
        """A page of the team's area, with this session's CSRF token."""
        html = self.site.render(
            f"moderation/{template}",
            base=MODERATION_PATH,
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

    async def posted(self, request: Request):
        """(session, moderator row, form, None) for a team member's POST with a valid CSRF
        token, or (…, a response: log in first, or the refusal) to return as it is."""
        session, moderator, away = await self.guard(request)
        if away:
            return session, None, None, away
        form, refused = await self.form(request, session)
        return session, moderator, form, refused

    async def guard(self, request: Request):
        """(session, moderator row, None), or a response sending the visitor to log in."""
        session, _ = await self.session(request)
        moderator = await self.read(self.moderator, session)
        if moderator is None:
            return session, None, RedirectResponse(MODERATION_PATH + "connexion", 303)
        return session, moderator, None

    async def login_page(self, request: Request) -> Response:
        session, new = await self.session(request)
        if session.username:  # already logged in (e.g. a link opened from a webmail)
            return RedirectResponse(MODERATION_PATH, 303)
        logged_out = "deconnecte" in request.query_params
        response = self.render(
            "login.html",
            session,
            title="Connexion",
            username="",
            message="Vous êtes déconnecté." if logged_out else "",
        )
        return self.set_cookie(response, session) if new else response

    async def login(self, request: Request) -> Response:
        session, _ = await self.session(request)
        form, refused = await self.form(request, session)
        if refused:
            return self.set_cookie(refused, session)
        username = form.get("identifiant").strip()[:200]
        password = form.get("mot_de_passe")
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

        wait, opened = await self.read(attempt)
        if wait:
            minutes = max(1, round(wait / 60))
            response = self.render(
                "login.html",
                session,
                429,
                title="Connexion",
                username=username,
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
                error="Identifiant ou mot de passe incorrect.",
            )
        return self.set_cookie(RedirectResponse(MODERATION_PATH, 303), opened)

    async def logout(self, request: Request) -> Response:
        session, _ = await self.session(request)
        _, refused = await self.form(request, session)
        if refused:
            return refused
        await self.read(self.sessions.close, session)
        response = RedirectResponse(MODERATION_PATH + "connexion?deconnecte=1", 303)
        return self.set_cookie(response, self.sessions.anonymous())

    def routes(self) -> list[Route]:
        return [
            Route("/connexion", self.login_page, methods=["GET"]),
            Route("/connexion", self.login, methods=["POST"]),
            Route("/deconnexion", self.logout, methods=["POST"]),
        ]
