"""Counts of recent events (posts per address, per reader, per e-mail; failed logins), kept in
the database so limits hold across restarts and across several worker processes.

A count is one indexed range scan (`rate_events (bucket, key, at)`), about 20 µs; old rows are
purged by the writer's housekeeping (see writer.py).
"""

import sqlite3

from service.core import clock

KEEP_SECONDS = 24 * 3600  # longer than every window


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


def forget(conn: sqlite3.Connection, bucket: str, key: str) -> None:
    conn.execute("DELETE FROM rate_events WHERE bucket = ? AND key = ?", (bucket, key))


def purge(conn: sqlite3.Connection, now=None) -> None:
    now = clock.now() if now is None else now
    conn.execute("DELETE FROM rate_events WHERE at < ?", (now - KEEP_SECONDS,))
