"""Announcing published articles to lettre subscribers.

The build describes every article in the manifest; an article is new when it is published,
its date has come, and it is not in `announced` yet. Only news is announced: a new article
dated more than LETTRE_NEWS_DAYS days before the round that sees it (5 articles of 2012, an
import of 400) is recorded as announced without a lettre. The news a round finds (one
publication, however many articles) make ONE lettre, in ONE transaction: the lettre (kept with
a snapshot of its articles, for the archive page), their `announced` rows, and one `outbox`
row per subscriber « à chaque publication » following one of their thèmes (who gets only the
articles of their thèmes: letters.py). So whoever runs it (the service noticing a new build,
`python -m service announce` after `invoke publish`, the writing room's publish button) and
however often, each article is announced once, and each subscriber queued once per round.

The first time the service sees a built site, what it shows is the back catalogue, not news:
every published article is recorded as announced without a lettre. Scheduled articles (a
future date) are announced when their date passes: the sender checks on every round.

Subscribers « une fois par semaine » get a digest on `letter_digest_day` from
`letter_digest_hour` (Paris time): the articles announced since the previous digest, those of
their thèmes; one digest per ISO week at most.

The tables `letters`, `announced` and `letter_state` are this module's (the build reads
`letters` through site_core.letter_archive).
"""

import json
import sqlite3
from datetime import datetime, timedelta
from datetime import time as time_of_day

from service.core import clock
from service.lettre import outbox
from service.lettre.mail.letters import letter_subject, snapshot
from site_core import dates
from site_core.manifest import Manifest

STATE_SINCE = "annonces_depuis"  # letter_state: when the back catalogue was recorded
STATE_DIGEST = "recapitulatif"  # letter_state: the last ISO week whose digest time was seen
# One thème among a subscription's (space-separated slugs; "" = every thème).
_THEME = "(s.themes = '' OR instr(' ' || s.themes || ' ', ' ' || {} || ' ') > 0)"


def eligible(manifest: Manifest, now: datetime) -> list:
    """Published articles whose date has come, oldest first."""
    return sorted(
        (a for a in manifest.articles.values() if a.status == "published" and a.date <= now),
        key=lambda a: (a.date, a.slug),
    )


def announced(conn: sqlite3.Connection) -> set[str]:
    """The slugs of every article announced (or recorded as the back catalogue)."""
    return {row[0] for row in conn.execute("SELECT slug FROM announced")}


def letter(conn: sqlite3.Connection, letter_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM letters WHERE id = ?", (letter_id,)).fetchone()


def latest(conn: sqlite3.Connection) -> int | None:
    """The number of the newest lettre, None before the first."""
    return conn.execute("SELECT max(id) FROM letters").fetchone()[0]


def is_news(article, now: datetime, news_days: float) -> bool:
    """Dated at most `news_days` before `now`, the round that first sees it published: an
    imported or back-dated article is not news (the room dates an article when it goes online,
    and a scheduled one is seen within seconds of its date)."""
    return now - article.date <= timedelta(days=news_days)


def _record(conn: sqlite3.Connection, articles, stamp: float, letter_id=None) -> None:
    conn.executemany(
        "INSERT INTO announced (slug, announced_at, letter_id, article) VALUES (?, ?, ?, ?)",
        [
            (a.slug, clock.iso(stamp), letter_id, json.dumps(snapshot(a)) if letter_id else "")
            for a in articles
        ],
    )


def _enqueue(conn, letter_id: int, rhythm: str, themes, stamp: float) -> None:
    """Queue `letter_id` for the active subscriptions of `rhythm` following one of `themes`."""
    themes = sorted(set(themes))
    matches = " OR ".join(_THEME.format(f":t{n}") for n in range(len(themes)))
    outbox.enqueue_letter(
        conn,
        letter_id,
        f"s.rhythm = :rhythm AND ({matches})",
        {"rhythm": rhythm, **{f"t{n}": theme for n, theme in enumerate(themes)}},
        stamp,
    )


def announce(
    conn: sqlite3.Connection, manifest: Manifest, now: datetime, news_days: float
) -> list[int]:
    """Announce what is new in `manifest` (inside the caller's transaction): the news of one
    round, however many, in ONE lettre (a publication of several articles, an import, a
    schedule reached together); return the new lettre's number (none or one)."""
    articles = eligible(manifest, now)
    if not articles:
        return []
    done = announced(conn)
    new = [a for a in articles if a.slug not in done]
    stamp = now.timestamp()
    if conn.execute("SELECT 1 FROM letter_state WHERE name = ?", (STATE_SINCE,)).fetchone() is None:
        _record(conn, new, stamp)
        conn.execute(
            "INSERT INTO letter_state (name, value) VALUES (?, ?)",
            (STATE_SINCE, clock.iso(stamp)),
        )
        return []
    news = [a for a in new if is_news(a, now, news_days)]
    _record(conn, [a for a in new if not is_news(a, now, news_days)], stamp)
    if not news:
        return []
    news.reverse()  # newest first, like the site's lists
    shown = [snapshot(a) for a in news]
    letter_id = conn.execute(
        "INSERT INTO letters (kind, period, subject, articles, created_at)"
        " VALUES ('article', ?, ?, ?, ?)",
        (
            news[-1].slug,
            letter_subject("article", shown, clock.iso(stamp)),
            json.dumps(shown),
            clock.iso(stamp),
        ),
    ).lastrowid
    _record(conn, news, stamp, letter_id)
    _enqueue(conn, letter_id, "each", (a.category_slug for a in news), stamp)
    return [letter_id]


def digest_period(now: datetime, day: int, hour: int) -> str | None:
    """The ISO week (« 2026-W02 ») whose digest is due at `now`; None before its time."""
    local = now.astimezone(dates.PARIS)
    monday = local.date() - timedelta(days=local.weekday())
    due = datetime.combine(monday + timedelta(days=day), time_of_day(hour), dates.PARIS)
    if local < due:
        return None
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def make_digest(conn: sqlite3.Connection, now: datetime, day: int, hour: int) -> int | None:
    """The week's digest, once its time has come (inside the caller's transaction).

    Each week is checked once, articles or not (`letter_state`), so a digest never goes out
    between two digest times; after the service was stopped over one, it goes out late."""
    period = digest_period(now, day, hour)
    done = conn.execute("SELECT value FROM letter_state WHERE name = ?", (STATE_DIGEST,)).fetchone()
    if period is None or (done and period <= done[0]):
        return None
    conn.execute(
        "INSERT OR REPLACE INTO letter_state (name, value) VALUES (?, ?)", (STATE_DIGEST, period)
    )
    rows = conn.execute(
        "SELECT slug, article FROM announced WHERE letter_id IS NOT NULL AND digest_id IS NULL"
    ).fetchall()
    if not rows:
        return None
    # Newest first, like the site's lists.
    articles = sorted(
        (json.loads(row["article"]) for row in rows),
        key=lambda a: datetime.fromisoformat(a["date"]),
        reverse=True,
    )
    stamp = now.timestamp()
    letter_id = conn.execute(
        "INSERT INTO letters (kind, period, subject, articles, created_at)"
        " VALUES ('digest', ?, ?, ?, ?)",
        (
            period,
            letter_subject("digest", articles, clock.iso(stamp)),
            json.dumps(articles),
            clock.iso(stamp),
        ),
    ).lastrowid
    conn.execute(
        "UPDATE announced SET digest_id = ? WHERE slug IN (SELECT value FROM json_each(?))",
        (letter_id, json.dumps([row["slug"] for row in rows])),
    )
    _enqueue(conn, letter_id, "weekly", (a["category_slug"] for a in articles), stamp)
    return letter_id
