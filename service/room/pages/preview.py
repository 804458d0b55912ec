"""Previews: the article exactly as the site will show it, before anything is published.

« Enregistrer et voir l’aperçu » saves, then builds with the production settings (the build's
theme, plugins, typography, sommaire, share card) the article, the articles just before and
after it and the pages into the team member's own preview folder, the previewed file shown as
published (builder.py), and opens it at phone and desktop widths. Building only those keeps a
preview under a second at 1,000 articles (the whole site takes 15 s there); the article's page
is the one the full site would have, neighbours and menu included. The preview is served by
the room at /redaction/apercu/<key>/, behind the login, to its owner only (the key is derived
from the account and the service's secret), never cached or indexed; it may be framed by the
room's own pages only.

An article runs no script there, even one the sanitiser would have missed (issue 19: a writer's
script ran with the session of the administrator previewing it): the frames are sandboxed
without scripts (`sandbox="allow-same-origin"`: styles and images still load), and every
preview response forbids scripts and forms and sandboxes itself (CSP `sandbox`), so opening it
« en pleine page » is no different.

When the build refuses the content, its own French messages come back in the editor, each next
to the field it names (draft.BUILD_FIELDS); problems of the other files built with it are
listed above the form.
"""

import asyncio
import hmac
import re
import shutil
from functools import partial
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from service.core.errors import ActionError
from service.core.static import SiteFiles
from service.room.articles import KINDS, PathRefused
from service.room.catalog import Catalog
from service.room.draft import BUILD_FIELDS
from service.room.pages.editor import Editor
from service.room.pages.state import EditorState, editor_url
from service.room.publishing.building import BuildFailed, BuildWorker
from service.room.store import ArticleStore
from service.team.accounts import REDACTION
from service.team.area import Area
from service.team.guard import Visit, requires
from site_core.paths import TEAM_PATH

FIELD = re.compile(r"champ « (\w+) »")
PREVIEW_HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'self'; sandbox allow-same-origin"
    ),
    "X-Content-Type-Options": "nosniff",
}
WIDTHS = (("telephone", "téléphone", 390, 844), ("ordinateur", "ordinateur", 1280, 900))


def place_errors(errors: list[str], relative: str) -> tuple[dict[str, str], list[str]]:
    """The build's messages about `relative` by form field; the rest, whole."""
    fields: dict[str, str] = {}
    general: list[str] = []
    for line in errors:
        where, _, what = line.partition(" : ")
        if not where.endswith(relative) or not what:
            general.append(line)
            continue
        for part in what.split(" ; "):
            match = FIELD.search(part)
            field = BUILD_FIELDS.get(match.group(1)) if match else None
            if field and field not in fields:
                fields[field] = part
            else:
                general.append(f"{relative} : {part}")
    return fields, general


def work_view(content: Path, view: Path, source: str, text: str, others) -> None:
    """A content folder at `view` that is `content` (symbolic links) but for `source`, written
    with `text`, the work in progress previewed: what the file will be once published."""
    shutil.rmtree(view, ignore_errors=True)
    folder = source.partition("/")[0]
    (view / folder).mkdir(parents=True)
    for entry in content.iterdir():
        if entry.name != folder:
            (view / entry.name).symlink_to(entry)
    kept = set(others) if folder == "articles" else set()
    if folder != "articles":  # pages: every one is built with the preview
        kept = {f"{folder}/{p.name}" for p in (content / folder).glob("*.md")}
    for relative in kept - {source}:
        if (content / relative).is_file():
            (view / relative).symlink_to(content / relative)
    (view / source).write_text(text, encoding="utf-8")


class Previews:
    def __init__(
        self,
        area: Area,
        editor: Editor,
        builder: BuildWorker,
        catalog: Catalog,
        store: ArticleStore,
        secret: str,
        room_dir: Path,
    ):
        self.area = area
        self.editor = editor  # « Enregistrer et voir l’aperçu » saves there; refusals show there
        self.builder = builder
        self.catalog = catalog  # the neighbours built with the previewed article
        self.store = store
        self._secret = secret.encode()
        self._room_dir = room_dir
        self._built: dict[str, tuple[str, int, str]] = {}  # key -> (file, revision, url)
        self._locks: dict[str, asyncio.Lock] = {}  # key -> its folder's one build at a time

    def key(self, account) -> str:
        digest = hmac.new(self._secret, b"preview:" + account["username"].encode(), "sha256")
        return digest.hexdigest()[:20]

    def folder(self, key: str) -> Path:
        return self._room_dir / "apercu" / key

    async def build(self, request: Request, account, relative: str, number: int, text) -> str:
        """The preview's address for `relative` at revision `number`, whose text is `text`
        (built if needed)."""
        done = self._built.get(self.key(account))
        if done and done[:2] == (relative, number):
            return done[2]
        return await self.build_text(request, account, relative, text, number)

    async def neighbours(self, relative: str) -> list[str]:
        """The articles built with `relative`'s preview (its page links to them)."""
        rules = await self.builder.ready()
        return await run_in_threadpool(self.catalog.neighbours, relative, rules.timezone)

    async def build_text(
        self, request: Request, account, relative: str, text: str, number=None, others=None
    ) -> str:
        """Build `text` as `relative` into the account's preview folder; `number`: the revision
        it is (None: unsaved work, the live preview's); `others`: its neighbours, if known. One
        build per account at a time: the live preview and « Aperçu » share the folder and its
        work view."""
        key = self.key(account)
        async with self._locks.setdefault(key, asyncio.Lock()):
            self._built.pop(key, None)  # the folder is about to hold something else
            base = self.area.absolute(request, f"{TEAM_PATH}apercu/{key}")
            if others is None:
                others = await self.neighbours(relative)
            view = self._room_dir / "apercu" / f"{key}.travail" / self.store.content_dir.name
            await run_in_threadpool(work_view, self.store.content_dir, view, relative, text, others)
            order = self.builder.places.request(
                op="preview", source=relative, output=str(self.folder(key)), content=str(view)
            )
            answer = await run_in_threadpool(
                self.builder.call, {**order, "siteurl": base, "with": list(others)}
            )
            if not answer.get("ok"):
                raise BuildFailed(answer.get("errors", []))
            url = f"{TEAM_PATH}apercu/{key}/{answer['url']}"
            if number is not None:
                self._built[key] = (relative, number, url)
            return url

    async def editor_action(self, request: Request, state: EditorState) -> Response:
        """The editor's « Enregistrer et voir l’aperçu »: save the form, then build."""
        return await self.editor.save(state, partial(self.after_save, request))

    async def after_save(self, request: Request, state: EditorState) -> Response:
        relative = self.store.relative(state.folder, state.name)
        try:
            text = state.document.text()
            await self.build(request, state.account, relative, state.saved.number, text)
        except BuildFailed as failure:
            opened = await run_in_threadpool(self.store.open, state.folder, state.name)
            return self.refused(state, failure, relative, opened)
        return RedirectResponse(f"{state.url}apercu", 303)

    def refused(self, state: EditorState, failure: BuildFailed, relative: str, opened) -> Response:
        """The editor again, with the build's messages next to their fields."""
        state.errors, state.general = place_errors(failure.errors, relative)
        state.revision = state.saved.number
        self.editor.describe(state, opened)
        return self.editor.render(
            state,
            422,
            f"Enregistré (révision n° {state.saved.number}), mais la construction du site "
            "refuse ce contenu : corrigez ce qui est signalé, puis demandez l’aperçu à nouveau.",
        )

    async def page(self, visit: Visit) -> Response:
        request, session, account = visit.request, visit.session, visit.account
        folder, name = request.path_params["folder"], request.path_params["name"]
        try:
            if folder not in KINDS:
                raise PathRefused(folder)
            opened = await run_in_threadpool(self.store.open, folder, name)
            document, number = opened.document, opened.number
            url = await self.build(request, account, f"{folder}/{name}.md", number, opened.text)
        except (ActionError, PathRefused):
            return self.area.error(session, account, 404, "Introuvable", "Ce fichier n’existe pas.")
        except BuildFailed as failure:
            return self.area.page(
                "apercu.html",
                session,
                account,
                422,
                title="Aperçu impossible",
                section="articles",
                editor_url=editor_url(folder, name),
                failures=failure.errors,
            )
        return self.area.page(
            "apercu.html",
            session,
            account,
            title=f"Aperçu : {document.get('title') or name}",
            section="articles",
            editor_url=editor_url(folder, name),
            preview_url=url,
            widths=WIDTHS,
            revision=number,
        )

    async def files(self, visit: Visit) -> Response:
        """The owner's preview files; anyone else's key is not found."""
        request = visit.request
        key = request.path_params["key"]
        if not hmac.compare_digest(key.encode(), self.key(visit.account).encode()):
            return Response("Aperçu introuvable.", 404, headers=PREVIEW_HEADERS)
        files = SiteFiles(directory=self.folder(key), html=True, check_dir=False)
        scope = {**request.scope, "path": "/" + request.path_params["path"]}
        try:
            response = await files.get_response(request.path_params["path"], scope)
        except HTTPException:
            return Response("Page introuvable dans l’aperçu.", 404, headers=PREVIEW_HEADERS)
        response.headers.update(PREVIEW_HEADERS)
        return response

    def routes(self) -> list[Route]:
        writer = requires(REDACTION)
        return [
            Route("/{folder}/{name}/apercu", writer(self.page), methods=["GET"]),
            Route("/apercu/{key}/{path:path}", writer(self.files), methods=["GET", "HEAD"]),
        ]
