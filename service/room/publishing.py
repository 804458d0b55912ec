"""Publication jobs: « Publier » queues a job, a thread of the service runs it.

A job (table `publish_jobs`) rebuilds the whole site with the production settings in a fresh
process and swaps it in atomically (builder.py, swap.py): the public site is either the old one
or the new one, never half of each, and on failure it stays as it was. Jobs queued while one
runs are done together by the next build (each build publishes the folder as it is).

Scheduling: an article dated in the future is « programmé »; its job is due at that date. The
build keeps such an article off the site (WITH_FUTURE_DATES = False); the thread wakes at the
due time and publishes, with nobody online, and after a restart too (jobs are in the database).

A job that changed a file's status (publish, schedule, withdraw) and failed puts the status
back, if nobody changed it since, so the list never says « publié » for what is not online.
Once a build is in place, the handlers of `site-swapped` run (the copy to another web server:
what they say goes on the job's page), then, the jobs done, `site-published` is emitted (the
lettre's sender wakes); each handler's failure is logged and stops no other (core/events.py).
"""

import logging
import time
from pathlib import Path

from service.core import Core, clock, db, journal
from service.core.events import SITE_PUBLISHED, SITE_SWAPPED
from service.core.workers import BackgroundWorker
from service.room.building import BuildFailed, BuildPlaces, run_publication
from service.room.store import ArticleStore
from service.team import accounts

log = logging.getLogger(__name__)

SYSTEM = {"username": "publication", "display_name": "Espace rédaction", "email": ""}
STATES = {
    "queued": "en attente",
    "running": "en cours",
    "done": "publiée",
    "failed": "échec",
}
STAGES = {"build": "construction du site", "swap": "mise en ligne"}


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

    def __init__(
        self, core: Core, settings, places: BuildPlaces, public: Path, store: ArticleStore
    ):
        super().__init__(core.database, settings.schedule_poll_seconds, settings.publish_timeout)
        self.settings = settings  # the room's: its polling interval and build timeout
        self.places = places
        self.public = public  # the folder a publication replaces
        self.site = core.site  # its address: SERVICE_SITE_URL
        self.bus = core.bus
        self.store = store  # a failed job's status is put back in its file

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

        stages = []

        def stage(name: str) -> None:
            stages.append(name)
            conn.executemany(
                "UPDATE publish_jobs SET stage = ? WHERE id = ?", [(name, i) for i in ids]
            )

        started = time.monotonic()
        try:
            seconds = run_publication(
                self.places,
                self.public,
                self.site.address,  # SERVICE_SITE_URL; empty: the settings' SITEURL
                stage,
                self.settings.publish_timeout,
            )
        except BuildFailed as failure:
            elapsed = time.monotonic() - started
            self._finish(conn, jobs, "failed", "\n".join(failure.errors), elapsed)
            for job in jobs:
                self._put_back(job)
            return 0.05
        problems = []
        for step in self.bus.handlers(SITE_SWAPPED):
            named = len(stages)  # the step names itself with stage(label) first
            try:
                problems.append(step(stage=stage))
            except Exception:
                label = stages[-1] if len(stages) > named else "après la mise en ligne"
                log.exception("after-swap step %r failed", label)
                problems.append(f"l’étape « {label} » a échoué (voir le journal du service)")
        message = "; ".join(problem for problem in problems if problem)
        message = f"Publiée sur ce serveur, mais {message}." if message else ""
        self._finish(conn, jobs, "done", message, seconds)
        for handler in self.bus.handlers(SITE_PUBLISHED):
            try:
                handler(jobs=ids)
            except Exception:
                log.exception("a site-published handler failed")
        return 0.05

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

    def _put_back(self, job) -> None:
        """After a failed job, the status it set goes back, unless the file changed since."""
        if not job["path"] or job["status_to"] is None:
            return
        folder, _, file_name = job["path"].partition("/")
        name = file_name.removesuffix(".md")
        try:
            text, document, number = self.store.open(folder, name)
            if document.get("status") != job["status_to"]:
                return
            back = document.changed({"status": job["status_from"] or None}).text()
            self.store.save(
                folder,
                name,
                back,
                SYSTEM,
                base=number,
                revision_kind="annulation",
                action="saved",
                detail=job["reason"],
            )
        except Exception:
            log.exception("could not put the status of %s back", job["path"])
