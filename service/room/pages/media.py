"""The image pages: the library (/redaction/images/), uploads there and from the editor, and the
room's own copies of the pictures (thumbnails, originals), served as images and nothing else.

« Supprimer » removes a picture no content file mentions (`images/<name>` in any text file of
the content folder) and no revision of any article or page, online, in progress or past (a
restore could bring it back): after a confirmation step, logged and committed like an upload.

The editor's « Ajouter l’image » stores an upload, or takes a picture of the library, and writes
its Markdown with its text alternative, caption and credit at the end of the text (not saved
yet, like every « Ajouter »). Each upload is a line of the team's log and, with git, a commit.
The library is searched by words of a file name, alt text or caption (`?q=`, a GET form:
library.py); the editor's script has its own picker (picker.py).
"""

import re
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from service.core import db, journal
from service.room import blocks, library, revisions
from service.room.catalog import Catalog
from service.room.draft import MAX_SPEAKERS
from service.room.gitlog import ContentGit
from service.room.media import IMAGE_FOLDER, MEDIA_TYPES, SAFE_NAME, ImageRefused, Media
from service.room.pages.editor import Editor
from service.room.pages.state import EditorState, Question, editor_url
from service.room.publishing.building import BuildWorker
from service.room.uploads import read_posted
from service.team.accounts import REDACTION
from service.team.area import Area
from service.team.guard import Visit, requires
from site_core.paths import TEAM_PATH

PORTRAIT_FIELD = re.compile(r"intervenant-([1-9][0-9]?)-portrait-fichier")
TEXT_SUFFIXES = {".md", ".markdown", ".html", ".htm", ".rst", ".txt", ".json", ".yml", ".yaml"}
DELETE = Question(
    "Supprimer cette image ?",
    (
        "L’image « {name} » sera retirée de la bibliothèque : aucun article ni aucune page ne "
        "l’utilise, ni en ligne, ni en cours d’écriture, ni dans une version passée.",
    ),
    "supprimer",
    "Supprimer l’image",
    "Ne rien supprimer",
)
IMAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Content-Disposition": "inline",
    "Cache-Control": "private, max-age=300",
}


class MediaPages:
    def __init__(
        self,
        area: Area,
        editor: Editor,
        builder: BuildWorker,
        catalog: Catalog,
        media: Media,
        git: ContentGit,
        upload_max_bytes: int,
    ):
        self.area = area
        self.editor = editor  # « Ajouter l’image » answers there
        self.builder = builder  # the minimum sizes of images and portraits
        self.catalog = catalog  # where each image is used
        self.media = media
        self.git = git  # each upload is a commit
        self.upload_max_bytes = upload_max_bytes

    def store(self, upload, account, portrait: bool = False) -> str:
        """Check and store `upload` (uploads.Upload) as a content image or a portrait (the
        build's minimum size for each); log it and commit it; its file name (the library's
        own when the same picture is there already)."""
        rules = self.builder.rules()
        side = rules.portrait_min_size
        min_size = (side, side) if portrait else rules.image_min_size
        if len(upload.data) > self.upload_max_bytes:
            raise ImageRefused(
                f"Image trop lourde ({len(upload.data) // (1024 * 1024)} Mo) : "
                f"{self.upload_max_bytes // (1024 * 1024)} Mo au plus."
            )
        name, new = self.media.store(upload.data, upload.filename, min_size)
        if not new:
            return name  # the same picture, already logged and committed
        relative = f"{IMAGE_FOLDER}/{name}"
        with db.transaction(self.area.database) as conn:
            journal.record(conn, account["username"], "image", relative)
        self.git.commit(
            [relative],
            f"Image ajoutée : {name}",
            account["display_name"] or account["username"],
            account["email"],
        )
        return name

    async def portraits(self, state: EditorState) -> dict[str, str]:
        """Portraits sent from the people's rows (any button of the editor sends them): each is
        stored like an upload and its address put in its row's field; errors by field."""
        posted, errors = state.posted, {}
        if state.folder != "articles":
            return errors  # pages have no people
        for field, upload in posted.files.items():
            found = PORTRAIT_FIELD.fullmatch(field)
            if not found or not 1 <= int(found.group(1)) <= MAX_SPEAKERS:
                continue
            row = field.removesuffix("-fichier")
            try:
                name = await run_in_threadpool(self.store, upload, state.account, True)
            except ImageRefused as error:
                errors[row] = f"Portrait non ajouté : {error}"
            else:
                posted.fields[row] = f"/{IMAGE_FOLDER}/{name}"
        return errors

    async def kept_image(self, state: EditorState) -> dict[str, str]:
        """A picture sent with another button than « Ajouter l’image », or kept from a refused
        one: stored, and kept in the form with what was typed for it, whatever comes next."""
        posted = state.posted
        if posted.get("action") == "image":
            return {}  # editor_action's own
        upload, kept = posted.files.get("image_fichier"), posted.get("image_gardee")
        if upload is not None:
            try:
                kept = await run_in_threadpool(self.store, upload, state.account)
            except ImageRefused as error:
                return {"image_fichier": str(error)}
        if self.media.path(kept):
            chosen = posted.get("image_existante") or kept
            state.image_values = {**posted.fields, "image_existante": chosen, "image_gardee": kept}
        return {}

    async def editor_action(self, request: Request, state: EditorState) -> Response:
        """« Ajouter l’image » in the editor. A usable upload is stored even when the form is
        refused (the text alternative forgotten): the page comes back with it kept (hidden
        field and thumbnail), so the writer completes the form without sending it again."""
        posted, work = state.posted, state.draft
        upload = posted.files.get("image_fichier")
        kept = posted.get("image_gardee")
        chosen = posted.get("image_existante") or (kept if self.media.path(kept) else "")
        errors = {}
        words = (posted.get("image_alt"), posted.get("image_legende"), posted.get("image_credit"))
        try:
            if upload is not None:
                chosen = await run_in_threadpool(self.store, upload, state.account)
            elif not self.media.path(chosen):
                raise ImageRefused(
                    "Choisissez une image à envoyer, ou une image de la bibliothèque."
                )
            block = blocks.image(f"/{IMAGE_FOLDER}/{chosen}", *words)
        except (ImageRefused, blocks.BlockError) as error:
            field = "image_alt" if isinstance(error, blocks.BlockError) else "image_fichier"
            errors[field] = str(error)
        if errors:
            state.errors = errors
            kept = chosen if self.media.path(chosen) else ""
            state.image_values = {**posted.fields, "image_existante": kept, "image_gardee": kept}
            return self.editor.render(state, 400, "L’image n’a pas été ajoutée.")
        work.body, state.cursor = blocks.insert(work.body, block, posted.get("curseur"))
        return self.editor.render(
            state, message=f"Image « {chosen} » ajoutée au texte (pas encore enregistré)."
        )

    def used(self, names: list[str]) -> set[str]:
        """The `names` a content file or a revision mentions: those never to be deleted."""
        needles = {f"{IMAGE_FOLDER}/{name}": name for name in names}
        found: set[str] = set()
        for path in self.media.folder.parent.rglob("*"):
            if path.suffix.lower() in TEXT_SUFFIXES and ".git" not in path.parts:
                text = path.read_text(encoding="utf-8", errors="replace")
                found.update(n for n in needles.keys() - found if n in text)
        with db.connection(self.area.database, readonly=True) as conn:
            found |= revisions.mentioning(conn, needles.keys() - found)
        return {needles[needle] for needle in found}

    async def library(
        self, visit: Visit, error: str = "", status_code: int = 200, refused: str = ""
    ):
        rules = await self.builder.ready()
        everything = await run_in_threadpool(self.media.listing)
        documents = await run_in_threadpool(self.catalog.documents)
        search = visit.request.query_params.get("q", "").strip()[:200]
        hints = library.known(everything, documents)
        names = library.matching(everything, hints, search)
        uses = {
            name: [(editor_url(folder, other), title) for folder, other, title in hints[name].users]
            for name in names
        }
        used = await run_in_threadpool(self.used, names)
        query = visit.request.query_params
        done, deleted = query.get("ajoutee", ""), query.get("supprimee", "")
        message = f"Image « {done} » ajoutée à la bibliothèque." if done in everything else ""
        if deleted and SAFE_NAME.fullmatch(deleted) and deleted not in everything:
            message = f"Image « {deleted} » supprimée de la bibliothèque."
        return self.area.page(
            "images.html",
            visit.session,
            visit.account,
            status_code,
            title="Images",
            section="images",
            names=names,
            total=len(everything),
            search=search,
            uses=uses,
            deletable=[name for name in names if name not in used],
            min_size=rules.image_min_size,
            max_mb=self.upload_max_bytes // (1024 * 1024),
            error=refused or ("L’image n’a pas été ajoutée." if error else ""),
            errors={"image_fichier": error} if error else {},
            message=message,
        )

    async def delete(self, visit: Visit) -> Response:
        """« Supprimer »: refused while anything mentions the picture; asked to confirm."""
        name = visit.form.get("image")
        if self.media.path(name) is None:
            return await self.library(visit, status_code=404, refused="Cette image n’existe pas.")
        if await run_in_threadpool(self.used, [name]):
            refused = (
                f"L’image « {name} » n’a pas été supprimée : un article ou une page l’utilise "
                "(en ligne, en cours d’écriture ou dans une version passée)."
            )
            return await self.library(visit, status_code=409, refused=refused)
        if visit.form.get("confirme") != "1":
            return DELETE.ask(self.area, visit, f"{TEAM_PATH}images/", [("image", name)], name=name)
        await run_in_threadpool(self.remove, name, visit.account)
        return RedirectResponse(f"{TEAM_PATH}images/?{urlencode({'supprimee': name})}", 303)

    def remove(self, name: str, account) -> None:
        if not self.media.delete(name):
            return
        relative = f"{IMAGE_FOLDER}/{name}"
        with db.transaction(self.area.database) as conn:
            journal.record(conn, account["username"], "image_deleted", relative)
        who = account["display_name"] or account["username"]
        self.git.commit([relative], f"Image supprimée : {name}", who, account["email"])

    def read_upload(self, request: Request):
        """The library's form: one image, up to the upload limit (refused before reading)."""
        return read_posted(request, self.upload_max_bytes + 64 * 1024)

    async def upload(self, visit: Visit) -> Response:
        upload = visit.form.files.get("image_fichier")
        try:
            if upload is None:
                raise ImageRefused("Choisissez une image à envoyer.")
            name = await run_in_threadpool(self.store, upload, visit.account)
        except ImageRefused as refused:
            return await self.library(visit, str(refused), 400)
        return RedirectResponse(f"{TEAM_PATH}images/?{urlencode({'ajoutee': name})}", 303)

    async def file(self, visit: Visit) -> Response:
        name, size = visit.request.path_params["name"], visit.request.path_params["size"]
        if size not in ("vignette", "fichier"):
            return Response("Image introuvable.", 404, headers=IMAGE_HEADERS)
        if size == "vignette":
            found = await run_in_threadpool(self.media.thumbnail, name)
        else:
            path = self.media.path(name)
            found = (path, MEDIA_TYPES[path.suffix.lower()]) if path else None
        if found is None:
            return Response("Image introuvable.", 404, headers=IMAGE_HEADERS)
        return FileResponse(found[0], media_type=found[1], headers=IMAGE_HEADERS)

    def routes(self) -> list[Route]:
        writer = requires(REDACTION)
        return [
            Route("/images/", writer(self.library), methods=["GET"]),
            Route(
                "/images/",
                requires(REDACTION, read=self.read_upload)(self.upload),
                methods=["POST"],
            ),
            Route("/images/supprimer", writer(self.delete), methods=["POST"]),
            Route("/images/{size:str}/{name:str}", writer(self.file), methods=["GET"]),
        ]
