"""The editor's form as last typed, kept on the server while typing: the `autosaves` table.

Never a revision and never a file, so nothing half-typed is published, listed in the history
or built; one row per account and file (a new article not yet saved: `nouveau/<key>`, its key
kept in the form), replaced at each autosave, removed by a save of that file or « Ignorer ».
A crashed tab's work comes back from here (« Reprendre le brouillon »). The same rows say who
has a file open (`seen_at`, refreshed by the page's pings; `since`, when that began): the
« Élodie modifie cet article depuis 10 h 02 » line.
"""

import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import timedelta

from service.core import clock
from service.room.draft import MAX_SPEAKERS
from service.team import accounts

PRESENCE_SECONDS = 120  # a page unseen this long is closed (the page pings every 30 s)
NEW_PREFIX = "nouveau/"
CLIENT_KEY = re.compile(r"[A-Za-z0-9_-]{8,40}")
# The editor form's fields an autosave keeps: every one a person types or chooses.
FIELDS = re.compile(
    r"type|titre|date|heure|date_auto|theme|mots_cles|slug|intervenants|chapo|date_estimee"
    r"|commentaires_fermes|texte|intervenant-(?P<n>[1-9]\d?)-(nom|role|portrait)"
)


@dataclass(frozen=True)
class Autosave:
    path: str
    base: int | None
    fields: dict[str, str]
    saved_at: str


@dataclass(frozen=True)
class Present:
    display_name: str
    since: str


def kept(posted) -> dict[str, str]:
    """The posted fields an autosave keeps (a button's, a token's or a file's are not)."""
    fields = {}
    for name, value in posted.items():
        match = FIELDS.fullmatch(name)
        if match and int(match["n"] or 0) <= MAX_SPEAKERS:
            fields[name] = value
    return fields


def new_path(key: str) -> str | None:
    """A new article's place in the table, from the key its form holds (None: no valid key)."""
    return NEW_PREFIX + key if CLIENT_KEY.fullmatch(key or "") else None


def _seen(conn: sqlite3.Connection, username: str, path: str) -> str:
    """When this account's presence on `path` began: kept while its pings go on."""
    row = conn.execute(
        "SELECT since, seen_at FROM autosaves WHERE username = ? AND path = ?", (username, path)
    ).fetchone()
    now = clock.utc()
    if row is not None and clock.parse(row["seen_at"]) > now - timedelta(seconds=PRESENCE_SECONDS):
        return row["since"]
    return clock.iso(now)


def store(
    conn: sqlite3.Connection, username: str, path: str, base: int | None, fields: dict
) -> str:
    """Keep `fields` as this account's work on `path`; returns when (stored time)."""
    now, since = clock.now_iso(), _seen(conn, username, path)
    conn.execute(
        "INSERT INTO autosaves (username, path, base, fields, saved_at, since, seen_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (username, path) DO UPDATE SET"
        " base = excluded.base, fields = excluded.fields, saved_at = excluded.saved_at,"
        " since = excluded.since, seen_at = excluded.seen_at",
        (username, path, base, json.dumps(fields, ensure_ascii=False), now, since, now),
    )
    return now


def ping(conn: sqlite3.Connection, username: str, path: str) -> None:
    """This account has `path` open (its typed work, if any, stays as it is)."""
    now, since = clock.now_iso(), _seen(conn, username, path)
    conn.execute(
        "INSERT INTO autosaves (username, path, since, seen_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (username, path) DO UPDATE SET since = excluded.since,"
        " seen_at = excluded.seen_at",
        (username, path, since, now),
    )


def get(conn: sqlite3.Connection, username: str, path: str) -> Autosave | None:
    """This account's typed work on `path`, or None."""
    row = conn.execute(
        "SELECT path, base, fields, saved_at FROM autosaves"
        " WHERE username = ? AND path = ? AND fields IS NOT NULL",
        (username, path),
    ).fetchone()
    return _autosave(row)


def latest_new(conn: sqlite3.Connection, username: str) -> Autosave | None:
    """This account's latest typed new article not yet saved, or None."""
    row = conn.execute(
        "SELECT path, base, fields, saved_at FROM autosaves WHERE username = ?"
        " AND path LIKE 'nouveau/%' AND fields IS NOT NULL ORDER BY saved_at DESC LIMIT 1",
        (username,),
    ).fetchone()
    return _autosave(row)


def _autosave(row) -> Autosave | None:
    if row is None:
        return None
    return Autosave(row["path"], row["base"], json.loads(row["fields"]), row["saved_at"])


def forget(conn: sqlite3.Connection, username: str, path: str) -> None:
    """A save (or « Ignorer ») ends this account's typed work on `path`; its presence stays."""
    conn.execute(
        "UPDATE autosaves SET fields = NULL, base = NULL, saved_at = NULL"
        " WHERE username = ? AND path = ?",
        (username, path),
    )


def present(conn: sqlite3.Connection, path: str, besides: str) -> list[Present]:
    """Who else has `path` open now (seen within PRESENCE_SECONDS), earliest first."""
    after = clock.iso(clock.utc() - timedelta(seconds=PRESENCE_SECONDS))
    rows = conn.execute(
        "SELECT username, since FROM autosaves WHERE path = ? AND seen_at > ?"
        " AND username != ? ORDER BY since",
        (path, after, besides),
    ).fetchall()
    names = accounts.display_names(conn)
    return [Present(names.get(row["username"]) or row["username"], row["since"]) for row in rows]
