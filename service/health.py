"""« python -m service sante »: one line for an external monitor, and its exit status (0 all
healthy, 1 something needs a person), on the four things that fail silently:

- the database: it opens and SQLite's quick_check finds it sound;
- the sender: no e-mail has been due for more than MAIL_LATE seconds (a relay that refuses
  or a stopped sender leaves the lettre and the confirmations waiting);
- the last publication of the room: not failed, and not running past its time limit;
- the disk of the database and of the public folder: at least DISK_MIN_FREE of it free and
  DISK_MIN_BYTES (a full disk stops comments and publications at once).

Its checks only read (the command line opens the database as every command does): a
monitor may call it every minute.
"""

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from service.core import clock, db
from service.lettre import stats
from service.room.publishing import jobs

MAIL_LATE = 3600
DISK_MIN_FREE = 0.05
DISK_MIN_BYTES = 1024**3


def checks(parts) -> Iterator[tuple[bool, str]]:
    """(healthy, what was found in French) for each check, in the order of the line."""
    database = Path(parts.core.database)
    try:
        with db.connection(database, readonly=True) as conn:
            verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
            late = stats.oldest_due(conn, clock.now())
            last = jobs.recent(conn, 1)
    except Exception as error:  # a monitor gets a line whatever happened
        yield False, f"base illisible ({error})"
        return
    yield verdict == "ok", "base saine" if verdict == "ok" else f"base abîmée ({verdict})"
    if late is None or late <= MAIL_LATE:
        yield True, "aucun e-mail en retard"
    else:
        yield False, f"un e-mail attend depuis {late / 60:.0f} min"
    yield publication(last[0] if last else None, parts.room.room.publisher.settings)
    for folder in one_per_disk(database.parent, Path(parts.core.settings.site_dir)):
        yield disk(folder)


def publication(job: dict | None, settings) -> tuple[bool, str]:
    if job is None:
        return True, "aucune publication"
    if job["state"] == "failed":
        return False, f"publication n° {job['id']} échouée"
    if job["state"] == "running" and job["started_at"]:
        started = datetime.fromisoformat(job["started_at"]).timestamp()
        if clock.now() - started > settings.publish_timeout:
            return False, f"publication n° {job['id']} bloquée"
    return True, f"publication n° {job['id']} {STATES.get(job['state'], job['state'])}"


STATES = {"done": "réussie", "running": "en cours", "queued": "en attente"}


def one_per_disk(*folders: Path) -> list[Path]:
    """`folders` less those on the same file system as an earlier one."""
    seen, kept = set(), []
    for folder in folders:
        device = folder.stat().st_dev if folder.exists() else folder
        if device not in seen:
            seen.add(device)
            kept.append(folder)
    return kept


def disk(folder: Path) -> tuple[bool, str]:
    try:
        usage = shutil.disk_usage(folder)
    except OSError as error:
        return False, f"disque de {folder} illisible ({error.strerror})"
    share = usage.free / usage.total
    healthy = share >= DISK_MIN_FREE and usage.free >= DISK_MIN_BYTES
    return (
        healthy,
        f"disque de {folder} : {share * 100:.0f} % libre ({usage.free / 1024**3:.1f} Go)",
    )


def report(parts) -> tuple[bool, str]:
    """The line: « OK » or « PROBLÈME », then each finding, the failing ones first."""
    found = list(checks(parts))
    healthy = all(ok for ok, _ in found)
    ordered = [text for ok, text in found if not ok] + [text for ok, text in found if ok]
    return healthy, ("OK" if healthy else "PROBLÈME") + " : " + " ; ".join(ordered)
