"""Subscribing to « La lettre des partenaires »: the form's POST, its token, the answer page.

The form (theme partials/subscribe_form.html, in every page's footer and on « S’abonner ») has
the comment form's protections: a honeypot, a single-use token given when the reader starts
typing (its own cookie and URL, so it never uses up the comment form's), a limit per network
address (an IPv6 client: its /64), and at most one e-mail per mailbox per
LETTRE_CONFIRM_INTERVAL, however its address is varied, and LETTRE_CONFIRMATIONS_PER_HOUR in
all (subscriptions.py), so it cannot be used to flood a third party's mailbox. A request
caught as a robot gets the same « vérifiez votre boîte » page as everyone, and nothing is
sent. That page never says whether the address was known: a subscribed address gets an e-mail
with its « gérer » link instead of a confirmation, and the page is the same.
"""

import logging
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from service.core import clock, db, protection, tokens
from service.core.events import MAIL_QUEUED, Bus
from service.core.forms import clean_email, email_error, read_form
from service.core.protection import hash_ip, robot_signs
from service.core.settings import CoreSettings
from service.core.site import Site
from service.lettre import subscriptions
from service.lettre.settings import LettreSettings

log = logging.getLogger(__name__)

COOKIE = "jeton_lettre"
FORM_LIMIT = 16 * 1024
IP_BUCKET = "lettre_ip"
# Pages reached from e-mail links carry a key in their URL: never cached, indexed or referred.
PRIVATE = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
}
ORIGINS = {"pied": "le pied de page du site", "page": "la page « S’abonner »"}


def record_request(
    conn, settings: LettreSettings, window: int, request: dict, token, ip_key: str, signs: list
) -> str:
    """Store a form's request (inside a transaction): "flood" (refused: more than
    LETTRE_IP_COUNT in `window` seconds), "robot" (nothing done, nothing said), or "queued"
    (its e-mail is in the outbox)."""
    if protection.retry_after(conn, IP_BUCKET, ip_key, settings.ip_count, window):
        return "flood"
    protection.record(conn, [(IP_BUCKET, ip_key)])
    if token is not None and not signs:
        if tokens.used(conn, [token.nonce]):
            signs = ["Jeton de formulaire déjà utilisé."]
        else:
            tokens.use(conn, [token.nonce], clock.now())
    if signs:
        log.info("lettre request ignored (robot signs: %s)", ", ".join(signs))
        return "robot"
    subscriptions.request_lettre(conn, **request, settings=settings)
    return "queued"


class SubscribePages:
    def __init__(self, settings: LettreSettings, shared: CoreSettings, site: Site, bus: Bus):
        self.settings = settings
        self.shared = shared  # the signing key, the tokens' lifetime, the flood window
        self.site = site
        self.bus = bus  # mail-queued: the sender sends the confirmation at once

    def page(self, title: str, template: str, status: int = 200, **context) -> HTMLResponse:
        html = self.site.page(title, f"lettre/{template}", **context)
        return HTMLResponse(html, status_code=status, headers=PRIVATE)

    def message(self, title: str, message: str, status: int = 200, **context) -> HTMLResponse:
        return self.page(title, "message.html", status, heading=title, message=message, **context)

    def themes(self) -> list[tuple[str, str]]:
        """The thèmes as the form's template expects them (`lettre_themes`: slug, name)."""
        return list(self.site.manifest.categories.items())

    def form_again(self, email: str, chosen: list, rhythm: str, error: str) -> HTMLResponse:
        return self.page(
            "Erreur — Recevoir la lettre par e-mail",
            "formulaire.html",
            422,
            lettre_form={"email": email, "themes": chosen, "rythme": rhythm},
            lettre_errors={"email": error},
            lettre_token=tokens.issue(self.shared.secret_key),
            lettre_themes=self.themes(),
        )

    async def subscribe(self, request: Request) -> Response:
        form = await read_form(request, FORM_LIMIT)
        categories = self.site.manifest.categories
        email = clean_email(form.get("email"))
        chosen = [slug for slug in categories if form.get(f"theme-{slug}")]
        themes = [] if len(chosen) == len(categories) else chosen  # all: new thèmes too
        rhythm = form.get("rythme") if form.get("rythme") in subscriptions.RHYTHMS else "each"
        error = email_error(email)
        if form.recoded and not error:
            error = "Vérifiez l’adresse : votre navigateur l’a envoyée dans un codage ancien."
        if error:
            return self.form_again(email, chosen, rhythm, error)
        token_text = form.get("jeton") or request.cookies.get(COOKIE)
        token = tokens.read(self.shared.secret_key, token_text)
        ip_key = hash_ip(self.shared.secret_key, request.client.host if request.client else "")
        names = subscriptions.themes_text(" ".join(themes), categories)
        origin = ORIGINS.get(form.get("origine"), "le site")
        consent = (
            "Recevoir « La lettre des partenaires » de la Caf de l’Essonne à cette adresse, "
            f"{subscriptions.RHYTHMS[rhythm]}, {names} ; demandé depuis {origin}, à confirmer "
            "par le lien envoyé par e-mail ; désabonnement possible à tout moment par le lien "
            "présent dans chaque lettre."
        )
        request_data = {"email": email, "themes": themes, "rhythm": rhythm, "consent": consent}
        signs = robot_signs(form, token, self.shared.token_max_age, self.settings.min_fill_seconds)
        window = self.shared.flood_window
        outcome = await db.run(
            self.shared.database,
            record_request,
            self.settings,
            window,
            request_data,
            token,
            ip_key,
            signs,
            write=True,
        )
        if outcome == "queued":
            self.bus.emit(MAIL_QUEUED, self)
        if outcome == "flood":
            minutes = max(1, round(window / 60))
            return self.message(
                "Trop de demandes",
                "Trop de demandes d’abonnement ont été envoyées depuis votre connexion en peu "
                f"de temps. Réessayez dans {minutes} minutes.",
                429,
            )
        return RedirectResponse(f"{self.site.endpoint}lettre/verifiez", status_code=303)

    async def check_inbox(self, request: Request) -> Response:
        hours = self.settings.confirm_interval / 3600
        return self.page(
            "Vérifiez votre boîte aux lettres",
            "verifiez.html",
            hours=f"{self.settings.confirm_hours:g}",
            interval=f"{hours:g} heure{'s' if hours > 1 else ''}"
            if hours >= 1
            else f"{self.settings.confirm_interval / 60:g} minutes",
        )

    async def token(self, request: Request) -> Response:
        """The form's background image; it gives the browser a fresh single-use token."""
        path = urlsplit(self.site.endpoint).path
        return tokens.image(request, self.shared, COOKIE, path)

    def routes(self) -> list[Route]:
        return [
            Route("/lettre/abonnement", self.subscribe, methods=["POST"]),
            Route("/lettre/verifiez", self.check_inbox, methods=["GET"]),
            Route("/lettre/jeton", self.token, methods=["GET"]),
        ]
