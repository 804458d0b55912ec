"""Reader-facing routes: post a comment, the reply form, the confirmation page, fresh tokens.

A valid post is acknowledged (303 to the confirmation page) only after the writer has committed
it. Anything wrong comes back as the form, in the site's page, with what the reader typed and a
French message where the problem is; nothing a reader typed is ever dropped.
"""

import sqlite3
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from site_core import tokens
from site_core.comments import render_body
from site_core.manifest import ArticleEntry

from .config import Config
from .site import Site
from .spam import SlidingWindow, hash_ip, spam_reason
from .validation import HONEYPOT, Submission, clean
from .writer import CommentWriter, NewComment

FORM_TYPE = "application/x-www-form-urlencoded"


class PostingError(HTTPException):
    """A refusal shown to the reader as a French page (status, title, explanation)."""

    def __init__(self, status_code: int, title: str, message: str, typed: str = ""):
        super().__init__(status_code, message)
        self.title = title
        self.typed = typed


class Posting:
    """The state behind the routes: the site, flood windows, the writer."""

    def __init__(self, config: Config, site: Site, writer: CommentWriter):
        self.config = config
        self.site = site
        self.writer = writer
        self.per_ip = SlidingWindow(config.flood_ip_count, config.flood_ip_window)
        self.per_email = SlidingWindow(config.flood_email_count, config.flood_email_window)
        self.reader: sqlite3.Connection | None = None  # opened by the app at startup

    # ---- rendering -------------------------------------------------------------------------

    def page(
        self, title: str, template: str, status: int = 200, headers=None, **context
    ) -> HTMLResponse:
        html = self.site.page(title, f"lecteur/{template}", **context)
        headers = {"Cache-Control": "no-store", **(headers or {})}
        return HTMLResponse(html, status_code=status, headers=headers)

    def form_page(
        self,
        article: ArticleEntry,
        sub: Submission | None = None,
        *,
        status: int = 422,
        notice: str = "",
        parent: dict | None = None,
        headers=None,
    ) -> HTMLResponse:
        """The form in the site's page, with a fresh token and everything kept."""
        title = f"Commentaire sur « {article.title} »"
        if sub and sub.errors:
            title = f"Erreur — {title}"
        return self.page(
            title,
            "formulaire.html",
            status,
            headers,
            article=article,
            comment_form_token=tokens.issue(self.config.secret_key, article.slug),
            form=sub.values if sub else {},
            errors=sub.errors if sub else {},
            notice=notice,
            parent=parent,
        )

    def approved_parent(self, slug: str, parent_id: int | None) -> dict | None:
        if parent_id is None or self.reader is None:
            return None
        row = self.reader.execute(
            "SELECT id, author_name, body, created_at FROM comments"
            " WHERE id = ? AND article_slug = ? AND status = 'approved'",
            (parent_id, slug),
        ).fetchone()
        if row is None:
            return None
        return {
            "id": row["id"],
            "author_name": row["author_name"],
            "created_at": datetime.fromisoformat(row["created_at"]),
            "body_html": render_body(row["body"]),
        }

    def article_or_404(self, slug: str, typed: str = "") -> ArticleEntry:
        article = self.site.manifest.articles.get(slug) if slug else None
        if article is None:
            raise PostingError(
                404,
                "Article introuvable",
                f"Aucun article « {slug} » n’accepte de commentaires sur ce site : "
                "l’adresse du formulaire est peut-être incomplète ou l’article a été retiré.",
                typed,
            )
        return article

    # ---- routes ----------------------------------------------------------------------------

    async def post(self, request: Request) -> Response:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != FORM_TYPE:
            raise PostingError(
                415,
                "Envoi non reconnu",
                "Le commentaire doit être envoyé par le formulaire de la page de l’article "
                f"(type {FORM_TYPE}), pas en « {content_type or 'aucun type'} ».",
            )
        form = dict(parse_qsl((await self._read_body(request)).decode("utf-8", "replace")))
        slug = form.get("article", "").strip()
        sub = clean(form)
        article = self.article_or_404(slug, sub.values["commentaire"])
        if not article.comments_open:
            raise PostingError(
                403,
                "Commentaires fermés",
                f"Les commentaires sont fermés pour l’article « {article.title} ».",
                sub.values["commentaire"],
            )
        parent_id = _int_or_none(form.get("parent", ""))
        parent = self.approved_parent(slug, parent_id)
        if parent_id is not None and parent is None:
            return self.form_page(
                article,
                sub,
                notice="Le commentaire auquel vous répondez n’existe pas ou n’est plus publié. "
                "Vous pouvez envoyer votre texte comme nouveau commentaire sur l’article.",
            )

        check = tokens.verify(self.config.secret_key, form.get("jeton", ""), slug)
        if not check.valid:
            return self.form_page(
                article,
                sub,
                status=400,
                parent=parent,
                notice="Ce formulaire n’a pas pu être authentifié (jeton absent ou invalide). "
                "Votre texte est conservé ci-dessous : vérifiez-le et envoyez-le à nouveau.",
            )
        if sub.errors:
            return self.form_page(article, sub, parent=parent)
        if check.age < self.config.min_fill_seconds or check.age > self.config.token_max_age:
            return self.form_page(
                article,
                sub,
                parent=parent,
                notice="Par sécurité contre les robots, merci d’envoyer votre commentaire à "
                "nouveau : il est conservé ci-dessous"
                + (
                    ", la page ayant été ouverte il y a longtemps."
                    if check.age > self.config.token_max_age
                    else "."
                ),
            )

        client_ip = request.client.host if request.client else ""
        ip_key = hash_ip(self.config.secret_key, client_ip)
        email_key = sub.values["email"].casefold()
        wait = max(self.per_ip.retry_after(ip_key), self.per_email.retry_after(email_key))
        if wait > 0:
            minutes = max(1, round(wait / 60))
            return self.form_page(
                article,
                sub,
                status=429,
                parent=parent,
                headers={"Retry-After": str(int(wait) + 1)},
                notice="Trop de commentaires ont été envoyés en peu de temps depuis votre "
                f"connexion ou avec votre adresse e-mail. Réessayez dans {minutes} minute"
                f"{'s' if minutes > 1 else ''} : votre texte est conservé ci-dessous.",
            )
        self.per_ip.record(ip_key)
        self.per_email.record(email_key)

        values = sub.values
        reason = spam_reason(
            values["commentaire"],
            values["nom"],
            values["site"],
            max_links=self.config.max_links,
            spam_words=self.config.spam_words,
            honeypot=form.get(HONEYPOT, ""),
        )
        try:
            outcome = await self.writer.submit(
                self._new_comment(slug, parent_id, values, reason, ip_key)
            )
        except Exception:  # logged by the writer; the reader keeps the text and can retry
            return self.form_page(
                article,
                sub,
                status=503,
                parent=parent,
                headers={"Retry-After": "30"},
                notice="Votre commentaire n’a pas pu être enregistré à cause d’un incident "
                "technique. Il est conservé ci-dessous : renvoyez-le dans un instant.",
            )
        if outcome.kind == "bad_parent":  # unpublished between our check and the write
            return self.form_page(
                article,
                sub,
                notice="Le commentaire auquel vous répondez n’est plus publié. Vous pouvez "
                "envoyer votre texte comme nouveau commentaire sur l’article.",
            )
        if outcome.kind == "duplicate":
            return self.page("Commentaire déjà reçu", "deja_recu.html", 409, article=article)
        return RedirectResponse(f"{self.site.endpoint}merci?article={quote(slug)}", status_code=303)

    @staticmethod
    def _new_comment(slug, parent_id, values, reason, ip_key) -> NewComment:
        return NewComment(
            article_slug=slug,
            parent_id=parent_id,
            author_name=values["nom"],
            author_email=values["email"],
            author_url=values["site"],
            body=values["commentaire"],
            status="spam" if reason else "pending",
            spam_reason=reason,
            ip_hash=ip_key,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )

    async def _read_body(self, request: Request) -> bytes:
        """The body, refused with 413 as soon as it is known to exceed the limit."""
        limit = self.config.max_request_bytes
        too_big = PostingError(
            413,
            "Envoi trop volumineux",
            f"L’envoi dépasse {limit // 1024} Kio : un commentaire est limité à 65 525 octets "
            "(environ 60 000 caractères). Raccourcissez votre texte et renvoyez-le depuis la "
            "page de l’article.",
        )
        declared = request.headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                raise PostingError(400, "Envoi incorrect", "En-tête Content-Length invalide.")
            if int(declared) > limit:
                raise too_big
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_big
            chunks.append(chunk)
        return b"".join(chunks)

    async def thanks(self, request: Request) -> Response:
        slug = request.query_params.get("article", "")
        article = self.article_or_404(slug)
        return self.page("Commentaire en attente de modération", "merci.html", article=article)

    async def reply(self, request: Request) -> Response:
        slug = request.query_params.get("article", "")
        article = self.article_or_404(slug)
        parent = self.approved_parent(slug, _int_or_none(request.query_params.get("parent", "")))
        if parent is None:
            raise PostingError(
                404,
                "Commentaire introuvable",
                "Le commentaire auquel vous voulez répondre n’existe pas ou n’est plus publié "
                f"sous l’article « {article.title} ».",
            )
        if not article.comments_open:
            raise PostingError(
                403,
                "Commentaires fermés",
                f"Les commentaires sont fermés pour l’article « {article.title} ».",
            )
        return self.form_page(article, status=200, parent=parent)

    async def token(self, request: Request) -> Response:
        slug = request.query_params.get("article", "")
        article = self.site.manifest.articles.get(slug)
        if article is None or not article.comments_open:
            return JSONResponse(
                {"erreur": f"Aucun article « {slug} » n’accepte de commentaires."},
                status_code=404,
                headers={"Cache-Control": "no-store"},
            )
        return JSONResponse(
            {"jeton": tokens.issue(self.config.secret_key, slug)},
            headers={"Cache-Control": "no-store"},
        )

    def error_page(self, error: HTTPException) -> HTMLResponse:
        title = getattr(error, "title", None) or _GENERIC_TITLES.get(
            error.status_code, "Demande impossible"
        )
        return self.page(
            title,
            "erreur.html",
            error.status_code,
            getattr(error, "headers", None),
            heading=title,
            message=error.detail,
            typed=getattr(error, "typed", ""),
        )

    def routes(self) -> list[Route]:
        return [
            Route("/poster", self.post, methods=["POST"]),
            Route("/merci", self.thanks, methods=["GET"]),
            Route("/repondre", self.reply, methods=["GET"]),
            Route("/jeton", self.token, methods=["GET"]),
        ]


_GENERIC_TITLES = {
    400: "Demande incorrecte",
    404: "Page introuvable",
    405: "Méthode non autorisée",
    500: "Erreur du service de commentaires",
}


def _int_or_none(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None
