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
    # 3: e-mail subscriptions: « La lettre des partenaires » and following a discussion, the
    # lettres sent, the articles already announced, and the durable send queue (`outbox`: one
    # row per message and recipient, written in the transaction that causes it). Addresses
    # live only in `subscribers`; `letter_events` keeps anonymous counts for the team's page.
    """
    CREATE TABLE subscribers (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        link_key TEXT NOT NULL,
        created_at TEXT NOT NULL,
        confirmed_at TEXT,
        bounces INTEGER NOT NULL DEFAULT 0,
        suspended_at TEXT,
        last_error TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE subscriptions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('lettre', 'reponses', 'article')),
        target TEXT NOT NULL DEFAULT '',
        themes TEXT NOT NULL DEFAULT '',
        rhythm TEXT NOT NULL DEFAULT 'each' CHECK (rhythm IN ('each', 'weekly')),
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'ended')),
        consent TEXT NOT NULL,
        created_at TEXT NOT NULL,
        confirmed_at TEXT,
        ended_at TEXT,
        end_reason TEXT NOT NULL DEFAULT '',
        UNIQUE (subscriber_id, kind, target)
    );
    CREATE INDEX subscriptions_target ON subscriptions (kind, target, status);
    CREATE TABLE letters (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('article', 'digest')),
        period TEXT NOT NULL,
        subject TEXT NOT NULL,
        articles TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (kind, period)
    );
    CREATE TABLE announced (
        slug TEXT PRIMARY KEY,
        announced_at TEXT NOT NULL,
        letter_id INTEGER REFERENCES letters(id),
        digest_id INTEGER REFERENCES letters(id),
        article TEXT NOT NULL DEFAULT ''
    ) WITHOUT ROWID;
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL
            CHECK (kind IN ('confirmation', 'deja-abonne', 'lettre', 'reponse', 'essai')),
        subscriber_id INTEGER REFERENCES subscribers(id) ON DELETE CASCADE,
        subscription_id INTEGER REFERENCES subscriptions(id) ON DELETE CASCADE,
        recipient TEXT NOT NULL DEFAULT '',
        letter_id INTEGER REFERENCES letters(id),
        comment_id INTEGER REFERENCES comments(id) ON DELETE CASCADE,
        detail TEXT NOT NULL DEFAULT '',
        dedupe TEXT UNIQUE,
        status TEXT NOT NULL DEFAULT 'queued'
            CHECK (status IN ('queued', 'sending', 'handed', 'sent', 'failed', 'dropped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        last_error TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
    CREATE INDEX outbox_subscriber ON outbox (subscriber_id);
    CREATE INDEX outbox_comment ON outbox (comment_id);
    CREATE TABLE letter_events (
        at TEXT NOT NULL,
        event TEXT NOT NULL,
        kind TEXT NOT NULL
    );
    CREATE INDEX letter_events_at ON letter_events (at);
    CREATE TABLE letter_state (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
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
