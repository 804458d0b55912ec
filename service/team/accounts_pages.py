"""The team's accounts in the browser (role « administration »), the one-time password page,
and the team's log. Mounted under /redaction/ by app.py; the account changes themselves are in
accounts_admin.py, shared with nothing else, so the command line keeps its own create-moderator.
"""

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from service.core import db
from service.core.forms import parse_number
from service.team import accounts, accounts_admin, journal
from service.team.accounts import ADMINISTRATION, ROLES, AccountError
from service.team.area import Area
from site_core.paths import ROOM_PATH

TEAM = ROOM_PATH + "equipe/"
LOG_PAGE = 100
# What the accounts page says after a change (?fait=…&compte=…): made here, never taken from
# the address, so a link cannot make the page say something else.
DONE = {
    "enregistre": "Compte « {} » enregistré.",
    "desactive": "Compte « {} » désactivé : ses sessions sont fermées.",
    "reactive": "Compte « {} » réactivé.",
}


class TeamPages:
    def __init__(self, area: Area):
        self.area = area

    def _link_page(self, request, session, account, username: str, token: str, created: bool):
        return self.area.page(
            "lien.html",
            session,
            account,
            title=f"Lien pour « {username} »",
            username=username,
            created=created,
            link=self.area.absolute(request, f"{ROOM_PATH}mot-de-passe/{token}"),
            hours=accounts_admin.LINK_HOURS,
        )

    async def listing(self, request: Request, form=None, error: str = "") -> Response:
        session, account, away = await self.area.enter(request, ADMINISTRATION)
        if away:
            return away
        rows = await db.run(self.area.database, accounts.listing, write=False)
        return self.area.page(
            "equipe.html",
            session,
            account,
            400 if error else 200,
            title="Équipe",
            accounts=rows,
            form=form or {"roles": ["redaction"]},
            error=error,
            message=_done(request.query_params),
        )

    async def create(self, request: Request) -> Response:
        session, account, form, refused = await self.area.posted(request, ADMINISTRATION)
        if refused:
            return refused
        values = {"username": form.get("identifiant"), **_profile(form)}
        try:
            token = await db.run(
                self.area.database,
                accounts_admin.create,
                account["username"],
                values["username"],
                values["display_name"],
                values["email"],
                values["roles"],
                write=True,
            )
        except AccountError as error:
            return await self.listing(request, values, str(error))
        username = values["username"].strip().lower()
        return self._link_page(request, session, account, username, token, created=True)

    async def account_page(self, request: Request, error: str = "", form=None) -> Response:
        session, account, away = await self.area.enter(request, ADMINISTRATION)
        if away:
            return away
        username = request.path_params["username"]
        try:
            row = await db.run(self.area.database, accounts_admin.get, username, write=False)
        except AccountError as failure:
            return self.area.error(session, account, 404, "Compte introuvable", str(failure))
        history = await db.run(
            self.area.database, journal.entries, write=False, target=username, limit=20
        )
        return self.area.page(
            "compte.html",
            session,
            account,
            400 if error else 200,
            title=f"Compte « {username} »",
            member=row,
            member_roles=form["roles"] if form else row["roles"].split(),
            form=form or {"display_name": row["display_name"], "email": row["email"]},
            history=history,
            error=error,
        )

    async def change(self, request: Request) -> Response:
        session, account, form, refused = await self.area.posted(request, ADMINISTRATION)
        if refused:
            return refused
        username, admin = request.path_params["username"], account["username"]
        action = form.get("action")
        values = _profile(form)
        try:
            if action == "lien":
                token = await db.run(
                    self.area.database, accounts_admin.new_link, admin, username, write=True
                )
                return self._link_page(request, session, account, username, token, False)
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
            return await self.account_page(request, str(error), values if not action else None)
        return RedirectResponse(f"{TEAM}?{urlencode({'fait': done, 'compte': username})}", 303)

    async def password(self, request: Request) -> Response:
        """GET and POST of the page a one-time link opens (no login: the link is the key)."""
        session, new = await self.area.auth.session(request)
        token = request.path_params["token"]
        owner = await db.run(self.area.database, accounts_admin.link_owner, token, write=False)
        error, done = "", False
        if request.method == "POST" and owner is not None:
            form, refused = await self.area.form(request, session, None)
            if refused:
                return refused
            try:
                await db.run(
                    self.area.database,
                    accounts_admin.use_link,
                    token,
                    form.get("mot_de_passe"),
                    form.get("confirmation"),
                    write=True,
                )
                done = True
            except AccountError as failure:
                error = str(failure)
        response = self.area.page(
            "mot_de_passe.html",
            session,
            None,
            404 if owner is None and not done else (400 if error else 200),
            title="Choisir un mot de passe",
            owner=owner,
            done=done,
            error=error,
        )
        return self.area.auth.set_cookie(response, session) if new else response

    async def log(self, request: Request) -> Response:
        session, account, away = await self.area.enter(request, ADMINISTRATION)
        if away:
            return away
        before = parse_number(request.query_params.get("avant")) or 0
        rows = await db.run(
            self.area.database, journal.entries, write=False, limit=LOG_PAGE + 1, before=before
        )
        return self.area.page(
            "journal.html",
            session,
            account,
            title="Journal de l’équipe",
            entries=rows[:LOG_PAGE],
            older=rows[LOG_PAGE - 1]["id"] if len(rows) > LOG_PAGE else None,
        )

    def routes(self) -> list[Route]:
        return [
            Route("/equipe/", self.listing, methods=["GET"]),
            Route("/equipe/", self.create, methods=["POST"]),
            Route("/equipe/{username}", self.account_page, methods=["GET"]),
            Route("/equipe/{username}", self.change, methods=["POST"]),
            Route("/mot-de-passe/{token}", self.password, methods=["GET", "POST"]),
            Route("/journal", self.log, methods=["GET"]),
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
