"""The editor: one form per article or page, which works with no JavaScript at all.

Every button posts the whole form, so nothing typed is ever left behind: « Ajouter » puts a
question, an answer, a paragraph, a quote or a link at the end of the text, « Ajouter
l’image » stores an upload (media.py) and writes its Markdown, « Ajouter une personne » adds
a line of speakers, and the page comes back with the text and the change, not yet saved.
« Enregistrer » checks (draft.check), saves with its revision (store.py), and « Aperçu »
also builds the preview (preview.py), whose problems come back next to their fields.

Never losing text: a post whose session has ended (expired, logged out elsewhere) answers
with the login form holding the whole form in hidden fields and the text in view; logging in
there saves it (sessions.py, auth.check_login: the same throttling as the login page). A post
whose CSRF token is stale (session replaced) shows the form again, filled, to post once more.
A save on top of someone else's is a conflict page with both texts (conflicts.py).
"""

from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from service.comments.actions import ActionError
from service.core import clock
from service.core.forms import FormError, parse_number
from service.room import blocks, draft
from service.room.articles import KINDS, PathRefused, parse
from service.room.catalog import STATUSES
from service.room.store import Conflict
from service.room.uploads import read_posted
from service.team.accounts import REDACTION, roles_of
from site_core.paths import ROOM_PATH

# Fields the pages re-post (relogin, conflict) that are not part of the text.
CONTROL_FIELDS = {"csrf", "action", "reprise", "identifiant", "mot_de_passe", "revision"}
SAVE_ACTIONS = {"enregistrer", "apercu"}


class Editor:
    def __init__(self, room):
        self.room = room
        self.area = room.area
        self.auth = room.area.auth
        self.extra_actions = {}  # action -> coroutine(request, context) (publishing, images)
        self.before_actions = []  # coroutines(context) -> errors by field (portraits sent)

    # --- pages -------------------------------------------------------------------------

    def url(self, folder: str | None, name: str | None) -> str:
        return f"{ROOM_PATH}{folder}/{name}/" if name else f"{ROOM_PATH}nouveau"

    def render(self, ctx, status_code: int = 200, message: str = "", **extra) -> Response:
        rules = self.room.rules()
        work = ctx["draft"]
        errors = ctx.get("errors", {})
        response = self.area.page(
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
        if ctx.get("new_session"):
            self.auth.set_cookie(response, ctx["session"])
        return response

    async def new_form(self, request: Request) -> Response:
        session, account, away = await self.area.enter(request, REDACTION)
        if away:
            return away
        await self.room.ready()
        kind = "page" if request.query_params.get("type") == "page" else "article"
        rules = self.room.rules()
        now = clock.utc().astimezone(ZoneInfo(rules.timezone))
        work = draft.Draft(
            kind,
            date=now.strftime("%Y-%m-%d"),
            time=now.strftime("%H:%M"),
            category=rules.categories[0] if rules.categories else "",
            speakers=[draft.Speaker()] if kind == "article" else [],
        )
        ctx = {"session": session, "account": account, "draft": work}
        ctx["folder"] = "articles" if kind == "article" else "pages"
        return self.render(ctx)

    async def edit_form(self, request: Request) -> Response:
        session, account, away = await self.area.enter(request, REDACTION)
        if away:
            return away
        await self.room.ready()
        ctx = {"session": session, "account": account}
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

    async def post(self, request: Request) -> Response:
        session, new = await self.auth.session(request)
        account = await self.auth.account(session)
        try:
            posted = await read_posted(request, self.room.config.upload_max_bytes + 1024 * 1024)
        except FormError as error:
            return self.area.error(session, account, error.status_code, error.title, error.message)
        ctx = {"session": session, "account": account, "new_session": new, "posted": posted}
        await self.room.ready()
        if not roles_of(account):
            relogged = await self.room.relogin(request, ctx)
            if relogged is not None:  # the login page, or a refusal (no rédaction role)
                return relogged
        elif REDACTION not in roles_of(account):
            return (await self.area.enter(request, REDACTION))[2]
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
        csrf_ok = ctx.get("relogged") or self.auth.sessions.csrf_ok(session, posted.get("csrf"))
        errors = {}
        for prepare in self.before_actions if csrf_ok else ():
            errors.update(await prepare(ctx))  # files sent with the form: stored first
        ctx["draft"] = draft.from_form(posted, KINDS.get(folder, "article"))
        ctx["revision"] = parse_number(posted.get("revision")) if name else None
        if errors:
            ctx["errors"] = errors
            return self.render(ctx, 400, "Rien n’a été enregistré : voyez le message en rouge.")
        if not csrf_ok:
            return self.render(
                ctx,
                409,
                "La page avait expiré (vous vous êtes peut-être reconnecté ailleurs) : votre "
                "texte est ci-dessous, rien n’a été enregistré. Vérifiez-le et cliquez à "
                "nouveau sur le bouton.",
            )
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
        response = RedirectResponse(
            f"{self.url(ctx['folder'], name)}?fait={done}&n={saved.number}", 303
        )
        if ctx.get("new_session"):
            self.auth.set_cookie(response, ctx["session"])
        return response

    def routes(self) -> list[Route]:
        return [
            Route("/nouveau", self.new_form, methods=["GET"]),
            Route("/nouveau", self.post, methods=["POST"]),
            Route("/{folder}/{name}/", self.edit_form, methods=["GET"]),
            Route("/{folder}/{name}/", self.post, methods=["POST"]),
        ]
