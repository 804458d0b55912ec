"""Signed form tokens: which article a form belongs to and when it was handed out.

The build signs one per article page; the service signs fresh ones (reply form, refresh script,
forms sent back with an error). The issue time lets the service refuse forms filled too fast
(robots) or too long ago (replayed), without keeping any state.
"""

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass

_SALT = b"comment-form-token"


@dataclass(frozen=True)
class TokenCheck:
    """Result of `verify`: `valid` False means missing or forged; else look at `age`."""

    valid: bool
    age: float = 0.0


def _mac(secret_key: str, payload: bytes) -> str:
    digest = hmac.new(secret_key.encode() + _SALT, payload, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def issue(secret_key: str, article_slug: str, *, now: float | None = None) -> str:
    """Return a token for `article_slug`, issued at `now` (default: the current time)."""
    issued = int((time.time() if now is None else now) * 1000)
    payload = f"{issued:x}.{article_slug}".encode()
    return f"{payload.decode()}.{_mac(secret_key, payload)}"


def verify(
    secret_key: str, token: str, article_slug: str, *, now: float | None = None
) -> TokenCheck:
    """Check `token` was signed by us for `article_slug`; report its age in seconds."""
    head, _, mac = token.rpartition(".")
    issued_hex, _, slug = head.partition(".")
    if not mac or slug != article_slug:
        return TokenCheck(False)
    if not hmac.compare_digest(mac, _mac(secret_key, head.encode())):
        return TokenCheck(False)
    try:
        issued = int(issued_hex, 16) / 1000
    except ValueError:
        return TokenCheck(False)
    return TokenCheck(True, (time.time() if now is None else now) - issued)
