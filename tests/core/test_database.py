"""The one way to the database (service/core/db.py) and its clock: migrations as ordered files
that upgrade a database of any older version to the schema of a fresh one, shipped with the
package; SQLite work off the event loop; the stored time encodings."""

import asyncio
import fnmatch
import sqlite3
import threading
import tomllib
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from service.core import clock, db

ROOT = Path(__file__).resolve().parents[2]


def schema(path: Path) -> tuple[int, list[tuple]]:
    conn = db.connect(path, readonly=True)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")
        return version, [tuple(row) for row in rows]
    finally:
        conn.close()


@pytest.mark.parametrize("version", range(len(db.MIGRATIONS)))
def test_a_database_of_every_version_upgrades_to_the_schema_of_a_fresh_one(tmp_path, version):
    old = tmp_path / "ancienne.sqlite3"
    conn = sqlite3.connect(old, isolation_level=None)
    for script in db.MIGRATIONS[:version]:  # what the code of that version had made
        conn.executescript(script)
    conn.execute(f"PRAGMA user_version = {version}")
    if version:
        conn.execute(
            "INSERT INTO comments (id, article_slug, author_name, author_email, body, created_at)"
            " VALUES (7, 'un-article', 'Claire', 'claire@exemple.fr', 'Gardé.', '2025-01-01')"
        )
    conn.close()
    db.init(old).close()
    db.init(tmp_path / "neuve.sqlite3").close()
    assert schema(old) == schema(tmp_path / "neuve.sqlite3")
    assert schema(old)[0] == len(db.MIGRATIONS) == 7
    if version:
        conn = db.connect(old)
        assert conn.execute("SELECT body FROM comments WHERE id = 7").fetchone()[0] == "Gardé."
        conn.close()


def test_every_migration_file_is_shipped_with_the_package():
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = settings["tool"]["setuptools"]["package-data"]["service"]
    files = sorted(db.MIGRATIONS_DIR.glob("*.sql"))
    assert [file.name[:5] for file in files] == [
        "0001_",
        "0002_",
        "0003_",
        "0004_",
        "0005_",
        "0006_",
        "0007_",
    ]
    for file in files:
        relative = file.relative_to(ROOT / "service").as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative


def test_a_semicolon_in_a_comment_does_not_end_a_statement():
    script = "-- Une note ; pas une fin.\nCREATE TABLE t (a);\nCREATE INDEX t_a ON t (a);\n"
    assert [s.strip() for s in db.statements(script)] == [
        "-- Une note ; pas une fin.\nCREATE TABLE t (a);",
        "CREATE INDEX t_a ON t (a);",
    ]


def test_run_works_off_the_event_loop_in_one_transaction(tmp_path):
    database = tmp_path / "c.sqlite3"
    db.init(database).close()

    def insert_then_fail(conn):
        conn.execute("INSERT INTO letter_state (name, value) VALUES ('essai', '1')")
        raise RuntimeError("annulé")

    def where_and_how_many(conn):
        count = conn.execute("SELECT count(*) FROM letter_state").fetchone()[0]
        return threading.get_ident(), count

    async def main():
        with pytest.raises(RuntimeError):
            await db.run(database, insert_then_fail, write=True)
        return threading.get_ident(), await db.run(database, where_and_how_many, write=False)

    # A loop of its own, in a thread of its own: the browser tests leave one in this thread.
    with ThreadPoolExecutor(1) as pool:
        loop_thread, (worker_thread, count) = pool.submit(asyncio.run, main()).result()
    assert worker_thread != loop_thread
    assert count == 0  # the failed transaction left nothing


def test_stored_times_keep_their_encodings():
    assert clock.iso(0) == "1970-01-01T00:00:00+00:00"
    assert clock.iso(0.25, milliseconds=True) == "1970-01-01T00:00:00.250+00:00"
    paris = datetime(2025, 3, 1, 14, 5, tzinfo=ZoneInfo("Europe/Paris"))
    assert clock.iso(paris) == "2025-03-01T13:05:00+00:00"
    assert clock.parse(clock.iso(paris)) == paris
    assert abs(clock.parse(clock.now_iso()).timestamp() - clock.now()) < 2
