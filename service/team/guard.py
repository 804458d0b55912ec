"""Where roles are checked: the one door of the team's area (/redaction/).

Every team page declares what it needs in its route table: `Route("/…", requires(REDACTION)(
handler))` (any one of several roles: `requires(A, B)`), or `public(handler)` for the few pages
anyone may open (login, logout, a one-time password link). When app.py mounts the area,
`Guard.bind` turns the declarations into endpoints and refuses a route that declares nothing,
so no page can forget its guard. Then, for each request, the guard alone:

- resolves the session cookie → the account → its roles: someone not logged in is sent to the
  login page (`suite=` brings them back), an account without the role gets a French 403 page;
- reads a POST's form and checks its CSRF token, once: a token that is not this session's is
  the « Formulaire expiré » page, unless the route answers it itself (`stale=`: the editor
  shows its form again, filled);
- calls the handler with a `Visit`, and sends the session's cookie with the answer when the
  session is new.

Route options: `read=` reads the body another way (the uploads: multipart, its size limits
checked before the body is read); `relogin=True` answers a POST whose session has ended with
the login form carrying every posted field, and goes on once logged in again (relogin.py).
"""

import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from service.core import db
from service.core.forms import FormError, read_form
from service.team import accounts
from service.team.accounts import ROLES, roles_of
from service.team.area import Area
from service.team.relogin import Relogin
from service.team.sessions import SESSION_COOKIE, SESSION_MAX_AGE, LoginThrottle, Session
from site_core.paths import LOGIN_PATH, MODERATION_PATH, TEAM_PATH


@dataclass(frozen=True)
class Visit:
    """A request the guard let in: who is there, and what they posted (CSRF checked)."""

    request: Request
    session: Session
    account: sqlite3.Row | None  # None only on a public page, for someone not logged in
    form: Any = None  # a POST's fields (forms.PostedForm, or what the route's `read` gives)
    new_session: bool = False  # its cookie goes with the answer

    @property
    def roles(self) -> set[str]:
        return roles_of(self.account)


Handler = Callable[[Visit], Awaitable[Response]]
Reader = Callable[[Request], Awaitable[Any]]


@dataclass(frozen=True)
class Rule:
    roles: tuple[str, ...]  # any one of them lets in; none: a public page
    read: Reader = read_form
    stale: Handler | None = None
    relogin: bool = False


@dataclass(frozen=True)
class Declared:
    """A handler with its rule, as a page's route table gives it: not yet an endpoint."""

    handler: Handler
    rule: Rule


def requires(
    *roles: str, read: Reader = read_form, stale: Handler | None = None, relogin: bool = False
) -> Callable[[Handler], Declared]:
    """The page needs one of `roles` (see the module's docstring for the options)."""
    if not roles or not set(roles) <= set(ROLES):
        raise ValueError(f"requires() takes roles of {sorted(ROLES)}; an open page is public()")
    rule = Rule(roles, read, stale, relogin)
    return lambda handler: Declared(handler, rule)


def public(handler: Handler) -> Declared:
    """A page anyone may open; its POSTs still need this session's CSRF token."""
    return Declared(handler, Rule(()))


class Guarded:
    """A declared page as an endpoint of the area (an ASGI app, so the route keeps its rule)."""

    def __init__(self, guard: "Guard", declared: Declared):
        self.guard = guard
        self.handler = declared.handler
        self.rule = declared.rule

    async def __call__(self, scope, receive, send) -> None:
        request = Request(scope, receive, send)
        response = await self.guard.answer(request, self.rule, self.handler)
        await response(scope, receive, send)


class Guard:
    def __init__(self, area: Area, throttle: LoginThrottle):
        self.area = area
        self.sessions = area.sessions
        self.throttle = throttle
        self.relogin = Relogin(self)

    def bind(self, routes: list[BaseRoute]) -> list[BaseRoute]:
        """The area's routes with the guard in front of each; a route declaring nothing is a
        mistake, refused here rather than served open."""
        bound: list[BaseRoute] = []
        for route in routes:
            if isinstance(route, Mount) and isinstance(route.app, StaticFiles):
                bound.append(route)  # the area's own styles and scripts
            elif isinstance(route, Mount):
                bound.append(Mount(route.path, routes=self.bind(route.routes), name=route.name))
            elif isinstance(route, Route) and isinstance(route.endpoint, Declared):
                endpoint = Guarded(self, route.endpoint)
                bound.append(Route(route.path, endpoint, methods=route.methods, name=route.name))
            else:
                path = getattr(route, "path", route)
                raise TypeError(f"{path}: a team page declares its role (requires) or public()")
        return bound

    # --- who is there ----------------------------------------------------------------------

    async def session(self, request: Request) -> tuple[Session, bool]:
        """The request's session, and whether it is new (its cookie must be set)."""
        cookie = request.cookies.get(SESSION_COOKIE)
        session = None
        if cookie:
            session = await db.run(
                self.area.database, self.sessions.from_cookie, cookie, write=False
            )
        return (session, False) if session else (self.sessions.anonymous(), True)

    async def account(self, session: Session) -> sqlite3.Row | None:
        """The account row of a logged-in session (None when anonymous)."""
        if not session.username:
            return None
        return await db.run(self.area.database, accounts.find, session.username, write=False)

    def set_cookie(self, response: Response, session: Session) -> Response:
        response.set_cookie(
            SESSION_COOKIE,
            self.sessions.cookie(session),
            max_age=SESSION_MAX_AGE,
            path=TEAM_PATH.rstrip("/"),
            httponly=True,
            samesite="lax",
            secure=self.area.site.public_url().startswith("https://"),
        )
        return response

    async def log_in(self, request: Request, username: str, password: str):
        """(seconds to wait, None) when throttled; else (0, a new logged-in session or None)."""
        ip = request.client.host if request.client else ""

        def attempt(conn):
            wait = self.throttle.retry_after(conn, username, ip)
            if wait:
                return wait, None
            account = accounts.authenticate(conn, username, password)
            if account is None:
                self.throttle.failure(conn, username, ip)
                return 0, None
            self.throttle.success(conn, username, ip)
            return 0, self.sessions.open(conn, account["username"])

        # Each statement commits on its own: argon2's check must not hold the write lock.
        return await db.run(self.area.database, attempt, write=False)

    @staticmethod
    def login_refused(wait: float) -> tuple[int, str]:
        """The status and French reason of a refused login: throttled (`wait` seconds), or a
        wrong identifier or password (never saying which)."""
        if wait:
            minutes = max(1, round(wait / 60))
            return 429, f"Trop de tentatives de connexion : réessayez dans {minutes} min."
        return 401, "Identifiant ou mot de passe incorrect."

    # --- the door --------------------------------------------------------------------------

    async def answer(self, request: Request, rule: Rule, handler: Handler) -> Response:
        session, new = await self.session(request)
        account = await self.account(session)
        posting = request.method not in ("GET", "HEAD")
        if rule.roles and not roles_of(account):
            if posting and rule.relogin:
                return await self._relogin(request, rule, handler, session, new)
            return self.to_login(request)
        if rule.roles and not roles_of(account) & set(rule.roles):
            return self.forbidden(session, account, rule.roles)
        form = None
        if posting:
            try:
                form = await rule.read(request)
            except FormError as error:
                refused = self.area.error(
                    session, account, error.status_code, error.title, error.message
                )
                return self.keep(refused, session, new)
            if not self.sessions.csrf_ok(session, form.get("csrf")):
                if rule.stale is None:
                    return self.keep(self.expired(session, account), session, new)
                handler = rule.stale
        return await self.call(handler, Visit(request, session, account, form, new))

    async def call(self, handler: Handler, visit: Visit) -> Response:
        response = await handler(visit)
        if "set-cookie" in response.headers:  # the handler chose the session (login, logout)
            return response
        return self.keep(response, visit.session, visit.new_session)

    def keep(self, response: Response, session: Session, new: bool) -> Response:
        """`response` with the session's cookie if the session is new."""
        return self.set_cookie(response, session) if new else response

    def to_login(self, request: Request) -> Response:
        """Log in first, then come back here (the queue needs no `suite`: a moderator lands
        there anyway)."""
        path = request.url.path
        after = "" if path == MODERATION_PATH else f"?{urlencode({'suite': path})}"
        return RedirectResponse(LOGIN_PATH + after, 303)

    def forbidden(self, session: Session, account, roles: tuple[str, ...]) -> Response:
        return self.area.page(
            "interdit.html",
            session,
            account,
            403,
            title="Accès réservé",
            role_label=" » ou « ".join(ROLES[role] for role in roles),
        )

    def expired(self, session: Session, account) -> Response:
        return self.area.error(
            session,
            account,
            403,
            "Formulaire expiré",
            "Ce formulaire a expiré ou ne vient pas de cette page : rechargez la page et "
            "recommencez.",
        )

    async def _relogin(self, request, rule: Rule, handler: Handler, session, new) -> Response:
        """A POST whose session has ended: the login form carrying every posted field; once
        logged in with the role, the handler goes on as if nothing had happened."""
        try:
            form = await rule.read(request)
        except FormError as error:
            return self.area.error(session, None, error.status_code, error.title, error.message)
        relogin = self.relogin
        if not form.get("reprise"):  # the post itself: its token was the ended session's
            return relogin.page(request, session, new, form, 401)
        if not self.sessions.csrf_ok(session, form.get("csrf")):  # the login form's own token
            expired = "La page de connexion avait expiré : réessayez."
            return relogin.page(request, session, new, form, 403, expired)
        outcome = await relogin.log_in(request, session, new, form)
        if isinstance(outcome, Response):
            return outcome
        session, account = outcome
        if not roles_of(account) & set(rule.roles):
            return relogin.refused(request, session, form, account, rule.roles)
        return await self.call(handler, Visit(request, session, account, form, True))
