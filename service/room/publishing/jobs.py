"""Publication jobs: « Publier » queues a job (table `publish_jobs`), the publisher thread of
the service runs it through the pipeline (pipeline.py: build, check, swap, copy, announce).

Jobs queued while one runs are done together by the next build (each build publishes the
folder as it is). Scheduling: an article dated in the future is « programmé »; its job is due
at that date. The build keeps such an article off the site (WITH_FUTURE_DATES = False); the
thread wakes at the due time and publishes, with nobody online, and after a restart too (jobs
are in the database; a job left running by a stopped service runs again, so after a restart
every job ends done or failed, and the site is what its content folder says).

A failed job hands its row to `put_back` (the room's: the file back to what is online), so the
room never says « en ligne » for what is not; the public site stays as it was.
"""

import logging
from collections.abc import Callable

from service.core import Core, clock, db, journal
from service.core.events import SITE_PUBLISHED, SITE_SWAPPED
from service.core.workers import BackgroundWorker
from service.room.publishing.building import BuildFailed
from service.room.publishing.pipeline import STAGES, Pipeline
from service.team import accounts

log = logging.getLogger(__name__)

SYSTEM = {"username": "publication", "display_name": "Espace rédaction", "email": ""}
STATES = {
    "queued": "en attente",
    "running": "en cours",
    "done": "publiée",
    "failed": "échec",
}
__all__ = ["STAGES", "STATES", "Publisher", "enqueue", "get", "recent"]


def enqueue(conn, account, reason: str, path: str = "", change=None, due=None) -> int:
    """A new job; `change` is (status before, status after) of `path`; `due` a datetime."""
    before, after = change or (None, None)
    cursor = conn.execute(
        "INSERT INTO publish_jobs (requested_by, requested_at, reason, path, status_from,"
        " status_to, due_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (account["username"], clock.now_iso(), reason, path, before, after, due and clock.iso(due)),
    )
    return cursor.lastrowid


def get(conn, job_id: int):
    return conn.execute("SELECT * FROM publish_jobs WHERE id = ?", (job_id,)).fetchone()


def recent(conn, limit: int = 30) -> list[dict]:
    """The latest jobs, with the display name of who asked (None: the system, or no account)."""
    names = accounts.display_names(conn)
    rows = conn.execute("SELECT * FROM publish_jobs ORDER BY id DESC LIMIT ?", (limit,))
    return [{**dict(row), "display_name": names.get(row["requested_by"])} for row in rows]


class Publisher(BackgroundWorker):
    name = "room-publisher"

    def __init__(self, core: Core, settings, pipeline: Pipeline, put_back: Callable):
        super().__init__(core.database, settings.schedule_poll_seconds, settings.publish_timeout)
        self.settings = settings  # the room's: its polling interval
        self.pipeline = pipeline
        self.site = core.site  # its address: SERVICE_SITE_URL
        self.bus = core.bus
        self.put_back = put_back  # a failed job's row: its file back to what is online

    def stop(self) -> None:
        super().stop()
        self.pipeline.stop()

    def first(self, conn) -> None:
        """Jobs left running by a stopped service are run again."""
        conn.execute("UPDATE publish_jobs SET state = 'queued' WHERE state = 'running'")

    def round(self, conn) -> float:
        return self.run_due(conn)

    def _take(self, conn) -> list:
        """Mark every due job running and return them (one build serves them all)."""
        now = clock.now_iso()
        with db.begin(conn):
            jobs = conn.execute(
                "SELECT * FROM publish_jobs WHERE state = 'queued'"
                " AND (due_at IS NULL OR due_at <= ?) ORDER BY id",
                (now,),
            ).fetchall()
            conn.executemany(
                "UPDATE publish_jobs SET state = 'running', stage = '', started_at = ?"
                " WHERE id = ?",
                [(now, job["id"]) for job in jobs],
            )
        return jobs

    def _next_due(self, conn) -> float:
        """Seconds until the next scheduled job, at most the polling interval."""
        row = conn.execute(
            "SELECT min(due_at) FROM publish_jobs WHERE state = 'queued' AND due_at IS NOT NULL"
        ).fetchone()
        wait = self.settings.schedule_poll_seconds
        if row[0]:
            wait = min(wait, (clock.parse(row[0]) - clock.utc()).total_seconds())
        return max(0.05, wait + 0.5)  # half a second after the date: the build sees it past

    def run_due(self, conn) -> float:
        """Run the due jobs, if any; return how long to wait before looking again."""
        jobs = self._take(conn)
        if not jobs:
            return self._next_due(conn)
        ids = [job["id"] for job in jobs]

        def stage(name: str) -> None:
            conn.executemany(
                "UPDATE publish_jobs SET stage = ? WHERE id = ?", [(name, i) for i in ids]
            )

        try:
            outcome = self.pipeline.run(
                stage,
                self.site.address,  # SERVICE_SITE_URL; empty: the settings' SITEURL
                copy=self.bus.handlers(SITE_SWAPPED),
                announce=lambda: self._announce(ids),
            )
        except BuildFailed as failure:
            self._finish(conn, jobs, "failed", "\n".join(failure.errors), 0.0)
            for job in sorted(jobs, key=lambda row: row["id"], reverse=True):  # newest first
                try:
                    self.put_back(job)
                except Exception:
                    log.exception("could not put %s back", job["path"])
            return 0.05
        message = "; ".join(outcome.problems)
        message = f"Publiée sur ce serveur, mais {message}." if message else ""
        self._finish(conn, jobs, "done", message, outcome.seconds)
        return 0.05

    def _announce(self, ids: list[int]) -> None:
        for handler in self.bus.handlers(SITE_PUBLISHED):
            try:
                handler(jobs=ids)
            except Exception:
                log.exception("a site-published handler failed")

    def _finish(self, conn, jobs, state: str, message: str, seconds: float) -> None:
        with db.begin(conn):
            for job in jobs:
                conn.execute(
                    "UPDATE publish_jobs SET state = ?, stage = '', message = ?, seconds = ?,"
                    " finished_at = ? WHERE id = ?",
                    (state, message[:4000], round(seconds, 3), clock.now_iso(), job["id"]),
                )
                action = "published" if state == "done" else "publish_failed"
                journal.record(conn, job["requested_by"], action, job["path"], job["reason"])
