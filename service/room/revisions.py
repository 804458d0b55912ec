"""Every version of every file the room saved, with who and when: the `revisions` table.

A revision is the whole text of a file (a few kilobytes; a thousand saves of an interview are
a few megabytes), numbered from 1 per file. The latest one is the work in progress; the one
the file holds is online (its `Record`, below). The first time the room opens a file it records the
file as it found it (« origine »), and whenever the file on disk differs from its online
revision (a developer edited it by hand, `git pull`), that version is recorded too, by
OUTSIDE, before anything else happens (store.py): so a restore can always go back to what
was there, and a save made on top of a hand edit is a conflict, never a silent overwrite.

Beside them, per file, its `Record` (table `room_files`): `online`, the number of the revision
whose text the file holds (None: no file); `withdrawn`, a withdrawal removed it (« retiré »,
not a never-published « brouillon »); `auto_date`, nobody chose its date (created in the room,
the date left as « Nouvel article » filled it): its first publication dates it.
"""

import sqlite3
from dataclasses import dataclass

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
    "abandon": "Modifications abandonnées",
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


@dataclass(frozen=True)
class Record:
    online: int | None = None
    withdrawn: bool = False
    auto_date: bool = False


def record_of(conn: sqlite3.Connection, path: str) -> Record:
    row = conn.execute(
        "SELECT online, withdrawn, auto_date FROM room_files WHERE path = ?", (path,)
    ).fetchone()
    if row is None:
        return Record()
    return Record(row["online"], bool(row["withdrawn"]), bool(row["auto_date"]))


def put_record(conn: sqlite3.Connection, path: str, record: Record) -> None:
    conn.execute(
        "INSERT INTO room_files (path, online, withdrawn, auto_date) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (path) DO UPDATE SET online = excluded.online,"
        " withdrawn = excluded.withdrawn, auto_date = excluded.auto_date",
        (path, record.online, int(record.withdrawn), int(record.auto_date)),
    )


def mentioning(conn: sqlite3.Connection, needles: set[str]) -> set[str]:
    """The `needles` some revision's text holds: any file, any version (a restore may bring
    an old one back), so what they name is still needed."""
    found: set[str] = set()
    for (text,) in conn.execute("SELECT text FROM revisions"):
        found.update(needle for needle in needles - found if needle in text)
        if found == needles:
            break
    return found


@dataclass(frozen=True)
class Known:
    record: Record
    unpublished: bool  # the latest revision differs from the file's
    text: str | None  # the latest revision's text when there is no file known


def everything(conn: sqlite3.Connection) -> dict[str, Known]:
    """Every path with a revision, as the list shows it."""
    rows = conn.execute(
        "SELECT r.path, f.online, f.withdrawn, f.auto_date,"
        " CASE WHEN f.online IS NULL THEN r.text END AS text,"
        " f.online IS NOT NULL AND r.text != (SELECT o.text FROM revisions o"
        "  WHERE o.path = r.path AND o.number = f.online) AS unpublished"
        " FROM revisions r"
        " JOIN (SELECT path, max(number) AS number FROM revisions GROUP BY path) last"
        "  ON last.path = r.path AND last.number = r.number"
        " LEFT JOIN room_files f ON f.path = r.path"
    )
    return {
        row["path"]: Known(
            Record(row["online"], bool(row["withdrawn"]), bool(row["auto_date"])),
            bool(row["unpublished"]),
            row["text"],
        )
        for row in rows
    }
