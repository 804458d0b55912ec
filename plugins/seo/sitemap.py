"""`sitemap.xml` and `robots.txt`: what search engines should crawl, and what not.

The sitemap lists the home page, the published articles (not drafts, hidden or future ones,
as the feeds), the pages (not hidden ones), each thème and each intervenant, and their lists,
with `lastmod`: the article's last change, the newest article of a list. Only the first page of
a paginated list is listed; the others are reached from it.
"""

from datetime import datetime

from lxml import etree

from site_core.paths import COMMENTS_ENDPOINT

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _changed(content) -> datetime | None:
    return getattr(content, "modified", None) or getattr(content, "date", None)


def _newest(articles) -> datetime | None:
    return max((_changed(a) for a in articles), default=None)


def entries(articles, pages, categories, authors, settings) -> list[tuple[str, datetime | None]]:
    """(url, lastmod) of every page to list; `articles` are the published ones."""
    site = settings["SITEURL"]
    rows = [(f"{site}/", _newest(articles))]
    rows += [(f"{site}/{a.url}", _changed(a)) for a in articles]
    rows += [(f"{site}/{p.url}", _changed(p)) for p in pages]
    for listing, groups in (
        (settings["CATEGORIES_URL"], categories),
        (settings["AUTHORS_URL"], authors),
    ):
        shown = [(term, items) for term, items in groups if items]
        rows.append((f"{site}/{listing}", _newest(articles)))
        rows += [(f"{site}/{term.url}", _newest(items)) for term, items in shown]
    rows.append((f"{site}/{settings['ARCHIVES_URL']}", _newest(articles)))
    return rows


def sitemap_xml(rows) -> bytes:
    root = etree.Element(f"{{{NAMESPACE}}}urlset", nsmap={None: NAMESPACE})
    for url, lastmod in rows:
        item = etree.SubElement(root, f"{{{NAMESPACE}}}url")
        etree.SubElement(item, f"{{{NAMESPACE}}}loc").text = url
        if lastmod:
            etree.SubElement(item, f"{{{NAMESPACE}}}lastmod").text = lastmod.isoformat()
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def robots_txt(sitemap_url: str) -> str:
    """Everything may be crawled but the comment service's pages. No private folder is named:
    nothing unpublished is in the output, and a name here would tell where to look."""
    lines = ["User-agent: *", f"Disallow: {COMMENTS_ENDPOINT}"]
    return "\n".join([*lines, "", f"Sitemap: {sitemap_url}", ""])
