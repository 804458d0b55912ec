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
A save on top of someone else's is merged with it, or a page of choices (conflicts.py).
"""

from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from service.core import clock
from service.core.errors import ActionError
from service.core.forms import parse_number
from service.room import blocks, draft
from service.room.articles import KINDS, PathRefused, parse
from service.room.catalog import STATUSES, Catalog
from service.room.conflicts import Conflicts
from service.room.media import Media
from service.room.pages.drafts import Drafts
from service.room.pages.state import EditorState
from service.room.publishing.building import BuildWorker
from service.room.store import ArticleStore, Conflict, Opened
from service.room.uploads import read_posted
from service.team.accounts import REDACTION
from service.team.area import Area
from service.team.guard import Visit, requires

# Fields the pages re-post (relogin, conflict) that are not part of the text.

Then = Callable[[EditorState], Awaitable[Response]]


class Editor:
    def __init__(
        self,
        area: Area,
        store: ArticleStore,
        catalog: Catalog,
        media: Media,
        builder: BuildWorker,
        conflicts: Conflicts,
        upload_max_bytes: int,
        drafts: Drafts,
    ):
        self.area = area
        self.store = store
        self.catalog = catalog  # the tags offered, the slugs taken
        self.media = media  # the library's images offered
        self.builder = builder  # the site's rules
        self.conflicts = conflicts
        self.upload_max_bytes = upload_max_bytes
        self.drafts = drafts  # autosaves, their restore, who else has the file open
        # Registries rather than calls: the room's other pages (previews, publishing, images)
        # add the editor's buttons they answer and the checks of files sent with any button,
        # and render through this editor, which would otherwise import them and be imported
        # by them. Filled by room.Room; one domain's business, so not events of the bus.
        self.extra_actions: dict[str, Callable[[Request, EditorState], Awaitable[Response]]] = {}
        self.before_actions: list[Callable[[EditorState], Awaitable[dict[str, str]]]] = []

    # --- pages -------------------------------------------------------------------------

    def render(self, state: EditorState, status_code: int = 200, message: str = "") -> Response:
        rules, work = state.rules, state.draft
        return self.area.page(
            "editeur.html",
            state.session,
            state.account,
            status_code,
            title=(work.title or "Nouvel article")
            if work.kind == "article"
            else work.title or "Nouvelle page",
            section="articles",
            work=work,
            folder=state.folder,
            name=state.name,
            action_url=state.url,
            revision=state.revision,
            status=state.status,
            status_text=state.status_text,
            unpublished=state.unpublished,
            online_url=state.online_url,
            date_auto=state.date_auto,
            slug_frozen=state.slug_frozen,
            errors=state.errors,
            general=state.general,
            message=message,
            categories=rules.categories,
            summary_length=rules.summary_length,
            tags=self.catalog.tags(),
            images=self.media.listing(),
            block_kinds=blocks.KINDS,
            statuses=STATUSES,
            previews=True,
            images_enabled=True,
            block_values=state.block_values,
            image_values=state.image_values,
            image_min_size=rules.image_min_size,
            cursor=state.cursor,
            sent=state.sent,
            presence=state.presence,
            autosave=state.autosave,
            client_key=state.client_key,
        )

    async def state(self, visit: Visit, folder: str, name: str | None = None) -> EditorState:
        """The one place a request's state is made (the site's rules asked off the loop)."""
        rules = await self.builder.ready()
        return EditorState(visit.session, visit.account, rules, folder, name, posted=visit.form)

    async def new_form(self, visit: Visit) -> Response:
        kind = "page" if visit.request.query_params.get("type") == "page" else "article"
        state = await self.state(visit, "articles" if kind == "article" else "pages")
        now = clock.utc().astimezone(ZoneInfo(state.rules.timezone))
        categories = state.rules.categories
        state.draft = draft.Draft(
            kind,
            date=now.strftime("%Y-%m-%d"),
            time=now.strftime("%H:%M"),
            category=categories[0] if categories else "",
            speakers=[draft.Speaker()] if kind == "article" else [],
        )
        message = await self.drafts.opened(state, visit.request.query_params)
        return self.render(state, message=message)

    async def edit_form(self, visit: Visit) -> Response:
        query, params = visit.request.query_params, visit.request.path_params
        state = await self.state(visit, params["folder"], params["name"])
        try:
            await self._load(state)
        except (ActionError, PathRefused) as error:
            return self._not_found(state, error)
        done = query.get("fait")
        number = parse_number(query.get("n"))
        message = {
            "enregistre": f"Enregistré (révision n° {number}).",
            "inchange": "Aucun changement à enregistrer.",
            "restaure": f"Révision restaurée : c’est maintenant la révision n° {number}, "
            "pas encore publiée.",
            "abandonne": f"Modifications abandonnées : le texte est celui en ligne (révision "
            f"n° {number}).",
        }.get(done, "")
        restored = await self.drafts.opened(state, query)
        message = message if number or done == "inchange" else ""
        return self.render(state, message=restored or message)

    def _not_found(self, state: EditorState, error) -> Response:
        message = error.message if isinstance(error, ActionError) else "Ce fichier n’existe pas."
        return self.area.error(state.session, state.account, 404, "Introuvable", message)

    async def _load(self, state: EditorState) -> None:
        if state.folder not in KINDS:
            raise PathRefused(state.folder)
        opened = await run_in_threadpool(self.store.open, state.folder, state.name)
        state.revision = opened.number
        state.draft = draft.from_document(opened.document, KINDS[state.folder])
        self.describe(state, opened)

    def describe(self, state: EditorState, opened: Opened) -> None:
        """`opened` as the state's file: its status, its slug frozen once online."""
        state.describe(opened, self.area.site)

    # --- posts -------------------------------------------------------------------------

    def read(self, request: Request):
        """The editor's form: its text, and the images sent with it up to the upload limit
        (refused before reading)."""
        return read_posted(request, self.upload_max_bytes + 1024 * 1024)

    async def _opened(self, visit: Visit) -> EditorState | Response:
        """The post's state with the file it edits loaded (or the 404 page)."""
        params, posted = visit.request.path_params, visit.form
        folder = params.get("folder") or ("pages" if posted.get("type") == "page" else "articles")
        state = await self.state(visit, folder, params.get("name"))
        if state.name:
            try:
                await self._load(state)
            except (ActionError, PathRefused) as error:
                return self._not_found(state, error)
        return state

    @staticmethod
    def _take_draft(state: EditorState) -> None:
        posted = state.posted
        state.draft = draft.from_form(posted, KINDS.get(state.folder, "article"))
        state.revision = parse_number(posted.get("revision")) if state.name else None

    async def stale(self, visit: Visit) -> Response:
        """A post whose CSRF token is not this session's: the form again, filled, to send once
        more; nothing saved, no file stored."""
        state = await self._opened(visit)
        if isinstance(state, Response):
            return state
        self._take_draft(state)
        return self.render(
            state,
            409,
            "La page avait expiré (vous vous êtes peut-être reconnecté ailleurs) : votre "
            "texte est ci-dessous, rien n’a été enregistré. Vérifiez-le et cliquez à "
            "nouveau sur le bouton.",
        )

    async def post(self, visit: Visit) -> Response:
        state = await self._opened(visit)
        if isinstance(state, Response):
            return state
        errors = {}
        for prepare in self.before_actions:
            errors.update(await prepare(state))  # files sent with the form: stored first
        self._take_draft(state)
        if errors:
            state.errors = errors
            return self.render(state, 400, "Rien n’a été enregistré : voyez le message en rouge.")
        action = state.posted.get("action", "enregistrer")
        if action == "personne":
            state.draft.speakers.append(draft.Speaker())
            return self.render(state, message="Ligne ajoutée : complétez-la, puis enregistrez.")
        if action == "ajouter":
            return self._add_block(state)
        if action in self.extra_actions:
            return await self.extra_actions[action](visit.request, state)
        return await self.save(state)

    def _add_block(self, state: EditorState) -> Response:
        posted, work = state.posted, state.draft
        try:
            block = blocks.make(
                posted.get("bloc"),
                posted.get("bloc_texte"),
                speaker=posted.get("bloc_intervenant"),
                url=posted.get("bloc_adresse"),
            )
        except blocks.BlockError as error:
            state.errors = {"bloc": str(error)}
            # Shown again, nothing typed lost (line ends as the text area's own).
            text = posted.get("bloc_texte").replace("\r\n", "\n")
            state.block_values = {**posted.fields, "bloc_texte": text}
            return self.render(state, 400)
        work.body, state.cursor = blocks.insert(work.body, block, posted.get("curseur"))
        return self.render(
            state,
            message=f"{blocks.ADDED[posted.get('bloc')]} au texte (pas encore enregistré).",
        )

    async def save(self, state: EditorState, then: Then | None = None) -> Response:
        """Check and save the posted draft; then show it again, or go on with `then` (the
        preview, the publication) once `state.saved` is set."""
        work, rules = state.draft, state.rules
        if state.slug_frozen:
            work.slug = state.document.get("slug") or state.name
        elif not work.slug:
            work.slug = draft.make_slug(work, rules.slug_subs)
        taken = await run_in_threadpool(self.catalog.taken_slugs, state.folder, state.name)
        state.errors = draft.check(work, rules, taken)
        name = state.name or work.slug
        text = draft.file_text(work, state.document)
        if state.errors or await self.build_refuses(state, name, text):
            return self.render(state, 400, "Rien n’a été enregistré : corrigez ce qui est signalé.")
        try:
            saved = await run_in_threadpool(
                self.store.save,
                state.folder,
                name,
                text,
                state.account,
                base=state.revision if state.name else None,
                revision_kind="enregistrement" if state.name else "creation",
                action="saved",
                detail=work.title,
                auto_date=not state.name and state.untouched_date,
            )
        except Conflict as conflict:
            return await self.conflicts.settle(state, conflict.current, self.save, then)
        except ActionError as error:
            state.general = [error.message]
            return self.render(state, error.status_code)
        state.name, state.saved, state.document = name, saved, parse(text)
        await self.drafts.saved(state)
        if then is not None:
            return await then(state)
        done = "enregistre" if saved.changed else "inchange"
        return RedirectResponse(f"{state.url}?fait={done}&n={saved.number}", 303)

    async def build_refuses(self, state: EditorState, name: str, text: str) -> bool:
        """Whether the build would refuse the file `text` (its own checks, draft.build_problems):
        its messages then go next to their fields, or above the form."""
        source = self.store.path(state.folder, name)
        content = self.store.content_dir
        found = await run_in_threadpool(
            draft.build_problems, state.folder, text, state.rules, content, source
        )
        for field, message in found:
            if field is None:
                state.general.append(message)
            else:
                state.errors.setdefault(field, message)
        return bool(found)

    async def unbuildable(self, visit: Visit) -> Response | None:
        """Before a publication: the editor showing why the build would refuse the latest
        revision (saved before these checks, or restored from then), or None."""
        state = await self._opened(visit)
        if isinstance(state, Response) or state.document is None:
            return None
        state.errors = draft.hidden(state.draft)
        refused = await self.build_refuses(state, state.name, state.document.text())
        if not (refused or state.errors):
            return None
        message = "Rien n’a été publié : corrigez ce qui est signalé, enregistrez, puis publiez."
        return self.render(state, 400, message)

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
