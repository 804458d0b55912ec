"""The daily backup (« python -m service sauvegarde DOSSIER »): what the site is made from, in
one dated folder per run, the oldest beyond `keep` deleted.

- The database, copied with SQLite's backup API on a read connection: in WAL mode a reader
  sees one committed state and never blocks the service's writers, so the copy is consistent
  while comments keep arriving (a plain file copy could catch half a transaction). The copy
  is checked (PRAGMA integrity_check) before it counts.
- The content folder (the Markdown articles and pages, its git history, and the image
  library `images/`): the site's source, from which any build can be made again.

A run writes into a hidden folder and renames it when complete, so the rotation never keeps
or counts a half-written backup (one left by a crash is deleted by the next run). Restoring
is copying back: deploy/README.md.
"""

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from service.core import db
from service.core.errors import ActionError

PREFIX = "sauvegarde-"
PARTIAL = ".en-cours-"
DATABASE_NAME = "comments.sqlite3"
CONTENT_NAME = "content"


def take(database: Path, content_dir: Path, target: Path, keep: int) -> Path:
    """A new backup in `target`; returns its folder."""
    if keep < 1:
        raise ActionError("--garder : gardez au moins 1 sauvegarde.")
    if not Path(content_dir).is_dir():
        raise ActionError(f"Dossier des contenus introuvable : {content_dir}")
    target.mkdir(parents=True, exist_ok=True)
    name = PREFIX + datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%S.%fZ")
    partial = target / (PARTIAL + name)
    partial.mkdir()
    try:
        copy_database(Path(database), partial / DATABASE_NAME)
        shutil.copytree(content_dir, partial / CONTENT_NAME, symlinks=True)
        done = target / name
        partial.rename(done)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    rotate(target, keep)
    return done


def copy_database(source: Path, destination: Path) -> None:
    if not source.is_file():
        raise ActionError(f"Base de données introuvable : {source}")
    copy = sqlite3.connect(destination)
    try:
        with db.connection(source, readonly=True) as conn:
            conn.backup(copy)
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        copy.close()
    if verdict != "ok":
        raise ActionError(f"La copie de la base n’est pas intègre ({verdict}) : recommencez.")


def rotate(target: Path, keep: int) -> None:
    """Deletes all but the `keep` newest backups (the names sort by date) and any folder a
    crashed run left half-written."""
    backups = sorted(p for p in target.iterdir() if p.is_dir() and p.name.startswith(PREFIX))
    for old in backups[:-keep]:
        shutil.rmtree(old)
    for stale in target.glob(PARTIAL + "*"):
        shutil.rmtree(stale, ignore_errors=True)
