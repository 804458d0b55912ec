"""SQLite work for an async route: `function(conn, …)` on a fresh connection in Starlette's
thread pool, so the event loop never waits on the database; in one transaction when `write`."""

from starlette.concurrency import run_in_threadpool

from site_core import db


def run(database, function, *args, write: bool = False, **kwargs):
    def call():
        conn = db.connect(database)
        try:
            if not write:
                return function(conn, *args, **kwargs)
            with db.transaction(conn):
                return function(conn, *args, **kwargs)
        finally:
            conn.close()

    return run_in_threadpool(call)
