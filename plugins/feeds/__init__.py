"""Partner feeds: RSS 2.0 and Atom 1.0 written with feedgen.

One pair for all articles, one pair per thème (Pelican category) that has articles, one pair for
the latest approved comments. Only the capped newest items are sanitised and made absolute, so
the cost does not grow with the size of the site. Each feed carries an xml-stylesheet
instruction so a partner opening it in a browser sees a French page instead of raw XML.

The comment service calls `write_comment_feeds(settings, comments)` after a moderation action to
rewrite only the comments feed.
"""

import html
import os
import tempfile
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import nh3
from feedgen.entry import FeedEntry
from feedgen.ext.dc import DcEntryExtension
from feedgen.feed import FeedGenerator
from lxml import html as lhtml
from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator

MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
FORMAT_NAMES = {"rss": "RSS", "atom": "Atom"}
# Where the « S’abonner » page wants the list of every feed.
LIST_MARKER = "<!-- liste-des-flux -->"
NBSP = "\u00a0"


def _quoted(text):
    """French quotation marks with the non-breaking spaces French typography requires."""
    return f"«{NBSP}{text}{NBSP}»"


def _site_url(settings, path=""):
    return f"{settings['SITEURL']}/{path}"


def _static_url(settings, name):
    return _site_url(settings, f"{settings['THEME_STATIC_DIR']}/feeds/{name}")


def _is_absolute(url):
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _paris(value, settings):
    """An aware datetime (or ISO 8601 string) in the site's time zone, to the second."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(ZoneInfo(settings["TIMEZONE"])).replace(microsecond=0)


def _field(obj, name, default=None):
    """Read `name` from a Pelican object, a dict or a sqlite3.Row alike."""
    try:
        return getattr(obj, name)
    except AttributeError:
        try:
            return obj[name]
        except (KeyError, IndexError, TypeError):
            return default


def plain_text(markup):
    """The text of an HTML fragment, whitespace collapsed."""
    if not markup or not markup.strip():
        return ""
    root = lhtml.fragment_fromstring(markup, create_parent="div")
    return " ".join(root.text_content().split())


def shorten(text, limit):
    """Cut `text` to at most `limit` characters on a word boundary, ending with « … »."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.!?–—" + NBSP + "\u202f") + "…"


def article_summary(article, limit):
    """The chapô as plain text: the Summary field, else the start of the article's paragraphs."""
    if article.metadata.get("summary"):
        return plain_text(article.metadata["summary"])
    root = lhtml.fragment_fromstring(article.content or "<p></p>", create_parent="div")
    paragraphs = (
        " ".join(p.text_content().split()) for p in root.xpath(".//p[not(ancestor::nav)]")
    )
    return shorten(" ".join(p for p in paragraphs if p), limit)


def safe_content(markup, permalink):
    """Sanitised HTML whose links and images resolve against the permalink ("#x" included)."""
    relative = ("rewrite_with_base", permalink) if _is_absolute(permalink) else None
    return nh3.clean(markup or "", url_relative=relative)


def _speakers(article):
    """(author, role) pairs: the speakers plugin's, else the authors without roles."""
    speakers = getattr(article, "speakers", None)
    if speakers is None:
        speakers = [(author, "") for author in getattr(article, "authors", None) or []]
    return speakers


def _new_entry():
    entry = FeedEntry()
    entry.register_extension("dc", DcEntryExtension, atom=False, rss=True)
    return entry


def _set_identity(entry, title, permalink, published, updated):
    entry.title(title)
    entry.guid(permalink, permalink=_is_absolute(permalink))
    entry.link(href=permalink, rel="alternate", type="text/html")
    entry.published(published)
    entry.updated(max(published, updated))


def article_entry(article, settings):
    """The feed entry of one article (built once, shared by every feed listing it)."""
    permalink = _site_url(settings, article.url)
    entry = _new_entry()
    published = _paris(article.date, settings)
    modified = getattr(article, "modified", None)
    _set_identity(
        entry,
        plain_text(article.title),
        permalink,
        published,
        _paris(modified, settings) if modified else published,
    )
    for author, role in _speakers(article):
        name = f"{author.name}, {role}" if role else author.name
        entry.author(name=name, uri=_site_url(settings, author.url))
        entry.dc.dc_creator(name)
    entry.category(
        term=article.category.slug,
        label=article.category.name,
        scheme=_site_url(settings, settings["CATEGORIES_URL"]),
    )
    for tag in getattr(article, "tags", None) or []:
        entry.category(
            term=tag.slug, label=tag.name, scheme=_site_url(settings, settings["TAGS_URL"])
        )
    summary = article_summary(article, settings["FEEDS_SUMMARY_LENGTH"])
    entry.content(safe_content(article.content, permalink), type="html")
    entry.summary(html.escape(summary, quote=False), type="html")
    return entry


def comment_entry(comment, settings):
    """The feed entry of one approved comment, linking to its place on the article page."""
    article = _field(comment, "article")
    article_title = plain_text(_field(article, "title"))
    permalink = _site_url(settings, f"{_field(article, 'url')}#commentaire-{_field(comment, 'id')}")
    name = _field(comment, "author_name")
    speaker = "Réponse de la Caf de l’Essonne" if _field(comment, "is_official") else name
    title = f"{speaker} sur {_quoted(article_title)}"
    created = _paris(_field(comment, "created_at"), settings)
    entry = _new_entry()
    _set_identity(entry, title, permalink, created, created)
    website = _field(comment, "author_url", "") or ""
    entry.author(name=name, **({"uri": website} if _is_absolute(website) else {}))
    entry.dc.dc_creator(name)
    body = safe_content(_field(comment, "body_html"), permalink)
    entry.content(body, type="html")
    entry.summary(
        html.escape(shorten(plain_text(body), settings["FEEDS_SUMMARY_LENGTH"]), quote=False),
        type="html",
    )
    return entry


class Feed:
    """One feed in both formats: its texts, where it is written and the page it stands for."""

    def __init__(self, settings, save_as, title, description, page_url, name, slug=None):
        self.save_as = {fmt: save_as.format(format=fmt) for fmt in MEDIA_TYPES}
        self.url = {fmt: _site_url(settings, path) for fmt, path in self.save_as.items()}
        self.title = title
        self.description = description
        self.page_url = page_url
        self.name = name  # short French label for the « S’abonner » page
        self.slug = slug  # the category's slug, for category feeds

    def links(self):
        """`<link rel="alternate">` data for the templates, RSS first."""
        return [
            {"url": self.url[fmt], "type": MEDIA_TYPES[fmt], "title": f"{self.title} ({label})"}
            for fmt, label in FORMAT_NAMES.items()
        ]


def all_articles_feed(settings):
    return Feed(
        settings,
        settings["FEEDS_ALL_SAVE_AS"],
        f"{settings['SITENAME']} : tous les articles",
        settings["SITE_DESCRIPTION"],
        _site_url(settings),
        "Tous les articles",
    )


def category_feed(settings, category):
    return Feed(
        settings,
        settings["FEEDS_CATEGORY_SAVE_AS"].replace("{slug}", category.slug),
        f"{settings['SITENAME']} : thème {_quoted(category.name)}",
        f"Les articles du thème {_quoted(category.name)} de la Caf de l’Essonne pour ses "
        "partenaires.",
        _site_url(settings, category.url),
        f"Thème {_quoted(category.name)}",
        category.slug,
    )


def comments_feed(settings):
    return Feed(
        settings,
        settings["FEEDS_COMMENTS_SAVE_AS"],
        f"{settings['SITENAME']} : derniers commentaires",
        "Les derniers commentaires publiés (après modération) sur les articles de la Caf de "
        "l’Essonne pour ses partenaires.",
        _site_url(settings),
        "Derniers commentaires",
    )


def _stylesheet_instruction(settings):
    """Same-origin path to the XSLT (browsers refuse a cross-origin stylesheet)."""
    path = urlsplit(settings["SITEURL"]).path.rstrip("/")
    href = f"{path}/{settings['THEME_STATIC_DIR']}/feeds/flux.xsl"
    return f'<?xml-stylesheet type="text/xsl" href="{href}"?>\n'.encode()


def _write_atomically(path, data):
    """Readers of a live site (the comment service rewrites feeds) never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".flux-")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def write_feed(settings, feed, entries):
    """Write `feed` in both formats with `entries` (newest first, already capped)."""
    generator = FeedGenerator()
    generator.load_extension("dc", atom=False, rss=True)
    generator.id(feed.url["atom"])
    generator.title(feed.title)
    generator.description(feed.description)
    generator.language("fr-FR")
    generator.author(name=settings["SITENAME"], uri=_site_url(settings))
    logo = _static_url(settings, "logo.png")
    generator.logo(logo)
    generator.icon(logo)
    generator.image(url=logo, title=feed.title, link=feed.page_url, width="144", height="144")
    generator.updated(
        max((e.updated() for e in entries), default=None)
        or _paris(datetime.now().astimezone(), settings)
    )
    for entry in entries:
        generator.add_entry(entry, order="append")
    stylesheet = _stylesheet_instruction(settings)
    written = []
    for fmt, render in (("rss", generator.rss_str), ("atom", generator.atom_str)):
        generator.link(
            # feedgen takes the last link as the RSS <link>: the page, not the feed.
            [
                {"href": feed.url[fmt], "rel": "self", "type": MEDIA_TYPES[fmt]},
                {"href": feed.page_url, "rel": "alternate", "type": "text/html"},
            ],
            replace=True,
        )
        declaration, _, body = render(pretty=True).partition(b"\n")
        path = Path(settings["OUTPUT_PATH"]) / feed.save_as[fmt]
        _write_atomically(path, declaration + b"\n" + stylesheet + body)
        written.append(path)
    return written


def write_comment_feeds(settings, comments):
    """Rewrite only the comments feed from approved comments, newest first.

    `settings`: Pelican settings (SITEURL, OUTPUT_PATH, SITENAME, TIMEZONE, THEME_STATIC_DIR,
    FEED_MAX_ITEMS, FEEDS_*). `comments`: objects, dicts or sqlite3.Row with id, article (with
    title and url, site-relative), author_name, author_url, body_html, created_at (aware
    datetime or ISO 8601 string), is_official. Returns the paths written.
    """
    latest = sorted(comments, key=lambda c: _paris(_field(c, "created_at"), settings), reverse=True)
    entries = [comment_entry(c, settings) for c in latest[: settings["FEED_MAX_ITEMS"]]]
    return write_feed(settings, comments_feed(settings), entries)


def in_feeds(article, now):
    """Published and not dated in the future (Pelican publishes future dates by default)."""
    return article.status == "published" and article.date <= now


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


def _shown_comments(generator):
    """Approved comments whose article is in the feeds: those of hidden, draft or future
    articles would reveal them."""
    now = datetime.now().astimezone()
    comments = generator.context.get("approved_comments") or []
    return [c for c in comments if in_feeds(c.article, now)]


def announce_feeds(generators):
    """Give templates the discovery links and fill the feed list of the « S’abonner » page.

    Like a thème feed, the comments feed is only announced once it has items (an empty feed is
    valid but useless, and feed checkers warn about it)."""
    articles = next(g for g in generators if isinstance(g, ArticlesGenerator))
    settings = articles.settings
    plan = _plan(articles)
    main = [plan[0][0]] + ([comments_feed(settings)] if _shown_comments(articles) else [])
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
    comments = _shown_comments(generator)
    if comments:
        write_comment_feeds(settings, comments)


def register():
    signals.all_generators_finalized.connect(announce_feeds)
    signals.article_writer_finalized.connect(write_feeds)
