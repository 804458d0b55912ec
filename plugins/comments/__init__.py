"""Bake approved comments into the static site, and tell the comment service about the build.

At build time this plugin reads the APPROVED comments from the SQLite file named by the
COMMENTS_DB setting (read-only; a missing file means no comments, so a fresh clone builds),
gives each article its threads (`article.comments`, `article.comment_count`) for the theme's
`comment_section(article)` and `comment_count(article)` (site_core.comments.sections), puts the
comments the comments feed shows in the context (`feed_comments`, for plugins/feeds), and
writes the manifest (site_core.manifest) the comment service reads. From reading the comments
to writing the manifest it holds the site lock (site_core.locks), so the service's patching of
pages waits for the build instead of being overwritten by it.
"""

import os
from datetime import datetime
from pathlib import Path

from markupsafe import Markup
from pelican import signals
from pelican.generators import ArticlesGenerator

from site_core import db, locks
from site_core.comments import sections
from site_core.comments.threads import (
    build_threads,
    by_article,
    comments_open,
    feed_comments,
    fetch_approved,
)
from site_core.feeds import article_text, shorten
from site_core.manifest import FEED_SETTINGS, ArticleEntry, Manifest
from site_core.paths import COMMENTS_ENDPOINT


class CommentsBuild:
    """What one build learns for the manifest: its articles and which pages show their counts."""

    def __init__(self, pelican):
        self.settings = pelican.settings
        self.output = Path(pelican.output_path).resolve()
        self.given = os.path.abspath(pelican.output_path)  # as the writer names its files
        self.articles: list = []
        self.categories: dict[str, str] = {}
        self.count_pages: dict[str, set[str]] = {}
        self.pages: dict[str, str] = {}  # pages readers can reach: slug -> url
        self.lock = None  # the site lock, from reading the comments to the manifest

    def unlock(self) -> None:
        if self.lock is not None:
            locks.release(self.lock)
            self.lock = None

    @property
    def database(self) -> Path:
        return Path(self.settings.get("COMMENTS_DB", ""))

    def read_approved(self) -> dict[str, list]:
        if not self.database.is_file():
            return {}
        conn = db.connect_readonly(self.database)
        try:
            return by_article(fetch_approved(conn))
        finally:
            conn.close()

    def attach(self, generator) -> None:
        if self.settings.get("COMMENTS_DB"):
            self.lock = locks.acquire(self.database)
        rows = self.read_approved()
        articles = list(generator.articles) + list(generator.hidden_articles)
        translations = list(generator.translations) + list(generator.hidden_translations)
        drafts = list(generator.drafts) + list(generator.drafts_translations)
        draft_ids = {id(draft) for draft in drafts}
        for article in articles + translations + drafts:
            # Pelican turns the `Comments: closed` metadata into `article.comments`: read it first.
            # A draft's preview shows no form: the service only knows published articles.
            article.comments_open = id(article) not in draft_ids and comments_open(article.metadata)
            article.comments, shown = build_threads(rows.get(article.slug, []), article)
            article.comment_count = len(shown)
        # A translation shares its original's slug, hence its comments: originals only.
        generator.context["feed_comments"] = feed_comments(
            [row for slug_rows in rows.values() for row in slug_rows],
            {article.slug: article for article in articles},
            datetime.now().astimezone(),
        )
        self.articles = articles
        self.categories = {category.slug: category.name for category, _ in generator.categories}

    def list_pages(self, generator) -> None:
        reachable = list(generator.pages) + list(generator.hidden_pages)
        self.pages = {page.slug: page.url for page in reachable}

    def record(self, path: str, context: dict) -> None:
        page = context.get("articles_page")
        if page is None:
            return
        name = os.path.abspath(path)  # no resolving: 1,800 pages a build at 1,000 articles
        if name.startswith(self.given + os.sep):
            name = name[len(self.given) + 1 :]
        else:
            name = Path(path).resolve().relative_to(self.output).as_posix()
        for article in page.object_list:
            self.count_pages.setdefault(article.slug, set()).add(name)

    def manifest(self) -> Manifest:
        settings = self.settings
        return Manifest(
            site_url=settings["SITEURL"],
            theme_templates=str(Path(settings["THEME"], "templates").resolve()),
            comments_endpoint=settings.get("COMMENTS_ENDPOINT", COMMENTS_ENDPOINT),
            feed_settings={name: settings[name] for name in FEED_SETTINGS},
            articles={
                article.slug: ArticleEntry(
                    slug=article.slug,
                    title=str(Markup(article.title).striptags()),
                    url=article.url,
                    save_as=article.save_as,
                    comments_open=article.comments_open,
                    status=article.status,
                    date=article.date,
                    count_pages=tuple(sorted(self.count_pages.get(article.slug, ()))),
                    **lettre_fields(article, settings),
                )
                for article in self.articles
            },
            categories=self.categories,
            pages=self.pages,
        )


def lettre_fields(article, settings) -> dict:
    """What the e-mail lettre shows of an article: thème, chapô (plain text), card image."""
    category = getattr(article, "category", None)
    return {
        "category": category.name if category else "",
        "category_slug": category.slug if category else "",
        "summary": shorten(
            article_text(article.summary), settings.get("FEEDS_SUMMARY_LENGTH", 300)
        ),
        "image": str(article.metadata.get("image", "") or ""),
    }


_state: CommentsBuild | None = None


def _start(pelican):
    global _state
    if _state is not None:  # the previous build in this process failed half-way
        _state.unlock()
    _state = CommentsBuild(pelican)


def _install(generator):
    if isinstance(generator, ArticlesGenerator) and _state is not None:
        sections.install(generator.env)


def _attach(generator):
    _state.attach(generator)


def _list_pages(generator):
    if _state is not None:
        _state.list_pages(generator)


def _record_counts(path, context):
    """Remember which list pages show which articles (with their comment counts), so the
    service can patch them; taken from the page's context rather than re-reading the file."""
    if _state is not None:
        _state.record(path, context)


def _write_manifest(pelican):
    global _state
    if _state is not None:
        _state.manifest().write(_state.output)
        _state.unlock()
        _state = None


def register():
    signals.initialized.connect(_start)
    signals.generator_init.connect(_install)
    signals.article_generator_finalized.connect(_attach)
    signals.page_generator_finalized.connect(_list_pages)
    signals.content_written.connect(_record_counts)
    signals.finalized.connect(_write_manifest)
