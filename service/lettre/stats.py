"""What the team sees of the lettre: counts by thème and rhythm, confirmations and
unsubscriptions week by week, the last sends and failures; the subscriber list as CSV; a test
send to oneself. Shared by the team's page (team_page.py) and the command line."""

import csv
import io
import sqlite3
from datetime import datetime

from service.core import clock
from service.lettre import announce, outbox, subscribers, subscriptions
from service.lettre.subscriptions import RHYTHMS
from site_core import dates

WEEKS = 12
HOUR = 3600.0
LAST_SENDS = 10
LAST_FAILURES = 20
# Spreadsheets run a cell starting with these as a formula: such values get a leading quote.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def stats(conn: sqlite3.Connection, categories: dict[str, str]) -> dict:
    return {
        **subscriptions.lettre_counts(conn, categories),
        "suspended": subscribers.suspended_count(conn),
        "weeks": subscribers.weeks(conn, WEEKS),
        "sends": sends(conn, LAST_SENDS),
        "failures": failures(conn, LAST_FAILURES),
        "tested": last_test(conn),
        "relay": relay_pause(conn),
    }


def relay_pause(conn: sqlite3.Connection) -> dict | None:
    """The relay refusing everyone's mail (mail/refusals.py): the next try, Paris time, and
    its answer; None when no mail waits for it."""
    pause = _relay_refusal(conn)
    if pause is None:
        return None
    return {"at": _clock(pause["until"]), "answer": pause["error"].removeprefix(outbox.RELAY_MARK)}


# --- what the outbox says (read only: the queue is outbox.py's) -----------------------------


def sends(conn: sqlite3.Connection, count: int) -> list[sqlite3.Row]:
    """The last `count` lettres with how their e-mails fared."""
    return conn.execute(
        "SELECT l.id, l.kind, l.subject, l.created_at,"
        " coalesce(sum(o.status = 'sent'), 0) AS sent,"
        " coalesce(sum(o.status IN ('queued', 'sending')), 0) AS waiting,"
        " coalesce(sum(o.status = 'failed'), 0) AS failed,"
        " coalesce(sum(o.status = 'dropped'), 0) AS dropped"
        " FROM letters l LEFT JOIN outbox o ON o.letter_id = l.id AND o.kind = 'lettre'"
        " GROUP BY l.id ORDER BY l.id DESC LIMIT ?",
        (count,),
    ).fetchall()


def failures(conn: sqlite3.Connection, count: int) -> list[sqlite3.Row]:
    """The last `count` messages refused for good or waiting after a failure."""
    return conn.execute(
        "SELECT o.id, o.kind, coalesce(p.email, o.recipient) AS email, o.status, o.attempts,"
        " o.last_error, o.created_at FROM outbox o LEFT JOIN subscribers p"
        " ON p.id = o.subscriber_id WHERE o.status = 'failed'"
        " OR (o.status = 'queued' AND o.attempts > 0) ORDER BY o.id DESC LIMIT ?",
        (count,),
    ).fetchall()


def _relay_refusal(conn: sqlite3.Connection) -> sqlite3.Row | None:
    """The relay's refusal that mail still waits for: `until` (its next try) and `error`."""
    row = conn.execute(
        "SELECT max(next_attempt_at) AS until, last_error AS error FROM outbox"
        " WHERE status = 'queued' AND last_error LIKE ?",
        (outbox.RELAY_MARK + "%",),
    ).fetchone()
    return row if row["until"] is not None else None


def tests_since(conn: sqlite3.Connection, email: str, since: float) -> list[float]:
    """When the test sends to `email` queued since `since` were queued, oldest first."""
    rows = conn.execute(
        "SELECT created_at FROM outbox WHERE kind = 'essai' AND recipient = ? COLLATE NOCASE"
        " AND created_at >= ? ORDER BY id",
        (email, clock.iso(since)),
    ).fetchall()
    return [clock.parse(row[0]).timestamp() for row in rows]


def last_test(conn: sqlite3.Connection) -> str | None:
    """When the last test send left."""
    return conn.execute(
        "SELECT max(sent_at) FROM outbox WHERE kind = 'essai' AND status = 'sent'"
    ).fetchone()[0]


def oldest_due(conn: sqlite3.Connection, now: float) -> float | None:
    """Seconds the longest-waiting e-mail has been due (None: none is due): the health
    check's measure of a stuck sender."""
    due = conn.execute(
        "SELECT min(next_attempt_at) FROM outbox"
        " WHERE status IN ('queued', 'sending') AND next_attempt_at <= ?",
        (now,),
    ).fetchone()[0]
    return None if due is None else now - due


def _clock(moment: float) -> str:
    """`moment` as the team reads a time: HH:MM, Paris."""
    return datetime.fromtimestamp(moment, dates.PARIS).strftime("%H:%M")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def subscribers_csv(conn: sqlite3.Connection, categories: dict[str, str]) -> str:
    """Every lettre subscription (active, pending, ended) with its consent; « ; »-separated,
    with a BOM, as French spreadsheets expect."""
    rows = subscriptions.lettre_list(conn)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            "adresse",
            "statut",
            "suspendue le",
            "rythme",
            "thèmes",
            "demandé le",
            "confirmé le",
            "désabonné le",
            "consentement",
        ]
    )
    for row in rows:
        themes = ", ".join(categories.get(slug, slug) for slug in row["themes"].split())
        writer.writerow(
            _cell(value)
            for value in (
                row["email"],
                {"active": "abonné", "pending": "à confirmer", "ended": "désabonné"}[row["status"]],
                row["suspended_at"],
                RHYTHMS[row["rhythm"]],
                themes or "tous",
                row["created_at"],
                row["confirmed_at"],
                row["ended_at"],
                row["consent"],
            )
        )
    return "\ufeff" + out.getvalue()


def queue_test_send(conn: sqlite3.Connection, email: str, per_hour: int = 0) -> str:
    """A test of the latest lettre (the newest article if none was sent) to `email` only;
    with `per_hour`, at most that many an hour to one address (the team's button must not
    fill anyone's mailbox). Returns "" when queued, else why not (French)."""
    now = clock.now()
    if per_hour:
        recent = tests_since(conn, email, now - HOUR)
        if len(recent) >= per_hour:
            return (
                f"Vous avez déjà demandé {len(recent)} essais depuis une heure, la limite : "
                f"prochain essai possible à {_clock(recent[-per_hour] + HOUR)}."
            )
    outbox.enqueue(conn, "essai", recipient=email, letter_id=announce.latest(conn), now=now)
    return ""
