"""Being found: a JSON-LD `NewsArticle` on each published article (`article.json_ld`, written
by theme/templates/article.html), `sitemap.xml` and `robots.txt` pointing to it.

The canonical link of every page is in theme/templates/base.html. Hidden articles (drafts are
never written: pelicanconf.py) get neither JSON-LD nor a sitemap entry, and a `noindex` robots
tag (article.html).
"""

from datetime import datetime
from pathlib import Path

from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator

from site_core.comments.threads import in_feeds

from . import jsonld, sitemap


def add_json_ld(generator) -> None:
    """article_generator_finalized: speakers, share card and category are all known."""
    now = datetime.now().astimezone()
    for article in generator.articles:
        if in_feeds(article, now):
            article.json_ld = jsonld.script(jsonld.news_article(article, generator.settings))


def write_sitemap(generators) -> None:
    articles = next(g for g in generators if isinstance(g, ArticlesGenerator))
    pages = next(g for g in generators if isinstance(g, PagesGenerator))
    settings = articles.settings
    now = datetime.now().astimezone()
    published = [a for a in articles.articles if in_feeds(a, now)]
    keep = set(map(id, published))

    def shown(groups):
        return [(term, [a for a in items if id(a) in keep]) for term, items in groups]

    rows = sitemap.entries(
        published, pages.pages, shown(articles.categories), shown(articles.authors), settings
    )
    output = Path(settings["OUTPUT_PATH"])
    output.mkdir(parents=True, exist_ok=True)
    (output / "sitemap.xml").write_bytes(sitemap.sitemap_xml(rows))
    sitemap_url = f"{settings['SITEURL']}/sitemap.xml"
    (output / "robots.txt").write_text(sitemap.robots_txt(sitemap_url), "utf-8")


def register():
    signals.article_generator_finalized.connect(add_json_ld)
    signals.all_generators_finalized.connect(write_sitemap)
