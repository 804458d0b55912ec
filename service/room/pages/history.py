"""An article's history: every revision (who, when, what kind), any one shown whole or compared
with the work in progress, and restored.

Restoring writes the old text as a new revision (« Restauration d’une révision »), so nothing
is ever removed from the history, and goes through store.save like any save: it is work in
progress, never online nor a change of status until someone publishes it; and if someone saved
after the history page was opened, the restore is refused rather than undoing their work
unseen.
"""

import sqlite3
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from service.core import db, journal
from service.core.errors import ActionError
from service.core.forms import parse_number
from service.room import revisions
from service.room.articles import KINDS, PathRefused
from service.room.conflicts import Conflicts, differences
from service.room.pages.state import editor_url
from service.room.store import ArticleStore, Conflict
from service.team.accounts import REDACTION
from service.team.area import Area
from service.team.guard import Visit, requires
from service.team.sessions import Session


@dataclass(frozen=True)
class Opened:
    """The file a history page is about, as opened for this request."""

    session: Session
    account: sqlite3.Row
    folder: str
    name: str
    relative: str
    text: str  # the work in progress (latest revision), compared with a revision
    title: str
    number: int  # its current revision

    @property
    def editor(self) -> str:
        return editor_url(self.folder, self.name)


class History:
    def __init__(self, area: Area, store: ArticleStore, conflicts: Conflicts):
        self.area = area
        self.store = store
        self.conflicts = conflicts

    async def _open(self, visit: Visit):
        """(None, the opened file), or (the 404 page, None)."""
        session, account = visit.session, visit.account
        folder, name = visit.request.path_params["folder"], visit.request.path_params["name"]
        try:
            if folder not in KINDS:
                raise PathRefused(folder)
            found = await run_in_threadpool(self.store.open, folder, name)
        except (ActionError, PathRefused):
            page = self.area.error(session, account, 404, "Introuvable", "Ce fichier n’existe pas.")
            return page, None
        relative = self.store.relative(folder, name)
        title = found.document.get("title") or name
        return None, Opened(
            session, account, folder, name, relative, found.text, title, found.number
        )

    def page(self, template: str, opened: Opened, status_code: int = 200, **extra) -> Response:
        return self.area.page(
            template,
            opened.session,
            opened.account,
            status_code,
            section="articles",
            article_title=opened.title,
            editor_url=opened.editor,
            current_number=opened.number,
            kinds=revisions.KINDS,
            **extra,
        )

    async def listing(self, visit: Visit) -> Response:
        away, opened = await self._open(visit)
        if away:
            return away
        rows = await db.run(self.area.database, revisions.listing, opened.relative, write=False)
        log = await db.run(
            self.area.database, journal.entries, write=False, target=opened.relative, limit=50
        )
        return self.page(
            "historique.html",
            opened,
            title=f"Historique : {opened.title}",
            rows=rows,
            entries=log,
        )

    async def show(self, visit: Visit) -> Response:
        away, opened = await self._open(visit)
        if away:
            return away
        number = parse_number(visit.request.path_params["number"])
        try:
            row = await db.run(
                self.area.database, revisions.get, opened.relative, number or 0, write=False
            )
        except ActionError as error:
            return self.area.error(
                opened.session, opened.account, 404, "Introuvable", error.message
            )
        return self.page(
            "revision.html",
            opened,
            title=f"Révision n° {row['number']} : {opened.title}",
            row=row,
            rows=differences(row["text"], opened.text),
        )

    async def restore(self, visit: Visit) -> Response:
        session, account, form = visit.session, visit.account, visit.form
        away, opened = await self._open(visit)
        if away:
            return away
        number = parse_number(visit.request.path_params["number"]) or 0
        try:
            row = await db.run(
                self.area.database, revisions.get, opened.relative, number, write=False
            )
            saved = await run_in_threadpool(
                self.store.save,
                opened.folder,
                opened.name,
                row["text"],
                account,
                base=parse_number(form.get("revision")),
                revision_kind="restauration",
                action="restored",
                detail=f"révision n° {number}",
            )
        except ActionError as error:
            return self.area.error(
                session, account, error.status_code, "Action impossible", error.message
            )
        except Conflict as conflict:
            return self.conflicts.refused(
                session, account, conflict.current, "rien n’a été restauré."
            )
        done = "restaure" if saved.changed else "inchange"
        return RedirectResponse(f"{opened.editor}?fait={done}&n={saved.number}", 303)

    def routes(self) -> list[Route]:
        writer = requires(REDACTION)
        return [
            Route("/{folder}/{name}/revisions", writer(self.listing), methods=["GET"]),
            Route("/{folder}/{name}/revisions/{number}", writer(self.show), methods=["GET"]),
            Route(
                "/{folder}/{name}/revisions/{number}/restaurer",
                writer(self.restore),
                methods=["POST"],
            ),
        ]
