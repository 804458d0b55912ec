"""The team's accounts in the browser (role « administration »), the one-time password page
(public: the link is the key), and the team's log. Mounted under /redaction/ by app.py; the
account changes themselves are in accounts_admin.py, shared with nothing else, so the command
line keeps its own create-moderator.

A new link is e-mailed to the account's address (link_mail.py) and shown on the page anyway,
which says whether the e-mail left. Choosing the password opens a session at once, as a login
does (guard.py sets its cookie): the person typed it seconds ago, asking again proves nothing.
"""

from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from service.core import db, journal
from service.core.forms import parse_number
from service.core.settings import CoreSettings
from service.team import accounts, accounts_admin, link_mail
from service.team.accounts import ADMINISTRATION, ROLES, AccountError
from service.team.guard import Guard, Visit, public, requires
from service.team.login_pages import landing
from site_core.paths import ACCOUNTS_PATH, TEAM_PATH

LOG_PAGE = 100
# What the accounts page says after a change (?fait=…&compte=…): made here, never taken from
# the address, so a link cannot make the page say something else.
DONE = {
    "enregistre": "Compte « {} » enregistré.",
    "desactive": "Compte « {} » désactivé : ses sessions sont fermées.",
    "reactive": "Compte « {} » réactivé.",
}


class TeamPages:
    def __init__(self, guard: Guard, shared: CoreSettings):
        self.guard = guard
        self.area = guard.area
        self.shared = shared

    async def _link_page(self, visit: Visit, username: str, token: str, created: bool):
        """The new link, shown, and e-mailed to the account's address if it has one."""
        link = self.area.absolute(visit.request, f"{TEAM_PATH}mot-de-passe/{token}")
        member = await db.run(self.area.database, accounts_admin.get, username, write=False)
        failure = ""
        if member["email"]:
            admin = visit.account["display_name"] or visit.account["username"]
            hours = accounts_admin.LINK_HOURS
            mail = link_mail.message(self.shared, member, admin, link, hours, created)
            failure = await run_in_threadpool(link_mail.send, self.shared, mail)
        return self.area.page(
            "lien.html",
            visit.session,
            visit.account,
            title=f"Lien pour « {username} »",
            username=username,
            email=member["email"],
            mail_failure=failure,
            created=created,
            link=link,
            hours=accounts_admin.LINK_HOURS,
        )

    async def listing(self, visit: Visit, form=None, error: str = "") -> Response:
        rows = await db.run(self.area.database, accounts.listing, write=False)
        return self.area.page(
            "equipe.html",
            visit.session,
            visit.account,
            400 if error else 200,
            title="Équipe",
            accounts=rows,
            form=form or {"roles": ["redaction"]},
            error=error,
            message=_done(visit.request.query_params),
        )

    async def create(self, visit: Visit) -> Response:
        values = {"username": visit.form.get("identifiant"), **_profile(visit.form)}
        try:
            token = await db.run(
                self.area.database,
                accounts_admin.create,
                visit.account["username"],
                values["username"],
                values["display_name"],
                values["email"],
                values["roles"],
                write=True,
            )
        except AccountError as error:
            return await self.listing(visit, values, str(error))
        username = values["username"].strip().lower()
        return await self._link_page(visit, username, token, created=True)

    async def account_page(self, visit: Visit, error: str = "", form=None) -> Response:
        username = visit.request.path_params["username"]
        try:
            row = await db.run(self.area.database, accounts_admin.get, username, write=False)
        except AccountError as failure:
            return self.area.error(
                visit.session, visit.account, 404, "Compte introuvable", str(failure)
            )
        history = await db.run(
            self.area.database, journal.entries, write=False, target=username, limit=20
        )
        return self.area.page(
            "compte.html",
            visit.session,
            visit.account,
            400 if error else 200,
            title=f"Compte « {username} »",
            member=row,
            member_roles=form["roles"] if form else row["roles"].split(),
            form=form or {"display_name": row["display_name"], "email": row["email"]},
            history=history,
            error=error,
        )

    async def change(self, visit: Visit) -> Response:
        username, admin = visit.request.path_params["username"], visit.account["username"]
        action = visit.form.get("action")
        values = _profile(visit.form)
        try:
            if action == "lien":
                token = await db.run(
                    self.area.database, accounts_admin.new_link, admin, username, write=True
                )
                return await self._link_page(visit, username, token, False)
            if action in ("desactiver", "reactiver"):
                enabled = action == "reactiver"
                await db.run(
                    self.area.database,
                    accounts_admin.set_enabled,
                    admin,
                    username,
                    enabled,
                    write=True,
                )
                done = "reactive" if enabled else "desactive"
            else:
                await db.run(
                    self.area.database,
                    accounts_admin.update,
                    admin,
                    username,
                    values["display_name"],
                    values["email"],
                    values["roles"],
                    write=True,
                )
                done = "enregistre"
        except AccountError as error:
            return await self.account_page(visit, str(error), values if not action else None)
        return RedirectResponse(
            f"{ACCOUNTS_PATH}?{urlencode({'fait': done, 'compte': username})}", 303
        )

    async def password(self, visit: Visit) -> Response:
        """GET and POST of the page a one-time link opens (no login: the link is the key).
        Once the password is chosen, the person is logged in and lands in their area."""
        token = visit.request.path_params["token"]
        owner = await db.run(self.area.database, accounts_admin.link_owner, token, write=False)
        error = ""
        if visit.form is not None and owner is not None:

            def choose(conn):
                password = visit.form.get("mot_de_passe")
                again = visit.form.get("confirmation")
                username = accounts_admin.use_link(conn, token, password, again)
                return self.area.sessions.open(conn, username)  # after use_link ended the others

            try:
                opened = await db.run(self.area.database, choose, write=True)
            except AccountError as failure:
                error = str(failure)
            else:
                account = await self.guard.account(opened)
                return self.guard.set_cookie(RedirectResponse(landing(account), 303), opened)
        return self.area.page(
            "mot_de_passe.html",
            visit.session,
            None,
            404 if owner is None else (400 if error else 200),
            title="Choisir un mot de passe",
            owner=owner,
            error=error,
        )

    async def log(self, visit: Visit) -> Response:
        before = parse_number(visit.request.query_params.get("avant")) or 0
        rows = await db.run(
            self.area.database, journal.entries, write=False, limit=LOG_PAGE + 1, before=before
        )
        return self.area.page(
            "journal.html",
            visit.session,
            visit.account,
            title="Journal de l’équipe",
            entries=rows[:LOG_PAGE],
            older=rows[LOG_PAGE - 1]["id"] if len(rows) > LOG_PAGE else None,
        )

    def routes(self) -> list[Route]:
        admin = requires(ADMINISTRATION)
        return [
            Route("/equipe/", admin(self.listing), methods=["GET"]),
            Route("/equipe/", admin(self.create), methods=["POST"]),
            Route("/equipe/{username}", admin(self.account_page), methods=["GET"]),
            Route("/equipe/{username}", admin(self.change), methods=["POST"]),
            Route("/mot-de-passe/{token}", public(self.password), methods=["GET", "POST"]),
            Route("/journal", admin(self.log), methods=["GET"]),
        ]


def _profile(form) -> dict:
    return {
        "display_name": form.get("nom"),
        "email": form.get("email"),
        "roles": [role for role in ROLES if form.get(f"role_{role}")],
    }


def _done(query) -> str:
    username = query.get("compte", "")
    if query.get("fait") in DONE and accounts_admin.USERNAME.fullmatch(username):
        return DONE[query["fait"]].format(username)
    return ""
