"""One lock for everything that writes the published pages of a site: a full build (from
reading the approved comments to writing the manifest), `invoke publish` (build and copy), and
the comment service patching pages after a moderation action.

Without it a build that read the comments before an approval could overwrite the page the
service had just patched, and publish a page without an approved comment (or with a removed
one). With it, a moderation action arriving during a build waits, then patches the new pages.
It is an flock on a file beside the comment database (shared by every process using that
database), re-entrant within one thread (publish holds it around the build, which takes it too).
"""

import fcntl
import threading
from contextlib import contextmanager
from pathlib import Path

_held: dict[tuple[str, int], list] = {}  # (lock path, thread) -> [open file, depth]


def lock_path(database: Path) -> Path:
    database = Path(database)
    return database.with_name(database.name + ".republish.lock")


def acquire(database: Path) -> tuple[str, int]:
    path = lock_path(database)
    key = (str(path.resolve()), threading.get_ident())
    if key in _held:
        _held[key][1] += 1
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a")  # noqa: SIM115 - kept open while the lock is held
    fcntl.flock(handle, fcntl.LOCK_EX)
    _held[key] = [handle, 1]
    return key


def release(key: tuple[str, int]) -> None:
    entry = _held.get(key)
    if entry is None:
        return
    entry[1] -= 1
    if entry[1] == 0:
        del _held[key]
        fcntl.flock(entry[0], fcntl.LOCK_UN)
        entry[0].close()


@contextmanager
def site_lock(database: Path):
    key = acquire(database)
    try:
        yield
    finally:
        release(key)
