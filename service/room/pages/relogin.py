"""A post from the editor whose session has ended keeps its text: the answer is the login form,
carrying the whole posted form in hidden fields (and the text in view, to copy); logging in
there re-posts it, and the save goes on as if nothing had happened.

The login is the login page's own (auth.check_login: same throttling, same argon2 check), its
CSRF token bound to the visitor's current cookie; the re-posted form needs no other token,
since only someone who typed the password can send it. An uploaded image cannot ride along in
a hidden field: the page says to choose it again.
"""

from starlette.requests import Request
from starlette.responses import Response

from service.team.accounts import REDACTION, roles_of

EXCLUDED = {"csrf", "reprise", "identifiant", "mot_de_passe"}


def kept_fields(posted) -> list[tuple[str, str]]:
    return [(name, value) for name, value in posted.fields.items() if name not in EXCLUDED]


class Relogin:
    def __init__(self, area):
        self.area = area
        self.auth = area.auth

    def page(self, request: Request, ctx: dict, status_code: int, error: str = "") -> Response:
        posted = ctx["posted"]
        response = self.area.page(
            "reconnexion.html",
            ctx["session"],
            None,
            status_code,
            title="Reconnectez-vous pour enregistrer",
            action_url=request.url.path,
            fields=kept_fields(posted),
            text=posted.get("texte"),
            lost_file=bool(posted.files),
            username=posted.get("identifiant"),
            error=error,
        )
        return self.auth.set_cookie(response, ctx["session"]) if ctx["new_session"] else response

    async def __call__(self, request: Request, ctx: dict) -> Response | None:
        """None when the posted form logged the person in (ctx then holds the new session and
        account); else the page to show."""
        posted = ctx["posted"]
        if not posted.get("reprise"):
            return self.page(request, ctx, 401)
        if not self.auth.sessions.csrf_ok(ctx["session"], posted.get("csrf")):
            return self.page(request, ctx, 403, "La page de connexion avait expiré : réessayez.")
        username = posted.get("identifiant").strip()[:200]
        wait, opened = await self.auth.check_login(request, username, posted.get("mot_de_passe"))
        if wait:
            minutes = max(1, round(wait / 60))
            message = f"Trop de tentatives de connexion : réessayez dans {minutes} min."
            return self.page(request, ctx, 429, message)
        if opened is None:
            return self.page(request, ctx, 401, "Identifiant ou mot de passe incorrect.")
        account = await self.auth.account(opened)
        ctx.update(session=opened, account=account, new_session=True, relogged=True)
        if not roles_of(account):
            return self.page(request, ctx, 403, "Ce compte ne peut pas se connecter.")
        if REDACTION not in roles_of(account):
            return self.page(
                request,
                ctx,
                403,
                "Ce compte n’a pas le rôle « rédaction » : rien n’a été enregistré. Connectez-"
                "vous avec un compte de la rédaction (votre texte est toujours ci-dessous).",
            )
        return None
