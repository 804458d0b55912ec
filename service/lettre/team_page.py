"""The lettre's page in the team's area (/commentaires/moderation/lettre): subscriber counts
by thème and rhythm, confirmations and unsubscriptions week by week, the last sends and
failures (stats.py), a test send to one's own address, and, for administrators, the
subscriber list as CSV."""

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from service.comments.validation import email_error
from service.core import db
from service.core.config import Config
from service.core.site import PRIVATE_HEADERS, Site
from service.lettre import stats
from service.team.accounts import ADMINISTRATION, MODERATION, REDACTION, roles_of
from service.team.login import Auth
from site_core.paths import MODERATION_PATH

PAGE = MODERATION_PATH + "lettre"
TEAM = (REDACTION, MODERATION, ADMINISTRATION)  # the page and a test send; the CSV: administration
DONE = {"essai": "Essai mis en file : il arrive dans votre boîte dans un instant."}


class LetterTeamPage:
    def __init__(self, config: Config, site: Site, auth: Auth, wake):
        self.config = config
        self.site = site
        self.auth = auth
        self.wake = wake  # the sender, so a test send leaves at once

    def is_admin(self, moderator) -> bool:
        return ADMINISTRATION in roles_of(moderator)

    async def page(self, request: Request, error: str = "", status: int = 200) -> Response:
        session, moderator, away = await self.auth.guard(request, TEAM)
        if away:
            return away
        categories = self.site.manifest.categories
        numbers = await db.run(self.config.database, stats.stats, categories, write=False)
        return self.auth.render(
            "lettre.html",
            session,
            status,
            title="La lettre des partenaires",
            moderator=moderator,
            stats=numbers,
            admin=self.is_admin(moderator),
            roles=roles_of(moderator),
            message=DONE.get(request.query_params.get("fait", ""), ""),
            error=error,
        )

    async def test_send(self, request: Request) -> Response:
        _, moderator, _, refused = await self.auth.posted(request, TEAM)
        if refused:
            return refused
        email = moderator["email"]
        if email_error(email):
            return await self.page(
                request,
                "Votre compte n’a pas d’adresse e-mail valide : un administrateur peut la "
                "donner à la création du compte (create-moderator --email).",
                400,
            )
        await db.run(self.config.database, stats.queue_test_send, email, write=True)
        self.wake()
        return RedirectResponse(f"{PAGE}?fait=essai", 303)

    async def export(self, request: Request) -> Response:
        session, moderator, away = await self.auth.guard(request, TEAM)
        if away:
            return away
        if not self.is_admin(moderator):
            return self.auth.render(
                "error.html",
                session,
                403,
                title="Export réservé",
                moderator=moderator,
                error="L’export de la liste des abonnés est réservé aux comptes qui ont le "
                "rôle « administration ».",
            )
        categories = self.site.manifest.categories
        text = await db.run(self.config.database, stats.subscribers_csv, categories, write=False)
        headers = {
            **PRIVATE_HEADERS,
            "Content-Disposition": 'attachment; filename="abonnes-lettre.csv"',
        }
        return Response(text, media_type="text/csv; charset=utf-8", headers=headers)

    def routes(self) -> list[Route]:
        return [
            Route("/lettre", self.page, methods=["GET"]),
            Route("/lettre/essai", self.test_send, methods=["POST"]),
            Route("/lettre/abonnes.csv", self.export, methods=["GET"]),
        ]
