"""The pages the links of subscription e-mails open: confirm, unsubscribe, manage.

They work without an account: the signed link is the proof (links.py). A GET only shows what
the link will do, with a button; a POST acts. So the link checkers of webmails and anti-virus
gateways, which open every link of a message, cannot confirm or unsubscribe anyone. The
one-click POST of RFC 8058 (`List-Unsubscribe-Post`) needs no cookie and no CSRF token: the
token in its URL is enough, and it answers 200 whatever the subscription's state.

Every state gets a clear French page: a link confirmed twice, a late one, one whose request was
purged or erased, a second unsubscription, a test send's sample links.
"""

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from service.core import clock, db
from service.core.forms import read_any_form
from service.lettre import links as signed
from service.lettre import subscribers, subscriptions
from service.lettre.subscribe_pages import FORM_LIMIT, SubscribePages

DONE = {
    "lettre": "Vos choix pour la lettre sont enregistrés.",
    "fin": "Vous ne suivez plus cette discussion.",
    "tout": "Vous êtes désabonné de tout : vous ne recevrez plus aucun e-mail du site.",
}
SAMPLE = (
    "Lien d’exemple",
    "Ce lien vient d’un envoi d’essai de l’équipe : dans une vraie lettre, il ouvre la page "
    "propre à chaque abonné.",
)


class LinkPages:
    def __init__(self, pages: SubscribePages, links, read_comment: subscriptions.ReadComment):
        self.pages = pages
        self.links = links  # () -> links.Links, with the service's current public address
        self.read_comment = read_comment  # the article of a followed comment, in its label

    async def _link(self, request: Request, purpose: str):
        """(form or None, token text, Link, None) of a GET or POST to a link page, or
        (…, a page saying why not) when the link is not one of ours or a test send's."""
        form = await read_any_form(request, FORM_LIMIT) if request.method == "POST" else None
        token = request.query_params.get("t") or (form.get("t") if form else "")
        link = self.links().read(purpose, token)
        if link is None:
            return form, token, link, self.invalid()
        if link.sample:
            return form, token, link, self.pages.message(*SAMPLE)
        return form, token, link, None

    def invalid(self) -> Response:
        return self.pages.message(
            "Lien incomplet",
            "Ce lien est incomplet ou a été modifié. Copiez-le en entier depuis l’e-mail reçu, "
            "ou ouvrez-le directement depuis votre messagerie.",
            400,
            subscribe=True,
        )

    def _described(self, conn, rows) -> list[dict]:
        manifest = self.pages.site.manifest
        return [
            {**dict(row), "label": subscriptions.describe(conn, row, manifest, self.read_comment)}
            for row in rows
        ]

    async def confirm(self, request: Request) -> Response:
        form, token, link, refusal = await self._link(request, signed.CONFIRM)
        if refusal:
            return refusal
        late = signed.expired(link, self.pages.settings.confirm_hours)
        act = form is not None and not late

        def settle(conn):
            person = subscribers.owner(conn, link)
            rows = subscriptions.named(conn, person["id"], link.subscriptions) if person else []
            if act and any(row["status"] == "pending" for row in rows):
                state, rows = subscriptions.confirm(conn, link, clock.now())
                return state, self._described(conn, rows)
            if rows and all(row["status"] == "active" for row in rows):
                return "already", self._described(conn, rows)
            pending = [row for row in rows if row["status"] == "pending"]
            return ("pending" if pending else "gone"), self._described(conn, pending)

        state, rows = await db.run(self.pages.shared.database, settle, write=True)
        hours = f"{self.pages.settings.confirm_hours:g}"
        if state == "already":
            return self.pages.page(
                "Demande déjà confirmée", "confirmer.html", state=state, items=rows
            )
        if state == "confirmed":
            return self.pages.page("Demande confirmée", "confirmer.html", state=state, items=rows)
        if late:
            return self.pages.message(
                "Lien expiré",
                f"Ce lien de confirmation date de plus de {hours} heures : il n’est plus "
                "valable, et rien n’a été enregistré. Refaites votre demande : un nouvel e-mail "
                "vous sera envoyé.",
                410,
                subscribe=True,
            )
        if state == "gone":
            return self.pages.message(
                "Demande introuvable",
                "Cette demande n’existe plus : elle a été annulée, ou l’adresse a été "
                "désabonnée ou effacée depuis. Rien ne vous sera envoyé.",
                404,
                subscribe=True,
            )
        return self.pages.page(
            "Confirmer votre demande", "confirmer.html", state=state, items=rows, token=token
        )

    async def unsubscribe(self, request: Request) -> Response:
        form, token, link, refusal = await self._link(request, signed.UNSUBSCRIBE)
        if refusal:
            return refusal

        def settle(conn):
            person = subscribers.owner(conn, link)
            if person is None:
                return 0, []
            rows = subscriptions.current(conn, person["id"])
            if link.subscriptions:
                rows = [row for row in rows if row["id"] in link.subscriptions]
            shown = self._described(conn, rows)
            if form is not None:  # the button, or a mail program's one-click POST
                return subscriptions.unsubscribe(conn, person, link.subscriptions), shown
            return 0, shown

        ended, rows = await db.run(self.pages.shared.database, settle, write=True)
        if not rows:
            return self.pages.message(
                "Déjà désabonné",
                "Cette adresse ne reçoit déjà plus ces e-mails : il n’y a rien d’autre à faire.",
            )
        if ended:
            return self.pages.page(
                "Vous êtes désabonné", "desabonnement.html", items=rows, done=True
            )
        return self.pages.page(
            "Se désabonner", "desabonnement.html", items=rows, token=token, done=False
        )

    async def manage(self, request: Request) -> Response:
        form, token, link, refusal = await self._link(request, signed.MANAGE)
        if refusal:
            return refusal
        categories = self.pages.site.manifest.categories
        action = form.get("action") if form else ""

        def settle(conn):
            person = subscribers.owner(conn, link)
            if person is None:
                return None
            if action == "lettre":
                chosen = [slug for slug in categories if form.get(f"theme-{slug}")]
                rhythm = form.get("rythme")
                if rhythm in subscriptions.RHYTHMS:
                    themes = [] if len(chosen) == len(categories) else chosen
                    subscriptions.update_lettre(conn, person, themes, rhythm)
            elif action == "fin":
                number = form.get("abonnement")
                ids = [int(number)] if number.isdigit() else [-1]
                subscriptions.unsubscribe(conn, person, ids)
            elif action == "tout":
                subscriptions.unsubscribe(conn, person)
            return person["email"], self._described(conn, subscriptions.current(conn, person["id"]))

        found = await db.run(self.pages.shared.database, settle, write=True)
        if found is None:
            return self.pages.message(
                "Aucun abonnement",
                "Cette adresse n’est abonnée à rien sur ce site (ou elle a été effacée) : "
                "rien ne lui sera envoyé.",
                subscribe=True,
            )
        if action in DONE:
            query = urlencode({"t": token, "fait": action})
            return RedirectResponse(f"{request.url.path}?{query}", status_code=303)
        email, rows = found
        lettre = next((row for row in rows if row["kind"] == subscriptions.LETTRE), None)
        return self.pages.page(
            "Gérer mes abonnements",
            "gerer.html",
            email=email,
            lettre=lettre,
            follows=[row for row in rows if row["kind"] != subscriptions.LETTRE],
            lettre_themes=self.pages.themes(),
            token=token,
            message=DONE.get(request.query_params.get("fait", ""), ""),
        )

    def routes(self) -> list[Route]:
        return [
            Route("/lettre/confirmer", self.confirm, methods=["GET", "POST"]),
            Route("/lettre/desabonnement", self.unsubscribe, methods=["GET", "POST"]),
            Route("/lettre/gerer", self.manage, methods=["GET", "POST"]),
        ]
