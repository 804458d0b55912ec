"""The publishing buttons and pages: publish (or schedule) a file, withdraw it, follow a job.

« Publier » in the editor saves the form, then publishes; « Publier cette version » on the
preview and « Publier les modifications » publish the latest revision; « Retirer » removes the
file from the site (its text stays in the room) or masks it, after a confirmation page. Each
writes (or removes) the file in the transaction that queues its job (store.py) and opens the
job's page, which says where the build is and, on failure, what the build said, in French. The
page works without JavaScript (« Actualiser »); with it, it follows the job by itself.

Dates: an article whose date nobody chose (revisions.Record.auto_date) is dated when it is first
published; a first publication dated by hand in the past asks « publier maintenant ? ».
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from service.core import clock, db
from service.core.errors import ActionError
from service.core.forms import parse_number
from service.room.articles import KINDS, PathRefused, parse
from service.room.catalog import parse_date
from service.room.conflicts import Conflicts
from service.room.pages.editor import Editor
from service.room.pages.state import EditorState, Question, editor_url, online_url
from service.room.publishing import jobs
from service.room.publishing.building import BuildWorker
from service.room.store import ArticleStore, Conflict
from service.team.accounts import REDACTION
from service.team.area import Area
from service.team.guard import Visit, requires
from site_core.dates import format_datetime
from site_core.paths import TEAM_PATH

JOBS = TEAM_PATH + "publications/"
# What « Retirer » may do: remove the file (off the site) or mask it (at its address, unlisted).
WITHDRAW = {
    "draft": "L’article quitte le site ; son texte reste ici, dans l’espace rédaction, où vous "
    "pourrez le republier.",
    "hidden": "L’article reste à son adresse mais n’est plus listé nulle part (accueil, thèmes, "
    "flux, lettre).",
}


NOW = Question(
    "La date choisie est passée : publier maintenant ?",
    (
        "L’article est daté du {when}, une date déjà passée : il ne peut pas être programmé. "
        "Publié maintenant, il paraît tout de suite, à cette date.",
        "Pour le programmer, revenez à l’article et choisissez une date à venir.",
    ),
    "publier",
    "Publier maintenant",
    "Revenir à l’article",
)
WITHDRAWALS = {
    "draft": Question(
        "Retirer l’article du site ?",
        (WITHDRAW["draft"],),
        "retirer",
        "Retirer du site",
        "Ne rien changer",
    ),
    "hidden": Question(
        "Masquer l’article ?",
        (WITHDRAW["hidden"],),
        "retirer",
        "Masquer l’article",
        "Ne rien changer",
    ),
}


@dataclass(frozen=True)
class Past:
    """A first publication dated by hand in the past: asked before anything is done."""

    when: datetime


def is_draft(text: str) -> bool:
    return parse(text).get("status").strip().lower() == "draft"


class PublishPages:
    def __init__(
        self,
        area: Area,
        editor: Editor,
        builder: BuildWorker,
        store: ArticleStore,
        conflicts: Conflicts,
        publisher: jobs.Publisher,
    ):
        self.area = area
        self.editor = editor  # the editor's « Publier » saves there first
        self.builder = builder  # the time zone of scheduled dates
        self.store = store
        self.conflicts = conflicts
        self.publisher = publisher

    def publish_file(
        self, folder, name, account, base, status: str = "published", now_ok: bool = False
    ) -> int | Past:
        """Publish the latest revision with `status` (published or hidden), or withdraw the
        file (draft); queue the job(s) and return the one to follow. A first publication
        dated by hand in the past is not done but returned as `Past`, unless `now_ok`."""
        rules = self.builder.rules()
        opened = self.store.open(folder, name)
        document, record = opened.document, opened.record
        title = document.get("title") or name
        relative = self.store.relative(folder, name)
        before = document.get("status") or None

        if status not in ("published", "hidden"):

            def withdrawal(conn) -> int:
                reason = f"« {title} » retiré du site"
                return jobs.enqueue(conn, account, reason, relative, (before, status))

            job = self.store.withdraw(folder, name, account, detail=title, enqueue=withdrawal)
            self.publisher.wake()
            return job
        zone = ZoneInfo(rules.timezone)
        changes: dict[str, str | None] = {"status": status}
        if record.auto_date and folder == "articles":  # dated when it goes online
            changes["date"] = clock.utc().astimezone(zone).strftime("%Y-%m-%d %H:%M")
        due = parse_date(changes.get("date") or document.get("date"), rules.timezone)
        due = due if folder == "articles" and status == "published" else None
        scheduled = due is not None and due > clock.utc()
        first = opened.online_text is None or is_draft(opened.online_text)
        if due is not None and not scheduled and first and not record.auto_date and not now_ok:
            return Past(due.astimezone(zone))
        online = opened.online_text is not None and not first
        if scheduled:
            when = format_datetime(due.astimezone(zone))
            reason = f"Publication programmée de « {title} » le {when}"
            kind, action = "programmation", "schedule"
        elif status == "published":
            kind, action, reason = "publication", "publish", f"Publication de « {title} »"
        else:
            kind, action, reason = "publication", "publish", f"« {title} » masqué"

        def publication(conn) -> int:
            job = jobs.enqueue(
                conn, account, reason, relative, (before, status), due if scheduled else None
            )
            if scheduled and online:  # it leaves the site now, and comes back on time
                job = jobs.enqueue(conn, account, f"Retrait avant la date de « {title} »")
            return job

        job = self.store.publish(
            folder,
            name,
            account,
            base=base,
            changes=changes,
            revision_kind=kind,
            action=action,
            detail=title,
            enqueue=publication,
        )
        self.publisher.wake()
        return job

    async def publish_after_save(self, state: EditorState) -> Response:
        job = await run_in_threadpool(
            self.publish_file, state.folder, state.name, state.account, state.saved.number
        )
        if isinstance(job, Past):
            url, fields = editor_url(state.folder, state.name), [("revision", state.saved.number)]
            return NOW.ask(self.area, state, url, fields, when=format_datetime(job.when))
        return RedirectResponse(f"{JOBS}{job}", 303)

    async def editor_action(self, request: Request, state: EditorState) -> Response:
        """The editor's « Publier »: save the form, then publish what was saved."""
        return await self.editor.save(state, self.publish_after_save)

    async def change_status(self, visit: Visit) -> Response:
        """« Publier cette version » (preview) and « Retirer du site » (editor)."""
        session, account, form = visit.session, visit.account, visit.form
        params = visit.request.path_params
        folder, name = params["folder"], params["name"]
        status = "published" if params["verb"] == "publier" else form.get("statut")
        if folder not in KINDS or status not in ("published", *WITHDRAW):
            return self.area.error(session, account, 404, "Introuvable", "Action inconnue.")
        confirmed = form.get("confirme") == "1"
        revision = parse_number(form.get("revision"))
        url, fields = editor_url(folder, name), [("revision", revision or "")]
        if status != "published" and not confirmed:
            fields.append(("statut", status))
            return WITHDRAWALS[status].ask(self.area, visit, url, fields)
        writes = status in ("published", "hidden")  # the file written from the latest revision
        refused = await self.editor.unbuildable(visit) if writes else None
        if refused is not None:
            return refused  # the build would refuse it: nothing is published
        try:
            job = await run_in_threadpool(
                self.publish_file, folder, name, account, revision, status, confirmed
            )
        except (ActionError, PathRefused) as error:
            message = getattr(error, "message", "Ce fichier n’existe pas.")
            return self.area.error(session, account, 404, "Action impossible", message)
        except Conflict as conflict:
            return self.conflicts.refused(
                session, account, conflict.current, "rien n’a été publié ni retiré."
            )
        if isinstance(job, Past):
            return NOW.ask(self.area, visit, url, fields, when=format_datetime(job.when))
        return RedirectResponse(f"{JOBS}{job}", 303)

    async def job_page(self, visit: Visit) -> Response:
        session, account = visit.session, visit.account
        raw = visit.request.path_params["job"]
        as_json = raw.endswith(".json")
        job = await db.run(
            self.area.database,
            jobs.get,
            parse_number(raw.removesuffix(".json")) or 0,
            write=False,
        )
        if job is None:
            return self.area.error(session, account, 404, "Introuvable", "Publication inconnue.")
        summary = {
            "state": job["state"],
            "label": jobs.STATES[job["state"]],
            "stage": jobs.STAGES.get(job["stage"], ""),
            "message": job["message"],
        }
        if as_json:
            return JSONResponse(summary, headers={"Cache-Control": "no-store"})
        return self.area.page(
            "publication.html",
            session,
            account,
            title=f"Publication n° {job['id']}",
            section="publications",
            job=job,
            summary=summary,
            editor_url=self._editor_of(job["path"]),
            withdrawal=bool(job["path"]) and job["status_to"] == "draft",
            online_url=await self._online_of(job) if job["state"] == "done" else "",
        )

    async def _online_of(self, job) -> str:
        """The job's article or page on the public site, if it is there now."""
        folder, _, file_name = job["path"].partition("/")
        if not file_name:
            return ""
        try:
            opened = await run_in_threadpool(self.store.open, folder, file_name[:-3])
        except (ActionError, PathRefused):
            return ""
        if opened.online_text is None:
            return ""
        slug = parse(opened.online_text).get("slug") or file_name[:-3]
        return online_url(self.area.site, folder, slug)

    def _editor_of(self, path: str) -> str:
        folder, _, file_name = path.partition("/")
        return editor_url(folder, file_name.removesuffix(".md")) if path else ""

    async def jobs(self, visit: Visit) -> Response:
        rows = await db.run(self.area.database, jobs.recent, write=False)
        return self.area.page(
            "publications.html",
            visit.session,
            visit.account,
            title="Publications",
            section="publications",
            rows=rows,
            states=jobs.STATES,
        )

    def routes(self) -> list[Route]:
        writer = requires(REDACTION)
        return [
            Route("/publications/", writer(self.jobs), methods=["GET"]),
            Route("/publications/{job}", writer(self.job_page), methods=["GET"]),
        ]

    def file_routes(self) -> list[Route]:
        """After the editor's: /articles/<name>/publier and /retirer."""
        return [
            Route("/{folder}/{name}/{verb:str}", requires(REDACTION)(self._verb), methods=["POST"])
        ]

    async def _verb(self, visit: Visit) -> Response:
        if visit.request.path_params["verb"] not in ("publier", "retirer"):
            return self.area.error(
                visit.session, visit.account, 404, "Introuvable", "Action inconnue."
            )
        return await self.change_status(visit)
