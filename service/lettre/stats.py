"""What the team sees of the lettre: counts by thème and rhythm, confirmations and
unsubscriptions week by week, the last sends and failures; the subscriber list as CSV; a test
send to oneself. Shared by the team's page (letter_team.py) and the command line."""

import csv
import io
import sqlite3

from service.lettre import outbox
from service.lettre.subscriptions import RHYTHMS

WEEKS = 12
LAST_SENDS = 10
LAST_FAILURES = 20
# Spreadsheets run a cell starting with these as a formula: such values get a leading quote.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def stats(conn: sqlite3.Connection, categories: dict[str, str]) -> dict:
    active = "s.kind = 'lettre' AND s.status = 'active' AND p.suspended_at IS NULL"
    joined = "FROM subscriptions s JOIN subscribers p ON p.id = s.subscriber_id"
    rhythms = dict.fromkeys(RHYTHMS, 0)
    rhythms.update(conn.execute(f"SELECT s.rhythm, count(*) {joined} WHERE {active} GROUP BY 1"))
    themes = [
        (
            name,
            conn.execute(
                f"SELECT count(*) {joined} WHERE {active} AND (s.themes = ''"
                " OR instr(' ' || s.themes || ' ', ' ' || ? || ' ') > 0)",
                (slug,),
            ).fetchone()[0],
        )
        for slug, name in categories.items()
    ]
    return {
        "total": sum(rhythms.values()),
        "rhythms": [(RHYTHMS[key], count) for key, count in rhythms.items()],
        "all_themes": conn.execute(
            f"SELECT count(*) {joined} WHERE {active} AND s.themes = ''"
        ).fetchone()[0],
        "themes": themes,
        "pending": conn.execute(
            "SELECT count(*) FROM subscriptions WHERE kind = 'lettre' AND status = 'pending'"
        ).fetchone()[0],
        "suspended": conn.execute(
            "SELECT count(*) FROM subscribers WHERE suspended_at IS NOT NULL"
        ).fetchone()[0],
        "follows": conn.execute(
            f"SELECT count(*) {joined} WHERE s.kind != 'lettre' AND s.status = 'active'"
        ).fetchone()[0],
        "weeks": conn.execute(
            "SELECT date(at, 'weekday 0', '-6 days') AS monday,"
            " sum(event = 'confirmation') AS confirmations,"
            " sum(event = 'desabonnement') AS unsubscriptions,"
            " sum(event = 'suspension') AS suspensions"
            " FROM letter_events GROUP BY monday ORDER BY monday DESC LIMIT ?",
            (WEEKS,),
        ).fetchall(),
        "sends": conn.execute(
            "SELECT l.id, l.kind, l.subject, l.created_at,"
            " coalesce(sum(o.status = 'sent'), 0) AS sent,"
            " coalesce(sum(o.status IN ('queued', 'sending')), 0) AS waiting,"
            " coalesce(sum(o.status = 'failed'), 0) AS failed,"
            " coalesce(sum(o.status = 'dropped'), 0) AS dropped"
            " FROM letters l LEFT JOIN outbox o ON o.letter_id = l.id AND o.kind = 'lettre'"
            " GROUP BY l.id ORDER BY l.id DESC LIMIT ?",
            (LAST_SENDS,),
        ).fetchall(),
        "failures": conn.execute(
            "SELECT o.id, o.kind, coalesce(p.email, o.recipient) AS email, o.status, o.attempts,"
            " o.last_error, o.created_at FROM outbox o LEFT JOIN subscribers p"
            " ON p.id = o.subscriber_id WHERE o.status = 'failed'"
            " OR (o.status = 'queued' AND o.attempts > 0) ORDER BY o.id DESC LIMIT ?",
            (LAST_FAILURES,),
        ).fetchall(),
        "tested": conn.execute(
            "SELECT max(sent_at) FROM outbox WHERE kind = 'essai' AND status = 'sent'"
        ).fetchone()[0],
    }


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def subscribers_csv(conn: sqlite3.Connection, categories: dict[str, str]) -> str:
    """Every lettre subscription (active, pending, ended) with its consent; « ; »-separated,
    with a BOM, as French spreadsheets expect."""
    rows = conn.execute(
        "SELECT p.email, s.status, p.suspended_at, s.rhythm, s.themes, s.created_at,"
        " s.confirmed_at, s.ended_at, s.consent FROM subscriptions s JOIN subscribers p"
        " ON p.id = s.subscriber_id WHERE s.kind = 'lettre' ORDER BY p.email"
    ).fetchall()
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


def queue_test_send(conn: sqlite3.Connection, email: str) -> None:
    """A test of the latest lettre (the newest article if none was sent) to `email` only."""
    latest = conn.execute("SELECT max(id) FROM letters").fetchone()[0]
    outbox.enqueue(conn, "essai", recipient=email, letter_id=latest)
