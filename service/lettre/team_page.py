"""The lettre's page in the team's area (/redaction/lettre): subscriber counts by thème and
rhythm, confirmations and unsubscriptions week by week, the last sends and failures (stats.py),
a test send to one's own address (any role; LETTRE_TEST_SENDS_PER_HOUR an hour), and the
subscriber list as CSV (/redaction/lettre/abonnes.csv, role « administration »)."""

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from service.core import db
from service.core.events import MAIL_QUEUED, Bus
from service.core.forms import email_error
from service.core.site import PRIVATE_HEADERS, Site
from service.lettre import stats
from service.lettre.mail.compose import list_address_problem
from service.lettre.settings import LettreSettings
from service.team.accounts import ADMINISTRATION, MODERATION, REDACTION
from service.team.area import Area
from service.team.guard import Visit, requires
from site_core.paths import LETTRE_TEAM_PATH

DONE = {"essai": "Essai mis en file : il arrive dans votre boîte dans un instant."}


class LetterTeamPage:
    def __init__(self, settings: LettreSettings, site: Site, area: Area, bus: Bus):
        self.settings = settings  # the test sends' limit
        self.site = site
        self.area = area
        self.bus = bus  # mail-queued: the sender sends a test at once

    async def page(self, visit: Visit, status: int = 200, test_error: str = "") -> Response:
        categories = self.site.manifest.categories
        numbers = await db.run(self.area.database, stats.stats, categories, write=False)
        return self.area.page(
            "moderation/lettre.html",
            visit.session,
            visit.account,
            status,
            title="La lettre des partenaires",
            stats=numbers,
            admin=ADMINISTRATION in visit.roles,  # the CSV's link
            message=DONE.get(visit.request.query_params.get("fait", ""), ""),
            test_error=test_error,  # beside the button
            blocked=list_address_problem(self.site.public_url()),
        )

    async def test_send(self, visit: Visit) -> Response:
        email = visit.account["email"]
        why = email_error(email) and (
            "Votre compte n’a pas d’adresse e-mail valide : un administrateur peut la "
            "donner à la création du compte (create-moderator --email)."
        )
        why = why or list_address_problem(self.site.public_url())
        if why:
            return await self.page(visit, status=400, test_error=why)
        limit = self.settings.test_sends_per_hour
        why = await db.run(self.area.database, stats.queue_test_send, email, limit, write=True)
        if why:
            return await self.page(visit, status=429, test_error=why)
        self.bus.emit(MAIL_QUEUED, self)
        return RedirectResponse(f"{LETTRE_TEAM_PATH}?fait=essai", 303)

    async def export(self, visit: Visit) -> Response:
        categories = self.site.manifest.categories
        text = await db.run(self.area.database, stats.subscribers_csv, categories, write=False)
        headers = {
            **PRIVATE_HEADERS,
            "Content-Disposition": 'attachment; filename="abonnes-lettre.csv"',
        }
        return Response(text, media_type="text/csv; charset=utf-8", headers=headers)

    def routes(self) -> list[Route]:
        team = requires(REDACTION, MODERATION, ADMINISTRATION)
        return [
            Route("/lettre", team(self.page), methods=["GET"]),
            Route("/lettre/essai", team(self.test_send), methods=["POST"]),
            Route("/lettre/abonnes.csv", requires(ADMINISTRATION)(self.export), methods=["GET"]),
        ]
