"""The editor: one form per article or page, which works with no JavaScript at all.

Every button posts the whole form, so nothing typed is ever left behind: « Ajouter » puts a
question, an answer, a paragraph, a quote or a link at the end of the text, « Ajouter
l’image » stores an upload (media.py) and writes its Markdown, « Ajouter une personne » adds
a line of speakers, and the page comes back with the text and the change, not yet saved.
« Enregistrer » checks (draft.check), saves with its revision (store.py), and « Aperçu »
also builds the preview (preview.py), whose problems come back next to their fields.

Never losing text: a post whose session has ended (expired, logged out elsewhere) answers
with the login form holding the whole form in hidden fields and the text in view; logging in
there saves it (the guard's `relogin`, team/relogin.py: the same throttling as the login page).
A post whose CSRF token is stale (session replaced) shows the form again, filled, to post once
more (the guard's `stale`).
A save on top of someone else's is a conflict page with both texts (conflicts.py).
"""

from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from service.core import clock
from service.core.errors import ActionError
from service.core.forms import parse_number
from service.room import blocks, draft
from service.room.articles import KINDS, PathRefused, parse
from service.room.catalog import STATUSES
from service.room.store import Conflict
from service.room.uploads import read_posted
from service.team.accounts import REDACTION
from service.team.guard import Visit, requires
from site_core.paths import TEAM_PATH

# Fields the pages re-post (relogin, conflict) that are not part of the text.
CONTROL_FIELDS = {"csrf", "action", "reprise", "identifiant", "mot_de_passe", "revision"}
SAVE_ACTIONS = {"enregistrer", "apercu"}


class Editor:
    def __init__(self, room):
        self.room = room
        self.area = room.area
        # The room's own registries, not events: the editor's buttons of other room pages
        # (publishing, images) and their checks, filled by room.Room, one domain's business.
        self.extra_actions = {}  # action -> coroutine(request, context) (publishing, images)
        self.before_actions = []  # coroutines(context) -> errors by field (portraits sent)

    # --- pages -------------------------------------------------------------------------

    def url(self, folder: str | None, name: str | None) -> str:
        return f"{TEAM_PATH}{folder}/{name}/" if name else f"{TEAM_PATH}nouveau"

    def render(self, ctx, status_code: int = 200, message: str = "", **extra) -> Response:
        rules = self.room.rules()
        work = ctx["draft"]
        errors = ctx.get("errors", {})
        return self.area.page(
            "editeur.html",
            ctx["session"],
            ctx["account"],
            status_code,
            title=(work.title or "Nouvel article")
            if work.kind == "article"
            else work.title or "Nouvelle page",
            section="articles",
            work=work,
            folder=ctx["folder"],
            name=ctx.get("name"),
            action_url=self.url(ctx["folder"], ctx.get("name")),
            revision=ctx.get("revision"),
            status=ctx.get("status", "brouillon"),
            slug_frozen=ctx.get("slug_frozen", False),
            errors=errors,
            general=ctx.get("general", []),
            message=message,
            categories=rules.categories,
            summary_length=rules.summary_length,
            tags=self.room.catalog.tags(),
            images=self.room.media.listing(),
            block_kinds=blocks.KINDS,
            statuses=STATUSES,
            previews=True,
            images_enabled=True,
            image_values=ctx.get("image_values") or {},
            image_min_size=rules.image_min_size,
            cursor=ctx.get("cursor", ""),
            **extra,
        )

    async def new_form(self, visit: Visit) -> Response:
        await self.room.ready()
        kind = "page" if visit.request.query_params.get("type") == "page" else "article"
        rules = self.room.rules()
        now = clock.utc().astimezone(ZoneInfo(rules.timezone))
        work = draft.Draft(
            kind,
            date=now.strftime("%Y-%m-%d"),
            time=now.strftime("%H:%M"),
            category=rules.categories[0] if rules.categories else "",
            speakers=[draft.Speaker()] if kind == "article" else [],
        )
        ctx = {"session": visit.session, "account": visit.account, "draft": work}
        ctx["folder"] = "articles" if kind == "article" else "pages"
        return self.render(ctx)

    async def edit_form(self, visit: Visit) -> Response:
        request = visit.request
        await self.room.ready()
        ctx = {"session": visit.session, "account": visit.account}
        try:
            await self._load(request, ctx)
        except (ActionError, PathRefused) as error:
            return self._not_found(ctx, error)
        done = request.query_params.get("fait")
        number = parse_number(request.query_params.get("n"))
        message = {
            "enregistre": f"Enregistré (révision n° {number}).",
            "inchange": "Aucun changement à enregistrer.",
            "restaure": f"Révision restaurée : c’est maintenant la révision n° {number}.",
        }.get(done, "")
        return self.render(ctx, message=message if number or done == "inchange" else "")

    def _not_found(self, ctx, error) -> Response:
        message = error.message if isinstance(error, ActionError) else "Ce fichier n’existe pas."
        return self.area.error(ctx["session"], ctx["account"], 404, "Introuvable", message)

    async def _load(self, request: Request, ctx: dict) -> None:
        folder, name = request.path_params["folder"], request.path_params["name"]
        if folder not in KINDS:
            raise PathRefused(folder)
        _, document, number = await self.room.run(self.room.store.open, folder, name)
        ctx.update(folder=folder, name=name, revision=number, document=document)
        ctx["draft"] = draft.from_document(document, KINDS[folder])
        self.room.describe_status(ctx)

    # --- posts -------------------------------------------------------------------------

    def read(self, request: Request):
        """The editor's form: its text, and the images sent with it up to the upload limit
        (refused before reading)."""
        return read_posted(request, self.room.settings.upload_max_bytes + 1024 * 1024)

    async def _opened(self, visit: Visit) -> dict | Response:
        """The post's context with the file it edits loaded (or the 404 page)."""
        request, posted = visit.request, visit.form
        ctx = {"session": visit.session, "account": visit.account, "posted": posted}
        await self.room.ready()
        folder = request.path_params.get("folder") or (
            "pages" if posted.get("type") == "page" else "articles"
        )
        name = request.path_params.get("name")
        ctx.update(folder=folder, name=name)
        if name:
            try:
                await self._load(request, ctx)
            except (ActionError, PathRefused) as error:
                return self._not_found(ctx, error)
        return ctx

    @staticmethod
    def _take_draft(ctx: dict) -> None:
        posted, name = ctx["posted"], ctx["name"]
        ctx["draft"] = draft.from_form(posted, KINDS.get(ctx["folder"], "article"))
        ctx["revision"] = parse_number(posted.get("revision")) if name else None

    async def stale(self, visit: Visit) -> Response:
        """A post whose CSRF token is not this session's: the form again, filled, to send once
        more; nothing saved, no file stored."""
        ctx = await self._opened(visit)
        if isinstance(ctx, Response):
            return ctx
        self._take_draft(ctx)
        return self.render(
            ctx,
            409,
            "La page avait expiré (vous vous êtes peut-être reconnecté ailleurs) : votre "
            "texte est ci-dessous, rien n’a été enregistré. Vérifiez-le et cliquez à "
            "nouveau sur le bouton.",
        )

    async def post(self, visit: Visit) -> Response:
        ctx = await self._opened(visit)
        if isinstance(ctx, Response):
            return ctx
        errors = {}
        for prepare in self.before_actions:
            errors.update(await prepare(ctx))  # files sent with the form: stored first
        self._take_draft(ctx)
        if errors:
            ctx["errors"] = errors
            return self.render(ctx, 400, "Rien n’a été enregistré : voyez le message en rouge.")
        request, posted = visit.request, visit.form
        action = posted.get("action", "enregistrer")
        if action == "personne":
            ctx["draft"].speakers.append(draft.Speaker())
            return self.render(ctx, message="Ligne ajoutée : complétez-la, puis enregistrez.")
        if action == "ajouter":
            return self._add_block(ctx)
        if action in self.extra_actions:
            return await self.extra_actions[action](request, ctx)
        return await self.save(request, ctx, action)

    def _add_block(self, ctx) -> Response:
        posted, work = ctx["posted"], ctx["draft"]
        try:
            block = blocks.make(
                posted.get("bloc"),
                posted.get("bloc_texte"),
                speaker=posted.get("bloc_intervenant"),
                url=posted.get("bloc_adresse"),
            )
        except blocks.BlockError as error:
            ctx["errors"] = {"bloc": str(error)}
            ctx["block_values"] = posted.fields
            return self.render(ctx, 400)
        work.body, ctx["cursor"] = blocks.insert(work.body, block, posted.get("curseur"))
        return self.render(
            ctx,
            message=f"{blocks.ADDED[posted.get('bloc')]} au texte (pas encore enregistré).",
        )

    async def save(self, request: Request, ctx: dict, action: str, status: str = "") -> Response:
        """Check and save the posted draft; then show it, its preview, or `after` it."""
        work, rules = ctx["draft"], self.room.rules()
        if ctx.get("slug_frozen"):
            work.slug = ctx["document"].get("slug") or ctx["name"]
        elif not work.slug:
            work.slug = draft.make_slug(work, rules.slug_subs)
        ctx["errors"] = draft.check(work, rules, self.room.taken_slugs(ctx["folder"], ctx["name"]))
        if ctx["errors"]:
            return self.render(ctx, 400, "Rien n’a été enregistré : corrigez ce qui est signalé.")
        name = ctx["name"] or work.slug
        document = ctx.get("document")
        text = draft.file_text(work, document)
        if status:
            text = parse(text).changed({"status": status}).text()
        try:
            saved = await self.room.run(
                self.room.store.save,
                ctx["folder"],
                name,
                text,
                ctx["account"],
                base=ctx["revision"] if ctx["name"] else None,
                revision_kind=ctx.get(
                    "revision_kind", "enregistrement" if ctx["name"] else "creation"
                ),
                action=ctx.get("log_action", "saved"),
                detail=work.title,
            )
        except Conflict as conflict:
            return self.room.conflicts.page(ctx, conflict.current, self.url(ctx["folder"], name))
        except ActionError as error:
            ctx["general"] = [error.message]
            return self.render(ctx, error.status_code)
        ctx.update(name=name, saved=saved)
        if action == "apercu":
            return await self.room.previews.after_save(request, ctx)
        if "after" in ctx:
            return await ctx["after"](request, ctx)
        done = "enregistre" if saved.changed else "inchange"
        return RedirectResponse(
            f"{self.url(ctx['folder'], name)}?fait={done}&n={saved.number}", 303
        )

    def routes(self) -> list[Route]:
        writer = requires(REDACTION)
        # The whole form, images included; an ended session or a stale token keeps the text.
        post = requires(REDACTION, read=self.read, stale=self.stale, relogin=True)(self.post)
        return [
            Route("/nouveau", writer(self.new_form), methods=["GET"]),
            Route("/nouveau", post, methods=["POST"]),
            Route("/{folder}/{name}/", writer(self.edit_form), methods=["GET"]),
            Route("/{folder}/{name}/", post, methods=["POST"]),
        ]
