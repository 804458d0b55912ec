"""Moderation actions on comments, for the web pages and the command line alike.

Each action works on an open connection inside a transaction and returns a `Change`;
`Moderation.perform` runs it in its own transaction and emits it on the bus (core/events.py:
`comment-changed-in-transaction` inside, `comment-changed` once committed), so what readers see
follows every action, wherever it came from. The statements are the comment store's (store.py);
the rules are here.
"""

import sqlite3
from collections.abc import Callable

from service.comments import store
from service.core import clock, db
from service.core.errors import ActionError
from service.core.events import COMMENT_CHANGED, COMMENT_CHANGED_IN_TRANSACTION, Bus, Change

OFFICIAL_AUTHOR = "Caf de l’Essonne"
MAX_BODY = 65525
# French names of the statuses: (one comment, several comments).
STATUS_LABELS = {
    "pending": ("en attente", "en attente"),
    "approved": ("publié", "publiés"),
    "rejected": ("rejeté", "rejetés"),
    "spam": ("indésirable", "indésirables"),
}


def get_comment(conn: sqlite3.Connection, comment_id: int) -> sqlite3.Row:
    row = store.get(conn, comment_id)
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


def _shown_change(row: sqlite3.Row, *statuses: str, deleted: tuple = ()) -> Change:
    """Readers' pages change only when the comment was or becomes approved."""
    shown = (row["article_slug"],) if "approved" in statuses else ()
    return Change(row["id"], shown, deleted=deleted)


def set_status(conn: sqlite3.Connection, comment_id: int, status: str, moderator: str) -> Change:
    """Approve, reject or mark as spam."""
    if status not in store.STATUSES:
        raise ActionError(f"Statut inconnu : « {status} ».")
    row = get_comment(conn, comment_id)
    store.set_status(conn, comment_id, status, moderator, clock.now_iso())
    return _shown_change(row, row["status"], status)


def delete(conn: sqlite3.Connection, comment_id: int) -> Change:
    """Delete for good, with the replies under it (a moderator's choice, said on the button)."""
    row = get_comment(conn, comment_id)
    doomed = store.thread(conn, comment_id)
    store.delete(conn, [r["id"] for r in doomed])
    store.prune_placeholders(conn, row["parent_id"])
    deleted = tuple(r["id"] for r in doomed)
    return _shown_change(row, *(r["status"] for r in doomed), deleted=deleted)


def edit(conn: sqlite3.Connection, comment_id: int, body: str, moderator: str) -> Change:
    """Replace the text (e.g. to remove personal data)."""
    body = check_body(body)
    row = get_comment(conn, comment_id)
    store.set_body(conn, comment_id, body, moderator, clock.now_iso())
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
    now = clock.now_iso()
    if parent["status"] == "pending":
        store.set_status(conn, comment_id, "approved", moderator, now)
    reply_id = store.add_official(conn, parent, OFFICIAL_AUTHOR, body, moderator, now)
    return Change(reply_id, (parent["article_slug"],))


class Moderation:
    """Runs actions on the comment store, each in its own transaction, and emits the change."""

    def __init__(self, database, bus: Bus):
        self.database = database
        self.bus = bus

    def perform(self, action: Callable[..., Change], *args) -> Change:
        with db.transaction(self.database) as conn:
            change = action(conn, *args)
            self.bus.emit(COMMENT_CHANGED_IN_TRANSACTION, self, conn=conn, change=change)
        self.bus.emit(COMMENT_CHANGED, self, change=change)
        return change
