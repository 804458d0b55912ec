"""The comment store: one SQLite file, WAL journal, schema versioned by ordered migrations.

The build reads approved comments from it (read-only); the service owns every write.

The schema version lives in `PRAGMA user_version`; `migrate()` applies every migration of
`schema.MIGRATIONS` past it, each in its own transaction, so a database of any older version
upgrades in place.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from site_core.schema import MIGRATIONS

STATUSES = ("pending", "approved", "rejected", "spam")
JOURNAL_SIZE_LIMIT = 4 * 1024 * 1024


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
