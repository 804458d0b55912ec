"""Posting a comment: check what the reader sent, tell robots apart, store it.

A valid post is acknowledged (303 to the thanks page) only after the writer has committed it.
Anything the reader can fix comes back as the form, in the site's page, with what they typed
and a French message where the problem is. Signs of a robot are never a refusal: the comment is
stored in the spam queue with the reasons, so a real reader (a town hall's staff share one
address) never loses a text and a moderator can still publish it. Only a flood from one
address far beyond any office's use, or from one mailbox (forms.mailbox_key: all variants of
its address), is refused (429), text kept.
"""

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from service.comments.reader_pages import ReaderPages
from service.comments.settings import CommentsSettings
from service.comments.validation import clean, ticked
from service.comments.writer import CommentWriter, NewComment
from service.core import clock, db, protection, tokens
from service.core.forms import mailbox_key, parse_number, read_form
from service.core.protection import hash_ip, robot_signs, spam_reason
from service.core.settings import CoreSettings


class Posting:
    def __init__(
        self,
        settings: CommentsSettings,
        shared: CoreSettings,
        pages: ReaderPages,
        writer: CommentWriter,
    ):
        self.settings = settings
        self.shared = shared  # the signing key, the tokens' lifetime, the flood window
        self.pages = pages
        self.writer = writer

    def floods(self, conn, ip_key: str, email_key: str, client: str) -> tuple[float, list[str]]:
        """From the stored counts (one trip to the database): seconds until this address and
        e-mail may post again (0: now), and the signs of abuse to tell moderators (French)."""
        settings, window = self.settings, self.shared.flood_window
        wait = max(
            protection.retry_after(conn, "ip_all", ip_key, settings.flood_ip_hard, window),
            protection.retry_after(conn, "email", email_key, settings.flood_email_count, window),
        )
        signs = []
        for bucket, key, limit, what in (
            ("ip", ip_key, settings.flood_ip_count, "depuis cette connexion"),
            ("client", client, settings.flood_client_count, "de ce lecteur"),
        ):
            if key and protection.retry_after(conn, bucket, key, limit, window):
                signs.append(f"Plus de {limit} commentaires {what} en {window // 60} min.")
        return wait, signs

    async def post(self, request: Request) -> Response:
        form = await read_form(request, self.settings.max_request_bytes)
        slug = form.get("article").strip()
        sub = clean(form.fields)
        sub.values.update(ticked(form))  # shown back ticked if the form returns
        typed = sub.values["commentaire"]
        article = self.pages.article_or_404(slug, typed)
        self.pages.open_or_403(article, typed)
        token_text = form.get("jeton") or request.cookies.get(tokens.COOKIE, "")
        token = tokens.read(self.shared.secret_key, token_text)

        def again(notice: str = "", status: int = 422, **options) -> Response:
            return self.pages.form_page(
                article, sub, token=token_text, notice=notice, status=status, **options
            )

        parent_id = None
        if form.get("parent").strip():
            parent_id = parse_number(form.get("parent"))
            parent = await self.pages.approved_parent(slug, parent_id)
            if parent is None:
                return again(
                    "Le commentaire auquel vous répondez n’existe pas ou n’est plus publié. "
                    "Vous pouvez envoyer votre texte comme nouveau commentaire sur l’article."
                )
        else:
            parent = None
        if form.recoded:
            return again(
                "Votre navigateur a envoyé le texte dans un codage ancien : vérifiez les "
                "caractères accentués ci-dessous, corrigez-les si besoin et envoyez à nouveau.",
                400,
                parent=parent,
            )
        if sub.errors:
            return again(parent=parent)

        client_ip = request.client.host if request.client else ""
        ip_key = hash_ip(self.shared.secret_key, client_ip)
        email_key = mailbox_key(sub.values["email"])
        client = token.client if token else ""
        wait, floods = await db.run(
            self.shared.database, self.floods, ip_key, email_key, client, write=False
        )
        if wait > 0:
            minutes = max(1, round(wait / 60))
            return again(
                "Trop de commentaires ont été envoyés en peu de temps depuis votre connexion "
                f"ou avec votre adresse e-mail. Réessayez dans {minutes} minute"
                f"{'s' if minutes > 1 else ''} : votre texte est conservé ci-dessous.",
                429,
                parent=parent,
                headers={"Retry-After": str(int(wait) + 1)},
            )

        values = sub.values
        reasons = robot_signs(
            form, token, self.shared.token_max_age, self.settings.min_fill_seconds
        )
        reasons += floods
        if content := spam_reason(
            values["commentaire"],
            values["nom"],
            values["site"],
            max_links=self.settings.max_links,
            spam_words=self.settings.spam_words,
        ):
            reasons.append(content)
        comment = NewComment(
            article_slug=slug,
            parent_id=parent_id,
            author_name=values["nom"],
            author_email=values["email"],
            author_url=values["site"],
            body=values["commentaire"],
            status="spam" if reasons else "pending",
            spam_reason=" ".join(reasons),
            ip_hash=ip_key,
            created_at=clock.now_iso(),
            nonce=token.nonce if token else None,
            rate_keys=(
                ("ip", ip_key),
                ("client", client),
                ("email", email_key),
            ),
            follow=tuple(ticked(values)),
        )
        try:
            outcome = await self.writer.submit(comment)
        except Exception:  # logged by the writer; the reader keeps the text and can retry
            return again(
                "Votre commentaire n’a pas pu être enregistré à cause d’un incident technique. "
                "Il est conservé ci-dessous : renvoyez-le dans un instant.",
                503,
                parent=parent,
                headers={"Retry-After": "30"},
            )
        if outcome.kind == "bad_parent":  # unpublished between our check and the write
            return again(
                "Le commentaire auquel vous répondez n’est plus publié. Vous pouvez envoyer "
                "votre texte comme nouveau commentaire sur l’article.",
                400,
            )
        if outcome.kind == "duplicate":
            return self.pages.page("Commentaire déjà reçu", "deja_recu.html", 409, article=article)
        return RedirectResponse(
            f"{self.pages.site.endpoint}merci?article={quote(slug)}", status_code=303
        )

    def routes(self) -> list[Route]:
        return [
            Route("/poster", self.post, methods=["POST"]),
            Route("/merci", self.pages.thanks, methods=["GET"]),
            Route("/repondre", self.pages.reply, methods=["GET"]),
            Route("/jeton", self.pages.token, methods=["GET"]),
        ]
