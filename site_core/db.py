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
JOURNAL_SIZE_LIMIT = 4 * 1024 * 1024

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
    # 2: comment numbers are never reused (AUTOINCREMENT); deleting a comment no longer
    # cascades to other people's replies (an erased comment with replies stays as a
    # placeholder, `erased`); flood and login counters, used form tokens and moderator
    # sessions are stored, so they hold across restarts and processes.
    """
    CREATE TABLE comments_v2 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        article_slug TEXT NOT NULL,
        parent_id INTEGER REFERENCES comments(id),
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
        moderated_by TEXT,
        erased INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO comments_v2 (id, article_slug, parent_id, author_name, author_email, author_url,
        body, status, spam_reason, is_official, ip_hash, created_at, updated_at, moderated_at,
        moderated_by)
        SELECT id, article_slug, parent_id, author_name, author_email, author_url, body, status,
        spam_reason, is_official, ip_hash, created_at, updated_at, moderated_at, moderated_by
        FROM comments;
    DROP TABLE comments;
    ALTER TABLE comments_v2 RENAME TO comments;
    CREATE INDEX comments_article_status ON comments (article_slug, status, created_at);
    CREATE INDEX comments_status_created ON comments (status, created_at);
    CREATE INDEX comments_email ON comments (author_email);
    CREATE INDEX comments_parent ON comments (parent_id);
    CREATE TABLE rate_events (
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        at REAL NOT NULL
    );
    CREATE INDEX rate_events_key ON rate_events (bucket, key, at);
    CREATE TABLE used_tokens (
        nonce TEXT PRIMARY KEY,
        used_at REAL NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        username TEXT NOT NULL REFERENCES moderators(username) ON DELETE CASCADE,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL
    ) WITHOUT ROWID;
    """,
    # 3 (writing room, issue 10): team accounts get roles (space-separated keys of
    # comment_service.accounts.ROLES) and can be disabled; existing moderators keep moderation
    # and get the writing room, the oldest also administration. One-time password links, the
    # team's log (who did what, when), article revisions (full text per save) and publication
    # jobs (a scheduled publication is a job due at the article's date).
    """
    ALTER TABLE moderators ADD COLUMN roles TEXT NOT NULL DEFAULT 'moderation';
    ALTER TABLE moderators ADD COLUMN disabled_at TEXT;
    UPDATE moderators SET roles = 'moderation redaction';
    UPDATE moderators SET roles = 'administration moderation redaction'
        WHERE id = (SELECT min(id) FROM moderators);
    CREATE TABLE password_links (
        token_hash TEXT PRIMARY KEY,
        username TEXT NOT NULL REFERENCES moderators(username) ON DELETE CASCADE,
        created_by TEXT NOT NULL,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        used_at REAL
    ) WITHOUT ROWID;
    CREATE TABLE team_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        username TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL DEFAULT '',
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX team_log_target ON team_log (target, id);
    CREATE TABLE revisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        path TEXT NOT NULL,
        number INTEGER NOT NULL,
        author TEXT NOT NULL,
        created_at TEXT NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        UNIQUE (path, number)
    );
    CREATE TABLE publish_jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        requested_by TEXT NOT NULL,
        requested_at TEXT NOT NULL,
        reason TEXT NOT NULL,
        path TEXT NOT NULL DEFAULT '',
        status_from TEXT,
        status_to TEXT,
        due_at TEXT,
        state TEXT NOT NULL DEFAULT 'queued'
            CHECK (state IN ('queued', 'running', 'done', 'failed')),
        stage TEXT NOT NULL DEFAULT '',
        started_at TEXT,
        finished_at TEXT,
        message TEXT NOT NULL DEFAULT '',
        seconds REAL
    );
    CREATE INDEX publish_jobs_state ON publish_jobs (state, due_at);
    """,
]


def connect(path: str | Path, *, readonly: bool = False) -> sqlite3.Connection:
    """Open the database with the settings every caller relies on.

    `synchronous=FULL` makes each commit durable before it returns; WAL keeps readers (the
    site build, the moderation pages) from blocking the writer; `secure_delete` overwrites
    deleted content, so an erased comment leaves no copy in the file (RGPD); the WAL file is
    truncated to `journal_size_limit` each time a checkpoint lets it start over.
    """
    if readonly:
        conn = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True, check_same_thread=False)
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=5000")
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema to the latest version; return that version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version >= len(MIGRATIONS):
        return version
    # A migration may rebuild a table (SQLite's 12-step ALTER): foreign keys are off meanwhile
    # (dropping the old table must not cascade), and checked before each commit.
    conn.execute("PRAGMA foreign_keys=OFF")
    try:
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with transaction(conn):
                for statement in filter(str.strip, script.split(";")):
                    conn.execute(statement)
                if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                    raise sqlite3.IntegrityError(f"migration {number} breaks a foreign key")
                conn.execute(f"PRAGMA user_version = {number}")
    finally:
        conn.execute("PRAGMA foreign_keys=ON")
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
