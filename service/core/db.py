"""The one way to the service's database: one SQLite file, WAL journal, ordered migrations.

- `with connection(path) as conn:` a connection closed after the block (each statement
  commits on its own); `with transaction(path) as conn:` the same in one BEGIN IMMEDIATE
  transaction; `with begin(conn):` a transaction on a connection a thread keeps (the comment
  writer, the background workers).
- In an `async def`, only `await run(path, function, *args, write=…)`: `function(conn, …)` in
  Starlette's thread pool, so the event loop never waits on SQLite.

Each table has one owner module, the only one with statements that write it and with its
queries (which may join another table of the same domain); everyone else calls its functions:
comments and notifications: comments/store.py; rate_events: core/protection.py; used_tokens:
core/tokens.py; moderators: team/accounts.py; sessions: team/sessions.py; password_links:
team/accounts_admin.py; team_log: core/journal.py; revisions: room/revisions.py;
room_files: room/revisions.py; autosaves: room/autosaves.py;
publish_jobs: room/publishing/jobs.py (its online_before, online_after and withdrawn_before
columns set by room/store.py in the transaction that queues the job);
subscriptions: lettre/subscriptions.py; subscribers, letter_events, consent_log:
lettre/subscribers.py; outbox: lettre/outbox.py (the figures the team's page shows of it are
read in lettre/stats.py, read only); letters, announced, letter_state: lettre/announce.py.
The build reads comments and letters through site_core.
Another domain reads a table through its owner's function, handed to it by app.py (the lettre
reads a comment through comments/store.snapshot, the room's list its pending comments through
comments/store.pending_by_article).

The schema version is `PRAGMA user_version`; `migrate()` runs each file of migrations/ past
it (0001_….sql, 0002_….sql, …), each in its own transaction, so a database of any older
version upgrades in place. A shipped file never changes, not even its indentation: SQLite
keeps each CREATE statement's text, so a fresh database and an upgraded one read the same.
"""

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from starlette.concurrency import run_in_threadpool

from site_core import db as site_db

JOURNAL_SIZE_LIMIT = 4 * 1024 * 1024
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def _read_migrations() -> list[str]:
    files = sorted(MIGRATIONS_DIR.glob("*.sql"))
    numbers = [int(file.name.split("_", 1)[0]) for file in files]
    if numbers != list(range(1, len(files) + 1)):
        raise RuntimeError(f"migrations must be numbered 1, 2, 3… without gaps: {numbers}")
    return [file.read_text(encoding="utf-8") for file in files]


MIGRATIONS = _read_migrations()


def connect(
    path: str | Path, *, readonly: bool = False, durable: bool = True, autocheckpoint: bool = True
) -> sqlite3.Connection:
    """Open the database with the settings every caller relies on.

    `synchronous=FULL` makes each commit durable before it returns (`durable=False`: NORMAL,
    for the lettre's sender, see sender.py); WAL keeps readers (the site build, the pages)
    from blocking the writer; `secure_delete` overwrites deleted content, so an erased comment
    leaves no copy in the file (RGPD); the WAL file is truncated to `journal_size_limit` each
    time a checkpoint lets it start over (`autocheckpoint=False`: the comment writer's own
    thread checkpoints). Rows, foreign keys and the busy timeout: site_core.db.configure.
    """
    if readonly:
        return site_db.connect_readonly(path)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
    conn.execute("PRAGMA secure_delete=ON")
    conn.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")
    if not autocheckpoint:
        conn.execute("PRAGMA wal_autocheckpoint=0")
    return site_db.configure(conn)


@contextmanager
def begin(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
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


@contextmanager
def connection(path: str | Path, *, readonly: bool = False) -> Iterator[sqlite3.Connection]:
    """A fresh connection, closed after the block."""
    conn = connect(path, readonly=readonly)
    try:
        yield conn
    finally:
        conn.close()


@contextmanager
def transaction(path: str | Path) -> Iterator[sqlite3.Connection]:
    """A fresh connection in one IMMEDIATE transaction, committed at the end of the block."""
    with connection(path) as conn, begin(conn):
        yield conn


async def run(path: str | Path, function: Callable, *args, write: bool, **kwargs):
    """`function(conn, *args, **kwargs)` on a fresh connection in the thread pool, in one
    transaction when `write` (else each statement commits on its own)."""

    def call():
        with transaction(path) if write else connection(path) as conn:
            return function(conn, *args, **kwargs)

    return await run_in_threadpool(call)


def statements(script: str) -> list[str]:
    """The statements of an SQL script, each whole (a ";" in a comment does not end one)."""
    found, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            found.append(current)
            current = ""
    if current.strip():
        raise ValueError(f"incomplete SQL statement: {current.strip()[:80]}")
    return found


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
            with begin(conn):
                for statement in statements(script):
                    conn.execute(statement)
                if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                    raise sqlite3.IntegrityError(f"migration {number} breaks a foreign key")
                conn.execute(f"PRAGMA user_version = {number}")
    finally:
        conn.execute("PRAGMA foreign_keys=ON")
    return len(MIGRATIONS)


def init(path: str | Path, **options) -> sqlite3.Connection:
    """Create and migrate the database at `path` if needed (always with the durable default
    settings), then open it with `options` (see `connect`)."""
    with connection(path) as conn:
        migrate(conn)
    return connect(path, **options)


def checkpoint(conn: sqlite3.Connection, mode: str = "PASSIVE") -> bool:
    """Copy the WAL into the database file (PASSIVE, RESTART or TRUNCATE); False when a reader
    kept the checkpoint from finishing."""
    return conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()[0] == 0


def values(rows: int, columns: int) -> str:
    """`(?, ?), (?, ?)`: the placeholders to insert `rows` rows in one statement (one SQLite
    call instead of one per row)."""
    row = "(" + ", ".join("?" * columns) + ")"
    return ", ".join([row] * rows)
