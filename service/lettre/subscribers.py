"""The addresses that asked for e-mails, and whether mail to them still arrives.

`subscribers` has one row per address (compared without regard to case): the random key its
signed links carry (links.py; erasing the row voids them), when it first confirmed, and its
refusals: after `letter_max_bounces` refusals in a row the address is suspended and its queued
e-mails dropped, until it confirms again. `letter_events` keeps anonymous counts for the
team's page (confirmations, unsubscriptions, complaints, suspensions), kept when a person is
erased. `consent_log` is each address's history of consent: every request, confirmation,
change and end, when and how (the form, the comment form, a link, the team, a spam report),
with the consent's text; a new request adds to it rather than overwriting the last, it is in
the RGPD export and goes with the address when it is erased. The three tables are this
module's; what each address asks for now is in subscriptions.py.
"""

import secrets
import sqlite3

from service.core import clock, db
from service.lettre import outbox


def get_or_create(conn: sqlite3.Connection, email: str, now: float) -> sqlite3.Row:
    """The address's row, created if new."""
    conn.execute(
        "INSERT OR IGNORE INTO subscribers (email, link_key, created_at) VALUES (?, ?, ?)",
        (email, secrets.token_urlsafe(6), clock.iso(now)),
    )
    return find(conn, email)


def find(conn: sqlite3.Connection, email: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM subscribers WHERE email = ?", (email,)).fetchone()


def owner(conn: sqlite3.Connection, link) -> sqlite3.Row | None:
    """The subscriber a signed link belongs to, if they still exist with that key."""
    return conn.execute(
        "SELECT * FROM subscribers WHERE id = ? AND link_key = ?", (link.subscriber_id, link.key)
    ).fetchone()


def confirmed(conn: sqlite3.Connection, subscriber_id: int, now: float) -> None:
    """The address answered a confirmation: that proves the mailbox works, so a suspended
    address is sent to again."""
    conn.execute(
        "UPDATE subscribers SET confirmed_at = coalesce(confirmed_at, ?), suspended_at = NULL,"
        " bounces = 0 WHERE id = ?",
        (clock.iso(now), subscriber_id),
    )


def purge_unconfirmed(conn: sqlite3.Connection, before: str) -> None:
    """Delete addresses never confirmed, created before `before`, left with no subscription."""
    conn.execute(
        "DELETE FROM subscribers WHERE confirmed_at IS NULL AND created_at < ? AND NOT EXISTS"
        " (SELECT 1 FROM subscriptions s WHERE s.subscriber_id = subscribers.id)",
        (before,),
    )


def erase(conn: sqlite3.Connection, email: str) -> int:
    """Delete the address; its subscriptions and e-mails go with it (foreign keys cascade)."""
    return conn.execute("DELETE FROM subscribers WHERE email = ?", (email,)).rowcount


def record_event(conn: sqlite3.Connection, event: str, kind: str, now: float) -> None:
    """An anonymous count for the team's page (kept when the person is erased)."""
    conn.execute(
        "INSERT INTO letter_events (at, event, kind) VALUES (?, ?, ?)",
        (clock.iso(now), event, kind),
    )


def log_consent(conn, subscriber_id: int, event: str, sub, how: str, detail: str, now) -> None:
    """Add to the address's consent history (`sub`: the subscription's kind and target);
    `event` and `how` as the table's CHECKs name them."""
    conn.execute(
        "INSERT INTO consent_log (subscriber_id, at, event, kind, target, how, detail)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (subscriber_id, clock.iso(now), event, sub["kind"], sub["target"], how, detail),
    )


def consent_history(conn: sqlite3.Connection, subscriber_id: int) -> list[dict]:
    """The address's consent history, oldest first, for the RGPD export."""
    rows = conn.execute(
        "SELECT at, event, kind, target, how, detail FROM consent_log WHERE subscriber_id = ?"
        " ORDER BY id",
        (subscriber_id,),
    )
    return [dict(row) for row in rows]


# --- what the mail server says about an address --------------------------------------------


def delivered(conn: sqlite3.Connection, row: sqlite3.Row) -> None:
    """The server accepted a message (`row`: a claimed outbox row): the address works again,
    its count of refusals starts over."""
    if row["bounces"]:
        conn.execute("UPDATE subscribers SET bounces = 0 WHERE id = ?", (row["subscriber_id"],))


def refused(conn: sqlite3.Connection, row: sqlite3.Row, error: str, now: float, settings) -> bool:
    """A permanent refusal (5xx) of this address: the message fails, the address counts a
    bounce, and after `letter_max_bounces` in a row it is suspended (its queued mail dropped).
    Returns whether the address was suspended now."""
    with db.begin(conn):
        outbox.fail(conn, row["id"], error)
        if not row["subscriber_id"]:
            return False
        conn.execute(
            "UPDATE subscribers SET bounces = bounces + 1, last_error = ? WHERE id = ?",
            (error[:500], row["subscriber_id"]),
        )
        return _suspend(conn, row["subscriber_id"], now, settings.max_bounces)


def bounced(conn: sqlite3.Connection, row_id: int, error: str, now: float, settings) -> bool | None:
    """A bounce that came back after the server had accepted the message (bounces.py): the
    message fails and the address counts a refusal. A relay says 250 to every later message
    too (which resets the count in `delivered`), so here the address is suspended when its last
    `max_bounces` messages all came back. Returns whether it was suspended now; None
    when the message was not one counted as sent (unknown, or already bounced)."""
    with db.begin(conn):
        row = outbox.bounce(conn, row_id, error)
        if row is None:
            return None
        subscriber = row["subscriber_id"]
        if not subscriber:
            return False
        last = outbox.last_outcomes(conn, subscriber, settings.max_bounces)
        in_a_row = next((n for n, status in enumerate(last) if status != "failed"), len(last))
        conn.execute(
            "UPDATE subscribers SET bounces = ?, last_error = ? WHERE id = ?",
            (in_a_row, error[:500], subscriber),
        )
        return _suspend(conn, subscriber, now, settings.max_bounces)


def _suspend(conn, subscriber_id: int, now: float, bounces: int) -> bool:
    """Suspend the address if it has `bounces` refusals in a row (its queued mail dropped)."""
    suspended = conn.execute(
        "UPDATE subscribers SET suspended_at = ? WHERE id = ? AND bounces >= ?"
        " AND suspended_at IS NULL",
        (clock.iso(now), subscriber_id, bounces),
    ).rowcount
    if suspended:
        outbox.drop_queued(conn, "adresse suspendue", subscriber_id=subscriber_id)
        record_event(conn, "suspension", "", now)
    return bool(suspended)


# --- the team's page ----------------------------------------------------------------------


def suspended_count(conn: sqlite3.Connection) -> int:
    return conn.execute(
        "SELECT count(*) FROM subscribers WHERE suspended_at IS NOT NULL"
    ).fetchone()[0]


def weeks(conn: sqlite3.Connection, count: int) -> list[sqlite3.Row]:
    """Confirmations, unsubscriptions, complaints (« spam » clicked, bounces.py) and
    suspensions per week (from Monday), newest first."""
    return conn.execute(
        "SELECT date(at, 'weekday 0', '-6 days') AS monday,"
        " sum(event = 'confirmation') AS confirmations,"
        " sum(event = 'desabonnement') AS unsubscriptions,"
        " sum(event = 'plainte') AS complaints,"
        " sum(event = 'suspension') AS suspensions"
        " FROM letter_events GROUP BY monday ORDER BY monday DESC LIMIT ?",
        (count,),
    ).fetchall()
