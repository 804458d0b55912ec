"""A post whose session has ended keeps its text (routes with `relogin=True`: the editor): the
answer is the login form, carrying the whole posted form in hidden fields (and the text in
view, to copy); logging in there re-posts it, and the guard (which checks that form's CSRF
token, then the account's role) lets the post go on as if nothing had happened.

The login is the login page's own (guard.log_in: same throttling, same argon2 check), its CSRF
token bound to the visitor's current cookie; the re-posted form needs no other token, since
only someone who typed the password can send it. An uploaded image cannot ride along in a
hidden field: the page says to choose it again.
"""

from starlette.requests import Request
from starlette.responses import Response

from service.team.accounts import ROLES, roles_of

EXCLUDED = {"csrf", "reprise", "identifiant", "mot_de_passe"}


def kept_fields(posted) -> list[tuple[str, str]]:
    return [(name, value) for name, value in posted.fields.items() if name not in EXCLUDED]


class Relogin:
    def __init__(self, guard):
        self.guard = guard

    def page(self, request: Request, session, new, posted, status_code: int, error="") -> Response:
        response = self.guard.area.page(
            "reconnexion.html",
            session,
            None,
            status_code,
            title="Reconnectez-vous pour enregistrer",
            action_url=request.url.path,
            fields=kept_fields(posted),
            text=posted.get("texte"),
            lost_file=bool(getattr(posted, "files", None)),
            username=posted.get("identifiant"),
            error=error,
        )
        return self.guard.keep(response, session, new)

    async def log_in(self, request: Request, session, new, posted):
        """(the new session, its account) when the password posted with the kept form is right;
        else the page again, saying why."""
        username = posted.get("identifiant").strip()[:200]
        wait, opened = await self.guard.log_in(request, username, posted.get("mot_de_passe"))
        if opened is None:
            status, reason = self.guard.login_refused(wait)
            return self.page(request, session, new, posted, status, reason)
        return opened, await self.guard.account(opened)

    def refused(self, request: Request, session, posted, account, wanted) -> Response:
        """Logged in, but the account lacks the page's role: nothing saved, the text still here."""
        if not roles_of(account):
            return self.page(
                request, session, True, posted, 403, "Ce compte ne peut pas se connecter."
            )
        label = " » ou « ".join(ROLES[role] for role in wanted)
        return self.page(
            request,
            session,
            True,
            posted,
            403,
            f"Ce compte n’a pas le rôle « {label} » : rien n’a été enregistré. Connectez-vous "
            "avec un compte qui a ce rôle (votre texte est toujours ci-dessous).",
        )
