"""The partner feeds (plugins/feeds) on the real site: valid (feed_checker.py, the W3C Feed
Validator's rules offline), the same items in RSS and Atom, every article in its feeds,
discovery links on every page, and the XSLT preview in Debian's Chromium."""

import re

import feedparser
import pytest
from bs4 import BeautifulSoup

from tests.support.feed_checker import (
    SITE_URL,
    alternate_links,
    feed_files,
    feed_problems,
    untypeset_texts,
)
from tests.support.site import build_site, serve_directory


def test_checker_catches_what_the_validator_flags(tmp_path):
    """The checks above are not blind: each seeded fault is reported."""
    bad = tmp_path / "flux" / "bad.rss.xml"
    bad.parent.mkdir()
    bad.write_text(
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<?xml-stylesheet type="text/xsl" href="/x.xsl"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        "<title>t</title><link>/relatif/</link><description>d</description><foo>x</foo>"
        '<atom:link href="https://ailleurs.example/bad.xml" rel="self"/>'
        "<lastBuildDate>Tue, 10 Jan 2022 09:00:00 +0100</lastBuildDate>"
        "<item><title>i</title><link>https://partenaires.example.fr/a/</link>"
        "<guid>a-1</guid><pubDate>10 Jan 2022 09:00</pubDate><author>Jean</author>"
        '<description>&lt;a href="#x" onclick="y()"&gt;x&lt;/a&gt;&lt;script&gt;&lt;/script&gt;'
        "</description></item></channel></rss>"
    )
    found = "\n".join(feed_problems(bad, tmp_path))
    for expected in ("not an absolute https URL: '/relatif/'", "unknown <foo>", "language",
                     "self is", "self type", "wrong day of week", "<image>", "guid must be",
                     "not an RFC 822", "<author>", "dc:creator", "attribute onclick",
                     "unsafe <script>", "'#x'"):  # fmt: skip
        assert expected in found


# --- the real site ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The real content built for its public address."""
    return build_site(tmp_path_factory.mktemp("feeds-site") / "output", SITEURL=SITE_URL)


def test_real_site_feeds_are_valid(site):
    feeds = feed_files(site)
    names = {path.relative_to(site).as_posix() for path in feeds}
    assert {"flux/tous.rss.xml", "flux/tous.atom.xml"} <= names
    # No comment is approved yet: the comments feed is empty but there, and announced, so the
    # first approval (which rewrites only the feed) needs no build for pages to link to it.
    assert {"flux/commentaires.rss.xml", "flux/commentaires.atom.xml"} <= names
    assert feedparser.parse((site / "flux/commentaires.atom.xml").read_bytes()).entries == []
    assert "commentaires.rss.xml" in (site / "index.html").read_text(encoding="utf-8")
    assert any(name.startswith("flux/themes/") for name in names)
    for path in feeds:
        assert feed_problems(path, site) == [], path


def test_rss_and_atom_carry_the_same_items_newest_first(site):
    for rss in (site / "flux").rglob("*.rss.xml"):
        rss_feed = feedparser.parse(rss.read_bytes())
        atom_feed = feedparser.parse(rss.with_name(rss.name.replace(".rss", ".atom")).read_bytes())
        assert [e.link for e in rss_feed.entries] == [e.link for e in atom_feed.entries]
        assert [e.title for e in rss_feed.entries] == [e.title for e in atom_feed.entries]
        dates = [e.published_parsed for e in atom_feed.entries]
        assert dates == sorted(dates, reverse=True)


def test_every_article_is_in_the_main_feed_and_its_theme_feed(site):
    main = feedparser.parse((site / "flux" / "tous.atom.xml").read_bytes())
    pages = sorted((site / "articles").glob("*/index.html"))
    assert len(main.entries) == len(pages) > 0
    for page in pages:
        permalink = f"{SITE_URL}/articles/{page.parent.name}/"
        (entry,) = [e for e in main.entries if e.id == permalink]
        theme = next(t for t in entry.tags if t.scheme == f"{SITE_URL}/themes/")
        theme_feed = feedparser.parse(
            (site / "flux" / "themes" / f"{theme.term}.atom.xml").read_bytes()
        )
        assert permalink in [e.id for e in theme_feed.entries]
        assert entry.authors and entry.summary and entry.content[0].value


def test_every_page_announces_the_feeds_that_exist(site):
    main = {f"{SITE_URL}/flux/tous.rss.xml", f"{SITE_URL}/flux/tous.atom.xml"}
    pages = list(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        links = alternate_links(page)
        assert main <= set(links), page
        for href, (media_type, title) in links.items():
            assert (site / href.removeprefix(f"{SITE_URL}/")).is_file(), href
            assert media_type == f"application/{href.split('.')[-2]}+xml"
            assert title.startswith("Caf de l’Essonne")
    for theme_page in (site / "themes").glob("*/index.html"):
        slug = theme_page.parent.name
        assert f"{SITE_URL}/flux/themes/{slug}.atom.xml" in alternate_links(theme_page)
    # An article page also offers the feed of its thème.
    article_page = next((site / "articles").glob("*/index.html"))
    themes = {h.rsplit("/", 1)[1].split(".")[0] for h in alternate_links(article_page)
              if "/flux/themes/" in h}  # fmt: skip
    (theme_slug,) = themes
    assert f"/themes/{theme_slug}/" in article_page.read_text(encoding="utf-8")
    index_links = alternate_links(site / "index.html")
    assert not [href for href in index_links if "/flux/themes/" in href]


def test_subscribe_page_lists_every_feed(site):
    soup = BeautifulSoup((site / "s-abonner" / "index.html").read_text(), "html.parser")
    listed = {a["href"] for a in soup.select("main a[href*='/flux/']")}
    assert listed == {f"{SITE_URL}/{p.relative_to(site).as_posix()}" for p in feed_files(site)}
    assert "<!-- liste-des-flux -->" not in str(soup)
    text = soup.main.get_text()
    assert "S’abonner" in text and "lecteur de flux" in text


@pytest.fixture(scope="module")
def served_site(site):
    with serve_directory(site) as url:
        yield url


@pytest.mark.browser
def test_browser_shows_a_french_page_with_the_same_items(site, served_site, browser):
    theme_feed = next((site / "flux" / "themes").glob("*.atom.xml"))
    feeds = [site / "flux" / "tous.rss.xml", theme_feed]
    page = browser.new_page()
    try:
        for path in feeds:
            parsed = feedparser.parse(path.read_bytes())
            page.goto(f"{served_site}/{path.relative_to(site).as_posix()}")
            assert page.locator("html").get_attribute("lang") == "fr"
            assert page.locator("h1").inner_text() == parsed.feed.title
            assert "Vous consultez un flux d’actualité" in page.locator("main").inner_text()
            titles = page.locator("main article h2").all_inner_texts()
            assert titles == [entry.title for entry in parsed.entries]
            links = page.locator("main article h2 a").evaluate_all("as => as.map(a => a.href)")
            assert links == [entry.link for entry in parsed.entries]
            if parsed.entries:
                dated = r"Publié le (1er|\d{1,2})\u00a0[a-zéû]+\u00a0\d{4}"  # never split
                assert re.search(dated, page.locator("main").inner_text())
            else:
                assert "Aucune publication pour l’instant" in page.locator("main").inner_text()
    finally:
        page.close()


# --- an edge-case site -----------------------------------------------------------------------


def test_feed_texts_keep_french_typography(site):
    """Feed and item titles, descriptions and summaries: no-break spaces set by
    site_core.typography, and kept when the text is collapsed."""
    main = feedparser.parse((site / "flux" / "tous.rss.xml").read_bytes())
    assert main.feed.title == "Caf de l’Essonne — Partenaires\u00a0: tous les articles"
    assert "partenaires\u00a0: communes" in main.feed.subtitle
    titles = [entry.title for entry in main.entries]
    assert "Conventions territoriales globales\u00a0: la Caf avance vite et bien" in titles
    theme = feedparser.parse(next((site / "flux" / "themes").glob("*.atom.xml")).read_bytes())
    assert re.search("thème «\u202f.+\u202f»$", theme.feed.title)
    for path in feed_files(site):
        assert untypeset_texts(path) == [], path
