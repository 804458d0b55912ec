"""Moderator accounts, sessions, CSRF tokens and login throttling.

Accounts are created from the command line only; passwords are stored as argon2 hashes. The
session is a signed cookie (no server state): it names the moderator, carries a random nonce
the CSRF token is derived from, and a fingerprint of the password hash, so changing a password
or deleting the account ends its sessions. Anonymous visitors get a nonce too, which protects
the login form itself.
"""

import hashlib
import hmac
import secrets
import sqlite3
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "moderation"
SESSION_MAX_AGE = 8 * 3600
_hasher = PasswordHasher()
# Verified when the username is unknown, so a miss costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class AccountError(ValueError):
    """A moderator account cannot be created as asked; the message is French."""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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
