"""The publishing buttons and pages: publish (or schedule) a file, withdraw it, follow a job.

« Publier » in the editor saves the form, then publishes; « Publier cette version » on the
preview publishes the saved file; « Retirer du site » sets it back to draft or hidden. Each
sets the file's `Status` (a revision, by its author, conflict-checked like any save), queues a
job (publishing/jobs.py) and opens the job's page, which says where the build is and, on failure,
what the build said, in French. The page works without JavaScript (« Actualiser »); with it,
it follows the job by itself and announces the result.
"""

from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from service.core import clock, db
from service.core.errors import ActionError
from service.core.forms import parse_number
from service.room.articles import KINDS, PathRefused
from service.room.catalog import parse_date
from service.room.conflicts import Conflicts
from service.room.pages.editor import Editor
from service.room.pages.state import EditorState, editor_url
from service.room.publishing import jobs
from service.room.publishing.building import BuildWorker
from service.room.store import ArticleStore, Conflict
from service.team.accounts import REDACTION
from service.team.area import Area
from service.team.guard import Visit, requires
from site_core.dates import format_datetime
from site_core.paths import TEAM_PATH

JOBS = TEAM_PATH + "publications/"
# What a withdrawal may set: draft (off the site) or hidden (online at its address, unlisted).
WITHDRAW = {"draft": "remis en brouillon", "hidden": "masqué"}


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

    def publish_file(self, folder, name, account, base, status: str = "published") -> int:
        """Set the file's status, save it and queue the job(s); returns the job to follow."""
        rules = self.builder.rules()
        text, document, _ = self.store.open(folder, name)
        title = document.get("title") or name
        before = document.get("status") or None
        due = parse_date(document.get("date"), rules.timezone) if folder == "articles" else None
        scheduled = status == "published" and due is not None and due > clock.utc()
        kind, action = {
            (True, "published"): ("programmation", "schedule"),
            (False, "published"): ("publication", "publish"),
        }.get((scheduled, status), ("retrait", "unpublish"))
        self.store.save(
            folder,
            name,
            document.changed({"status": status}).text(),
            account,
            base=base,
            revision_kind=kind,
            action=action,
            detail=title,
        )
        relative = self.store.relative(folder, name)
        change = (before, status)
        if scheduled:
            when = format_datetime(due.astimezone(ZoneInfo(rules.timezone)))
            reason = f"Publication programmée de « {title} » le {when}"
        elif status == "published":
            reason = f"Publication de « {title} »"
        else:
            reason = f"« {title} » {WITHDRAW[status]}"
        online = (document.get("slug") or name) in self.area.site.manifest.articles
        with db.transaction(self.area.database) as conn:
            job = jobs.enqueue(conn, account, reason, relative, change, due if scheduled else None)
            if scheduled and online:  # it leaves the site now, and comes back on time
                job = jobs.enqueue(conn, account, f"Retrait avant la date de « {title} »")
        self.publisher.wake()
        return job

    async def publish_after_save(self, state: EditorState) -> Response:
        job = await run_in_threadpool(
            self.publish_file, state.folder, state.name, state.account, state.saved.number
        )
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
        try:
            job = await run_in_threadpool(
                self.publish_file, folder, name, account, parse_number(form.get("revision")), status
            )
        except (ActionError, PathRefused) as error:
            message = getattr(error, "message", "Ce fichier n’existe pas.")
            return self.area.error(session, account, 404, "Action impossible", message)
        except Conflict as conflict:
            return self.conflicts.refused(
                session, account, conflict.current, "rien n’a été publié ni retiré."
            )
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
        )

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
