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
        "sends": outbox.sends(conn, LAST_SENDS),
        "failures": outbox.failures(conn, LAST_FAILURES),
        "tested": outbox.last_test(conn),
        "relay": relay_pause(conn),
    }


def relay_pause(conn: sqlite3.Connection) -> dict | None:
    """The relay refusing everyone's mail (mail/refusals.py): the next try, Paris time, and
    its answer; None when no mail waits for it."""
    pause = outbox.relay_pause(conn)
    if pause is None:
        return None
    return {"at": _clock(pause["until"]), "answer": pause["error"].removeprefix(outbox.RELAY_MARK)}


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
        recent = outbox.tests_since(conn, email, now - HOUR)
        if len(recent) >= per_hour:
            return (
                f"Vous avez déjà demandé {len(recent)} essais depuis une heure, la limite : "
                f"prochain essai possible à {_clock(recent[-per_hour] + HOUR)}."
            )
    outbox.enqueue(conn, "essai", recipient=email, letter_id=announce.latest(conn), now=now)
    return ""
