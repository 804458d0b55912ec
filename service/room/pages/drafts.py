"""Nothing typed lost: the editor's autosaves, their restore, and who else has the file open.

The page's script (room/editor/src/autosave.js) posts every field of the form here while
typing and when the page is left, and pings every 30 s; each answer says when it was kept and
who else is editing. Without JavaScript nothing is autosaved, but the page still shows who
else has the file open, and a crash's autosave is offered back by the server itself: a link
(GET, `?brouillon=reprendre`) fills the form from it, every field (people, thème, date…), and
« Ignorer » (a POST) forgets it. A save of the file forgets it too (Editor.save).

Opening the editor counts as a ping, so someone without JavaScript is seen by others too.
"""

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from service.core import clock, db
from service.core.forms import parse_number, read_form
from service.room import autosaves, draft
from service.room.articles import KINDS, PathRefused
from service.room.conflicts import merged_labels
from service.room.pages.state import EditorState, editor_url
from service.room.store import ArticleStore
from service.room.uploads import Posted
from service.team import accounts
from service.team.accounts import REDACTION
from service.team.guard import Visit, requires
from site_core.dates import NBSP, PARIS, format_datetime_seconds

MAX_BYTES = 1024 * 1024  # the fields' text: larger is refused with a message, not stored
READ_BYTES = 8 * MAX_BYTES  # percent-encoded, a body triples; past this it is not even read


async def _read(request: Request):
    return await read_form(request, READ_BYTES)


def clock_time(stored: str, seconds: bool = False) -> str:
    """A stored time as the day's French clock: « 10 h 02 » (« 10 h 02 min 15 s »)."""
    moment = clock.parse(stored).astimezone(PARIS)
    text = f"{moment.hour}{NBSP}h{NBSP}{moment.minute:02d}"
    return f"{text}{NBSP}min{NBSP}{moment.second:02d}{NBSP}s" if seconds else text


def presence_line(present: list[autosaves.Present], kind: str) -> str:
    """« Élodie modifie cet article depuis 10 h 02 » for each other person with it open."""
    what = "cet article" if kind == "article" else "cette page"
    return " ; ".join(
        f"{person.display_name} modifie {what} depuis {clock_time(person.since)}"
        for person in present
    )


class Drafts:
    def __init__(self, database, store: ArticleStore):
        self.database = database
        self.store = store

    def _path(self, folder: str, name: str | None, key: str = "") -> str | None:
        """The table's path of a file (checked), or of a new article by its form's key."""
        if name is None:
            return autosaves.new_path(key)
        if folder not in KINDS:
            return None
        try:
            self.store.path(folder, name)
        except PathRefused:
            return None
        return self.store.relative(folder, name)

    # --- the editor's page -------------------------------------------------------------

    async def opened(self, state: EditorState, query) -> str:
        """On opening the editor: this visit counted as a ping, the others with the file
        open, this account's autosave offered (or, asked with `?brouillon=reprendre`, put in
        the form). Returns the message to show."""
        user = state.account["username"]
        path = self._path(state.folder, state.name)

        def look(conn):
            if state.name is None:
                return autosaves.latest_new(conn, user), []
            autosaves.ping(conn, user, path)
            return autosaves.get(conn, user, path), autosaves.present(conn, path, user)

        found, present = await db.run(self.database, look, write=True)
        state.presence = presence_line(present, state.draft.kind)
        merged = await self._merged(query)
        if found is None or merged:
            return merged
        typed = draft.from_form(Posted(found.fields), state.draft.kind)
        if query.get("brouillon") == "reprendre":
            state.draft = typed
            if state.name is None:
                state.client_key = found.path.removeprefix(autosaves.NEW_PREFIX)
                state.posted = Posted(found.fields)  # « Nouvel article »'s own date kept apart
            elif found.base is not None:
                state.revision = found.base  # a save meanwhile is then merged (conflicts.py)
            when = format_datetime_seconds(clock.parse(found.saved_at))
            return f"Brouillon du {when} repris : vérifiez-le, puis enregistrez."
        if typed != state.draft:
            state.autosave = found
        return ""

    async def _merged(self, query) -> str:
        """After a save merged with someone else's (conflicts.settle): what of theirs came in."""
        labels = merged_labels(query.get("fusion", ""))
        if not labels:
            return ""
        names = await db.run(self.database, accounts.display_names, write=False)
        who = names.get(query.get("par", "")) or query.get("par", "") or "l’autre personne"
        of = "d’" if who[:1].lower() in "aeiouyéèêàâîôh" else "de "
        number = parse_number(query.get("n"))
        return f"Fusionné avec les modifications {of}{who} ({labels}) : révision n° {number}."

    async def saved(self, state: EditorState) -> None:
        """A save ends the account's autosave of the file (and of the new article it was)."""
        user = state.account["username"]
        paths = [self._path(state.folder, state.name), autosaves.new_path(state.client_key)]

        def forget(conn):
            for path in filter(None, paths):
                autosaves.forget(conn, user, path)

        await db.run(self.database, forget, write=True)

    # --- the script's posts and « Ignorer » ----------------------------------------------

    async def autosave(self, visit: Visit) -> Response:
        params, form = visit.request.path_params, visit.form
        path = self._path(params.get("folder", ""), params.get("name"), form.get("cle"))
        if path is None:
            return _refused(404, "Ce fichier n’existe pas : le brouillon n’a pas été gardé.")
        fields = autosaves.kept(form.fields)
        if len(json.dumps(fields, ensure_ascii=False).encode()) > MAX_BYTES:
            return _refused(
                413,
                "Texte trop long pour le brouillon automatique (plus de 1 Mo) : il reste "
                "dans cette page et ce navigateur ; enregistrez, ou raccourcissez le texte.",
            )
        user, base = visit.account["username"], parse_number(form.get("revision"))
        kind = "page" if params.get("folder") == "pages" else "article"

        def keep(conn):
            saved_at = None
            if fields and form.get("ping") != "1":
                saved_at = autosaves.store(conn, user, path, base, fields)
            else:
                autosaves.ping(conn, user, path)
            return saved_at, autosaves.present(conn, path, user)

        saved_at, present = await db.run(self.database, keep, write=True)
        answer = {"presence": presence_line(present, kind)}
        if saved_at:
            answer.update(
                enregistre=saved_at,
                message=f"Brouillon enregistré à {clock_time(saved_at, seconds=True)}",
            )
        return JSONResponse(answer)

    async def ignore(self, visit: Visit) -> Response:
        params = visit.request.path_params
        name, folder = params.get("name"), params.get("folder", "articles")
        user = visit.account["username"]

        def forget(conn):
            found = autosaves.latest_new(conn, user) if name is None else None
            path = found.path if found else self._path(folder, name)
            if path:
                autosaves.forget(conn, user, path)

        await db.run(self.database, forget, write=True)
        return RedirectResponse(editor_url(folder, name), 303)

    def routes(self) -> list[Route]:
        poster = requires(REDACTION, read=_read)
        writer = requires(REDACTION)
        return [
            Route("/nouveau/brouillon", poster(self.autosave), methods=["POST"]),
            Route("/nouveau/brouillon/ignorer", writer(self.ignore), methods=["POST"]),
            Route("/{folder}/{name}/brouillon", poster(self.autosave), methods=["POST"]),
            Route("/{folder}/{name}/brouillon/ignorer", writer(self.ignore), methods=["POST"]),
        ]


def _refused(status: int, message: str) -> JSONResponse:
    return JSONResponse({"erreur": message}, status_code=status)
