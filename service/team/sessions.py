"""Moderator sessions and login throttling, both kept in the database.

A session is a random token in a signed cookie; the database keeps its hash, so logging out
(or removing the account) ends it at once, even for a copied cookie, and sessions hold across
restarts and worker processes. Anonymous visitors get a signed random nonce too (not stored),
from which the login form's CSRF token is derived. The cookie is SameSite=Lax: a link to the
moderation pages opened from a webmail carries it (Strict did not, and the login page then
replaced the session); every POST still needs its CSRF token. The `sessions` table is this
module's; a session ends with its account (its foreign key cascades).
"""

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

from service.core import clock, protection
from service.core.protection import hash_ip

SESSION_COOKIE = "equipe"
SESSION_MAX_AGE = 8 * 3600


@dataclass(frozen=True)
class Session:
    nonce: str  # anonymous: random; logged in: the session token
    username: str | None = None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    def __init__(self, secret_key: str):
        self._secret = secret_key.encode()
        self._serializer = URLSafeTimedSerializer(secret_key, salt="moderation-session-v2")

    @staticmethod
    def anonymous() -> Session:
        return Session(secrets.token_urlsafe(16))

    def cookie(self, session: Session) -> str:
        return self._serializer.dumps(session.nonce)

    def from_cookie(self, conn: sqlite3.Connection, value: str | None) -> Session | None:
        """The session of a cookie: logged in if its token is stored and not expired."""
        if not value:
            return None
        try:
            nonce = self._serializer.loads(value, max_age=SESSION_MAX_AGE)
        except (BadSignature, ValueError, TypeError):
            return None
        if not isinstance(nonce, str):
            return None
        row = conn.execute(
            "SELECT username FROM sessions WHERE token_hash = ? AND expires_at > ?",
            (_digest(nonce), clock.now()),
        ).fetchone()
        return Session(nonce, row["username"] if row else None)

    @staticmethod
    def open(conn: sqlite3.Connection, username: str) -> Session:
        """A new logged-in session (a new token: one planted before login is worthless)."""
        token = secrets.token_urlsafe(32)
        now = clock.now()
        with_purge = "DELETE FROM sessions WHERE expires_at < ?"
        conn.execute(with_purge, (now,))
        conn.execute(
            "INSERT INTO sessions (token_hash, username, created_at, expires_at)"
            " VALUES (?, ?, ?, ?)",
            (_digest(token), username, now, now + SESSION_MAX_AGE),
        )
        return Session(token, username)

    @staticmethod
    def close(conn: sqlite3.Connection, session: Session) -> None:
        conn.execute("DELETE FROM sessions WHERE token_hash = ?", (_digest(session.nonce),))

    def csrf_token(self, session: Session) -> str:
        return hmac.new(self._secret, b"csrf:" + session.nonce.encode(), "sha256").hexdigest()

    def csrf_ok(self, session: Session, token: str) -> bool:
        # As bytes: compare_digest refuses str with non-ASCII characters (a 500 on « ² »).
        return hmac.compare_digest(self.csrf_token(session).encode(), (token or "").encode())


def end_all(conn: sqlite3.Connection, username: str) -> None:
    """Log `username` out everywhere (a new password, a disabled account)."""
    conn.execute("DELETE FROM sessions WHERE username = ?", (username,))


class LoginThrottle:
    """Slows password guessing without letting anyone lock the real moderator out.

    Failures count per (username, address) and per address, never per username alone: five
    wrong passwords for « sophie » from one address block that address for « sophie », not
    Sophie herself at her office. Per address (generous: a town hall's staff share one) it
    stops one machine trying many accounts. A guesser spread over many addresses still pays
    argon2's cost per try against passwords of 12 characters or more.
    """

    def __init__(self, secret_key: str, per_user_ip=5, per_ip=30, window=900):
        self.secret_key = secret_key
        self.per_user_ip, self.per_ip, self.window = per_user_ip, per_ip, window

    def _keys(self, username: str, ip: str) -> tuple[str, str]:
        address = hash_ip(self.secret_key, ip)
        return f"{username.strip().lower()}|{address}", address

    def retry_after(self, conn, username: str, ip: str, now=None) -> float:
        """Seconds until a login may be tried again; 0 when allowed now."""
        pair, address = self._keys(username, ip)
        return max(
            protection.retry_after(conn, "login", pair, self.per_user_ip, self.window, now),
            protection.retry_after(conn, "login_ip", address, self.per_ip, self.window, now),
        )

    def failure(self, conn, username: str, ip: str, now=None) -> None:
        pair, address = self._keys(username, ip)
        protection.record(conn, [("login", pair), ("login_ip", address)], now)

    def success(self, conn, username: str, ip: str) -> None:
        protection.forget(conn, "login", self._keys(username, ip)[0])
