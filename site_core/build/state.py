"""What an incremental build keeps between builds, in memory and in CACHE_PATH.

One SQLite file per site (`CACHE_PATH/build-state.sqlite3`): the cached articles, each page's
fingerprint, and every file the last build produced. Only what changed is written back, so a
rebuild after one edit writes a few rows. A process that builds repeatedly (the live preview)
keeps the state in memory and reads the file again only if another process built since (the
build id in the file differs). The state belongs to one output folder: a build into another
folder, or with other settings or code (`key`), starts afresh.
"""

import os
import pickle
import sqlite3
import uuid
from pathlib import Path

from site_core.build.contents import ContentCache, Entry

FILE_NAME = "build-state.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB);
CREATE TABLE IF NOT EXISTS contents (path TEXT PRIMARY KEY, stamp BLOB, data BLOB, digest BLOB,
                                     links INTEGER);
CREATE TABLE IF NOT EXISTS outputs (path TEXT PRIMARY KEY, fingerprint BLOB);
CREATE TABLE IF NOT EXISTS produced (path TEXT PRIMARY KEY);
"""


class SiteState:
    def __init__(self, cache_path: str, output_path: str, key: bytes):
        self.file = Path(cache_path) / FILE_NAME
        self.output = str(Path(output_path).resolve())
        self.key = key
        self.build_id = ""
        self.contents = ContentCache()
        self.outputs: dict[str, bytes] = {}  # page path (relative to output) -> fingerprint
        self.produced: set[str] = set()  # every file of the last build, relative to output
        self._saved_outputs: dict[str, bytes] = {}
        self._saved_produced: set[str] = set()
        self._reset = False  # the file holds another key's state: replace it on save

    def _connect(self) -> sqlite3.Connection:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.file, isolation_level=None)
        conn.execute("PRAGMA synchronous = OFF")
        conn.executescript(SCHEMA)
        return conn

    def _meta(self, conn) -> dict:
        return dict(conn.execute("SELECT name, value FROM meta"))

    def is_current(self) -> bool:
        """Whether the file still holds this state (no other process built since)."""
        if not self.file.exists():
            return not self.build_id
        conn = self._connect()
        try:
            return self._meta(conn).get("build_id", "") == self.build_id
        finally:
            conn.close()

    def load(self) -> "SiteState":
        """The state in the file: all of it if it was saved with this key; else only the files
        the last build into this folder produced (this build deletes those it does not)."""
        conn = self._connect()
        try:
            meta = self._meta(conn)
            self.build_id = meta.get("build_id", "")
            if meta.get("output") != self.output:
                self._reset = True
                return self
            self.produced = {path for (path,) in conn.execute("SELECT path FROM produced")}
            self._saved_produced = set(self.produced)
            if meta.get("key") != self.key:
                self._reset = True
                return self
            self.contents = ContentCache(
                {
                    path: Entry(pickle.loads(stamp), data, digest, bool(links))
                    for path, stamp, data, digest, links in conn.execute("SELECT * FROM contents")
                }
            )
            if meta.get("complete") == 1:  # else the last build stopped while writing pages
                self.outputs = dict(conn.execute("SELECT path, fingerprint FROM outputs"))
            self._saved_outputs = dict(self.outputs)
            return self
        finally:
            conn.close()

    def writing_pages(self) -> None:
        """Pages are about to change on disk: the fingerprints hold no more until `save`."""
        conn = self._connect()
        try:
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('complete', 0)")
        finally:
            conn.close()
        self.outputs = {}

    def save(self, present: set[str], outputs: dict[str, bytes], produced: set[str]) -> None:
        """Write what changed: `present` are the source paths this build found."""
        contents = self.contents
        gone = [path for path in contents.entries if path not in present]
        for path in gone:
            del contents.entries[path]
        self.outputs, self.produced = outputs, produced
        self.build_id = uuid.uuid4().hex
        conn = self._connect()
        try:
            conn.execute("BEGIN")
            if self._reset:  # saved with other settings, code or output folder
                conn.execute("DELETE FROM contents")
                conn.execute("DELETE FROM outputs")
                self._reset = False
            conn.executemany("DELETE FROM contents WHERE path = ?", [(p,) for p in gone])
            conn.executemany(
                "INSERT OR REPLACE INTO contents VALUES (?, ?, ?, ?, ?)",
                [
                    (path, pickle.dumps(e.stamp), e.data, e.digest, int(e.links))
                    for path in contents.changed
                    if (e := contents.entries.get(path)) is not None
                ],
            )
            _sync(conn, "outputs", self._saved_outputs, outputs)
            _sync(conn, "produced", dict.fromkeys(self._saved_produced), dict.fromkeys(produced))
            conn.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                [("key", self.key), ("output", self.output), ("build_id", self.build_id),
                 ("complete", 1)],
            )  # fmt: skip
            conn.execute("COMMIT")
        finally:
            conn.close()
        contents.changed = set()
        self._saved_outputs, self._saved_produced = dict(outputs), set(produced)


def _sync(conn, table: str, before: dict, after: dict) -> None:
    conn.executemany(
        f"DELETE FROM {table} WHERE path = ?", [(p,) for p in before if p not in after]
    )
    changed = [(p, v) for p, v in after.items() if p not in before or before[p] != v]
    if table == "produced":
        conn.executemany("INSERT OR REPLACE INTO produced VALUES (?)", [(p,) for p, _ in changed])
    else:
        conn.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", changed)


def produced_files(output: str, since_ns: int) -> set[str]:
    """Files under `output` written at or after `since_ns` (a probe file's mtime)."""
    found = set()
    for folder, _dirs, files in os.walk(output):
        for name in files:
            path = os.path.join(folder, name)
            try:
                if os.stat(path).st_mtime_ns >= since_ns:
                    found.add(os.path.relpath(path, output))
            except FileNotFoundError:
                continue
    return found
