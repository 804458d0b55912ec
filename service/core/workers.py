"""A background thread that does rounds of work, sleeping between them until woken.

The moderators' notifier, the lettre's sender, the room's publisher and the search refresher are
each one. `round(conn)` does the work and returns how long to sleep (None: until woken); `wake()`
cuts the sleep short (after a commit that queued work). An exception in a round is logged and the
thread goes on after `error_wait`: a bug or a locked database must not end it. `stop()` lets the
current round end.
"""

import logging
import sqlite3
import threading
import time

from service.core import db

log = logging.getLogger(__name__)


class BackgroundWorker:
    name = "background-worker"

    def __init__(self, database, error_wait: float, join_timeout: float | None = None):
        self.database = database
        self.error_wait = error_wait
        self.join_timeout = join_timeout
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread:
            self._stop.set()
            self._wake.set()
            self._thread.join(self.join_timeout)
            self._thread = None

    def wake(self) -> None:
        self._wake.set()

    def connect(self) -> sqlite3.Connection | None:
        """The thread's own connection (None for a worker that needs none)."""
        return db.connect(self.database)

    def first(self, conn) -> None:
        """Called once when the thread starts."""

    def round(self, conn) -> float | None:
        raise NotImplementedError

    def _run(self) -> None:
        conn = self.connect()
        try:
            self.first(conn)
            while not self._stop.is_set():
                try:
                    wait = self.round(conn)
                except Exception:
                    log.exception("%s: round failed", self.name)
                    wait = self.error_wait
                self._wake.wait(wait)
                self._wake.clear()
        finally:
            if conn is not None:
                conn.close()


class DebouncedWorker(BackgroundWorker):
    """Does `refresh()` once, `delay` seconds after the first of a burst of changes (a
    moderator approving ten comments in a row), in its thread; at once when no thread runs
    (the command line). Subclasses say which changes concern them (`wanted`)."""

    def __init__(self, database, delay: float):
        super().__init__(database, error_wait=delay)
        self.delay = delay
        self._due: float | None = None

    def wanted(self, change) -> bool:
        return bool(change.articles)

    def refresh(self) -> None:
        raise NotImplementedError

    def __call__(self, change) -> None:
        if self.wanted(change):
            self.schedule()

    def schedule(self) -> None:
        """Refresh `delay` seconds from the first call of a burst (at once with no thread)."""
        if not self.running:
            self.refresh()
            return
        if self._due is None:
            self._due = time.monotonic() + self.delay
        self.wake()

    def connect(self) -> None:
        return None  # the work is on files, not in the database

    def round(self, conn) -> float | None:
        if self._due is None:
            return None
        wait = self._due - time.monotonic()
        if wait > 0:
            return wait
        self._due = None
        self.refresh()
        return None
