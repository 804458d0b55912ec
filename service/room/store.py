"""Saving a file of the content folder: the file, its revision and the team's log together.

A save names the revision its form was opened at (`base`). Inside one IMMEDIATE transaction
(which also serialises saves across threads and processes) the file on disk is first recorded
if someone changed it outside the room, then: if the latest revision is no longer `base`,
somebody saved in between and the save is refused with a `Conflict` carrying their text, so
the second person decides (the conflict page shows both); else the file is replaced atomically
(site_core.files) and the revision and log row are written. A text identical to the file
writes nothing. Git, when enabled, commits after the transaction.
"""

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from service.core import db, journal
from service.core.errors import ActionError
from service.room import revisions
from service.room.articles import content_file, read
from service.room.gitlog import ContentGit
from site_core.files import write_atomic


class Conflict(Exception):
    def __init__(self, current: sqlite3.Row):
        super().__init__("conflict")
        self.current = current  # the latest revision (text, author, time)


@dataclass(frozen=True)
class Saved:
    number: int
    changed: bool


class ArticleStore:
    def __init__(self, database: Path, content_dir: Path, git: ContentGit):
        self.database = database
        self.content_dir = Path(content_dir).resolve()
        self.git = git

    def relative(self, kind: str, name: str) -> str:
        return f"{kind}/{name}.md"

    def path(self, kind: str, name: str) -> Path:
        return content_file(self.content_dir, kind, name)

    def open(self, kind: str, name: str):
        """(text, document, revision number) of an existing file, recording it if new to the
        room or changed outside it; ActionError 404 if there is no such file."""
        path = self.path(kind, name)
        try:
            text, document = read(path)
        except FileNotFoundError:
            raise ActionError(
                "Ce fichier n’existe pas (ou plus) dans le dossier du site.", 404
            ) from None
        with db.transaction(self.database) as conn:
            number = revisions.sync(conn, self.relative(kind, name), text)
        return text, document, number

    def save(
        self,
        kind: str,
        name: str,
        text: str,
        account,
        *,
        base: int | None,
        revision_kind: str = "enregistrement",
        action: str = "saved",
        detail: str = "",
    ) -> Saved:
        """Write `text`; `base` None creates the file (refused if it exists)."""
        path, relative = self.path(kind, name), self.relative(kind, name)
        with db.transaction(self.database) as conn:
            saved = self._save(
                conn, path, relative, text, account["username"], base, revision_kind, action, detail
            )
        if saved.changed:
            label = revisions.KINDS[revision_kind]
            self.git.commit(
                [relative],
                f"{label} : {detail or relative}",
                account["display_name"] or account["username"],
                account["email"],
            )
        return saved

    def _save(self, conn, path, relative, text, author, base, revision_kind, action, detail):
        try:
            disk = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            disk = None
        if base is None and disk is not None:
            raise ActionError(
                f"Un fichier {relative} existe déjà : choisissez une autre adresse (slug)."
            )
        if base is not None and disk is None:
            raise ActionError(
                "Ce fichier a été supprimé du dossier du site pendant que vous écriviez : "
                "copiez votre texte, puis créez un nouvel article.",
                409,
            )
        current = revisions.sync(conn, relative, disk) if disk is not None else 0
        if base is not None and base != current:
            raise Conflict(revisions.latest(conn, relative))
        if disk == text:
            return Saved(current, False)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
        number = revisions.add(conn, relative, author, revision_kind, text)
        journal.record(conn, author, action, relative, detail)
        return Saved(number, True)
