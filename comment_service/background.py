"""A background worker thread: one round of work every `poll_seconds`, or at once when woken.

The moderators' notifier and the lettre's sender are both one: a round that fails (a bug, a
locked database) is logged and the next one runs, so the thread never dies; `stop()` lets the
current round end.
"""

import logging
import sqlite3
import threading

from site_core import db

log = logging.getLogger(__name__)


class Background:
    name = "background"

    def __init__(self, database):
        self.database = database
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll_seconds(self) -> float:
        raise NotImplementedError

    def work(self, conn: sqlite3.Connection) -> object:
        raise NotImplementedError

    def connect(self) -> sqlite3.Connection:
        return db.connect(self.database)

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread:
            self._stop.set()
            self._wake.set()
            self._thread.join()
            self._thread = None

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        conn = self.connect()
        try:
            while not self._stop.is_set():
                try:
                    self.work(conn)
                except Exception:  # a bug or a locked database must not kill the worker
                    log.exception("%s round failed", self.name)
                self._wake.wait(self.poll_seconds())
                self._wake.clear()
        finally:
            conn.close()
