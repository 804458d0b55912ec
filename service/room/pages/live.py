"""The live preview beside the editor: the form as it is, built as it would be published,
with nothing saved.

The editor's script (room/editor/src/preview.js) posts the form's fields a moment after each
keystroke; the article is built from them exactly as « Aperçu » builds a saved revision
(preview.py: the production settings, its neighbours, the account's private preview folder),
but no revision is written and the content folder is not touched: the text goes only to the
preview's work view (symbolic links to the content folder but for the edited file). Nothing is
published by it; a build of the public site never sees it.

Typing must never queue builds: while an account's build runs, only its latest request waits
(`Latest`); the older one is answered « remplacé » at once. The answer is JSON: the preview's
address, or the build's French problems by form field (preview.place_errors).
"""

import asyncio
import os
import time

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from service.core.errors import ActionError
from service.room import draft
from service.room.articles import KINDS, PathRefused
from service.room.pages.preview import Previews, place_errors
from service.room.publishing.building import BuildFailed
from service.room.store import ArticleStore
from service.team.accounts import REDACTION
from service.team.guard import Visit, requires

REPLACED = "Remplacé par une demande plus récente."
EXPIRED = (
    "La page a expiré (vous vous êtes peut-être reconnecté ailleurs) : l’aperçu en direct ne "
    "peut plus être mis à jour. Rechargez la page après avoir enregistré votre texte."
)
NOT_FOUND = "Ce fichier n’existe pas (ou plus) dans l’espace rédaction."
# Finding an article's neighbours reads every article's metadata (a tenth of a second and more
# at 1,000 articles): kept while nothing changes, at most this many seconds.
NEIGHBOURS_KEPT = 60.0


class Latest:
    """Per key, one job at a time; of the requests arriving meanwhile only the latest waits
    for its turn, the one it replaces is told so at once."""

    def __init__(self):
        self._busy: set[str] = set()
        self._waiting: dict[str, asyncio.Future] = {}

    async def turn(self, key: str) -> bool:
        """True when it is this request's turn (then call `done`); False: replaced."""
        if key not in self._busy:
            self._busy.add(key)
            return True
        older = self._waiting.get(key)
        if older is not None and not older.done():
            older.set_result(False)
        mine = self._waiting[key] = asyncio.get_running_loop().create_future()
        try:
            return await mine
        except asyncio.CancelledError:  # the client left: its turn, if given, passes on
            if self._waiting.get(key) is mine:
                del self._waiting[key]
            if mine.done() and not mine.cancelled() and mine.result():
                self.done(key)
            raise

    def done(self, key: str) -> None:
        """The job of `key` ended: the waiting request's turn, or nobody's."""
        waiting = self._waiting.pop(key, None)
        if waiting is not None and not waiting.done():
            waiting.set_result(True)  # `key` stays busy: handed over
        else:
            self._busy.discard(key)

    def busy(self, key: str) -> bool:
        return key in self._busy


class LivePreview:
    def __init__(self, previews: Previews, store: ArticleStore):
        self.previews = previews  # the account's folder, its builds, the build's messages
        self.store = store
        self.latest = Latest()
        self._neighbours: dict[str, tuple[tuple, float, list[str]]] = {}  # relative -> kept

    async def neighbours(self, relative: str, number: int) -> list[str]:
        """The article's neighbours, asked again when a file of its folder was added, removed
        or rewritten (the room writes them by renaming: the folder changes), when its own
        revision changed (its date may have), or after NEIGHBOURS_KEPT seconds."""
        folder = os.path.dirname(os.path.join(self.store.content_dir, relative))
        stamp = (number, os.stat(folder).st_mtime_ns)
        kept = self._neighbours.get(relative)
        if kept and kept[0] == stamp and time.monotonic() - kept[1] < NEIGHBOURS_KEPT:
            return kept[2]
        others = await self.previews.neighbours(relative)
        self._neighbours[relative] = (stamp, time.monotonic(), others)
        return others

    async def build(self, visit: Visit) -> Response:
        key = self.previews.key(visit.account)
        if not await self.latest.turn(key):
            return JSONResponse({"ok": False, "remplace": True, "message": REPLACED})
        try:
            return await self._build(visit)
        finally:
            self.latest.done(key)

    async def _build(self, visit: Visit) -> Response:
        folder, name = visit.request.path_params["folder"], visit.request.path_params["name"]
        try:
            if folder not in KINDS:
                raise PathRefused(folder)
            opened = await run_in_threadpool(self.store.open, folder, name)
        except (ActionError, PathRefused):
            return JSONResponse({"ok": False, "message": NOT_FOUND}, 404)
        work = draft.from_form(visit.form, KINDS[folder])
        work.slug = work.slug or opened.document.get("slug") or name
        if not draft.SLUG.fullmatch(work.slug) or len(work.slug) > 120:
            # The build writes files by slug (the share card): never a path climbing out.
            return JSONResponse({"ok": False, "problemes": {"slug": draft.SLUG_PROBLEM}}, 422)
        relative = self.store.relative(folder, name)
        text = draft.file_text(work, opened.document)
        try:
            others = await self.neighbours(relative, opened.number)
            url = await self.previews.build_text(
                visit.request, visit.account, relative, text, others=others
            )
        except BuildFailed as failure:
            fields, general = place_errors(failure.errors, relative)
            return JSONResponse({"ok": False, "problemes": fields, "general": general}, 422)
        return JSONResponse({"ok": True, "url": url})

    async def stale(self, visit: Visit) -> Response:
        """A post whose CSRF token is not this session's: nothing built."""
        return JSONResponse({"ok": False, "message": EXPIRED}, 403)

    def routes(self) -> list[Route]:
        post = requires(REDACTION, stale=self.stale)(self.build)
        return [Route("/{folder}/{name}/apercu-direct", post, methods=["POST"])]
