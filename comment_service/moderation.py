"""Moderation: the actions on comments, and the web pages under /commentaires/moderation/.

The actions (`set_status`, `delete`, `edit`, `reply`) are shared by the web pages, the command
line (cli.py) and the invoke tasks; each one republishes the article's public pages when what
readers see changes. The pages work without JavaScript; every POST carries a CSRF token bound
to the session cookie (see auth.py).
"""

import sqlite3
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from . import db
from .auth import SESSION_COOKIE, SESSION_MAX_AGE, LoginThrottle, Session, SessionCodec, now_iso
from .auth import authenticate as check_password
from .config import Config
from .republish import republish, republisher
from .templating import make_env

BASE = "/commentaires/moderation/"
OFFICIAL_AUTHOR = "Caf de l’Essonne"
MAX_BODY = 65525
PAGE_SIZE = 50
# Tabs of the moderation page: (query value, status, label, newest first?).
TABS = [
    ("attente", "pending", "En attente", False),
    ("indesirables", "spam", "Indésirables", True),
    ("publies", "approved", "Publiés", True),
    ("rejetes", "rejected", "Rejetés", True),
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
# Actions with a text form: URL action -> title verb.
TEXT_ACTIONS = {"modifier": "Modifier", "repondre": "Répondre sous"}
DONE = {
    **{action: message for action, (_, _, message) in STATUS_ACTIONS.items()},
    "supprimer": "Commentaire n° {id} supprimé définitivement.",
    "modifier": "Commentaire n° {id} modifié.",
    "repondre": "Réponse officielle publiée sous le commentaire n° {id}.",
}


class ActionError(Exception):
    """A moderation action cannot be done; `message` says why, in French."""

    def __init__(self, message: str, status_code: int = 400):
        super().__init__(message)
        self.message = message
        self.status_code = status_code


def get_comment(conn: sqlite3.Connection, comment_id: int) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM comments WHERE id = ?", (comment_id,)).fetchone()
    if row is None:
        raise ActionError(f"Le commentaire n° {comment_id} n’existe pas (ou plus).", 404)
    return row


def check_body(body: str) -> str:
    """The text to store, or ActionError with what is wrong with it."""
    if not body.strip():
        raise ActionError("Le texte est vide : écrivez le commentaire avant d’enregistrer.")
    if len(body) > MAX_BODY:
        raise ActionError(f"Le texte dépasse {MAX_BODY} caractères ({len(body)}).")
    return body.replace("\r\n", "\n")


def _republish_if_shown(config: Config, row: sqlite3.Row, *statuses: str) -> None:
    if "approved" in statuses:
        republish(config, [row["article_slug"]])


def set_status(
    config: Config, conn: sqlite3.Connection, comment_id: int, status: str, moderator: str
) -> sqlite3.Row:
    """Approve, reject or mark as spam; returns the comment as it was."""
    if status not in db.STATUSES:
        raise ActionError(f"Statut inconnu : « {status} ».")
    row = get_comment(conn, comment_id)
    conn.execute(
        "UPDATE comments SET status = ?, moderated_at = ?, moderated_by = ? WHERE id = ?",
        (status, now_iso(), moderator, comment_id),
    )
    _republish_if_shown(config, row, row["status"], status)
    return row


def delete(config: Config, conn: sqlite3.Connection, comment_id: int) -> sqlite3.Row:
    """Delete for good (its replies too); returns the comment as it was."""
    row = get_comment(conn, comment_id)
    conn.execute("DELETE FROM comments WHERE id = ?", (comment_id,))
    _republish_if_shown(config, row, row["status"])
    return row


def edit(
    config: Config, conn: sqlite3.Connection, comment_id: int, body: str, moderator: str
) -> sqlite3.Row:
    """Replace the text (e.g. to remove personal data); returns the comment as it was."""
    body = check_body(body)
    row = get_comment(conn, comment_id)
    conn.execute(
        "UPDATE comments SET body = ?, updated_at = ?, moderated_by = ? WHERE id = ?",
        (body, now_iso(), moderator, comment_id),
    )
    _republish_if_shown(config, row, row["status"])
    return row


def reply(
    config: Config, conn: sqlite3.Connection, comment_id: int, body: str, moderator: str
) -> int:
    """Publish an official reply of the Caf under a comment; returns the reply's id.

    Replying to a pending comment approves it: a reply under a hidden comment would be hidden.
    """
    body = check_body(body)
    parent = get_comment(conn, comment_id)
    if parent["status"] not in ("pending", "approved"):
        raise ActionError(
            f"Le commentaire n° {comment_id} est « {parent['status']} » : on ne peut répondre "
            "qu’à un commentaire en attente ou publié."
        )
    now = now_iso()
    conn.execute("BEGIN IMMEDIATE")
    try:
        if parent["status"] == "pending":
            conn.execute(
                "UPDATE comments SET status = 'approved', moderated_at = ?, moderated_by = ?"
                " WHERE id = ?",
                (now, moderator, comment_id),
            )
        cursor = conn.execute(
            "INSERT INTO comments (article_slug, parent_id, author_name, author_email, body,"
            " status, is_official, created_at, moderated_at, moderated_by)"
            " VALUES (?, ?, ?, '', ?, 'approved', 1, ?, ?, ?)",
            (parent["article_slug"], comment_id, OFFICIAL_AUTHOR, body, now, now, moderator),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    republish(config, [parent["article_slug"]])
    return cursor.lastrowid


def list_comments(
    conn: sqlite3.Connection, status: str, *, newest_first: bool, limit: int, offset: int = 0
) -> list[sqlite3.Row]:
    order = "DESC" if newest_first else "ASC"
    return conn.execute(
        "SELECT c.*, p.author_name AS parent_author FROM comments c"
        " LEFT JOIN comments p ON p.id = c.parent_id WHERE c.status = ?"
        f" ORDER BY c.created_at {order}, c.id {order} LIMIT ? OFFSET ?",
        (status, limit, offset),
    ).fetchall()


def status_counts(conn: sqlite3.Connection) -> dict[str, int]:
    counts = dict.fromkeys(db.STATUSES, 0)
    counts.update(conn.execute("SELECT status, count(*) FROM comments GROUP BY status"))
    return counts


# ---------------------------------------------------------------------------- web pages


class Pages:
    """The moderation pages of one app (its config, templates, sessions, login throttle)."""

    def __init__(self, config: Config):
        self.config = config
        self.codec = SessionCodec(config.secret_key)
        self.throttle = LoginThrottle()
        self.env = make_env(config).overlay(
            loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.plugin = republisher(config).plugin

    # -- plumbing

    def connect(self) -> sqlite3.Connection:
        return db.connect(self.config.database)

    def run(self, function, *args):
        """Run `function(conn, *args)` with a fresh connection, off the event loop."""

        def call():
            conn = self.connect()
            try:
                return function(conn, *args)
            finally:
                conn.close()

        return run_in_threadpool(call)

    def session(self, request: Request) -> tuple[Session, bool]:
        """The request's session, and whether it is new (its cookie must be set)."""
        session = self.codec.loads(request.cookies.get(SESSION_COOKIE))
        return (session, False) if session else (self.codec.new(), True)

    def moderator(self, conn, session: Session) -> sqlite3.Row | None:
        if not session.username:
            return None
        row = conn.execute(
            "SELECT * FROM moderators WHERE username = ?", (session.username,)
        ).fetchone()
        return row if row and self.codec.fingerprint(row) == session.fingerprint else None

    def set_cookie(self, response: Response, session: Session) -> Response:
        response.set_cookie(
            SESSION_COOKIE,
            self.codec.dumps(session),
            max_age=SESSION_MAX_AGE,
            path=BASE.rstrip("/"),
            httponly=True,
            samesite="strict",
            secure=self.config.site_url.startswith("https://"),
        )
        return response

    def render(self, template: str, session: Session, status_code=200, **context) -> Response:
        html = self.env.get_template(f"moderation/{template}").render(
            base=BASE,
            site_url=self.config.site_url,
            csrf=self.codec.csrf_token(session),
            **context,
        )
        response = HTMLResponse(html, status_code=status_code)
        response.headers.update(
            {
                "Cache-Control": "no-store",
                "X-Robots-Tag": "noindex, nofollow",
                "X-Frame-Options": "DENY",
                "Content-Security-Policy": "frame-ancestors 'none'",
                "Referrer-Policy": "same-origin",
            }
        )
        return response

    async def form(self, request: Request, session: Session):
        """The posted form, or a 403 page when its CSRF token is not this session's."""
        form = await request.form()
        if not self.codec.csrf_ok(session, str(form.get("csrf", ""))):
            return form, self.render(
                "error.html",
                session,
                403,
                title="Formulaire expiré",
                error="Ce formulaire a expiré ou ne vient pas de cette page : rechargez la page "
                "et recommencez.",
            )
        return form, None

    def article_info(self, slug: str) -> dict:
        entry = republisher(self.config).manifest().get(slug)
        return entry or {"title": slug, "url": ""}

    def view(self, row: sqlite3.Row) -> dict:
        """A comment as the moderation templates show it."""
        return {
            **dict(row),
            "article": self.article_info(row["article_slug"]),
            "created": datetime.fromisoformat(row["created_at"]),
            "body_html": self.plugin.render_body(row["body"]),
        }

    # -- pages

    async def login_page(self, request: Request) -> Response:
        session, new = self.session(request)
        logged_out = "deconnecte" in request.query_params
        response = self.render(
            "login.html",
            session,
            title="Connexion",
            username="",
            message="Vous êtes déconnecté." if logged_out else "",
        )
        return self.set_cookie(response, session) if new else response

    async def login(self, request: Request) -> Response:
        session, _ = self.session(request)
        form, refused = await self.form(request, session)
        if refused:
            return self.set_cookie(refused, session)
        username = str(form.get("identifiant", "")).strip()
        password = str(form.get("mot_de_passe", ""))
        ip = request.client.host if request.client else ""
        wait = self.throttle.retry_after(username, ip)
        if wait:
            minutes = max(1, round(wait / 60))
            response = self.render(
                "login.html",
                session,
                429,
                title="Connexion",
                username=username,
                error=f"Trop de tentatives de connexion : réessayez dans {minutes} min.",
            )
            response.headers["Retry-After"] = str(int(wait) + 1)
            return response
        moderator = await self.run(check_password, username, password)
        if moderator is None:
            self.throttle.failure(username, ip)
            return self.render(
                "login.html",
                session,
                401,
                title="Connexion",
                username=username,
                error="Identifiant ou mot de passe incorrect.",
            )
        self.throttle.success(username)
        # A new nonce at login: a session id planted before login is worthless after it.
        return self.set_cookie(RedirectResponse(BASE, 303), self.codec.new(moderator))

    async def logout(self, request: Request) -> Response:
        session, _ = self.session(request)
        _, refused = await self.form(request, session)
        if refused:
            return refused
        response = RedirectResponse(BASE + "connexion?deconnecte=1", 303)
        return self.set_cookie(response, self.codec.new())

    async def guard(self, request: Request):
        """(session, moderator row) or a response sending the visitor to the login page."""
        session, _ = self.session(request)
        moderator = await self.run(self.moderator, session)
        if moderator is None:
            return session, None, RedirectResponse(BASE + "connexion", 303)
        return session, moderator, None

    async def queue(self, request: Request) -> Response:
        session, moderator, away = await self.guard(request)
        if away:
            return away
        tab_key = request.query_params.get("file", "attente")
        tab = next((t for t in TABS if t[0] == tab_key), TABS[0])
        try:
            page = max(1, int(request.query_params.get("page", "1")))
        except ValueError:
            page = 1

        def load(conn):
            rows = list_comments(
                conn,
                tab[1],
                newest_first=tab[3],
                limit=PAGE_SIZE + 1,
                offset=(page - 1) * PAGE_SIZE,
            )
            return rows, status_counts(conn)

        rows, counts = await self.run(load)
        done = request.query_params.get("fait", "")
        message = DONE[done].format(id=request.query_params.get("n", "")) if done in DONE else ""
        return self.render(
            "queue.html",
            session,
            title=tab[2],
            moderator=moderator,
            tabs=TABS,
            tab=tab,
            actions=BUTTONS,
            counts=counts,
            comments=[self.view(row) for row in rows[:PAGE_SIZE]],
            page=page,
            has_next=len(rows) > PAGE_SIZE,
            message=message,
        )

    def back(self, form, action: str, comment_id: int) -> RedirectResponse:
        tab = str(form.get("retour", "attente"))
        tab = tab if any(t[0] == tab for t in TABS) else "attente"
        query = urlencode({"file": tab, "fait": action, "n": comment_id})
        return RedirectResponse(f"{BASE}?{query}#liste", 303)

    async def act(self, request: Request) -> Response:
        session, moderator, away = await self.guard(request)
        if away:
            return away
        form, refused = await self.form(request, session)
        if refused:
            return refused
        action = request.path_params["action"]
        comment_id = request.path_params["id"]
        if action == "supprimer":
            job = (delete, self.config, comment_id)
        elif action in STATUS_ACTIONS:
            status = STATUS_ACTIONS[action][0]
            job = (set_status, self.config, comment_id, status, moderator["username"])
        else:
            return self.error(session, moderator, ActionError(f"Action inconnue : {action}.", 404))
        try:
            await self.run(lambda conn: job[0](job[1], conn, *job[2:]))
        except ActionError as error:
            return self.error(session, moderator, error)
        return self.back(form, action, comment_id)

    def error(self, session, moderator, error: ActionError) -> Response:
        return self.render(
            "error.html",
            session,
            error.status_code,
            title="Action impossible",
            moderator=moderator,
            error=error.message,
        )

    async def dispatch_post(self, request: Request) -> Response:
        if request.path_params["action"] in TEXT_ACTIONS:
            return await self.text_form(request)
        return await self.act(request)

    async def text_form(self, request: Request) -> Response:
        """GET and POST of the edit and reply forms, which differ only by their action."""
        session, moderator, away = await self.guard(request)
        if away:
            return away
        action = request.path_params["action"]
        if action not in TEXT_ACTIONS:
            return self.error(session, moderator, ActionError("Cette page n’existe pas.", 404))
        comment_id = request.path_params["id"]
        try:
            row = await self.run(get_comment, comment_id)
        except ActionError as error:
            return self.error(session, moderator, error)
        text = row["body"] if action == "modifier" else ""
        error = None
        form = {}
        if request.method == "POST":
            form, refused = await self.form(request, session)
            if refused:
                return refused
            text = str(form.get("texte", ""))
            function = edit if action == "modifier" else reply
            try:
                await self.run(
                    lambda conn: function(
                        self.config, conn, comment_id, text, moderator["username"]
                    )
                )
                return self.back(form, action, comment_id)
            except ActionError as failure:
                error = failure.message
        return self.render(
            "text_form.html",
            session,
            400 if error else 200,
            title=f"{TEXT_ACTIONS[action]} le commentaire n° {comment_id}",
            moderator=moderator,
            action=action,
            comment=self.view(row),
            text=text,
            error=error,
            retour=str(form.get("retour", "") or request.query_params.get("retour", "attente")),
        )


def moderation_routes() -> list[Route]:
    """Routes mounted at /commentaires/moderation/; they find the config in app.state."""
    pages: dict[int, Pages] = {}

    def handler(name):
        async def endpoint(request: Request) -> Response:
            config = request.app.state.config
            instance = pages.get(id(config))
            if instance is None or instance.config is not config:
                instance = pages[id(config)] = Pages(config)
            return await getattr(instance, name)(request)

        return endpoint

    return [
        Route("/", handler("queue"), methods=["GET"]),
        Route("/connexion", handler("login_page"), methods=["GET"]),
        Route("/connexion", handler("login"), methods=["POST"]),
        Route("/deconnexion", handler("logout"), methods=["POST"]),
        Route("/{id:int}/{action:str}", handler("text_form"), methods=["GET"]),
        Route("/{id:int}/{action:str}", handler("dispatch_post"), methods=["POST"]),
    ]
