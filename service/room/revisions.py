"""Every version of every file the room saved, with who and when: the `revisions` table.

A revision is the whole text of the file (a few kilobytes; a thousand saves of an interview are
a few megabytes), numbered from 1 per file. The first time the room opens a file it records
the file as it found it (« origine »), and whenever the file on disk differs from the last
revision (a developer edited it by hand, `git pull`), that version is recorded too, by
OUTSIDE, before anything else happens: so a restore can always go back to what was there, and
a save made on top of a hand edit is a conflict, never a silent overwrite.
"""

import sqlite3

from service.core import clock
from service.core.errors import ActionError
from service.team import accounts

OUTSIDE = "hors de l’espace rédaction"
# Kind -> French label shown in the history.
KINDS = {
    "origine": "Version trouvée dans le dossier",
    "fichier": "Modifié hors de l’espace rédaction",
    "creation": "Création",
    "enregistrement": "Enregistrement",
    "restauration": "Restauration d’une révision",
    "publication": "Publication",
    "programmation": "Programmation",
    "retrait": "Retrait du site",
    "annulation": "Publication annulée après un échec",
}


def latest(conn: sqlite3.Connection, path: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM revisions WHERE path = ? ORDER BY number DESC LIMIT 1", (path,)
    ).fetchone()


def add(conn: sqlite3.Connection, path: str, author: str, kind: str, text: str) -> int:
    if kind not in KINDS:
        raise ValueError(f"unknown revision kind {kind!r}")
    last = latest(conn, path)
    number = last["number"] + 1 if last else 1
    conn.execute(
        "INSERT INTO revisions (path, number, author, created_at, kind, text)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (path, number, author, clock.now_iso(), kind, text),
    )
    return number


def sync(conn: sqlite3.Connection, path: str, disk_text: str) -> int:
    """Record the file as it is on disk if it differs from the last revision; return the
    number of the revision equal to the file."""
    last = latest(conn, path)
    if last is not None and last["text"] == disk_text:
        return last["number"]
    return add(conn, path, OUTSIDE, "fichier" if last else "origine", disk_text)


def get(conn: sqlite3.Connection, path: str, number: int) -> sqlite3.Row:
    row = conn.execute(
        "SELECT * FROM revisions WHERE path = ? AND number = ?", (path, number)
    ).fetchone()
    if row is None:
        raise ActionError(f"La révision n° {number} de ce fichier n’existe pas.", 404)
    return row


def _named(conn: sqlite3.Connection, rows) -> list[dict]:
    """`rows` with their author's display name (None for someone with no account)."""
    names = accounts.display_names(conn)
    return [{**dict(row), "display_name": names.get(row["author"])} for row in rows]


def listing(conn: sqlite3.Connection, path: str) -> list[dict]:
    return _named(
        conn,
        conn.execute(
            "SELECT number, author, created_at, kind, length(text) AS size FROM revisions"
            " WHERE path = ? ORDER BY number DESC",
            (path,),
        ),
    )


def last_changes(conn: sqlite3.Connection) -> dict[str, dict]:
    """Per file, its last revision's author (and display name) and time."""
    rows = conn.execute(
        "SELECT r.path, r.number, r.author, r.created_at FROM revisions r"
        " JOIN (SELECT path, max(number) AS number FROM revisions GROUP BY path) last"
        " ON last.path = r.path AND last.number = r.number"
    )
    return {row["path"]: row for row in _named(conn, rows)}
