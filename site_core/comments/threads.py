"""The thread model: approved comments as readers see them, for the build and the service.

`fetch_approved` reads them, `build_threads` nests them, `render_body` turns a comment's text
into safe HTML, and `feed_comments` picks those the comments feed shows. The build bakes them
into the pages; the service re-renders one article's section with the same functions after a
moderation action, so a patched page and a full build give the same HTML.
"""

import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup, escape

from site_core.dates import format_date
from site_core.urls import is_web_url

_URL = re.compile(r"https?://[^\s<>\"'«»]+", re.IGNORECASE)
# Punctuation that ends a sentence rather than the link it follows.
_URL_TRAILING = ".,;:!?)]}’"
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
LINK_REL = "nofollow ugc noopener"


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
    # Erased at its author's request (RGPD) while others had replied: shown as a placeholder.
    erased: bool = False
    replies: list["Comment"] = field(default_factory=list)

    @property
    def body_html(self) -> Markup:
        return render_body(self.body)

    @property
    def author_link(self) -> str:
        """The author's website, only if it is a plain http(s) address."""
        return self.author_url if is_web_url(self.author_url) else ""

    @property
    def date_text(self) -> str:
        return format_date(self.created_at, with_time=True)


def _autolink(text: str) -> Markup:
    """Escape `text`, turning http(s) addresses into nofollow links."""
    out = Markup()
    position = 0
    for match in _URL.finditer(text):
        url = match.group().rstrip(_URL_TRAILING)
        end = match.start() + len(url)
        out += escape(text[position : match.start()])
        if is_web_url(url):
            out += Markup('<a href="{}" rel="{}">{}</a>').format(url, LINK_REL, url)
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


def fetch_approved(conn: sqlite3.Connection, slug: str | None = None) -> list[sqlite3.Row]:
    """Approved comments (of one article, or all), oldest first."""
    where = "status = 'approved'" + (" AND article_slug = ?" if slug is not None else "")
    return conn.execute(
        "SELECT id, article_slug, parent_id, author_name, author_url, body, is_official,"
        f" created_at, erased FROM comments WHERE {where} ORDER BY created_at, id",
        () if slug is None else (slug,),
    ).fetchall()


def by_article(rows: Iterable[sqlite3.Row]) -> dict[str, list[sqlite3.Row]]:
    """Rows grouped by article slug, in their order."""
    grouped: dict[str, list[sqlite3.Row]] = {}
    for row in rows:
        grouped.setdefault(row["article_slug"], []).append(row)
    return grouped


def build_threads(rows, article) -> tuple[list[Comment], list[Comment]]:
    """Nest `rows` (one article's approved comments) into threads.

    Returns (roots oldest first, every shown comment). A reply whose parent is not approved is
    not shown: it would be out of context. An erased comment keeps its place in the thread (its
    replies stay) but is not counted among the shown comments.
    """
    comments = {
        row["id"]: Comment(
            id=row["id"],
            article=article,
            author_name=row["author_name"],
            author_url=row["author_url"],
            body=row["body"],
            created_at=datetime.fromisoformat(row["created_at"]),
            is_official=bool(row["is_official"]),
            parent_id=row["parent_id"],
            erased=bool(row["erased"]),
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
        if not comment.erased:
            shown.append(comment)
        stack.extend(reversed(comment.replies))
    return roots, shown


def comments_open(metadata: Mapping) -> bool:
    """`Comments: closed` in an article's metadata closes its form."""
    return str(metadata.get("comments", "")).strip().lower() != "closed"


def in_feeds(article, now: datetime) -> bool:
    """Published and not dated in the future (Pelican publishes future dates by default)."""
    return article.status == "published" and article.date <= now


def feed_comments(rows, articles: Mapping[str, object], now: datetime) -> list[Comment]:
    """The comments the comments feed shows, newest first: shown comments of articles in the
    feeds (those of hidden, draft or future articles would reveal them). `articles` maps a slug
    to anything with title, url, status and date: a Pelican article or a manifest entry."""
    shown = []
    for slug, article_rows in by_article(rows).items():
        article = articles.get(slug)
        if article is not None and in_feeds(article, now):
            shown += build_threads(article_rows, article)[1]
    shown.sort(key=lambda c: (c.created_at, c.id), reverse=True)
    return shown
