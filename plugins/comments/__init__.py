"""Bake approved comments into the static site.

At build time this plugin reads the APPROVED comments from the SQLite file named by the
COMMENTS_DB setting (read-only; a missing file means no comments, so a fresh clone builds),
attaches `article.comments` (thread roots, oldest first, each with `.replies`) and
`article.comment_count`, puts a flat newest-first `approved_comments` list in the generator
context (for the comments feed), sets `article.comment_token` (the signed form token) and writes
the article manifest `_articles-commentaires.json` read by the comment service.

The thread model below (`load_thread`, `render_body`) is also used by the service to re-render
one article's comments section after a moderation action (comment_service/republish.py), so a
page patched by the service and a page from a full build are the same HTML.
"""

import json
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import Markup, escape
from pelican import signals

from site_core.dates import format_date

MANIFEST_NAME = "_articles-commentaires.json"
# Stable markers around the baked parts the service patches in place.
SECTION_START = "<!-- commentaires:debut -->"
SECTION_END = "<!-- commentaires:fin -->"
COUNT_START = "<!-- nb-commentaires:{slug} -->"
COUNT_END = "<!-- /nb-commentaires -->"

_URL = re.compile(r"https?://[^\s<>\"'«»]+", re.IGNORECASE)
# Punctuation that ends a sentence rather than the link it follows.
_URL_TRAILING = ".,;:!?)]}’"
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_LINK_REL = "nofollow ugc noopener"


@dataclass
class Comment:
    """One approved comment as the templates and the comments feed see it."""

    id: int
    article: object
    author_name: str
    author_url: str
    body: str
    created_at: datetime
    is_official: bool
    parent_id: int | None
    replies: list["Comment"] = field(default_factory=list)

    @property
    def body_html(self) -> Markup:
        return render_body(self.body)

    @property
    def author_link(self) -> str:
        """The author's website, only if it is a plain http(s) address."""
        return self.author_url if _is_web_url(self.author_url) else ""

    @property
    def date_text(self) -> str:
        return format_date(self.created_at, with_time=True)


def _is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _autolink(text: str) -> Markup:
    """Escape `text`, turning http(s) addresses into nofollow links."""
    out = Markup()
    position = 0
    for match in _URL.finditer(text):
        url = match.group().rstrip(_URL_TRAILING)
        end = match.start() + len(url)
        out += escape(text[position : match.start()])
        if _is_web_url(url):
            out += Markup('<a href="{}" rel="{}">{}</a>').format(url, _LINK_REL, url)
        else:
            out += escape(url)
        position = end
    return out + escape(text[position:])


def render_body(text: str) -> Markup:
    """The comment text as typed, escaped, in paragraphs (line breaks kept), autolinked."""
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(text.replace("\r\n", "\n"))]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(_autolink(line) for line in p.split("\n")))
        for p in paragraphs
        if p
    )


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def fetch_approved(conn: sqlite3.Connection, slug: str | None = None) -> list[sqlite3.Row]:
    """Approved comments (of one article, or all), oldest first."""
    where = "status = 'approved'" + (" AND article_slug = ?" if slug is not None else "")
    return conn.execute(
        "SELECT id, article_slug, parent_id, author_name, author_url, body, is_official,"
        f" created_at FROM comments WHERE {where} ORDER BY created_at, id",
        () if slug is None else (slug,),
    ).fetchall()


def build_threads(rows, article) -> tuple[list[Comment], list[Comment]]:
    """Nest `rows` (one article's approved comments) into threads.

    Returns (roots oldest first, every shown comment). A reply whose parent is not approved is
    not shown: it would be out of context.
    """
    comments = {
        row["id"]: Comment(
            id=row["id"],
            article=article,
            author_name=row["author_name"],
            author_url=row["author_url"],
            body=row["body"],
            created_at=_parse_time(row["created_at"]),
            is_official=bool(row["is_official"]),
            parent_id=row["parent_id"],
        )
        for row in rows
    }
    roots = []
    for comment in comments.values():
        if comment.parent_id is None:
            roots.append(comment)
        elif comment.parent_id in comments:
            comments[comment.parent_id].replies.append(comment)
    shown = []
    stack = list(reversed(roots))
    while stack:
        comment = stack.pop()
        shown.append(comment)
        stack.extend(reversed(comment.replies))
    return roots, shown


def attach(article, rows) -> list[Comment]:
    """Set `article.comments` and `article.comment_count`; return the shown comments."""
    article.comments, shown = build_threads(rows, article)
    article.comment_count = len(shown)
    return shown


def comments_open(metadata: dict) -> bool:
    return str(metadata.get("comments", "")).strip().lower() != "closed"


def _read_approved(db_path: str) -> dict[str, list[sqlite3.Row]]:
    if not db_path or not Path(db_path).is_file():
        return {}
    from comment_service.db import connect

    conn = connect(db_path, readonly=True)
    try:
        by_article: dict[str, list[sqlite3.Row]] = {}
        for row in fetch_approved(conn):
            by_article.setdefault(row["article_slug"], []).append(row)
        return by_article
    finally:
        conn.close()


def _form_token_issuer(settings):
    """A function slug -> signed form token, with the service's secret key."""
    from comment_service.config import Config
    from comment_service.tokens import issue

    secret = settings.get("COMMENTS_SECRET_KEY") or Config.from_env().secret_key
    return lambda slug: issue(secret, slug)


# Per-build state: the articles seen, and which written files show which article's count.
_build: dict = {}


def _reset(pelican):
    _build.clear()
    _build.update(articles=[], count_pages={}, output=Path(pelican.output_path))


def _attach_comments(generator):
    settings = generator.settings
    by_article = _read_approved(settings.get("COMMENTS_DB", ""))
    issue_token = _form_token_issuer(settings)
    articles = list(generator.articles) + list(generator.hidden_articles)
    translations = list(generator.translations) + list(generator.hidden_translations)
    approved = []
    for article in articles + translations:
        # Pelican turns the `Comments: closed` metadata into `article.comments`: read it first.
        article.comments_open = comments_open(article.metadata)
        shown = attach(article, by_article.get(article.slug, []))
        if article in articles:  # a translation shares its original's slug, hence its comments
            approved += shown
        article.comment_token = issue_token(article.slug)
    approved.sort(key=lambda c: (c.created_at, c.id), reverse=True)
    generator.context["approved_comments"] = approved
    _build["articles"] = articles


def _record_counts(path, context):
    """Remember which list pages show which articles (with their comment counts), so the
    service can patch them; taken from the page's context rather than re-reading the file."""
    page = context.get("articles_page")
    if "output" not in _build or page is None:
        return
    name = Path(path).resolve().relative_to(_build["output"].resolve()).as_posix()
    for article in page.object_list:
        _build["count_pages"].setdefault(article.slug, []).append(name)


def _write_manifest(pelican):
    if "output" not in _build:
        return
    manifest = {
        article.slug: {
            "title": str(Markup(article.title).striptags()),
            "url": article.url,
            "save_as": article.save_as,
            "comments_open": article.comments_open,
            # For the comments feed, which leaves out comments of unlisted or future articles.
            "status": article.status,
            "date": article.date.isoformat(),
            "count_pages": sorted(set(_build["count_pages"].get(article.slug, []))),
        }
        for article in _build["articles"]
    }
    _build["output"].mkdir(parents=True, exist_ok=True)
    (_build["output"] / MANIFEST_NAME).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
    )
    _build.clear()


def register():
    signals.initialized.connect(_reset)
    signals.article_generator_finalized.connect(_attach_comments)
    signals.content_written.connect(_record_counts)
    signals.finalized.connect(_write_manifest)
