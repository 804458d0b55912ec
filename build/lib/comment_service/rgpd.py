"""Personal data (RGPD): export and erase what we hold about one e-mail address, and forget
IP hashes past their retention period.

Comments are matched on the e-mail address without regard to case. Erasing deletes the
person's comments, and with them the replies under them (a reply means nothing without what it
answers); the change it returns names the articles that showed any of them, for republishing.
"""

import sqlite3
from datetime import UTC, datetime, timedelta

from .hooks import Change

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
    }


def erase(conn: sqlite3.Connection, email: str) -> Change:
    """Delete every comment of `email` (and replies under them), inside the caller's
    transaction; the change counts the comments that went."""
    before = conn.execute("SELECT count(*) FROM comments").fetchone()[0]
    slugs = [
        row[0]
        for row in conn.execute(
            f"SELECT DISTINCT article_slug FROM comments WHERE {_BY_EMAIL} AND status = 'approved'",
            (email.strip(),),
        )
    ]
    conn.execute(f"DELETE FROM comments WHERE {_BY_EMAIL}", (email.strip(),))
    removed = before - conn.execute("SELECT count(*) FROM comments").fetchone()[0]
    return Change(None, tuple(slugs), removed)


def purge_ips(conn: sqlite3.Connection, retention_days: int, now: datetime | None = None) -> int:
    """Forget the IP hash of comments older than `retention_days`; return how many."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
    cursor = conn.execute(
        "UPDATE comments SET ip_hash = NULL WHERE ip_hash IS NOT NULL AND created_at < ?",
        (cutoff.isoformat(timespec="seconds"),),
    )
    return cursor.rowcount
