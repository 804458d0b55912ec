"""The moderation pages under /redaction/commentaires/: the queues and the action forms.

They work without JavaScript; each route needs the role « modération », and every POST a CSRF
token bound to the session cookie, both checked by the team's guard (team/guard.py). The
actions themselves are in actions.py, shared with the command line.
"""

import sqlite3
from datetime import datetime
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from service.comments import actions, store
from service.comments.actions import STATUS_LABELS, Moderation
from service.core import db
from service.core.errors import ActionError
from service.core.forms import parse_number
from service.core.site import Site
from service.team.accounts import MODERATION
from service.team.area import Area
from service.team.guard import Visit, requires
from site_core.comments.threads import render_body
from site_core.paths import MODERATION_PATH

PAGE_SIZE = 50
MAX_PAGE = 100_000
NOT_FOUND = ActionError("Cette page n’existe pas.", 404)
# Tabs of the moderation page: (query value, status, label, newest first?).
TABS = [
    (key, status, STATUS_LABELS[status][1].capitalize(), newest_first)
    for key, status, newest_first in [
        ("attente", "pending", False),
        ("indesirables", "spam", True),
        ("publies", "approved", True),
        ("rejetes", "rejected", True),
    ]
]
# URL action -> (new status, button, message shown once done).
STATUS_ACTIONS = {
    "approuver": ("approved", "Approuver", "Commentaire n° {id} approuvé : il est publié."),
    "rejeter": ("rejected", "Rejeter", "Commentaire n° {id} rejeté."),
    "indesirable": ("spam", "Indésirable", "Commentaire n° {id} classé indésirable."),
}
# The buttons under each comment: (URL action, label, status for which it is pointless).
BUTTONS = [(action, label, status) for action, (status, label, _) in STATUS_ACTIONS.items()]
BUTTONS.append(("supprimer", "Supprimer définitivement", None))
# Actions with a text form: URL action -> (title verb, action function).
TEXT_ACTIONS = {
    "modifier": ("Modifier", actions.edit),
    "repondre": ("Répondre sous", actions.reply),
}
DONE = {
    **{action: message for action, (_, _, message) in STATUS_ACTIONS.items()},
    "supprimer": "Commentaire n° {id} supprimé définitivement.",
    "modifier": "Commentaire n° {id} modifié.",
    "repondre": "Réponse officielle publiée sous le commentaire n° {id}.",
}


class ModerationPages:
    """The queue and action pages of one app."""

    def __init__(self, site: Site, moderation: Moderation, area: Area):
        self.site = site
        self.moderation = moderation
        self.area = area

    def view(self, row: sqlite3.Row) -> dict:
        """A comment as the moderation templates show it."""
        article = self.site.manifest.articles.get(row["article_slug"])
        return {
            **dict(row),
            "article": article or {"title": row["article_slug"], "url": ""},
            "created": datetime.fromisoformat(row["created_at"]),
            "body_html": render_body(row["body"]),
        }

    def error(self, visit: Visit, error: ActionError) -> Response:
        return self.area.page(
            "moderation/error.html",
            visit.session,
            visit.account,
            error.status_code,
            title="Action impossible",
            error=error.message,
        )

    def back(self, form, action: str, comment_id: int) -> RedirectResponse:
        tab = str(form.get("retour", "attente"))
        tab = tab if any(t[0] == tab for t in TABS) else "attente"
        query = urlencode({"file": tab, "fait": action, "n": comment_id})
        return RedirectResponse(f"{MODERATION_PATH}?{query}#liste", 303)

    async def queue(self, visit: Visit) -> Response:
        request = visit.request
        tab_key = request.query_params.get("file", "attente")
        tab = next((t for t in TABS if t[0] == tab_key), TABS[0])
        page = min(parse_number(request.query_params.get("page")) or 1, MAX_PAGE)

        def load(conn):
            rows = store.listing(
                conn,
                tab[1],
                newest_first=tab[3],
                limit=PAGE_SIZE + 1,
                offset=(page - 1) * PAGE_SIZE,
            )
            return rows, store.status_counts(conn)

        rows, counts = await db.run(self.moderation.database, load, write=False)
        done = request.query_params.get("fait", "")
        done_id = parse_number(request.query_params.get("n"))
        message = DONE[done].format(id=done_id) if done in DONE and done_id else ""
        return self.area.page(
            "moderation/queue.html",
            visit.session,
            visit.account,
            title=tab[2],
            tabs=TABS,
            tab=tab,
            actions=BUTTONS,
            counts=counts,
            comments=[self.view(row) for row in rows[:PAGE_SIZE]],
            page=page,
            has_next=len(rows) > PAGE_SIZE,
            message=message,
        )

    async def act(self, visit: Visit) -> Response:
        action = visit.request.path_params["action"]
        comment_id = parse_number(visit.request.path_params["id"])
        if comment_id is None:
            return self.error(visit, NOT_FOUND)
        if action == "supprimer":
            job = (actions.delete, comment_id)
        elif action in STATUS_ACTIONS:
            status = STATUS_ACTIONS[action][0]
            job = (actions.set_status, comment_id, status, visit.account["username"])
        else:
            return self.error(visit, NOT_FOUND)
        try:
            await run_in_threadpool(self.moderation.perform, *job)
        except ActionError as error:
            return self.error(visit, error)
        return self.back(visit.form, action, comment_id)

    async def dispatch_post(self, visit: Visit) -> Response:
        if visit.request.path_params["action"] in TEXT_ACTIONS:
            return await self.text_form(visit)
        return await self.act(visit)

    async def text_form(self, visit: Visit) -> Response:
        """GET and POST of the edit and reply forms, which differ only by their action."""
        request = visit.request
        action = request.path_params["action"]
        comment_id = parse_number(request.path_params["id"])
        if action not in TEXT_ACTIONS or comment_id is None:
            return self.error(visit, NOT_FOUND)
        verb, function = TEXT_ACTIONS[action]
        try:
            row = await db.run(
                self.moderation.database, actions.get_comment, comment_id, write=False
            )
        except ActionError as error:
            return self.error(visit, error)
        text = row["body"] if action == "modifier" else ""
        error = None
        form = visit.form or {}
        if visit.form is not None:
            text = str(form.get("texte", ""))
            try:
                await run_in_threadpool(
                    self.moderation.perform, function, comment_id, text, visit.account["username"]
                )
                return self.back(form, action, comment_id)
            except ActionError as failure:
                error = failure.message
        return self.area.page(
            "moderation/text_form.html",
            visit.session,
            visit.account,
            400 if error else 200,
            title=f"{verb} le commentaire n° {comment_id}",
            action=action,
            comment=self.view(row),
            text=text,
            error=error,
            retour=str(form.get("retour", "") or request.query_params.get("retour", "attente")),
        )

    def routes(self) -> list[Route]:
        """Mounted at /redaction/commentaires (app.py)."""
        moderator = requires(MODERATION)
        return [
            Route("/", moderator(self.queue), methods=["GET"]),
            Route("/{id}/{action}", moderator(self.text_form), methods=["GET"]),
            Route("/{id}/{action}", moderator(self.dispatch_post), methods=["POST"]),
        ]
