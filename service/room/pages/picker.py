"""The editor's image picker, answered in JSON (its script: service/room/editor/src/images.js):
the library searched and paginated, and an upload sent by `fetch` with its text alternative.

The upload goes through the library's own checks and limits (MediaPages.store: the size, Pillow's
decode budget and pixel limits, the same picture stored once, logged and committed). Without a
text alternative it is refused before anything is stored, with the site's rule and message
(site_core.content.rules.alt_problem), so the picker never inserts an image the save would
refuse. Every refusal is a 400 `{field, error}` naming the form field, in French: the editor
keeps the file and what was typed for another try. The answer is what the editor inserts:
`{src, alt, title}`, title being « Légende © Crédit » (blocks.image_words, as « Ajouter
l’image » writes it).
"""

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from service.core.forms import parse_number
from service.room import blocks, library
from service.room.media import IMAGE_FOLDER, ImageRefused
from service.room.pages.media import MediaPages
from service.team.accounts import REDACTION
from service.team.guard import Visit, requires
from site_core.content.rules import alt_problem
from site_core.paths import TEAM_PATH

PER_PAGE = 24
NO_STORE = {"Cache-Control": "no-store"}


def alt_missing(src: str) -> str:
    """The site's message for an image without a text alternative, as a sentence."""
    problem = alt_problem(src, "", False)
    return problem[:1].upper() + problem[1:]


def refused(field: str, error: str) -> Response:
    return JSONResponse({"field": field, "error": error}, 400, headers=NO_STORE)


class Picker:
    def __init__(self, pages: MediaPages):
        self.pages = pages  # the library: its store, media, catalog and the site's rules

    async def listing(self, visit: Visit) -> Response:
        """`?q=` words of a file name, alt text or caption; `?page=` from 1, PER_PAGE each."""
        pages, query = self.pages, visit.request.query_params
        rules = await pages.builder.ready()
        names = await run_in_threadpool(pages.media.listing)
        hints = library.known(names, await run_in_threadpool(pages.catalog.documents))
        found = library.matching(names, hints, query.get("q", "")[:200])
        count = max(1, -(-len(found) // PER_PAGE))
        number = min(parse_number(query.get("page")) or 1, count)  # ASCII digits only
        shown = found[(number - 1) * PER_PAGE :][:PER_PAGE]
        images = []
        for name in shown:
            path, hint = pages.media.path(name), hints[name]
            if path is None:
                continue  # deleted meanwhile
            images.append(
                {
                    "name": name,
                    "src": f"/{IMAGE_FOLDER}/{name}",
                    "url": f"{TEAM_PATH}images/fichier/{name}",
                    "thumbnail": f"{TEAM_PATH}images/vignette/{name}",
                    "size": path.stat().st_size,
                    "used_by": hint.used_by,
                    "alt": hint.alt,
                    "caption": hint.caption,
                    "credit": hint.credit,
                }
            )
        answer = {
            "images": images,
            "total": len(found),
            "page": number,
            "pages": count,
            "alt_missing": alt_missing("{src}"),
            "min_size": list(rules.image_min_size),
            "max_bytes": pages.upload_max_bytes,
        }
        return JSONResponse(answer, headers=NO_STORE)

    async def upload(self, visit: Visit) -> Response:
        form = visit.form
        upload = form.files.get("image_fichier")  # a Posted (uploads.read_posted)
        filename = upload.filename if upload is not None else ""
        if not form.get("alt").strip():
            return refused("alt", alt_missing(f"/{IMAGE_FOLDER}/{filename}"))
        if upload is None:
            return refused("image_fichier", "Choisissez une image à envoyer.")
        try:
            name = await run_in_threadpool(self.pages.store, upload, visit.account)
        except ImageRefused as error:
            return refused("image_fichier", str(error))
        alt, title = blocks.image_words(form.get("alt"), form.get("legende"), form.get("credit"))
        answer = {"src": f"/{IMAGE_FOLDER}/{name}", "alt": alt, "title": title, "name": name}
        return JSONResponse(answer, headers=NO_STORE)

    def routes(self) -> list[Route]:
        read = self.pages.read_upload
        return [
            Route("/images/choix", requires(REDACTION)(self.listing), methods=["GET"]),
            Route(
                "/images/envoi",
                requires(REDACTION, read=read)(self.upload),
                methods=["POST"],
            ),
        ]
