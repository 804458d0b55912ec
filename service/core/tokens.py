"""Anti-robot form tokens: single use, given when the reader starts writing.

The static page carries no token (a scraper would get one minutes old). The comment form asks
the service for one when it gets the focus — a CSS background image of `form:focus-within`, so
no JavaScript is needed — and the answer (`image`) sets it as a cookie; forms rendered by the
service (reply, errors) carry one in their `jeton` field too. A token records when it was
issued, a random nonce, and a random client id that stays with the browser (for per-reader
flood counts).

A post with no valid token, sent sooner than `min_fill_seconds` after the reader started
writing, or whose nonce was already used, is not refused: it goes to the spam queue with the
reason (see posting.py), so a robot's post never reaches a page and a real reader's text is
never lost. The nonces used are kept in `used_tokens` (this module's table) for two days,
longer than a token lives.
"""

import base64
import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from service.core import clock, db
from service.core.settings import CoreSettings

COOKIE = "jeton_commentaire"
_SALT = b"comment-form-token-v2"
KEEP_USED_SECONDS = 2 * 24 * 3600
# A transparent 1×1 GIF: what the form's background asks for (`image`).
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@dataclass(frozen=True)
class Token:
    client: str
    issued: float
    nonce: str

    def age(self, now: float | None = None) -> float:
        return (clock.now() if now is None else now) - self.issued


def _mac(secret_key: str, payload: str) -> str:
    digest = hmac.new(secret_key.encode() + _SALT, payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def issue(secret_key: str, client: str | None = None, *, now: float | None = None) -> str:
    """A new token (for the client `client`, else a new one), issued at `now`."""
    client = client or secrets.token_urlsafe(12)
    issued = int((clock.now() if now is None else now) * 1000)
    payload = f"{client}.{issued:x}.{secrets.token_urlsafe(12)}"
    return f"{payload}.{_mac(secret_key, payload)}"


def read(secret_key: str, value: str | None) -> Token | None:
    """The token in `value` if we signed it, else None."""
    if not value or len(value) > 200:
        return None
    payload, _, mac = value.rpartition(".")
    parts = payload.split(".")
    if len(parts) != 3 or not hmac.compare_digest(mac.encode(), _mac(secret_key, payload).encode()):
        return None
    client, issued_hex, nonce = parts
    try:
        issued = int(issued_hex, 16) / 1000
    except ValueError:
        return None
    return Token(client, issued, nonce)


def used(conn: sqlite3.Connection, nonces) -> set[str]:
    """Which of `nonces` were used already (one query for a whole group of posts)."""
    nonces = sorted(set(nonces))
    if not nonces:
        return set()
    marks = ", ".join("?" * len(nonces))
    return {
        row[0]
        for row in conn.execute(f"SELECT nonce FROM used_tokens WHERE nonce IN ({marks})", nonces)
    }


def use(conn: sqlite3.Connection, nonces, now: float) -> None:
    """Record `nonces` as used at `now` (one statement, whatever their number)."""
    nonces = list(nonces)
    if nonces:
        conn.execute(
            f"INSERT INTO used_tokens (nonce, used_at) VALUES {db.values(len(nonces), 2)}",
            [value for nonce in nonces for value in (nonce, now)],
        )


def purge(conn: sqlite3.Connection, now: float | None = None) -> None:
    now = clock.now() if now is None else now
    conn.execute("DELETE FROM used_tokens WHERE used_at < ?", (now - KEEP_USED_SECONDS,))


def image(request: Request, shared: CoreSettings, cookie: str, path: str) -> Response:
    """A transparent pixel setting `cookie` to a fresh token (for the reader's same client)."""
    current = read(shared.secret_key, request.cookies.get(cookie))
    response = Response(
        PIXEL, media_type="image/gif", headers={"Cache-Control": "no-store, private"}
    )
    response.set_cookie(
        cookie,
        issue(shared.secret_key, current.client if current else None),
        max_age=shared.token_max_age,
        path=path,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response
