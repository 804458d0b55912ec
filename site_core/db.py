"""Reading the comment store: the build only ever reads it (plugins/comments, plugins/letters).

The service owns the file, its schema and every write (service/core/db.py); what every
connection needs, the build's and the service's, is here, once.
"""

import sqlite3
from pathlib import Path

BUSY_TIMEOUT_MS = 5000


def configure(conn: sqlite3.Connection) -> sqlite3.Connection:
    """Rows by column name, foreign keys enforced, and waiting up to 5 s for a writer's lock
    instead of failing at once."""
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


def connect_readonly(path: str | Path) -> sqlite3.Connection:
    """A read-only connection: it can neither change the store nor create a missing file."""
    conn = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True, check_same_thread=False)
    return configure(conn)
