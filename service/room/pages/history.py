"""An article's history: every revision (who, when, what kind), any one shown whole or compared
with the current file, and restored.

Restoring writes the old text as a new revision (« Restauration d’une révision »), so nothing
is ever removed from the history, and goes through store.save like any save: if someone saved
after the history page was opened, the restore is refused rather than undoing their work
unseen.
"""

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from service.core import db, journal
from service.core.errors import ActionError
from service.core.forms import parse_number
from service.room import revisions
from service.room.articles import KINDS, PathRefused
from service.room.conflicts import differences
from service.room.store import Conflict
from service.team.accounts import REDACTION
from service.team.guard import Visit, requires


class History:
    def __init__(self, room):
        self.room = room
        self.area = room.area

    async def _open(self, visit: Visit):
        """(None, the opened file: folder, name, relative path, current text, number), or (the
        404 page, None)."""
        session, account = visit.session, visit.account
        folder, name = visit.request.path_params["folder"], visit.request.path_params["name"]
        try:
            if folder not in KINDS:
                raise PathRefused(folder)
            text, document, number = await self.room.run(self.room.store.open, folder, name)
        except (ActionError, PathRefused):
            page = self.area.error(session, account, 404, "Introuvable", "Ce fichier n’existe pas.")
            return page, None
        return None, {
            "session": session,
            "account": account,
            "folder": folder,
            "name": name,
            "relative": self.room.store.relative(folder, name),
            "text": text,
            "title": document.get("title") or name,
            "number": number,
            "editor": f"{self.room.editor.url(folder, name)}",
        }

    def page(self, template: str, ctx: dict, status_code: int = 200, **extra) -> Response:
        return self.area.page(
            template,
            ctx["session"],
            ctx["account"],
            status_code,
            section="articles",
            article_title=ctx["title"],
            editor_url=ctx["editor"],
            current_number=ctx["number"],
            kinds=revisions.KINDS,
            **extra,
        )

    async def listing(self, visit: Visit) -> Response:
        away, ctx = await self._open(visit)
        if away:
            return away
        rows = await db.run(self.area.database, revisions.listing, ctx["relative"], write=False)
        log = await db.run(
            self.area.database, journal.entries, write=False, target=ctx["relative"], limit=50
        )
        return self.page(
            "historique.html",
            ctx,
            title=f"Historique : {ctx['title']}",
            rows=rows,
            entries=log,
        )

    async def show(self, visit: Visit) -> Response:
        away, ctx = await self._open(visit)
        if away:
            return away
        number = parse_number(visit.request.path_params["number"])
        try:
            row = await db.run(
                self.area.database, revisions.get, ctx["relative"], number or 0, write=False
            )
        except ActionError as error:
            return self.area.error(
                ctx["session"], ctx["account"], 404, "Introuvable", error.message
            )
        return self.page(
            "revision.html",
            ctx,
            title=f"Révision n° {row['number']} : {ctx['title']}",
            row=row,
            rows=differences(row["text"], ctx["text"]),
        )

    async def restore(self, visit: Visit) -> Response:
        session, account, form = visit.session, visit.account, visit.form
        away, ctx = await self._open(visit)
        if away:
            return away
        number = parse_number(visit.request.path_params["number"]) or 0
        try:
            row = await db.run(
                self.area.database, revisions.get, ctx["relative"], number, write=False
            )
            saved = await self.room.run(
                self.room.store.save,
                ctx["folder"],
                ctx["name"],
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
            return self.room.conflicts.refused(
                session, account, conflict.current, "rien n’a été restauré."
            )
        done = "restaure" if saved.changed else "inchange"
        return RedirectResponse(f"{ctx['editor']}?fait={done}&n={saved.number}", 303)

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
