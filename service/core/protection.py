"""What the service does against robots and floods, for every form a reader or the team posts.

Flood counts: recent events (posts per address, per reader, per e-mail; failed logins), kept in
the database so limits hold across restarts and across several worker processes. A count is one
indexed range scan (`rate_events (bucket, key, at)`), about 20 µs; old rows are purged by the
writer's housekeeping (see comments/writer.py).

Robot signs: the honeypot field and the single-use form token's age (tokens.py), checked the
same way by the comment and the lettre forms (`robot_signs`). Spam rules that need no third
party: what a comment's content says about it (it is stored for a moderator to see, with the
reason). And the keyed hash that groups posts by address without storing the address.
"""

import hashlib
import hmac
import ipaddress
import re
import sqlite3

from service.core import clock
from service.core.tokens import Token

KEEP_SECONDS = 24 * 3600  # longer than every window
# The honeypot field of the reader forms (comment, lettre): no browser autofills it.
HONEYPOT = "reference_dossier"
_LINK = re.compile(r"(?:https?://|www\.)\S+|<a\s", re.IGNORECASE)


def recent(conn: sqlite3.Connection, bucket: str, key: str, window: float, now=None) -> tuple:
    """(how many events of `key` in the last `window` seconds, time of the oldest of them)."""
    now = clock.now() if now is None else now
    count, oldest = conn.execute(
        "SELECT count(*), min(at) FROM rate_events WHERE bucket = ? AND key = ? AND at > ?",
        (bucket, key, now - window),
    ).fetchone()
    return count, oldest


def retry_after(conn, bucket: str, key: str, limit: int, window: float, now=None) -> float:
    """Seconds until `key` is under `limit` events per `window` again; 0 if it is now."""
    if not limit:
        return 0.0
    now = clock.now() if now is None else now
    count, oldest = recent(conn, bucket, key, window, now)
    return max(0.0, oldest + window - now) if count >= limit else 0.0


def record(conn: sqlite3.Connection, events, now=None) -> None:
    """Store `events`, (bucket, key) pairs, as happening `now`."""
    now = clock.now() if now is None else now
    conn.executemany(
        "INSERT INTO rate_events (bucket, key, at) VALUES (?, ?, ?)",
        [(bucket, key, now) for bucket, key in events],
    )


def forget_key(conn: sqlite3.Connection, key: str) -> None:
    """Every count kept under `key`, whatever its bucket (an erased e-mail address)."""
    conn.execute("DELETE FROM rate_events WHERE key = ?", (key,))


def forget(conn: sqlite3.Connection, bucket: str, key: str) -> None:
    conn.execute("DELETE FROM rate_events WHERE bucket = ? AND key = ?", (bucket, key))


def purge(conn: sqlite3.Connection, now=None) -> None:
    now = clock.now() if now is None else now
    conn.execute("DELETE FROM rate_events WHERE at < ?", (now - KEEP_SECONDS,))


def network(ip: str) -> str:
    """The client's line: an IPv6 subscriber is given a whole /64 and may pick any address in
    it, so its counts are kept per /64; an IPv4 address (mapped in IPv6 too) counts alone."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def hash_ip(secret_key: str, ip: str) -> str:
    """A keyed hash of the client's line (`network`): rows and flood counts are grouped by
    sender without the address being stored."""
    return hmac.new(secret_key.encode(), network(ip).encode(), hashlib.sha256).hexdigest()[:32]


def spam_reason(body: str, name: str, url: str, *, max_links: int, spam_words: list[str]) -> str:
    """Return why this comment is spam (in French, for moderators), or "" if it is not."""
    links = len(_LINK.findall(body))
    if links > max_links:
        return f"Trop de liens : {links} (au plus {max_links})."
    text = f"{name}\n{body}\n{url}".casefold()
    for word in spam_words:
        if word and word.casefold() in text:
            return f"Mot interdit : « {word} »."
    return ""


def robot_signs(form, token: Token | None, max_age: float, min_fill: float) -> list[str]:
    """Why this post looks automated (French, for moderators and the log); [] if it does not.

    `max_age`: the tokens' lifetime; `min_fill`: the fewest seconds a person takes to fill in
    the form. A token from the future (a clock gone back) counts as sent too fast."""
    signs = []
    if form.get(HONEYPOT):
        signs.append("Champ piège rempli (robot).")
    if token is None:
        signs.append("Envoyé sans jeton de formulaire : la page n’a pas été affichée.")
    elif token.age() > max_age:
        signs.append("Jeton de formulaire expiré.")
    elif token.age() < min_fill:
        signs.append(f"Envoyé {max(token.age(), 0):.1f} s après l’ouverture du formulaire.")
    return signs
