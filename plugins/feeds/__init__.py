"""Partner feeds: RSS 2.0 and Atom 1.0 written with feedgen (site_core.feeds).

One pair for all articles, one pair per thème (Pelican category) that has articles, one pair for
the latest approved comments (from plugins/comments). Only the capped newest items are
sanitised and made absolute, so the cost does not grow with the size of the site.
"""

import html
from datetime import datetime

from lxml import html as lhtml
from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator

from site_core.comments import in_feeds
from site_core.feeds import (
    FORMAT_NAMES,
    NBSP,
    Feed,
    comments_feed,
    local_time,
    new_entry,
    plain_text,
    quoted,
    safe_content,
    set_identity,
    shorten,
    site_url,
    write_comment_feeds,
    write_feed,
)

# Where the « S’abonner » page wants the list of every feed.
LIST_MARKER = "<!-- liste-des-flux -->"


def article_summary(article, limit):
    """The chapô as plain text: the Summary field, else the start of the article's paragraphs."""
    if article.metadata.get("summary"):
        return plain_text(article.metadata["summary"])
    root = lhtml.fragment_fromstring(article.content or "<p></p>", create_parent="div")
    paragraphs = (
        " ".join(p.text_content().split()) for p in root.xpath(".//p[not(ancestor::nav)]")
    )
    return shorten(" ".join(p for p in paragraphs if p), limit)


def _speakers(article):
    """(author, role) pairs: the speakers plugin's, else the authors without roles."""
    speakers = getattr(article, "speakers", None)
    if speakers is None:
        speakers = [(author, "") for author in getattr(article, "authors", None) or []]
    return speakers


def article_entry(article, settings):
    """The feed entry of one article (built once, shared by every feed listing it)."""
    permalink = site_url(settings, article.url)
    entry = new_entry()
    published = local_time(article.date, settings)
    modified = getattr(article, "modified", None)
    set_identity(
        entry,
        plain_text(article.title),
        permalink,
        published,
        local_time(modified, settings) if modified else published,
    )
    for author, role in _speakers(article):
        name = f"{author.name}, {role}" if role else author.name
        entry.author(name=name, uri=site_url(settings, author.url))
        entry.dc.dc_creator(name)
    entry.category(
        term=article.category.slug,
        label=article.category.name,
        scheme=site_url(settings, settings["CATEGORIES_URL"]),
    )
    for tag in getattr(article, "tags", None) or []:
        entry.category(
            term=tag.slug, label=tag.name, scheme=site_url(settings, settings["TAGS_URL"])
        )
    summary = article_summary(article, settings["FEEDS_SUMMARY_LENGTH"])
    entry.content(safe_content(article.content, permalink), type="html")
    entry.summary(html.escape(summary, quote=False), type="html")
    return entry


def all_articles_feed(settings):
    return Feed(
        settings,
        settings["FEEDS_ALL_SAVE_AS"],
        f"{settings['SITENAME']} : tous les articles",
        settings["SITE_DESCRIPTION"],
        site_url(settings),
        "Tous les articles",
    )


def category_feed(settings, category):
    return Feed(
        settings,
        settings["FEEDS_CATEGORY_SAVE_AS"].replace("{slug}", category.slug),
        f"{settings['SITENAME']} : thème {quoted(category.name)}",
        f"Les articles du thème {quoted(category.name)} de la Caf de l’Essonne pour ses "
        "partenaires.",
        site_url(settings, category.url),
        f"Thème {quoted(category.name)}",
        category.slug,
    )


def _plan(generator):
    """Articles per feed (newest first, capped), only feeds that have items."""
    settings = generator.settings
    now = datetime.now().astimezone()
    cap = settings["FEED_MAX_ITEMS"]

    def newest(articles):
        return sorted(
            (a for a in articles if in_feeds(a, now)), key=lambda a: a.date, reverse=True
        )[:cap]

    plan = [(all_articles_feed(settings), newest(generator.articles))]
    for category, articles in sorted(generator.categories, key=lambda pair: pair[0].name):
        items = newest(articles)
        if items:
            plan.append((category_feed(settings, category), items))
    return plan


def _feed_list_html(feeds, cap):
    """The list of every feed for the « S’abonner » page."""
    rows = []
    for feed in feeds:
        urls = "".join(
            f'<li>{label}{NBSP}: <a href="{html.escape(feed.url[fmt])}">'
            f"<code>{html.escape(feed.url[fmt])}</code></a></li>"
            for fmt, label in FORMAT_NAMES.items()
        )
        rows.append(f"<li><strong>{html.escape(feed.name)}</strong><ul>{urls}</ul></li>")
    return (
        f'<ul class="liste-flux">{"".join(rows)}</ul>\n'
        f"<p>Chaque flux présente les {cap}{NBSP}publications les plus récentes.</p>"
    )


def announce_feeds(generators):
    """Give templates the discovery links and fill the feed list of the « S’abonner » page.

    The comments feed is written and announced even before the first comment is approved (an
    empty feed is valid): the service adds items without a build, and a page built before the
    first approval must already link to it."""
    articles = next(g for g in generators if isinstance(g, ArticlesGenerator))
    settings = articles.settings
    plan = _plan(articles)
    main = [plan[0][0], comments_feed(settings)]
    articles.context["partner_feeds"] = {
        "main": [link for feed in main for link in feed.links()],
        "categories": {feed.slug: feed.links() for feed, _ in plan[1:]},
    }
    listing = _feed_list_html(main + [feed for feed, _ in plan[1:]], settings["FEED_MAX_ITEMS"])
    for pages in (g for g in generators if isinstance(g, PagesGenerator)):
        for page in pages.pages + pages.hidden_pages:
            if LIST_MARKER in page._content:
                page._content = page._content.replace(LIST_MARKER, listing)


def write_feeds(generator, writer=None):
    """After the articles are written: every article feed, then the comments feed."""
    settings = generator.settings
    entries = {}
    for feed, articles in _plan(generator):
        items = []
        for article in articles:
            if id(article) not in entries:
                entries[id(article)] = article_entry(article, settings)
            items.append(entries[id(article)])
        write_feed(settings, feed, items)
    # Without comments, the comments feed is dated by the newest article rather than by the
    # build's clock, so that two builds of the same site write the same bytes.
    newest = max((article.date for article in generator.articles), default=None)
    write_comment_feeds(
        settings,
        generator.context.get("feed_comments") or [],
        local_time(newest, settings) if newest else None,
    )


def register():
    signals.all_generators_finalized.connect(announce_feeds)
    signals.article_writer_finalized.connect(write_feeds)
