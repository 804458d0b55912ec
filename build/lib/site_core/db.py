"""The comment store: one SQLite file, WAL journal, schema versioned by ordered migrations.

The build reads approved comments from it (read-only); the service owns every write.

The schema version lives in `PRAGMA user_version`; `migrate()` applies every migration past it,
each in its own transaction, so a database of any older version upgrades in place.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STATUSES = ("pending", "approved", "rejected", "spam")

# Append new migrations at the end; never edit one that has shipped.
MIGRATIONS = [
    """
    CREATE TABLE comments (
        id INTEGER PRIMARY KEY,
        article_slug TEXT NOT NULL,
        parent_id INTEGER REFERENCES comments(id) ON DELETE CASCADE,
        author_name TEXT NOT NULL,
        author_email TEXT NOT NULL,
        author_url TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'approved', 'rejected', 'spam')),
        spam_reason TEXT NOT NULL DEFAULT '',
        is_official INTEGER NOT NULL DEFAULT 0,
        ip_hash TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT,
        moderated_at TEXT,
        moderated_by TEXT
    );
    CREATE INDEX comments_article_status ON comments (article_slug, status, created_at);
    CREATE INDEX comments_status_created ON comments (status, created_at);
    CREATE INDEX comments_email ON comments (author_email);
    CREATE TABLE moderators (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE notifications (
        id INTEGER PRIMARY KEY,
        comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT NOT NULL DEFAULT '',
        sent_at TEXT
    );
    CREATE INDEX notifications_due ON notifications (sent_at, next_attempt_at);
    """,
]


def connect(path: str | Path, *, readonly: bool = False) -> sqlite3.Connection:
    """Open the database with the settings every caller relies on.

    `synchronous=FULL` makes each commit durable before it returns; WAL keeps readers (the
    site build, the moderation pages) from blocking the writer.
    """
    if readonly:
        conn = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True, check_same_thread=False)
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=5000")
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema to the latest version; return that version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        with transaction(conn):
            for statement in filter(str.strip, script.split(";")):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
    return len(MIGRATIONS)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error.

    IMMEDIATE takes the write lock at once, so a read-then-write cannot fail half-way with
    SQLITE_BUSY when another writer got in between (busy_timeout waits for the lock instead).
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def init(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the database at `path`."""
    conn = connect(path)
    migrate(conn)
    return conn
