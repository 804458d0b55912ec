"""The team's login and logout pages, /redaction/connexion and /redaction/deconnexion: one login
for the whole area (« Espace équipe »), whatever the person's roles.

After logging in, the person goes where they were going (`suite`, a page of the area only),
else to their own part of it: the comments' queue for a moderator, the articles otherwise.
Checking the password (throttled) and the session cookie are the guard's (guard.py).
"""

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from service.core import db
from service.team.accounts import MODERATION, roles_of
from service.team.guard import Guard, Visit, public
from site_core.paths import LOGIN_PATH, MODERATION_PATH, TEAM_PATH


def landing(account, wanted: str = "") -> str:
    """Where to go after login: `wanted` if it is a page of ours, else the account's area."""
    wanted = wanted or ""
    if (
        wanted.startswith(TEAM_PATH)
        and len(wanted) < 500
        and not any(mark in wanted for mark in ("//", "\\", "\r", "\n"))
    ):
        return wanted
    return MODERATION_PATH if MODERATION in roles_of(account) else TEAM_PATH


class LoginPages:
    def __init__(self, guard: Guard):
        self.guard = guard
        self.area = guard.area

    def form(self, visit: Visit, status_code: int = 200, **context) -> Response:
        return self.area.page(
            "moderation/login.html", visit.session, None, status_code, title="Connexion", **context
        )

    async def login_page(self, visit: Visit) -> Response:
        wanted = visit.request.query_params.get("suite", "")
        if visit.session.username:  # already logged in (e.g. a link opened from a webmail)
            return RedirectResponse(landing(visit.account, wanted), 303)
        logged_out = "deconnecte" in visit.request.query_params
        message = "Vous êtes déconnecté." if logged_out else ""
        return self.form(visit, username="", suite=wanted, message=message)

    async def login(self, visit: Visit) -> Response:
        username = visit.form.get("identifiant").strip()[:200]
        wanted = visit.form.get("suite")
        password = visit.form.get("mot_de_passe")
        wait, opened = await self.guard.log_in(visit.request, username, password)
        if opened is None:
            status, reason = self.guard.login_refused(wait)
            response = self.form(visit, status, username=username, suite=wanted, error=reason)
            if wait:
                response.headers["Retry-After"] = str(int(wait) + 1)
            return response
        account = await self.guard.account(opened)
        return self.guard.set_cookie(RedirectResponse(landing(account, wanted), 303), opened)

    async def logout(self, visit: Visit) -> Response:
        await db.run(self.area.database, self.area.sessions.close, visit.session, write=True)
        response = RedirectResponse(LOGIN_PATH + "?deconnecte=1", 303)
        return self.guard.set_cookie(response, self.area.sessions.anonymous())

    def routes(self) -> list[Route]:
        return [
            Route("/connexion", public(self.login_page), methods=["GET"]),
            Route("/connexion", public(self.login), methods=["POST"]),
            Route("/deconnexion", public(self.logout), methods=["POST"]),
        ]
