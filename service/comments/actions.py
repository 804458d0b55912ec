"""Moderation actions on comments, for the web pages and the command line alike.

Each action works on an open connection inside a transaction and returns a `Change`;
`Moderation.perform` runs it in its own transaction and emits it on the bus (core/events.py:
`comment-changed-in-transaction` inside, `comment-changed` once committed), so what readers see
follows every action, wherever it came from.
"""

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from service.core.events import COMMENT_CHANGED, COMMENT_CHANGED_IN_TRANSACTION, Bus, Change
from site_core import db

OFFICIAL_AUTHOR = "Caf de l’Essonne"
MAX_BODY = 65525
# French names of the statuses: (one comment, several comments).
STATUS_LABELS = {
    "pending": ("en attente", "en attente"),
    "approved": ("publié", "publiés"),
    "rejected": ("rejeté", "rejetés"),
    "spam": ("indésirable", "indésirables"),
}


class ActionError(Exception):
    """A moderation action cannot be done; `message` says why, in French."""

    def __init__(self, message: str, status_code: int = 400):
        super().__init__(message)
        self.message = message
        self.status_code = status_code


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def get_comment(conn: sqlite3.Connection, comment_id: int) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM comments WHERE id = ?", (comment_id,)).fetchone()
    if row is None:
        raise ActionError(f"Le commentaire n° {comment_id} n’existe pas (ou plus).", 404)
    return row


def check_body(body: str) -> str:
    """The text to store, or ActionError with what is wrong with it."""
    if not body.strip():
        raise ActionError("Le texte est vide : écrivez le commentaire avant d’enregistrer.")
    if len(body) > MAX_BODY:
        raise ActionError(f"Le texte dépasse {MAX_BODY} caractères ({len(body)}).")
    return body.replace("\r\n", "\n")


def _shown_change(row: sqlite3.Row, *statuses: str) -> Change:
    """Readers' pages change only when the comment was or becomes approved."""
    return Change(row["id"], (row["article_slug"],) if "approved" in statuses else ())


def set_status(conn: sqlite3.Connection, comment_id: int, status: str, moderator: str) -> Change:
    """Approve, reject or mark as spam."""
    if status not in db.STATUSES:
        raise ActionError(f"Statut inconnu : « {status} ».")
    row = get_comment(conn, comment_id)
    conn.execute(
        "UPDATE comments SET status = ?, moderated_at = ?, moderated_by = ? WHERE id = ?",
        (status, now_iso(), moderator, comment_id),
    )
    return _shown_change(row, row["status"], status)


def delete(conn: sqlite3.Connection, comment_id: int) -> Change:
    """Delete for good, with the replies under it (a moderator's choice, said on the button)."""
    row = get_comment(conn, comment_id)
    doomed = conn.execute(
        "WITH RECURSIVE tree(id) AS (SELECT ? UNION ALL"
        " SELECT c.id FROM comments c JOIN tree ON c.parent_id = tree.id)"
        " SELECT c.id, c.status FROM comments c JOIN tree ON c.id = tree.id",
        (comment_id,),
    ).fetchall()
    conn.execute(
        f"DELETE FROM comments WHERE id IN ({', '.join('?' * len(doomed))})",
        [r["id"] for r in doomed],
    )
    prune_placeholders(conn, row["parent_id"])
    return _shown_change(row, *(r["status"] for r in doomed))


def prune_placeholders(conn: sqlite3.Connection, comment_id: int | None) -> None:
    """Delete erased placeholders left with no reply under them, up the thread."""
    while comment_id is not None:
        row = conn.execute(
            "SELECT parent_id FROM comments WHERE id = ? AND erased"
            " AND NOT EXISTS (SELECT 1 FROM comments r WHERE r.parent_id = comments.id)",
            (comment_id,),
        ).fetchone()
        if row is None:
            return
        conn.execute("DELETE FROM comments WHERE id = ?", (comment_id,))
        comment_id = row["parent_id"]


def edit(conn: sqlite3.Connection, comment_id: int, body: str, moderator: str) -> Change:
    """Replace the text (e.g. to remove personal data)."""
    body = check_body(body)
    row = get_comment(conn, comment_id)
    conn.execute(
        "UPDATE comments SET body = ?, updated_at = ?, moderated_by = ? WHERE id = ?",
        (body, now_iso(), moderator, comment_id),
    )
    return _shown_change(row, row["status"])


def reply(conn: sqlite3.Connection, comment_id: int, body: str, moderator: str) -> Change:
    """Publish an official reply of the Caf under a comment; the change names the reply.

    Replying to a pending comment approves it: a reply under a hidden comment would be hidden.
    """
    body = check_body(body)
    parent = get_comment(conn, comment_id)
    if parent["status"] not in ("pending", "approved"):
        raise ActionError(
            f"Le commentaire n° {comment_id} est « {STATUS_LABELS[parent['status']][0]} » : on ne "
            "peut répondre qu’à un commentaire en attente ou publié."
        )
    now = now_iso()
    if parent["status"] == "pending":
        conn.execute(
            "UPDATE comments SET status = 'approved', moderated_at = ?, moderated_by = ?"
            " WHERE id = ?",
            (now, moderator, comment_id),
        )
    cursor = conn.execute(
        "INSERT INTO comments (article_slug, parent_id, author_name, author_email, body,"
        " status, is_official, created_at, moderated_at, moderated_by)"
        " VALUES (?, ?, ?, '', ?, 'approved', 1, ?, ?, ?)",
        (parent["article_slug"], comment_id, OFFICIAL_AUTHOR, body, now, now, moderator),
    )
    return Change(cursor.lastrowid, (parent["article_slug"],))


def list_comments(
    conn: sqlite3.Connection, status: str, *, newest_first: bool, limit: int, offset: int = 0
) -> list[sqlite3.Row]:
    order = "DESC" if newest_first else "ASC"
    return conn.execute(
        "SELECT c.*, p.author_name AS parent_author FROM comments c"
        " LEFT JOIN comments p ON p.id = c.parent_id WHERE c.status = ?"
        f" ORDER BY c.created_at {order}, c.id {order} LIMIT ? OFFSET ?",
        (status, limit, offset),
    ).fetchall()


def status_counts(conn: sqlite3.Connection) -> dict[str, int]:
    counts = dict.fromkeys(db.STATUSES, 0)
    counts.update(conn.execute("SELECT status, count(*) FROM comments GROUP BY status"))
    return counts


class Moderation:
    """Runs actions on the comment store, each in its own transaction, and emits the change."""

    def __init__(self, database, bus: Bus):
        self.database = database
        self.bus = bus

    def connect(self) -> sqlite3.Connection:
        return db.connect(self.database)

    def perform(self, action: Callable[..., Change], *args) -> Change:
        conn = self.connect()
        try:
            with db.transaction(conn):
                change = action(conn, *args)
                self.bus.emit(COMMENT_CHANGED_IN_TRANSACTION, self, conn=conn, change=change)
        finally:
            conn.close()
        self.bus.emit(COMMENT_CHANGED, self, change=change)
        return change

    def read(self, function: Callable, *args, **kwargs):
        """`function(conn, *args, **kwargs)` on a fresh connection, for queries."""
        conn = self.connect()
        try:
            return function(conn, *args, **kwargs)
        finally:
            conn.close()
