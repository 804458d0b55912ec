"""Partner feeds: RSS 2.0 and Atom 1.0 written with feedgen (site_core.feeds).

One pair for all articles, one pair per thème (Pelican category) that has articles, one pair for
the latest approved comments (from plugins/comments). Only the capped newest items are
sanitised and made absolute, so the cost does not grow with the size of the site.
"""

import html
import re
from datetime import datetime
from pathlib import Path

from lxml import html as lhtml
from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator

from site_core.build import keep, unchanged
from site_core.comments.threads import in_feeds
from site_core.feeds import (
    FORMAT_NAMES,
    Feed,
    article_text,
    comments_feed,
    local_time,
    new_entry,
    quoted,
    safe_content,
    set_identity,
    shorten,
    site_url,
    squeeze,
    write_comment_feeds,
    write_feed,
)
from site_core.typography import typeset_html

from .pictures import add_card, feed_markup

# Where the « S’abonner » page wants the list of every feed.
LIST_MARKER = "<!-- liste-des-flux -->"


def article_summary(article, limit):
    """The chapô as plain text: the Summary field, else the start of the article's paragraphs."""
    if article.metadata.get("summary"):
        return article_text(article.metadata["summary"])
    root = lhtml.fragment_fromstring(article.content or "<p></p>", create_parent="div")
    paragraphs = (squeeze(p.text_content()) for p in root.xpath(".//p[not(ancestor::nav)]"))
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
        article_text(article.title),
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
    entry.content(safe_content(feed_markup(article.content), permalink), type="html")
    entry.summary(html.escape(summary, quote=False), type="html")
    add_card(entry, article, settings)
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


# Where a long feed address may wrap: after « // », after each « / », before each « . ».
_BREAK_POINTS = re.compile(r"(?<=//)|(?<=/)(?=[^/])|(?=\.)")

# Copy buttons of the feed list: shown only where the browser can copy (a file: the site's
# Content-Security-Policy runs no inline script).
COPY_SCRIPT = '<script src="{siteurl}/theme/js/copier-flux.js"></script>'


def breakable_address(url):
    """The address as HTML text that wraps at its separators, never inside a word."""
    return "<wbr>".join(html.escape(part) for part in _BREAK_POINTS.split(url))


def _feed_list_html(feeds, cap, siteurl):
    """The list of every feed for the « S’abonner » page: each address as selectable text that
    wraps at sensible points, a copy button (with JavaScript) and a link to open it."""
    rows = []
    for feed in feeds:
        urls = ""
        for fmt, label in FORMAT_NAMES.items():
            url, which = html.escape(feed.url[fmt]), html.escape(f"{label} {quoted(feed.name)}")
            urls += (
                f'<li><span class="format-flux">{label} :</span> '
                f'<code class="adresse-flux">{breakable_address(feed.url[fmt])}</code> '
                f'<span class="actions-flux"><button type="button" hidden data-copier="{url}"'
                f' data-flux="{which}">Copier<span class="visuellement-cache"> l’adresse du'
                f' flux {which}</span></button> <a href="{url}">Ouvrir<span'
                f' class="visuellement-cache"> le flux {which}</span></a></span></li>'
            )
        rows.append(f"<li><strong>{html.escape(feed.name)}</strong><ul>{urls}</ul></li>")
    return typeset_html(
        f'<ul class="liste-flux">{"".join(rows)}</ul>\n'
        '<p class="flux-copie" id="flux-copie" role="status"></p>\n'
        f"<p>Chaque flux présente les {cap} publications les plus récentes.</p>\n"
        + COPY_SCRIPT.format(siteurl=siteurl)
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
    feeds = main + [feed for feed, _ in plan[1:]]
    listing = _feed_list_html(feeds, settings["FEED_MAX_ITEMS"], settings["SITEURL"])
    for pages in (g for g in generators if isinstance(g, PagesGenerator)):
        for page in pages.pages + pages.hidden_pages:
            if LIST_MARKER in page._content:
                page._content = page._content.replace(LIST_MARKER, listing)


def write_feeds(generator, writer=None):
    """After the articles are written: every article feed, then the comments feed."""
    settings = generator.settings
    entries = {}
    output = Path(settings["OUTPUT_PATH"])
    for feed, articles in _plan(generator):
        paths = [output / path for path in feed.save_as.values()]
        if all([unchanged(path, (feed, articles)) for path in paths]):  # each path recorded
            for path in paths:
                keep(path)
            continue
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
