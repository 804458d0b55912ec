"""The pages a reader sees from the service, all inside the site's own page (its shell):
the comment form sent back (errors, a reply), the thanks page, error pages, and the token
image the comment form asks for when the reader starts writing."""

from urllib.parse import urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from service.comments import store
from service.comments.validation import Submission
from service.core import clock, db, tokens
from service.core.forms import FormError, parse_number
from service.core.settings import CoreSettings
from service.core.site import Site
from site_core.comments.threads import render_body
from site_core.manifest import ArticleEntry

_GENERIC_TITLES = {
    400: "Demande incorrecte",
    404: "Page introuvable",
    405: "Méthode non autorisée",
    413: "Envoi trop volumineux",
    500: "Erreur imprévue du service",
}


class ReaderPages:
    def __init__(self, shared: CoreSettings, site: Site):
        self.shared = shared  # the signing key and the tokens' lifetime
        self.site = site

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
        token: str = "",
        status: int = 422,
        notice: str = "",
        parent: dict | None = None,
        headers=None,
    ) -> HTMLResponse:
        """The form in the site's page with everything kept, and a token: the reader's own if
        it is valid (its age still counts from when they started writing), else a fresh one."""
        if tokens.read(self.shared.secret_key, token) is None:
            token = tokens.issue(self.shared.secret_key)
        title = f"Commentaire sur « {article.title} »"
        if sub and (sub.errors or notice):
            title = f"Erreur — {title}"
        return self.page(
            title,
            "formulaire.html",
            status,
            headers,
            article=article,
            comment_form_token=token,
            form=sub.values if sub else {},
            errors=sub.errors if sub else {},
            notice=notice,
            parent=parent,
        )

    def article_or_404(self, slug: str, typed: str = "") -> ArticleEntry:
        article = self.site.manifest.articles.get(slug) if slug else None
        if article is None:
            raise FormError(
                404,
                "Article introuvable",
                f"Aucun article « {slug[:200]} » n’accepte de commentaires sur ce site : "
                "l’adresse du formulaire est peut-être incomplète ou l’article a été retiré.",
                typed,
            )
        return article

    def open_or_403(self, article: ArticleEntry, typed: str = "") -> None:
        if not article.comments_open:
            raise FormError(
                403,
                "Commentaires fermés",
                f"Les commentaires sont fermés pour l’article « {article.title} ».",
                typed,
            )

    async def approved_parent(self, slug: str, parent_id: int | None) -> dict | None:
        """The published comment a reader answers, as the form shows it; None if there is none."""
        if parent_id is None:
            return None
        database = self.shared.database
        row = await db.run(database, store.approved_parent, slug, parent_id, write=False)
        if row is None:
            return None
        return {
            "id": row["id"],
            "author_name": row["author_name"],
            "created_at": clock.parse(row["created_at"]),
            "body_html": render_body(row["body"]),
        }

    async def thanks(self, request: Request) -> Response:
        article = self.article_or_404(request.query_params.get("article", ""))
        return self.page("Commentaire en attente de modération", "merci.html", article=article)

    async def reply(self, request: Request) -> Response:
        slug = request.query_params.get("article", "")
        article = self.article_or_404(slug)
        parent = await self.approved_parent(slug, parse_number(request.query_params.get("parent")))
        if parent is None:
            raise FormError(
                404,
                "Commentaire introuvable",
                "Le commentaire auquel vous voulez répondre n’existe pas ou n’est plus publié "
                f"sous l’article « {article.title} ».",
            )
        self.open_or_403(article)
        return self.form_page(article, status=200, parent=parent)

    async def token(self, request: Request) -> Response:
        """The form's background image; it gives the browser a fresh single-use token."""
        return tokens.image(request, self.shared, tokens.COOKIE, urlsplit(self.site.endpoint).path)

    def error_page(self, error: HTTPException | FormError) -> HTMLResponse:
        if isinstance(error, FormError):
            title, message = error.title, error.message
        else:
            title = _GENERIC_TITLES.get(error.status_code, "Demande impossible")
            message = error.detail
        return self.page(
            title,
            "erreur.html",
            error.status_code,
            getattr(error, "headers", None),
            heading=title,
            message=message,
            typed=getattr(error, "typed", ""),
        )
