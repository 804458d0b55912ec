"""The room's two versions of a file: what readers see (the file) and the work in progress (its
revisions), and the only ways from one to the other.

The Markdown files of the content folder are exactly what is online (or programmé). Saving,
restoring, a conflict's or a relogin's save only add a revision (`save`): the file is never
touched, so a colleague's publication of another article never carries this work. Only a
publication (`publish`: the file written from the latest revision) or a withdrawal
(`withdraw`: the file removed; its text stays in the revisions) changes the file, in the
transaction that queues its job and records on it what the file was before; a failed job puts
that back (`put_back`). revisions.py keeps which revision the file holds.

Every step first records the file if someone changed it outside the room (`_sync`): that text
becomes a revision and the online one. A save names the revision its form was opened at
(`base`); if the latest revision is no longer `base`, somebody saved in between and the save is
refused with a `Conflict` carrying their text. One IMMEDIATE transaction per step also
serialises them across threads and processes. Git, when enabled, commits the file's changes.
"""

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from service.core import db, journal
from service.core.errors import ActionError
from service.room import revisions
from service.room.articles import Document, content_file, parse
from service.room.gitlog import ContentGit
from site_core.files import write_atomic

SYSTEM = "publication"  # who puts a file back after a failed job


class Conflict(Exception):
    def __init__(self, current: sqlite3.Row):
        super().__init__("conflict")
        self.current = current  # the latest revision (text, author, time)


@dataclass(frozen=True)
class Saved:
    number: int
    changed: bool


@dataclass(frozen=True)
class Opened:
    """A file as the room knows it: its work in progress (the latest revision) and, apart,
    what readers see (`online_text`, None when there is no file)."""

    text: str
    document: Document
    number: int
    record: revisions.Record
    online_text: str | None

    @property
    def unpublished(self) -> bool:
        """Work in progress differing from the file (« modifications non publiées »)."""
        return self.online_text is not None and self.text != self.online_text


class ArticleStore:
    def __init__(self, database: Path, content_dir: Path, git: ContentGit):
        self.database = database
        self.content_dir = Path(content_dir).resolve()
        self.git = git

    def relative(self, kind: str, name: str) -> str:
        return f"{kind}/{name}.md"

    def path(self, kind: str, name: str) -> Path:
        return content_file(self.content_dir, kind, name)

    def _sync(self, conn, path: Path, relative: str) -> tuple[revisions.Record, str | None]:
        """The file's record, after recording the file if it is new to the room or was changed
        (or removed) outside it; and the file's text (None: no file)."""
        try:
            disk = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            disk = None
        record = revisions.record_of(conn, relative)
        if disk is None:
            if record.online is not None:  # removed by hand: nothing of it is online
                record = replace(record, online=None)
                revisions.put_record(conn, relative, record)
            return record, None
        if record.online is not None:
            if revisions.get(conn, relative, record.online)["text"] == disk:
                return record, disk
        last = revisions.latest(conn, relative)
        if last is not None and last["text"] == disk and record.online is None:
            number = last["number"]  # known to the room before it kept the online revision
        else:
            kind = "fichier" if last else "origine"
            number = revisions.add(conn, relative, revisions.OUTSIDE, kind, disk)
        record = replace(record, online=number, withdrawn=False)
        revisions.put_record(conn, relative, record)
        return record, disk

    def _current(self, conn, path: Path, relative: str):
        """(record, file text, latest revision) once synced; ActionError 404 when the room
        knows neither a file nor a revision of it."""
        record, disk = self._sync(conn, path, relative)
        last = revisions.latest(conn, relative)
        if last is None:
            raise ActionError("Ce fichier n’existe pas (ou plus) dans l’espace rédaction.", 404)
        return record, disk, last

    def open(self, kind: str, name: str) -> Opened:
        """The file's work in progress and online text (ActionError 404: no such file)."""
        path, relative = self.path(kind, name), self.relative(kind, name)
        with db.transaction(self.database) as conn:
            record, disk, last = self._current(conn, path, relative)
        return Opened(last["text"], parse(last["text"]), last["number"], record, disk)

    def revision_text(self, kind: str, name: str, number: int | None) -> str:
        """Revision `number` of the file (ActionError 404: none such)."""
        if number is None:
            raise ActionError("Aucune révision indiquée.", 404)
        with db.connection(self.database) as conn:
            return revisions.get(conn, self.relative(kind, name), number)["text"]

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
        auto_date: bool = False,
    ) -> Saved:
        """`text` as the new work in progress; `base` None creates the article (refused if the
        name is taken), `auto_date` telling nobody chose its date yet."""
        path, relative = self.path(kind, name), self.relative(kind, name)
        with db.transaction(self.database) as conn:
            record, disk = self._sync(conn, path, relative)
            last = revisions.latest(conn, relative)
            if base is None and last is not None:
                raise ActionError(
                    f"Un fichier {relative} existe déjà : choisissez une autre adresse (slug)."
                )
            if base is not None and last is None:
                raise ActionError("Ce fichier n’existe pas (ou plus) dans l’espace rédaction.", 409)
            if base is not None and base != last["number"]:
                raise Conflict(last)
            if last is not None and last["text"] == text:
                return Saved(last["number"], False)
            if last is not None:
                moved = parse(text).get("date") != parse(last["text"]).get("date")
                auto_date = record.auto_date and not moved
            if auto_date != record.auto_date:
                revisions.put_record(conn, relative, replace(record, auto_date=auto_date))
            number = revisions.add(conn, relative, account["username"], revision_kind, text)
            journal.record(conn, account["username"], action, relative, detail)
        return Saved(number, True)

    def publish(
        self,
        kind: str,
        name: str,
        account,
        *,
        base: int | None,
        changes: dict[str, str | None],
        revision_kind: str,
        action: str,
        detail: str,
        enqueue: Callable[[sqlite3.Connection], int],
    ) -> int:
        """Write the file from the latest revision with `changes` (its status, its date), in the
        transaction where `enqueue(conn)` queues the job; returns the job."""
        path, relative = self.path(kind, name), self.relative(kind, name)
        with db.transaction(self.database) as conn:
            record, disk, last = self._current(conn, path, relative)
            if base is not None and base != last["number"]:
                raise Conflict(last)
            text = parse(last["text"]).changed(changes).text()
            number = last["number"]
            if text != last["text"]:
                number = revisions.add(conn, relative, account["username"], revision_kind, text)
            journal.record(conn, account["username"], action, relative, detail)
            job = enqueue(conn)
            _mark(conn, job, record, number)
            published = replace(record, online=number, withdrawn=False, auto_date=False)
            revisions.put_record(conn, relative, published)
            if disk != text:
                path.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(path, text)
        if disk != text:
            self._commit(relative, f"{revisions.KINDS[revision_kind]} : {detail}", account)
        return job

    def withdraw(
        self, kind: str, name: str, account, *, detail: str, enqueue: Callable[..., int]
    ) -> int:
        """Remove the file (git-removed when the content folder is a work tree) in the
        transaction where `enqueue(conn)` queues the job; the revisions keep its text."""
        path, relative = self.path(kind, name), self.relative(kind, name)
        with db.transaction(self.database) as conn:
            record, disk = self._sync(conn, path, relative)
            if disk is None:
                raise ActionError("Ce fichier n’est pas sur le site : rien à retirer.", 409)
            journal.record(conn, account["username"], "unpublish", relative, detail)
            job = enqueue(conn)
            _mark(conn, job, record, None)
            revisions.put_record(conn, relative, replace(record, online=None, withdrawn=True))
            path.unlink()
        self._commit(relative, f"{revisions.KINDS['retrait']} : {detail}", account)
        return job

    def put_back(self, job) -> None:
        """After failed job `job` (its row), its file back to what it was before the job: the
        previous online text, or no file if it had none; the revisions stay as they are.
        Nothing is done if the file was published or withdrawn again since."""
        if not job["path"]:
            return
        kind, _, file_name = job["path"].partition("/")
        name = file_name.removesuffix(".md")
        path, relative = self.path(kind, name), self.relative(kind, name)
        before = job["online_before"]
        with db.transaction(self.database) as conn:
            record, _ = self._sync(conn, path, relative)
            if record.online != job["online_after"]:
                return
            if before is None:
                path.unlink(missing_ok=True)
            else:
                write_atomic(path, revisions.get(conn, relative, before)["text"])
            back = replace(record, online=before, withdrawn=bool(job["withdrawn_before"]))
            revisions.put_record(conn, relative, back)
        account = {"username": SYSTEM, "display_name": "Espace rédaction", "email": ""}
        self._commit(relative, f"{revisions.KINDS['annulation']} : {job['reason']}", account)

    def _commit(self, relative: str, message: str, account) -> None:
        name = account["display_name"] or account["username"]
        self.git.commit([relative], message, name, account["email"])


def _mark(conn, job: int, before: revisions.Record, after: int | None) -> None:
    """What job `job` changes: the file's online revision before (None: no file) and after."""
    conn.execute(
        "UPDATE publish_jobs SET online_before = ?, withdrawn_before = ?, online_after = ?"
        " WHERE id = ?",
        (before.online, int(before.withdrawn), after, job),
    )
