"""Feeds written with feedgen: the writer every feed shares, and the comments feed.

The build (plugins/feeds) writes the article feeds with `write_feed` and the comments feed with
`write_comment_feeds`; the comment service rewrites only the comments feed after a moderation
action, with the same function and the settings the build put in the manifest. Each feed
carries an xml-stylesheet instruction so a partner opening it in a browser sees a French page
instead of raw XML.

Every text a reader sees in a feed (feed and item titles, descriptions, summaries, the comments'
text) gets French typography (site_core.typography), and keeps it: whitespace is collapsed
without turning its no-break spaces into ordinary ones.
"""

import functools
import html
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import nh3
from feedgen.entry import FeedEntry
from feedgen.ext.dc import DcEntryExtension
from feedgen.feed import FeedGenerator
from lxml import html as lhtml

from site_core.files import write_atomic
from site_core.typography import NBSP, typeset_html, typeset_text
from site_core.urls import is_web_url

MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
FORMAT_NAMES = {"rss": "RSS", "atom": "Atom"}


# Runs of ordinary whitespace; no-break spaces are typography, not layout, and stay.
_WHITESPACE = re.compile(r"[ \t\r\n\f\v]+")


def quoted(text):
    """`text` in French quotation marks, with the no-break spaces French typography requires."""
    return typeset_text(f"« {text} »")


def squeeze(text):
    """`text` with runs of ordinary whitespace collapsed to one space, ends trimmed."""
    return _WHITESPACE.sub(" ", text).strip(" ")


def site_url(settings, path=""):
    return f"{settings['SITEURL']}/{path}"


def _static_url(settings, name):
    return site_url(settings, f"{settings['THEME_STATIC_DIR']}/feeds/{name}")


def local_time(value, settings):
    """An aware datetime in the site's time zone, to the second."""
    return value.astimezone(ZoneInfo(settings["TIMEZONE"])).replace(microsecond=0)


def plain_text(markup):
    """The text of an HTML fragment, whitespace collapsed."""
    if not markup or not markup.strip():
        return ""
    root = lhtml.fragment_fromstring(markup, create_parent="div")
    return squeeze(root.text_content())


# The same, kept for the process, for articles' titles and chapôs: every incremental build asks
# it again of each article (feeds, manifest), 0.3 ms each with lxml. Never for comments: a
# reader's erased text must not stay in a process's memory.
article_text = functools.lru_cache(maxsize=16384)(plain_text)


def shorten(text, limit):
    """Cut `text` to at most `limit` characters on a word boundary, ending with « … »."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.!?–—" + NBSP + "\u202f") + "…"


def safe_content(markup, permalink):
    """Sanitised HTML whose links and images resolve against the permalink ("#x" included)."""
    relative = ("rewrite_with_base", permalink) if is_web_url(permalink) else None
    return nh3.clean(markup or "", url_relative=relative)


def new_entry():
    entry = FeedEntry()
    entry.register_extension("dc", DcEntryExtension, atom=False, rss=True)
    return entry


def set_identity(entry, title, permalink, published, updated):
    entry.title(title)
    entry.guid(permalink, permalink=is_web_url(permalink))
    entry.link(href=permalink, rel="alternate", type="text/html")
    entry.published(published)
    entry.updated(max(published, updated))


def comment_entry(comment, settings):
    """The feed entry of one approved comment (site_core.comments.threads.Comment), linking to its
    place on the article page."""
    article = comment.article
    permalink = site_url(settings, f"{article.url}#commentaire-{comment.id}")
    speaker = "Réponse de la Caf de l’Essonne" if comment.is_official else comment.author_name
    title = f"{speaker} sur {quoted(plain_text(article.title))}"
    created = local_time(comment.created_at, settings)
    entry = new_entry()
    set_identity(entry, title, permalink, created, created)
    website = comment.author_url or ""
    entry.author(name=comment.author_name, **({"uri": website} if is_web_url(website) else {}))
    entry.dc.dc_creator(comment.author_name)
    body = safe_content(typeset_html(comment.body_html), permalink)
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
        self.url = {fmt: site_url(settings, path) for fmt, path in self.save_as.items()}
        self.title = typeset_text(title)
        self.description = typeset_text(description)
        self.page_url = page_url
        self.name = typeset_text(name)  # short French label for the « S’abonner » page
        self.slug = slug  # the category's slug, for category feeds

    def links(self):
        """`<link rel="alternate">` data for the templates, RSS first."""
        return [
            {"url": self.url[fmt], "type": MEDIA_TYPES[fmt], "title": f"{self.title} ({label})"}
            for fmt, label in FORMAT_NAMES.items()
        ]


def comments_feed(settings):
    return Feed(
        settings,
        settings["FEEDS_COMMENTS_SAVE_AS"],
        f"{settings['SITENAME']} : derniers commentaires",
        "Les derniers commentaires publiés (après modération) sur les articles de la Caf de "
        "l’Essonne pour ses partenaires.",
        site_url(settings),
        "Derniers commentaires",
    )


def _stylesheet_instruction(settings):
    """Same-origin path to the XSLT (browsers refuse a cross-origin stylesheet)."""
    path = urlsplit(settings["SITEURL"]).path.rstrip("/")
    href = f"{path}/{settings['THEME_STATIC_DIR']}/feeds/flux.xsl"
    return f'<?xml-stylesheet type="text/xsl" href="{href}"?>\n'.encode()


def write_feed(settings, feed, entries, updated=None):
    """Write `feed` in both formats with `entries` (newest first, already capped). Its date is
    its newest entry's, else `updated`, else now."""
    generator = FeedGenerator()
    generator.load_extension("dc", atom=False, rss=True)
    generator.id(feed.url["atom"])
    generator.title(feed.title)
    generator.description(feed.description)
    generator.language("fr-FR")
    generator.author(name=settings["SITENAME"], uri=site_url(settings))
    logo = _static_url(settings, "logo.png")
    generator.logo(logo)
    generator.icon(logo)
    generator.image(url=logo, title=feed.title, link=feed.page_url, width="144", height="144")
    generator.updated(
        max((e.updated() for e in entries), default=None)
        or updated
        or local_time(datetime.now().astimezone(), settings)
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
        write_atomic(path, declaration + b"\n" + stylesheet + body)
        written.append(path)
    return written


def write_comment_feeds(settings, comments, updated=None):
    """Write the comments feed from `comments` (site_core.comments.threads.feed_comments: newest
    first); returns the paths written. `settings`: SITEURL, OUTPUT_PATH and the manifest's
    FEED_SETTINGS. `updated`: the date of the feed while it has no comment (else now)."""
    entries = [comment_entry(c, settings) for c in comments[: settings["FEED_MAX_ITEMS"]]]
    return write_feed(settings, comments_feed(settings), entries, updated)
