"""Personal data (RGPD): export and erase what we hold about one e-mail address, and forget
IP hashes past their retention period.

Comments are matched on the e-mail address without regard to case; subscriptions to the
lettre and followed discussions, with their consents and e-mails, are exported and erased too
(subscriptions.py). Erasing deletes the
person's comments; one that other people answered becomes a « commentaire supprimé »
placeholder (no name, address, text or IP hash left), so their replies stay. The change it
returns names the articles that showed any of them, for republishing. Deleted content is
overwritten in the file (`secure_delete`) and the WAL is emptied after the erase (`wipe`), so no
copy of the erased data stays on disk.
"""

import sqlite3
import time
from datetime import UTC, datetime, timedelta

from service.comments.actions import now_iso, prune_placeholders
from service.core.events import Change
from service.lettre import subscriptions

_BY_EMAIL = "author_email = ? COLLATE NOCASE"


def export(conn: sqlite3.Connection, email: str) -> dict:
    """Everything stored about `email`, as JSON-ready data."""
    rows = conn.execute(
        "SELECT id, article_slug, parent_id, author_name, author_email, author_url, body, status,"
        " is_official, ip_hash, created_at, updated_at, moderated_at FROM comments"
        f" WHERE {_BY_EMAIL} ORDER BY created_at, id",
        (email.strip(),),
    ).fetchall()
    return {
        "adresse_e_mail": email.strip(),
        "exporte_le": datetime.now(UTC).isoformat(timespec="seconds"),
        "commentaires": [dict(row) for row in rows],
        "abonnements": subscriptions.export(conn, email),
    }


def erase(conn: sqlite3.Connection, email: str) -> Change:
    """Erase every comment of `email`, inside the caller's transaction; the change counts them."""
    email = email.strip()
    rows = conn.execute(
        f"SELECT id, article_slug, parent_id, status FROM comments WHERE {_BY_EMAIL}", (email,)
    ).fetchall()
    slugs = sorted({r["article_slug"] for r in rows if r["status"] == "approved"})
    # Leaves first, until only comments with someone else's replies under them are left.
    while conn.execute(
        f"DELETE FROM comments WHERE {_BY_EMAIL}"
        " AND NOT EXISTS (SELECT 1 FROM comments r WHERE r.parent_id = comments.id)",
        (email,),
    ).rowcount:
        pass
    conn.execute(
        "UPDATE comments SET author_name = '', author_email = '', author_url = '', body = '',"
        " spam_reason = '', ip_hash = NULL, erased = 1, updated_at = ?"
        f" WHERE {_BY_EMAIL}",
        (now_iso(), email),
    )
    for row in rows:  # a parent of theirs may have been left with no reply
        prune_placeholders(conn, row["parent_id"])
    subscriptions.erase(conn, email)  # the lettre, followed discussions, their e-mails
    return Change(None, tuple(slugs), len(rows))


def wipe(conn: sqlite3.Connection) -> None:
    """Copy the WAL into the database and empty it, so erased rows leave no copy there."""
    for _ in range(50):  # a reader may hold an old snapshot for a moment
        if conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0:
            return
        time.sleep(0.1)
    raise sqlite3.OperationalError("the WAL could not be emptied: a reader holds it")


def purge_ips(conn: sqlite3.Connection, retention_days: int, now: datetime | None = None) -> int:
    """Forget the IP hash of comments older than `retention_days`; return how many."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
    cursor = conn.execute(
        "UPDATE comments SET ip_hash = NULL WHERE ip_hash IS NOT NULL AND created_at < ?",
        (cutoff.isoformat(timespec="seconds"),),
    )
    return cursor.rowcount
