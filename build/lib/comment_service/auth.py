"""Moderator accounts, sessions, CSRF tokens, login throttling, and the login pages.

Accounts are created from the command line only; passwords are stored as argon2 hashes. The
session is a signed cookie (no server state): it names the moderator, carries a random nonce
the CSRF token is derived from, and a fingerprint of the password hash, so changing a password
or deleting the account ends its sessions. Anonymous visitors get a nonce too, which protects
the login form itself. `Auth` is the one place the moderation routes ask who is logged in.
"""

import hashlib
import hmac
import secrets
import sqlite3
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from site_core import db
from site_core.paths import MODERATION_PATH

from .actions import now_iso
from .site import PRIVATE_HEADERS, Site

SESSION_COOKIE = "moderation"
SESSION_MAX_AGE = 8 * 3600
_hasher = PasswordHasher()
# Verified when the username is unknown, so a miss costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class AccountError(ValueError):
    """A moderator account cannot be created as asked; the message is French."""


def create_moderator(
    conn: sqlite3.Connection, username: str, password: str, display_name: str = "", email: str = ""
) -> int:
    username = username.strip()
    if not username:
        raise AccountError("L’identifiant est vide.")
    if len(password) < 12:
        raise AccountError("Le mot de passe doit compter au moins 12 caractères.")
    try:
        cursor = conn.execute(
            "INSERT INTO moderators (username, display_name, email, password_hash, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (username, display_name.strip(), email.strip(), _hasher.hash(password), now_iso()),
        )
    except sqlite3.IntegrityError:
        raise AccountError(f"L’identifiant « {username} » existe déjà.") from None
    return cursor.lastrowid


def ensure_first_account(conn: sqlite3.Connection, display_name: str) -> str | None:
    """On a machine with no account yet, create « moderation » and return its password."""
    if conn.execute("SELECT 1 FROM moderators LIMIT 1").fetchone():
        return None
    password = secrets.token_urlsafe(12)
    create_moderator(conn, "moderation", password, display_name)
    return password


def authenticate(conn: sqlite3.Connection, username: str, password: str) -> sqlite3.Row | None:
    """The moderator row if `password` is theirs, else None (same cost either way)."""
    row = conn.execute("SELECT * FROM moderators WHERE username = ?", (username,)).fetchone()
    try:
        _hasher.verify(row["password_hash"] if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return row


@dataclass(frozen=True)
class Session:
    nonce: str
    username: str | None = None
    fingerprint: str = ""


class SessionCodec:
    """Signs sessions into cookie values and derives their CSRF tokens."""

    def __init__(self, secret_key: str):
        self._secret = secret_key.encode()
        self._serializer = URLSafeTimedSerializer(secret_key, salt="moderation-session")

    def new(self, moderator: sqlite3.Row | None = None) -> Session:
        if moderator is None:
            return Session(secrets.token_urlsafe(16))
        return Session(
            secrets.token_urlsafe(16), moderator["username"], self.fingerprint(moderator)
        )

    def fingerprint(self, moderator: sqlite3.Row) -> str:
        mac = hmac.new(self._secret, moderator["password_hash"].encode(), hashlib.sha256)
        return mac.hexdigest()[:16]

    def dumps(self, session: Session) -> str:
        return self._serializer.dumps([session.nonce, session.username, session.fingerprint])

    def loads(self, value: str | None) -> Session | None:
        if not value:
            return None
        try:
            nonce, username, fingerprint = self._serializer.loads(value, max_age=SESSION_MAX_AGE)
        except (BadSignature, ValueError, TypeError):
            return None
        return Session(nonce, username, fingerprint)

    def csrf_token(self, session: Session) -> str:
        return hmac.new(self._secret, b"csrf:" + session.nonce.encode(), "sha256").hexdigest()

    def csrf_ok(self, session: Session, token: str) -> bool:
        return hmac.compare_digest(self.csrf_token(session), token or "")


class LoginThrottle:
    """Refuses logins after too many recent failures for one username or from one address.

    Per username it stops password guessing on one account; per address (generous: a town
    hall's staff share one) it stops one machine trying many accounts. In memory: the service
    runs as one process, and a restart only forgives recent failures.
    """

    def __init__(self, per_username=5, per_ip=30, window=900.0, max_keys=10_000):
        self.limits = {"u": per_username, "ip": per_ip}
        self.window = window
        self.max_keys = max_keys
        self._failures: dict[tuple[str, str], deque] = {}

    def _recent(self, key, now) -> deque:
        times = self._failures.get(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def retry_after(self, username: str, ip: str, now: float | None = None) -> float:
        """Seconds until a login may be tried again; 0 when allowed now."""
        now = time.monotonic() if now is None else now
        wait = 0.0
        for kind, value in (("u", username.lower()), ("ip", ip)):
            times = self._recent((kind, value), now)
            if len(times) >= self.limits[kind]:
                wait = max(wait, times[0] + self.window - now)
        return wait

    def failure(self, username: str, ip: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        if len(self._failures) >= self.max_keys:
            for key in [k for k, v in self._failures.items() if not self._recent(k, now)]:
                del self._failures[key]
        for key in (("u", username.lower()), ("ip", ip)):
            self._failures.setdefault(key, deque()).append(now)

    def success(self, username: str) -> None:
        self._failures.pop(("u", username.lower()), None)


class Auth:
    """Who is logged in, the session cookie, CSRF checks, and the login and logout routes."""

    def __init__(self, database: Path, secret_key: str, site: Site, public_url: Callable[[], str]):
        self.database = database
        self.site = site
        self.public_url = public_url
        self.codec = SessionCodec(secret_key)
        self.throttle = LoginThrottle()

    def read(self, function, *args):
        """`function(conn, *args)` with a fresh connection, off the event loop."""

        def call():
            conn = db.connect(self.database)
            try:
                return function(conn, *args)
            finally:
                conn.close()

        return run_in_threadpool(call)

    def session(self, request: Request) -> tuple[Session, bool]:
        """The request's session, and whether it is new (its cookie must be set)."""
        session = self.codec.loads(request.cookies.get(SESSION_COOKIE))
        return (session, False) if session else (self.codec.new(), True)

    def moderator(self, conn, session: Session) -> sqlite3.Row | None:
        if not session.username:
            return None
        row = conn.execute(
            "SELECT * FROM moderators WHERE username = ?", (session.username,)
        ).fetchone()
        return row if row and self.codec.fingerprint(row) == session.fingerprint else None

    def set_cookie(self, response: Response, session: Session) -> Response:
        response.set_cookie(
            SESSION_COOKIE,
            self.codec.dumps(session),
            max_age=SESSION_MAX_AGE,
            path=MODERATION_PATH.rstrip("/"),
            httponly=True,
            samesite="strict",
            secure=self.public_url().startswith("https://"),
        )
        return response

    def render(self, template: str, session: Session, status_code=200, **context) -> Response:
        """A page of the team's area, with this session's CSRF token."""
        html = self.site.render(
            f"moderation/{template}",
            base=MODERATION_PATH,
            site_url=self.site.url,
            csrf=self.codec.csrf_token(session),
            **context,
        )
        return HTMLResponse(html, status_code=status_code, headers=PRIVATE_HEADERS)

    async def form(self, request: Request, session: Session):
        """The posted form, or a 403 page when its CSRF token is not this session's."""
        form = await request.form()
        if not self.codec.csrf_ok(session, str(form.get("csrf", ""))):
            return form, self.render(
                "error.html",
                session,
                403,
                title="Formulaire expiré",
                error="Ce formulaire a expiré ou ne vient pas de cette page : rechargez la page "
                "et recommencez.",
            )
        return form, None

    async def guard(self, request: Request):
        """(session, moderator row, None), or a response sending the visitor to log in."""
        session, _ = self.session(request)
        moderator = await self.read(self.moderator, session)
        if moderator is None:
            return session, None, RedirectResponse(MODERATION_PATH + "connexion", 303)
        return session, moderator, None

    async def login_page(self, request: Request) -> Response:
        session, new = self.session(request)
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
        session, _ = self.session(request)
        form, refused = await self.form(request, session)
        if refused:
            return self.set_cookie(refused, session)
        username = str(form.get("identifiant", "")).strip()
        password = str(form.get("mot_de_passe", ""))
        ip = request.client.host if request.client else ""
        wait = self.throttle.retry_after(username, ip)
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
        moderator = await self.read(authenticate, username, password)
        if moderator is None:
            self.throttle.failure(username, ip)
            return self.render(
                "login.html",
                session,
                401,
                title="Connexion",
                username=username,
                error="Identifiant ou mot de passe incorrect.",
            )
        self.throttle.success(username)
        # A new nonce at login: a session id planted before login is worthless after it.
        return self.set_cookie(RedirectResponse(MODERATION_PATH, 303), self.codec.new(moderator))

    async def logout(self, request: Request) -> Response:
        session, _ = self.session(request)
        _, refused = await self.form(request, session)
        if refused:
            return refused
        response = RedirectResponse(MODERATION_PATH + "connexion?deconnecte=1", 303)
        return self.set_cookie(response, self.codec.new())

    def routes(self) -> list[Route]:
        return [
            Route("/connexion", self.login_page, methods=["GET"]),
            Route("/connexion", self.login, methods=["POST"]),
            Route("/deconnexion", self.logout, methods=["POST"]),
        ]
