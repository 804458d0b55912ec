"""Work in progress against what readers see: « Voir les modifications » and « Abandonner les
modifications ».

The changes are shown field by field under the names the editor gives them (Titre, Chapô,
Thème…), the text line by line, never as the file's `Summary:` keys. Abandoning writes the
online text as a new revision (so the abandoned work stays in the history), after a
confirmation page, and like any save is refused if someone saved since the page was opened.
"""

from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from service.core.errors import ActionError
from service.core.forms import parse_number
from service.room.articles import KINDS, Document, PathRefused, parse
from service.room.conflicts import Conflicts, differences
from service.room.pages.state import Question, editor_url, online_url
from service.room.store import ArticleStore, Conflict
from service.team.accounts import REDACTION
from service.team.area import Area
from service.team.guard import Visit, requires

# Metadata keys as the editor names them; the status is the publication's business.
LABELS = {
    "title": "Titre",
    "summary": "Chapô",
    "category": "Thème",
    "date": "Date",
    "date_estimate": "Note sur la date",
    "tags": "Mots-clés",
    "authors": "Intervenants",
    "roles": "Rôles des intervenants",
    "portraits": "Portraits",
    "slug": "Adresse (slug)",
    "comments": "Commentaires",
}
HIDDEN = {"status"}
DISCARD = Question(
    "Abandonner les modifications ?",
    (
        "Le texte redevient celui qui est en ligne. Les modifications non publiées restent "
        "dans l’historique des versions : vous pourrez les restaurer.",
    ),
    "abandonner",
    "Abandonner les modifications",
    "Garder les modifications",
)


def changes(online: Document, work: Document) -> list[tuple[str, str, str, list | None]]:
    """(French name, online value, new value, None) per changed field, then ("Texte", …, the
    lines changed) when the text changed."""
    keys = [f.key for f in online.fields] + [f.key for f in work.fields]
    found = []
    for key in dict.fromkeys(keys):
        if key not in HIDDEN and online.get(key) != work.get(key):
            name = LABELS.get(key, key.replace("_", " ").capitalize())
            found.append((name, online.get(key), work.get(key), None))
    if online.body != work.body:
        found.append(("Texte", "", "", differences(online.body, work.body)))
    return found


class Changes:
    def __init__(self, area: Area, store: ArticleStore, conflicts: Conflicts):
        self.area = area
        self.store = store
        self.conflicts = conflicts

    async def _open(self, visit: Visit):
        folder, name = visit.request.path_params["folder"], visit.request.path_params["name"]
        if folder not in KINDS:
            raise PathRefused(folder)
        return folder, name, await run_in_threadpool(self.store.open, folder, name)

    def _missing(self, visit: Visit) -> Response:
        return self.area.error(
            visit.session, visit.account, 404, "Introuvable", "Ce fichier n’existe pas."
        )

    async def show(self, visit: Visit) -> Response:
        try:
            folder, name, opened = await self._open(visit)
        except (ActionError, PathRefused):
            return self._missing(visit)
        title = opened.document.get("title") or name
        online = parse(opened.online_text) if opened.online_text is not None else Document()
        return self.area.page(
            "modifications.html",
            visit.session,
            visit.account,
            title=f"Modifications non publiées : {title}",
            section="articles",
            editor_url=editor_url(folder, name),
            online_url=online_url(self.area.site, folder, opened.document.get("slug") or name),
            online_number=opened.record.online,
            current_number=opened.number,
            changes=changes(online, opened.document) if opened.online_text is not None else [],
        )

    async def discard(self, visit: Visit) -> Response:
        """« Abandonner les modifications »: asked first, then the online text as a revision."""
        session, account, form = visit.session, visit.account, visit.form
        try:
            folder, name, opened = await self._open(visit)
        except (ActionError, PathRefused):
            return self._missing(visit)
        url = editor_url(folder, name)
        if opened.online_text is None:
            message = "Cet article n’est pas sur le site : il n’y a pas de version en ligne."
            return self.area.error(session, account, 409, "Action impossible", message)
        base = parse_number(form.get("revision"))
        if form.get("confirme") != "1":
            return DISCARD.ask(self.area, visit, url, [("revision", base or "")])
        try:
            saved = await run_in_threadpool(
                self.store.save,
                folder,
                name,
                opened.online_text,
                account,
                base=base,
                revision_kind="abandon",
                detail="modifications abandonnées",
            )
        except Conflict as conflict:
            return self.conflicts.refused(
                session, account, conflict.current, "rien n’a été abandonné."
            )
        return RedirectResponse(f"{url}?fait=abandonne&n={saved.number}", 303)

    def routes(self) -> list[Route]:
        writer = requires(REDACTION)
        return [
            Route("/{folder}/{name}/modifications", writer(self.show), methods=["GET"]),
            Route("/{folder}/{name}/abandonner", writer(self.discard), methods=["POST"]),
        ]
