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

The `outbox` table is this module's; what a refusal does to the address (bounces,
suspension) is subscribers.py's.
"""

import json
import sqlite3

from service.core import clock, db
from service.core.events import Comment
from service.lettre.settings import LettreSettings

KINDS = ("confirmation", "deja-abonne", "lettre", "reponse", "essai")
PERMANENT = 500  # SMTP codes from here on are refusals for good
# `last_error` of a row the relay refused along with everyone's (mail/refusals.py): the team's
# page shows the pause from it.
RELAY_MARK = "serveur d’envoi : "


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
    now = clock.now() if now is None else now
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
            clock.iso(now),
        ),
    )
    return cursor.rowcount == 1


def join_confirmation(conn: sqlite3.Connection, subscriber_id: int, ids: list[int]) -> bool:
    """Add subscriptions `ids` to the address's confirmation still waiting in the queue (it is
    composed when it leaves: one e-mail names them all); False when none waits."""
    row = conn.execute(
        "SELECT id, detail FROM outbox WHERE kind = 'confirmation' AND status = 'queued'"
        " AND subscriber_id = ? ORDER BY id DESC LIMIT 1",
        (subscriber_id,),
    ).fetchone()
    if row is None:
        return False
    named = sorted({*json.loads(row["detail"] or "[]"), *ids})
    conn.execute("UPDATE outbox SET detail = ? WHERE id = ?", (json.dumps(named), row["id"]))
    return True


def mailed_since(conn: sqlite3.Connection, subscriber_id: int, since: float) -> bool:
    """Whether a confirmation or « déjà abonné » e-mail was queued to this address since."""
    return (
        conn.execute(
            "SELECT 1 FROM outbox WHERE subscriber_id = ? AND created_at >= ?"
            " AND kind IN ('confirmation', 'deja-abonne') LIMIT 1",
            (subscriber_id, clock.iso(since)),
        ).fetchone()
        is not None
    )


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
        {**params, "letter": letter_id, "now": now, "now_iso": clock.iso(now)},
    )
    return cursor.rowcount


def enqueue_replies(conn: sqlite3.Connection, comment: Comment, now: float) -> int:
    """Queue the e-mails about the approved `comment` to those following its discussion (see
    follows.py); one statement, whatever their number. Returns how many were new."""
    return conn.execute(
        "INSERT OR IGNORE INTO outbox (kind, subscriber_id, subscription_id, comment_id, dedupe,"
        " next_attempt_at, created_at)"
        " SELECT 'reponse', s.subscriber_id, s.id, :id,"
        " 'reponse:' || :id || ':' || s.subscriber_id, :now, :now_iso"
        " FROM subscriptions s JOIN subscribers p ON p.id = s.subscriber_id"
        " WHERE s.status = 'active' AND p.suspended_at IS NULL AND p.email != :author"
        " AND s.created_at <= :created AND ((s.kind = 'reponses' AND s.target = :parent)"
        " OR (s.kind = 'article' AND s.target = :slug))"
        # A follower of both the comment answered and the article: the reply's e-mail wins.
        " ORDER BY s.kind = 'reponses' DESC, s.id",
        {
            "id": comment.id,
            "author": comment.author_email,
            "created": comment.created_at,
            "parent": str(comment.parent_id or ""),
            "slug": comment.article_slug,
            "now": now,
            "now_iso": clock.iso(now),
        },
    ).rowcount


UNCONFIRMED = "remis au serveur, accusé de réception perdu (arrêt pendant l’envoi)"


def requeue_orphans(conn: sqlite3.Connection, now: float) -> int:
    """Settle the rows of a dead sender (see the module's docstring); returns how many go
    back to the queue."""
    conn.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1,"
        " last_error = ? WHERE status = 'handed'",
        (clock.iso(now), UNCONFIRMED),
    )
    return conn.execute("UPDATE outbox SET status = 'queued' WHERE status = 'sending'").rowcount


def claim(conn: sqlite3.Connection, limit: int, now: float, skip=()) -> list[sqlite3.Row]:
    """Mark up to `limit` due rows « sending » (one commit) and return them, those of the kinds
    in `skip` left waiting: transactional e-mails (confirmations, replies, tests) first, then
    the lettre, oldest first; rows tried before after those never tried (mail/refusals.py)."""
    with db.begin(conn):
        rows = conn.execute(
            "SELECT o.*, p.email, p.link_key, p.suspended_at, p.bounces FROM outbox o"
            " LEFT JOIN subscribers p ON p.id = o.subscriber_id"
            " WHERE o.status = 'queued' AND o.next_attempt_at <= ?"
            " AND o.kind NOT IN (SELECT value FROM json_each(?))"
            " ORDER BY o.kind = 'lettre', o.attempts > 0 OR o.last_error LIKE ?, o.id LIMIT ?",
            (now, json.dumps(list(skip)), RELAY_MARK + "%", limit),
        ).fetchall()
        if rows:
            conn.execute(
                "UPDATE outbox SET status = 'sending' WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps([row["id"] for row in rows]),),
            )
    return rows


def _settle(conn: sqlite3.Connection, sql: str, params: tuple) -> None:
    with db.begin(conn):
        conn.execute(sql, params)


def mark_handed(conn: sqlite3.Connection, row: sqlite3.Row) -> None:
    """The message is about to be complete on the server: from now on it counts as sent."""
    conn.execute("UPDATE outbox SET status = 'handed' WHERE id = ?", (row["id"],))


def mark_sent(conn: sqlite3.Connection, row: sqlite3.Row, now: float) -> None:
    """The server said 250 (its own transaction; subscribers.delivered follows)."""
    conn.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ?",
        (clock.iso(now), row["id"]),
    )


def mark_dropped(conn: sqlite3.Connection, row_id: int, reason: str) -> None:
    _settle(
        conn,
        "UPDATE outbox SET status = 'dropped', last_error = ? WHERE id = ?",
        (reason, row_id),
    )


def release(conn: sqlite3.Connection, rows, until: float, *, refused: bool = False) -> None:
    """Claimed rows not tried (the server went away): queued again, no attempt counted. A
    « handed » one may have been accepted, so it stays (requeue_orphans), unless `refused`:
    the server refused them all (mail/refusals.py held them), after the final "." too."""
    _settle(
        conn,
        "UPDATE outbox SET status = 'queued', next_attempt_at = max(next_attempt_at, ?)"
        " WHERE status IN ('sending', ?) AND id IN (SELECT value FROM json_each(?))",
        (until, "handed" if refused else "sending", json.dumps([row["id"] for row in rows])),
    )


def put_back(conn: sqlite3.Connection, rows, reply: str, until: float) -> None:
    """Refused by the relay along with everyone's, not for these addresses: queued again until
    `until`, the relay's answer kept (for the team's page, and `claim`'s order), no attempt
    spent (a long relay window would otherwise use up every message's own retries)."""
    _settle(
        conn,
        "UPDATE outbox SET status = 'queued', next_attempt_at = ?,"
        " last_error = ? WHERE id IN (SELECT value FROM json_each(?))",
        (until, (RELAY_MARK + reply)[:500], json.dumps([row["id"] for row in rows])),
    )


def put_back_by_relay(row: sqlite3.Row) -> bool:
    """Whether the row's last try was refused by the relay along with everyone's."""
    return row["last_error"].startswith(RELAY_MARK)


def address(row: sqlite3.Row) -> str:
    """The address a claimed row goes to."""
    return (row["recipient"] or row["email"] or "").lower()


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


def fail(conn: sqlite3.Connection, row_id: int, error: str) -> None:
    """Refused for good (5xx) for this address: failed, one attempt counted, the error kept."""
    conn.execute(
        "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?",
        (error[:500], row_id),
    )


def bounce(conn: sqlite3.Connection, row_id: int, error: str) -> sqlite3.Row | None:
    """A message counted as sent came back as a bounce: failed after all. Its row (with its
    `subscriber_id`), None when it was not counted as sent (unknown, or already bounced)."""
    row = conn.execute(
        "SELECT subscriber_id FROM outbox WHERE id = ? AND status IN ('sent', 'handed')",
        (row_id,),
    ).fetchone()
    if row is not None:
        conn.execute(
            "UPDATE outbox SET status = 'failed', last_error = ? WHERE id = ?",
            (error[:500], row_id),
        )
    return row


def last_outcomes(conn: sqlite3.Connection, subscriber_id: int, count: int) -> list[str]:
    """The statuses of the last `count` messages to an address that reached the server
    (sent, handed, failed), newest first."""
    rows = conn.execute(
        "SELECT status FROM outbox WHERE subscriber_id = ?"
        " AND status IN ('sent', 'handed', 'failed') ORDER BY id DESC LIMIT ?",
        (subscriber_id, count),
    ).fetchall()
    return [row[0] for row in rows]


def drop_queued(conn, reason: str, *, subscriber_id=None, subscription_ids=()) -> None:
    """Queued messages to an address, or for subscriptions, will not go: nobody wants them."""
    if subscriber_id is not None:
        conn.execute(
            "UPDATE outbox SET status = 'dropped', last_error = ?"
            " WHERE subscriber_id = ? AND status = 'queued'",
            (reason, subscriber_id),
        )
    if subscription_ids:
        conn.execute(
            "UPDATE outbox SET status = 'dropped', last_error = ?"
            " WHERE status = 'queued' AND subscription_id IN (SELECT value FROM json_each(?))",
            (reason, json.dumps(list(subscription_ids))),
        )


def of_subscriber(conn: sqlite3.Connection, subscriber_id: int) -> list[sqlite3.Row]:
    """The e-mails queued or sent to a subscriber, for the RGPD export."""
    return conn.execute(
        "SELECT kind, letter_id, comment_id, status, created_at, sent_at FROM outbox"
        " WHERE subscriber_id = ? ORDER BY id",
        (subscriber_id,),
    ).fetchall()


def erase_recipient(conn: sqlite3.Connection, email: str) -> None:
    """Delete the e-mails addressed to `email` without a subscription (test sends)."""
    conn.execute("DELETE FROM outbox WHERE recipient = ? COLLATE NOCASE", (email,))


def recipient(conn: sqlite3.Connection, row_id: int) -> str:
    """The address a message went to ("" when unknown or erased)."""
    row = conn.execute(
        "SELECT o.recipient, s.email FROM outbox o"
        " LEFT JOIN subscribers s ON s.id = o.subscriber_id WHERE o.id = ?",
        (row_id,),
    ).fetchone()
    return (row and (row["recipient"] or row["email"]) or "").lower()
