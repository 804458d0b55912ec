"""The service's one clock, and how its times are stored.

Stored times, as the existing columns have them (data already stored is never rewritten):

- ISO 8601 text in UTC, to the second: « 2025-03-01T13:05:00+00:00 » (`now_iso()`,
  `iso(moment)`): every time column (`…_at`, `at`) not listed below;
- the same to the millisecond (`iso(moment, milliseconds=True)`): `notifications.sent_at`, and
  `notifications.next_attempt_at` after a failed e-mail (at first it is the comment's time, to
  the second): moderators' digests may be set less than a second apart;
- REAL Unix seconds (`now()`): `rate_events.at`, `used_tokens.used_at`, `sessions`,
  `password_links` and `outbox.next_attempt_at`: deadlines compared by arithmetic.

New columns use the first: ISO 8601 text, UTC, to the second, from `now_iso()`. It reads as
a date in the sqlite3 shell and in exports, sorts as text, and SQLite's date functions take it
(the lettre's weekly counts use `date(at, …)`).
"""

import time
from datetime import UTC, datetime


def now() -> float:
    """Unix seconds: what every deadline, rate window and REAL column is measured in."""
    return time.time()


def utc(moment: float | None = None) -> datetime:
    """`moment` (Unix seconds; now if None) as an aware datetime in UTC."""
    return datetime.fromtimestamp(now() if moment is None else moment, UTC)


def iso(moment: float | datetime, *, milliseconds: bool = False) -> str:
    """`moment` (Unix seconds or an aware datetime) as stored text: ISO 8601 in UTC."""
    if not isinstance(moment, datetime):
        moment = utc(moment)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds" if milliseconds else "seconds")


def now_iso() -> str:
    """Now as stored text: the encoding of new columns."""
    return iso(now())


def parse(text: str) -> datetime:
    """Stored ISO text back to an aware datetime."""
    return datetime.fromisoformat(text)
