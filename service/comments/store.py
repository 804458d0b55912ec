"""The comment store: the `comments` table and the moderators' `notifications` queue, which
the writer fills in the same transaction (a stored pending comment always has its e-mail to
send). Every statement on these two tables is here; moderation (actions.py), the writer, the
notifier, the reader pages and the personal-data commands (rgpd.py) call these functions. The
build reads approved comments through site_core.comments.threads.

Each function works on the caller's connection, inside the caller's transaction if any.
"""

import json
import sqlite3

from service.core import db
from service.core.events import Comment

STATUSES = ("pending", "approved", "rejected", "spam")
# What the writer inserts, in this order.
COLUMNS = (
    "id, article_slug, parent_id, author_name, author_email, author_url, body, status,"
    " spam_reason, ip_hash, created_at"
)
_BY_EMAIL = "author_email = ? COLLATE NOCASE"


def _ids(ids) -> str:
    """`ids` as a JSON array, for `IN (SELECT value FROM json_each(?))`."""
    return json.dumps(list(ids))


# --- one comment, for moderation --------------------------------------------------------


def get(conn: sqlite3.Connection, comment_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM comments WHERE id = ?", (comment_id,)).fetchone()


def pending_by_article(conn: sqlite3.Connection) -> dict[str, int]:
    """Comments waiting for moderation, per article slug (the room's list shows them)."""
    return dict(
        conn.execute(
            "SELECT article_slug, count(*) FROM comments WHERE status = 'pending'"
            " GROUP BY article_slug"
        ).fetchall()
    )


def snapshot(conn: sqlite3.Connection, comment_id: int) -> Comment | None:
    """The comment `comment_id` for another domain (the lettre's follows and e-mails), read
    on the caller's connection: inside a transaction, it sees what that transaction wrote."""
    row = conn.execute(
        "SELECT id, article_slug, parent_id, author_name, author_email, body, status, erased,"
        " created_at FROM comments WHERE id = ?",
        (comment_id,),
    ).fetchone()
    return None if row is None else Comment(*row[:7], bool(row[7]), row[8])


def set_status(conn, comment_id: int, status: str, moderator: str, at: str) -> None:
    conn.execute(
        "UPDATE comments SET status = ?, moderated_at = ?, moderated_by = ? WHERE id = ?",
        (status, at, moderator, comment_id),
    )


def set_body(conn, comment_id: int, body: str, moderator: str, at: str) -> None:
    conn.execute(
        "UPDATE comments SET body = ?, updated_at = ?, moderated_by = ? WHERE id = ?",
        (body, at, moderator, comment_id),
    )


def add_official(conn, parent: sqlite3.Row, author: str, body: str, moderator: str, at: str) -> int:
    """Insert an approved reply of the Caf under `parent`; its number."""
    cursor = conn.execute(
        "INSERT INTO comments (article_slug, parent_id, author_name, author_email, body,"
        " status, is_official, created_at, moderated_at, moderated_by)"
        " VALUES (?, ?, ?, '', ?, 'approved', 1, ?, ?, ?)",
        (parent["article_slug"], parent["id"], author, body, at, at, moderator),
    )
    return cursor.lastrowid


def thread(conn: sqlite3.Connection, comment_id: int) -> list[sqlite3.Row]:
    """(id, status) of the comment and of every reply under it, at any depth."""
    return conn.execute(
        "WITH RECURSIVE tree(id) AS (SELECT ? UNION ALL"
        " SELECT c.id FROM comments c JOIN tree ON c.parent_id = tree.id)"
        " SELECT c.id, c.status FROM comments c JOIN tree ON c.id = tree.id",
        (comment_id,),
    ).fetchall()


def delete(conn: sqlite3.Connection, ids) -> None:
    conn.execute("DELETE FROM comments WHERE id IN (SELECT value FROM json_each(?))", (_ids(ids),))


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


def listing(
    conn: sqlite3.Connection, status: str, *, newest_first: bool, limit: int, offset: int = 0
) -> list[sqlite3.Row]:
    """A queue of comments, each with the name of the author it answers."""
    order = "DESC" if newest_first else "ASC"
    return conn.execute(
        "SELECT c.*, p.author_name AS parent_author FROM comments c"
        " LEFT JOIN comments p ON p.id = c.parent_id WHERE c.status = ?"
        f" ORDER BY c.created_at {order}, c.id {order} LIMIT ? OFFSET ?",
        (status, limit, offset),
    ).fetchall()


def status_counts(conn: sqlite3.Connection) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    counts.update(conn.execute("SELECT status, count(*) FROM comments GROUP BY status"))
    return counts


def approved_parent(conn: sqlite3.Connection, slug: str, parent_id: int) -> sqlite3.Row | None:
    """The comment a reader answers, if it is published under article `slug`."""
    return conn.execute(
        "SELECT id, author_name, body, created_at FROM comments"
        " WHERE id = ? AND article_slug = ? AND status = 'approved' AND NOT erased",
        (parent_id, slug),
    ).fetchone()


# --- new comments, a whole group at a time (writer.py) ------------------------------------


def known(conn: sqlite3.Connection, emails) -> set[tuple[str, str, str]]:
    """(e-mail, article, text) of every comment stored from `emails` (to refuse duplicates)."""
    emails = sorted(set(emails))
    rows = conn.execute(
        "SELECT author_email, article_slug, body FROM comments"
        f" WHERE author_email IN ({', '.join('?' * len(emails))})",
        emails,
    ).fetchall()
    return set(map(tuple, rows))


def parents(conn: sqlite3.Connection, ids) -> dict[int, tuple[str, str]]:
    """Comment number -> (article, status), for the comments `ids`."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    rows = conn.execute(
        f"SELECT id, article_slug, status FROM comments WHERE id IN ({', '.join('?' * len(ids))})",
        ids,
    ).fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


def next_id(conn: sqlite3.Connection) -> int:
    """The next comment number. Under the write lock, numbers past the largest ever given
    (AUTOINCREMENT's sqlite_sequence: numbers of deleted comments are never reused) cannot
    collide."""
    return conn.execute(
        "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'comments'), 0),"
        " coalesce(max(id), 0)) + 1 FROM comments"
    ).fetchone()[0]


def insert(conn: sqlite3.Connection, values: list, notify: list) -> None:
    """Insert comments (`values`: COLUMNS of each, one after the other) and the notifications
    of the pending ones (`notify`: comment number, time, …), one statement each."""
    if values:
        rows = len(values) // 11
        conn.execute(f"INSERT INTO comments ({COLUMNS}) VALUES {db.values(rows, 11)}", values)
    if notify:
        conn.execute(
            "INSERT INTO notifications (comment_id, next_attempt_at)"
            f" VALUES {db.values(len(notify) // 2, 2)}",
            notify,
        )


# --- the moderators' e-mails (notifier.py) -------------------------------------------------


def notification_queue(conn: sqlite3.Connection, max_attempts: int) -> list[sqlite3.Row]:
    """Unsent notifications of comments still pending, not out of attempts, oldest first."""
    return conn.execute(
        "SELECT n.id, n.comment_id, n.attempts, n.next_attempt_at FROM notifications n"
        " JOIN comments c ON c.id = n.comment_id"
        " WHERE n.sent_at IS NULL AND n.attempts < ? AND c.status = 'pending'"
        " ORDER BY n.id",
        (max_attempts,),
    ).fetchall()


def for_digest(conn: sqlite3.Connection, ids) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT id, article_slug, parent_id, author_name, body, created_at FROM comments"
        f" WHERE id IN ({', '.join('?' * len(ids))}) ORDER BY id",
        list(ids),
    ).fetchall()


def last_notified(conn: sqlite3.Connection, unless: str) -> str | None:
    """When the last e-mail went out (rows closed with the reason `unless` were not sent)."""
    row = conn.execute(
        "SELECT sent_at FROM notifications WHERE sent_at IS NOT NULL AND last_error IS NOT ?"
        " ORDER BY sent_at DESC LIMIT 1",
        (unless,),
    ).fetchone()
    return row[0] if row else None


def close_moderated(conn: sqlite3.Connection, at: str, reason: str) -> None:
    """Notifications whose comment was moderated before any e-mail leave the queue, unsent."""
    conn.execute(
        "UPDATE notifications SET sent_at = ?, last_error = ? WHERE sent_at IS NULL"
        " AND comment_id IN (SELECT id FROM comments WHERE status != 'pending')",
        (at, reason),
    )


def notified(conn: sqlite3.Connection, ids, at: str) -> None:
    conn.execute(
        "UPDATE notifications SET sent_at = ? WHERE id IN (SELECT value FROM json_each(?))",
        (at, _ids(ids)),
    )


def notify_later(conn: sqlite3.Connection, ids, at: str, error: str) -> None:
    """A failed e-mail: one attempt more, the next at `at`, the error kept for an operator."""
    conn.execute(
        "UPDATE notifications SET attempts = attempts + 1, next_attempt_at = ?,"
        " last_error = ? WHERE id IN (SELECT value FROM json_each(?))",
        (at, error, _ids(ids)),
    )


# --- personal data (rgpd.py) --------------------------------------------------------------


def by_author(conn: sqlite3.Connection, email: str) -> list[sqlite3.Row]:
    """Every comment of `email` (case ignored), as the RGPD export shows them."""
    return conn.execute(
        "SELECT id, article_slug, parent_id, author_name, author_email, author_url, body, status,"
        " is_official, ip_hash, created_at, updated_at, moderated_at FROM comments"
        f" WHERE {_BY_EMAIL} ORDER BY created_at, id",
        (email,),
    ).fetchall()


def erase_author(conn: sqlite3.Connection, email: str, at: str) -> list[sqlite3.Row]:
    """Erase every comment of `email`; one that others answered becomes a placeholder (no
    name, address, text or IP hash left). Returns (id, article_slug, parent_id, status) of
    each as it was."""
    rows = conn.execute(
        f"SELECT id, article_slug, parent_id, status FROM comments WHERE {_BY_EMAIL}", (email,)
    ).fetchall()
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
        (at, email),
    )
    for row in rows:  # a parent of theirs may have been left with no reply
        prune_placeholders(conn, row["parent_id"])
    return rows


def forget_ips(conn: sqlite3.Connection, before: str) -> int:
    """Forget the IP hash of comments written before `before`; how many."""
    cursor = conn.execute(
        "UPDATE comments SET ip_hash = NULL WHERE ip_hash IS NOT NULL AND created_at < ?",
        (before,),
    )
    return cursor.rowcount
