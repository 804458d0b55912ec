"""The durable send queue of subscription e-mails: one `outbox` row per message and recipient.

A row is always written in the transaction of what causes it (a subscription request, an
announced article, an approved reply), so nothing committed is ever left without its e-mail,
and nothing rolled back sends one. `dedupe` (unique) makes enqueueing idempotent: announcing an
article twice, or approving a reply twice, cannot queue a second copy.

Life of a row: queued → sending (claimed by the one sender holding the send lock, in one
commit per batch) → handed (committed just before the final "." of DATA, delivery.py) → sent
(after the server's 250); or back to queued with a doubling delay (temporary failure), failed
(refused for good: 5xx, or out of attempts), dropped (nobody to send it to any more:
unsubscribed, erased, unpublished).

Exactly once: rows found « sending » or « handed » when the send lock is next taken belonged
to a sender that died (only the lock holder claims rows, and it settles all of them before
letting go). A « sending » one never reached the server complete (no final "."): it is sent
again. A « handed » one may have been accepted: it counts as sent and is never sent again.
So no message goes twice, and none is lost, except if the crash falls in the microseconds
between the « handed » commit and the write of the "." (that one message is then lost;
benchmarks/letter_send.py measures the window). Commits are written at once, without fsync
(WAL, synchronous=NORMAL): they survive the process being killed; after a power loss, the
last ones may be undone, and those messages sent again.
"""

import json
import sqlite3
import time
from datetime import UTC, datetime

from service.lettre.settings import LettreSettings
from site_core import db

KINDS = ("confirmation", "deja-abonne", "lettre", "reponse", "essai")
PERMANENT = 500  # SMTP codes from here on are refusals for good


def now_iso(moment: float | None = None) -> str:
    return datetime.fromtimestamp(time.time() if moment is None else moment, UTC).isoformat(
        timespec="seconds"
    )


def enqueue(
    conn: sqlite3.Connection,
    kind: str,
    *,
    subscriber_id: int | None = None,
    subscription_id: int | None = None,
    recipient: str = "",
    letter_id: int | None = None,
    comment_id: int | None = None,
    detail: object = "",
    dedupe: str | None = None,
    now: float | None = None,
) -> bool:
    """Queue one message (inside the caller's transaction); False if `dedupe` was queued."""
    now = time.time() if now is None else now
    cursor = conn.execute(
        "INSERT OR IGNORE INTO outbox (kind, subscriber_id, subscription_id, recipient,"
        " letter_id, comment_id, detail, dedupe, next_attempt_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            kind,
            subscriber_id,
            subscription_id,
            recipient,
            letter_id,
            comment_id,
            detail if isinstance(detail, str) else json.dumps(detail),
            dedupe,
            now,
            now_iso(now),
        ),
    )
    return cursor.rowcount == 1


def enqueue_letter(conn: sqlite3.Connection, letter_id: int, where: str, params, now: float) -> int:
    """Queue lettre `letter_id` for every active lettre subscription matching `where` (SQL on
    `s`, the subscription); one statement, whatever the number of subscribers."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO outbox (kind, subscriber_id, subscription_id, letter_id, dedupe,"
        " next_attempt_at, created_at)"
        " SELECT 'lettre', s.subscriber_id, s.id, :letter, 'lettre:' || :letter || ':' || s.id,"
        " :now, :now_iso FROM subscriptions s JOIN subscribers p ON p.id = s.subscriber_id"
        " WHERE s.kind = 'lettre' AND s.status = 'active' AND p.suspended_at IS NULL"
        f" AND ({where}) ORDER BY s.id",
        {**params, "letter": letter_id, "now": now, "now_iso": now_iso(now)},
    )
    return cursor.rowcount


UNCONFIRMED = "remis au serveur, accusé de réception perdu (arrêt pendant l’envoi)"


def requeue_orphans(conn: sqlite3.Connection, now: float) -> int:
    """Settle the rows of a dead sender (see the module's docstring); returns how many go
    back to the queue."""
    conn.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1,"
        " last_error = ? WHERE status = 'handed'",
        (now_iso(now), UNCONFIRMED),
    )
    return conn.execute("UPDATE outbox SET status = 'queued' WHERE status = 'sending'").rowcount


def claim(conn: sqlite3.Connection, limit: int, now: float) -> list[sqlite3.Row]:
    """Mark up to `limit` due rows « sending » (one commit) and return them, oldest first."""
    with db.transaction(conn):
        rows = conn.execute(
            "SELECT o.*, p.email, p.link_key, p.suspended_at, p.bounces FROM outbox o"
            " LEFT JOIN subscribers p ON p.id = o.subscriber_id"
            " WHERE o.status = 'queued' AND o.next_attempt_at <= ? ORDER BY o.id LIMIT ?",
            (now, limit),
        ).fetchall()
        if rows:
            conn.execute(
                "UPDATE outbox SET status = 'sending' WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps([row["id"] for row in rows]),),
            )
    return rows


def next_due(conn: sqlite3.Connection) -> float | None:
    row = conn.execute("SELECT min(next_attempt_at) FROM outbox WHERE status = 'queued'").fetchone()
    return row[0]


def _settle(conn: sqlite3.Connection, sql: str, params: tuple) -> None:
    with db.transaction(conn):
        conn.execute(sql, params)


def mark_handed(conn: sqlite3.Connection, row: sqlite3.Row) -> None:
    """The message is about to be complete on the server: from now on it counts as sent."""
    conn.execute("UPDATE outbox SET status = 'handed' WHERE id = ?", (row["id"],))


def mark_sent(conn: sqlite3.Connection, row: sqlite3.Row, now: float) -> None:
    """The server said 250 (each update below is its own transaction)."""
    conn.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ?",
        (now_iso(now), row["id"]),
    )
    if row["bounces"]:  # the address works again: its count of refusals starts over
        conn.execute("UPDATE subscribers SET bounces = 0 WHERE id = ?", (row["subscriber_id"],))


def mark_dropped(conn: sqlite3.Connection, row_id: int, reason: str) -> None:
    _settle(
        conn,
        "UPDATE outbox SET status = 'dropped', last_error = ? WHERE id = ?",
        (reason, row_id),
    )


def release(conn: sqlite3.Connection, rows, until: float) -> None:
    """Claimed rows not tried (the server went away): queued again, no attempt counted."""
    _settle(
        conn,
        "UPDATE outbox SET status = 'queued', next_attempt_at = max(next_attempt_at, ?)"
        " WHERE status = 'sending' AND id IN (SELECT value FROM json_each(?))",
        (until, json.dumps([row["id"] for row in rows])),
    )


def mark_retry(conn, row: sqlite3.Row, error: str, now: float, settings: LettreSettings) -> bool:
    """A temporary failure: try again later, the delay doubling; False once out of attempts
    (the row is then failed, with its last error, for the team's page)."""
    attempts = row["attempts"] + 1
    if attempts >= settings.max_attempts:
        _settle(
            conn,
            "UPDATE outbox SET status = 'failed', attempts = ?, last_error = ? WHERE id = ?",
            (attempts, error[:500], row["id"]),
        )
        return False
    delay = min(settings.retry_base * 2 ** (attempts - 1), settings.retry_max)
    _settle(
        conn,
        "UPDATE outbox SET status = 'queued', attempts = ?, next_attempt_at = ?, last_error = ?"
        " WHERE id = ?",
        (attempts, now + delay, error[:500], row["id"]),
    )
    return True


def mark_refused(conn, row: sqlite3.Row, error: str, now: float, settings: LettreSettings) -> bool:
    """A permanent refusal (5xx) of this address: the row fails, the address counts a bounce,
    and after `letter_max_bounces` in a row it is suspended (its queued mail dropped). Returns
    whether the address was suspended now."""
    with db.transaction(conn):
        conn.execute(
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?"
            " WHERE id = ?",
            (error[:500], row["id"]),
        )
        suspended = False
        if row["subscriber_id"]:
            conn.execute(
                "UPDATE subscribers SET bounces = bounces + 1, last_error = ? WHERE id = ?",
                (error[:500], row["subscriber_id"]),
            )
            suspended = _suspend(conn, row["subscriber_id"], now, settings.max_bounces)
    return suspended


def _suspend(conn, subscriber_id: int, now: float, bounces: int) -> bool:
    """Suspend the address if it has `bounces` refusals in a row (its queued mail dropped)."""
    suspended = conn.execute(
        "UPDATE subscribers SET suspended_at = ? WHERE id = ? AND bounces >= ?"
        " AND suspended_at IS NULL",
        (now_iso(now), subscriber_id, bounces),
    ).rowcount
    if suspended:
        conn.execute(
            "UPDATE outbox SET status = 'dropped', last_error = 'adresse suspendue'"
            " WHERE subscriber_id = ? AND status = 'queued'",
            (subscriber_id,),
        )
        conn.execute(
            "INSERT INTO letter_events (at, event, kind) VALUES (?, 'suspension', '')",
            (now_iso(now),),
        )
    return bool(suspended)


def mark_bounced(
    conn, row_id: int, error: str, now: float, settings: LettreSettings
) -> bool | None:
    """A bounce that came back after the server had accepted the message (bounces.py): the
    row becomes failed and the address counts a refusal. A relay says 250 to every later
    message too (which resets the count in mark_sent), so here the address is suspended when
    its last `letter_max_bounces` messages all came back. Returns whether it was suspended
    now; None when the row was not one counted as sent (unknown, or already bounced)."""
    with db.transaction(conn):
        row = conn.execute(
            "SELECT subscriber_id FROM outbox WHERE id = ? AND status IN ('sent', 'handed')",
            (row_id,),
        ).fetchone()
        if row is None:
            return None
        conn.execute(
            "UPDATE outbox SET status = 'failed', last_error = ? WHERE id = ?",
            (error[:500], row_id),
        )
        subscriber = row["subscriber_id"]
        if not subscriber:
            return False
        last = conn.execute(
            "SELECT status FROM outbox WHERE subscriber_id = ?"
            " AND status IN ('sent', 'handed', 'failed') ORDER BY id DESC LIMIT ?",
            (subscriber, settings.max_bounces),
        ).fetchall()
        in_a_row = next((n for n, (status,) in enumerate(last) if status != "failed"), len(last))
        conn.execute(
            "UPDATE subscribers SET bounces = ?, last_error = ? WHERE id = ?",
            (in_a_row, error[:500], subscriber),
        )
        return _suspend(conn, subscriber, now, settings.max_bounces)
