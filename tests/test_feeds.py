"""The partner feeds (plugins/feeds) on real Pelican builds.

Validity follows the W3C Feed Validator's rules (checked offline here), plus feedparser with no
bozo; content, exclusions, caps, slugs and the comments feed are checked on an edge-case site;
discovery and the XSLT preview (in Debian's Chromium) on the real site.
"""

import email.utils
import functools
import html
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, build_site, serve_directory
from lxml import etree
from lxml import html as lhtml
from pelican.settings import read_settings
from pelican.urlwrappers import Category
from PIL import Image

from site_core import db
from site_core.comments import Comment
from site_core.feeds import write_comment_feeds

SITE_URL = "https://partenaires.example.fr"
PARIS = ZoneInfo("Europe/Paris")
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
A = functools.partial("{{{}}}{}".format, ATOM)

RSS_CHANNEL = {"title", "link", "description", "language", "copyright", "managingEditor",
               "webMaster", "pubDate", "lastBuildDate", "category", "generator", "docs", "cloud",
               "ttl", "image", "rating", "textInput", "skipHours", "skipDays", "item"}  # fmt: skip
RSS_ITEM = {"title", "link", "description", "author", "category", "comments", "enclosure", "guid",
            "pubDate", "source"}  # fmt: skip
REPEATABLE = {"category", "item"}
RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d\d:\d\d:\d\d [+-]\d{4}$"
)
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
URL_ATTRIBUTES = {"href", "src", "srcset", "poster", "cite", "action", "data", "longdesc"}
UNSAFE_TAGS = {"script", "iframe", "embed", "object", "applet", "form", "meta", "link", "style",
               "frame", "frameset", "base"}  # fmt: skip


# --- the W3C-style checker ------------------------------------------------------------------


def _url_problem(url, where):
    parts = urlsplit((url or "").strip())
    if parts.scheme in ("mailto", "tel"):
        return []
    if parts.scheme != "https" or not parts.netloc:
        return [f"{where}: not an absolute https URL: {url!r}"]
    return []


def _html_problems(markup, where):
    """Relative or fragment-only URLs and unsafe markup in escaped HTML content."""
    problems = []
    for fragment in lhtml.fragments_fromstring(markup or "") if (markup or "").strip() else []:
        if not isinstance(fragment, etree._Element):
            continue
        for element in fragment.iter(etree.Element):
            if element.tag in UNSAFE_TAGS:
                problems.append(f"{where}: unsafe <{element.tag}>")
            for name, value in element.attrib.items():
                if name.startswith("on") or name in ("style", "hidden"):
                    problems.append(f"{where}: attribute {name} on <{element.tag}>")
                if name in URL_ATTRIBUTES:
                    problems += _url_problem(value.split()[0] if value.strip() else "", where)
    return problems


def _date_problems(value, where, rss):
    """RFC 822 (RSS) or RFC 3339 (Atom), right weekday, Paris offset, not in the future."""
    if not (RFC822 if rss else RFC3339).match(value or ""):
        return [f"{where}: not an RFC {'822' if rss else '3339'} date: {value!r}"]
    if rss:
        moment = email.utils.parsedate_to_datetime(value)
        if moment.strftime("%a") != value[:3]:
            return [f"{where}: wrong day of week in {value!r}"]
    else:
        moment = datetime.fromisoformat(value)
    problems = []
    if moment.utcoffset() != moment.astimezone(PARIS).utcoffset():
        problems.append(f"{where}: offset is not Paris time: {value!r}")
    if moment > datetime.now(UTC) + timedelta(days=1):
        problems.append(f"{where}: date in the future: {value!r}")
    return problems


def _self_problems(links, expected, media_type, where):
    selves = [link for link in links if link.get("rel") == "self"]
    if len(selves) != 1:
        return [f"{where}: {len(selves)} rel=self links"]
    problems = []
    if selves[0].get("href") != expected:
        problems.append(f"{where}: self is {selves[0].get('href')!r}, expected {expected!r}")
    if selves[0].get("type") != media_type:
        problems.append(f"{where}: self type is {selves[0].get('type')!r}")
    return problems


def _rss_problems(root, expected_self):
    problems = [] if root.get("version") == "2.0" else ["rss: version is not 2.0"]
    (channel,) = root.findall("channel")
    names = [child.tag for child in channel if isinstance(child.tag, str) and "}" not in child.tag]
    problems += [f"channel: unknown <{n}>" for n in set(names) - RSS_CHANNEL]
    problems += [f"channel: <{n}> repeated" for n in set(names) - REPEATABLE if names.count(n) > 1]
    for required in ("title", "link", "description"):
        if not (channel.findtext(required) or "").strip():
            problems.append(f"channel: <{required}> missing or blank")
    problems += _url_problem(channel.findtext("link"), "channel/link")
    if channel.findtext("language") != "fr-FR":
        problems.append(f"channel: language is {channel.findtext('language')!r}")
    problems += _self_problems(
        channel.findall(A("link")), expected_self, "application/rss+xml", "channel"
    )
    problems += _date_problems(channel.findtext("lastBuildDate"), "channel/lastBuildDate", True)
    image = channel.find("image")
    if image is None or any(image.find(n) is None for n in ("url", "title", "link")):
        problems.append("channel: <image> missing or incomplete")
    else:
        problems += _url_problem(image.findtext("url"), "channel/image/url")
        if int(image.findtext("width", "88")) > 144 or int(image.findtext("height", "31")) > 400:
            problems.append("channel/image: larger than RSS allows")
    guids = set()
    for number, item in enumerate(channel.findall("item"), 1):
        where = f"item[{number}]"
        names = [child.tag for child in item if isinstance(child.tag, str) and "}" not in child.tag]
        problems += [f"{where}: unknown <{n}>" for n in set(names) - RSS_ITEM]
        problems += [
            f"{where}: <{n}> repeated" for n in set(names) - REPEATABLE if names.count(n) > 1
        ]
        link, guid = item.findtext("link"), item.find("guid")
        problems += _url_problem(link, f"{where}/link")
        if guid is None or guid.get("isPermaLink") != "true" or guid.text != link:
            problems.append(f"{where}: guid must be the permalink with isPermaLink=true")
        elif guid.text in guids:
            problems.append(f"{where}: duplicate guid {guid.text}")
        else:
            guids.add(guid.text)
        problems += _date_problems(item.findtext("pubDate"), f"{where}/pubDate", True)
        if item.find("author") is not None:
            problems.append(f"{where}: <author> must be an e-mail (names go to dc:creator)")
        if not item.findall(f"{{{DC}}}creator"):
            problems.append(f"{where}: no dc:creator")
        description = item.find("description")
        if description is None or len(description):
            problems.append(f"{where}: description missing or not escaped")
        else:
            problems += _html_problems(description.text, f"{where}/description")
        problems += _html_problems(item.findtext(f"{{{CONTENT}}}encoded"), f"{where}/content")
    return problems


def _atom_problems(root, expected_self):
    problems = [] if root.get(XML_LANG) == "fr-FR" else ["feed: xml:lang is not fr-FR"]
    for required in ("id", "title", "updated"):
        if len(root.findall(A(required))) != 1:
            problems.append(f"feed: needs exactly one <{required}>")
    problems += _url_problem(root.findtext(A("id")), "feed/id")
    problems += _date_problems(root.findtext(A("updated")), "feed/updated", False)
    links = root.findall(A("link"))
    problems += _self_problems(links, expected_self, "application/atom+xml", "feed")
    alternates = [link for link in links if link.get("rel", "alternate") == "alternate"]
    problems += [] if alternates else ["feed: no rel=alternate link"]
    for link in links:
        problems += _url_problem(link.get("href"), "feed/link")
    for image in ("logo", "icon"):
        problems += _url_problem(root.findtext(A(image)), f"feed/{image}")
    ids = set()
    for number, entry in enumerate(root.findall(A("entry")), 1):
        where = f"entry[{number}]"
        for required in ("id", "title", "updated", "published", "content", "summary"):
            if len(entry.findall(A(required))) != 1:
                problems.append(f"{where}: needs exactly one <{required}>")
        entry_id = entry.findtext(A("id"))
        problems += _url_problem(entry_id, f"{where}/id")
        if entry_id in ids:
            problems.append(f"{where}: duplicate id {entry_id}")
        ids.add(entry_id)
        for link in entry.findall(A("link")):
            problems += _url_problem(link.get("href"), f"{where}/link")
        published, updated = entry.findtext(A("published")), entry.findtext(A("updated"))
        problems += _date_problems(published, f"{where}/published", False)
        problems += _date_problems(updated, f"{where}/updated", False)
        if not problems and datetime.fromisoformat(updated) < datetime.fromisoformat(published):
            problems.append(f"{where}: updated before published")
        names = [author.findtext(A("name")) for author in entry.findall(A("author"))]
        if not names or not all(names):
            problems.append(f"{where}: every entry needs an author with a name")
        for author in entry.findall(A("author")):
            if author.find(A("uri")) is not None:
                problems += _url_problem(author.findtext(A("uri")), f"{where}/author/uri")
        for construct in ("content", "summary", "title"):
            element = entry.find(A(construct))
            if element is not None and element.get("type", "text") not in ("text", "html"):
                problems.append(f"{where}/{construct}: unexpected type {element.get('type')}")
            if element is not None and element.get("type") == "html":
                problems += _html_problems(element.text, f"{where}/{construct}")
    return problems


def feed_problems(path, site_dir):
    """Every error and warning the strict offline checks find in one feed file."""
    raw = path.read_bytes()
    head = raw.split(b"\n", 2)
    if not head[0].startswith(b"<?xml") or b"encoding='UTF-8'" not in head[0]:
        return ["file: no XML declaration with UTF-8 encoding"]
    problems = [] if head[1].startswith(b'<?xml-stylesheet type="text/xsl"') else ["no XSLT"]
    parser = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)
    root = etree.fromstring(raw, parser)
    parsed = feedparser.parse(raw)
    if parsed.bozo:
        problems.append(f"feedparser: bozo {parsed.bozo_exception!r}")
    expected_self = f"{SITE_URL}/{path.relative_to(site_dir).as_posix()}"
    if root.tag == "rss":
        problems += [] if parsed.version == "rss20" else [f"feedparser: {parsed.version}"]
        return problems + _rss_problems(root, expected_self)
    problems += [] if parsed.version == "atom10" else [f"feedparser: {parsed.version}"]
    return problems + _atom_problems(root, expected_self)


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


def feed_files(site_dir):
    return sorted((site_dir / "flux").rglob("*.xml"))


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


def _alternate_links(page):
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return {
        link["href"]: (link["type"], link["title"])
        for link in soup.head.find_all("link", rel="alternate")
    }


def test_every_page_announces_the_feeds_that_exist(site):
    main = {f"{SITE_URL}/flux/tous.rss.xml", f"{SITE_URL}/flux/tous.atom.xml"}
    pages = list(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        links = _alternate_links(page)
        assert main <= set(links), page
        for href, (media_type, title) in links.items():
            assert (site / href.removeprefix(f"{SITE_URL}/")).is_file(), href
            assert media_type == f"application/{href.split('.')[-2]}+xml"
            assert title.startswith("Caf de l’Essonne")
    for theme_page in (site / "themes").glob("*/index.html"):
        slug = theme_page.parent.name
        assert f"{SITE_URL}/flux/themes/{slug}.atom.xml" in _alternate_links(theme_page)
    # An article page also offers the feed of its thème.
    article_page = next((site / "articles").glob("*/index.html"))
    themes = {h.rsplit("/", 1)[1].split(".")[0] for h in _alternate_links(article_page)
              if "/flux/themes/" in h}  # fmt: skip
    (theme_slug,) = themes
    assert f"/themes/{theme_slug}/" in article_page.read_text(encoding="utf-8")
    index_links = _alternate_links(site / "index.html")
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

ODD_THEME = "L’accueil du jeune enfant à Évry-Courcouronnes"
CAP = 3
ARTICLES = {
    # slug: (date, category, extra metadata, body)
    "hiver": ("2023-01-15 10:30", ODD_THEME, "", "Un texte d’hiver."),
    "printemps": ("2023-03-20 09:00", ODD_THEME, "", "Un texte de printemps."),
    "ete": ("2023-07-14 18:45", "Solidarité", "", "Un texte d’été."),
    "automne": ("2023-10-02 08:00", "Solidarité", "Modified: 2023-11-05 12:00\n", "Automne."),
    "plus-ancien": ("2022-06-01 12:00", "Solidarité", "", "Le plus ancien."),
    "futur": ("2999-01-01 09:00", "Thème à venir", "", "Pas encore."),
    "brouillon": ("2023-12-01 09:00", "Solidarité", "Status: draft\n", "Brouillon."),
    "cache": ("2023-12-02 09:00", "Solidarité", "Status: hidden\n", "Caché."),
}
LONG_PARAGRAPH = " ".join(
    f"Phrase {n} sur les établissements d’accueil du jeune enfant et les partenaires."
    for n in range(12)
)
UNSAFE_BODY = f"""{LONG_PARAGRAPH}

## Suite {{: #suite}}

Voir [la page à propos](/a-propos/), [plus bas](#suite) et ![Logo](/images/logo.png).

<script>alert("intrus")</script>
<p onclick="voler()" style="display:none">Texte masqué par un style.</p>
<iframe src="https://ailleurs.example/"></iframe>
"""


def _write_article(folder, slug, date, category, extra, body, summary=True):
    summary_line = (
        f"Summary: Le chapô de l’article {slug} & ses partenaires (1 < 2).\n" if summary else ""
    )
    (folder / f"{slug}.md").write_text(
        f"Title: Article « {slug} »\nDate: {date}\nCategory: {category}\n"
        f"Tags: Ctg, petite enfance\nSlug: {slug}\n"
        "Authors: Annie Hamel, Marc Le Floc’h\nRoles: directrice adjointe ; partenaire\n"
        f"{extra}{summary_line}\n{body}\n",
        encoding="utf-8",
    )


def _comments_db(path):
    conn = db.connect(path)
    db.migrate(conn)
    rows = [
        # slug, author, url, body, status, official, created
        ("hiver", "Mairie de Massy", "https://massy.example/", "Merci, voir https://massy.example/ram.",
         "approved", 0, "2023-02-01T10:00:00+00:00"),
        ("hiver", "Caf de l’Essonne", "", "Réponse officielle.", "approved", 1,
         "2023-02-02T11:00:00+00:00"),
        ("ete", "Relais petite enfance", "javascript:alert(1)", "Très utile.", "approved", 0,
         "2023-08-01T09:00:00+00:00"),
        ("ete", "Spammeur", "", "En attente.", "pending", 0, "2023-08-02T09:00:00+00:00"),
        ("cache", "Indiscret", "", "Sur un article caché.", "approved", 0,
         "2023-12-03T09:00:00+00:00"),
    ]  # fmt: skip
    for slug, name, url, body, status, official, created in rows:
        conn.execute(
            "INSERT INTO comments (article_slug, author_name, author_email, author_url, body,"
            " status, is_official, created_at) VALUES (?, ?, 'x@example.org', ?, ?, ?, ?, ?)",
            (slug, name, url, body, status, official, created),
        )
    conn.close()


@pytest.fixture(scope="module")
def edge(tmp_path_factory):
    """Odd thème names, future/draft/hidden articles, no summary, unsafe HTML, comments, a cap."""
    base = tmp_path_factory.mktemp("feeds-edge")
    articles = base / "content" / "articles"
    articles.mkdir(parents=True)
    (base / "content" / "pages").mkdir()
    (base / "content" / "images").mkdir()
    # Content images are at least IMAGES_MIN_SIZE (plugins/images): a wide logo.
    Image.new("RGB", (480, 240), "#004c97").save(base / "content" / "images" / "logo.png")
    for slug, (date, category, extra, body) in ARTICLES.items():
        _write_article(articles, slug, date, category, extra, body)
    _write_article(articles, "sans-chapo", "2023-05-05 09:00", ODD_THEME, "", UNSAFE_BODY, False)
    _comments_db(base / "comments.sqlite3")
    plugins = [p for p in read_settings(str(ROOT / "pelicanconf.py"))["PLUGINS"]]
    override = {
        "PATH": str(base / "content"),
        "SITEURL": SITE_URL,
        "FEED_MAX_ITEMS": CAP,
        "COMMENTS_DB": str(base / "comments.sqlite3"),
        # content_validation rightly refuses these articles (no Summary, unknown thèmes): the
        # feeds must still cope. Pelican plugins stay connected for the life of a process, so
        # this build runs in its own.
        "PLUGINS": [p for p in plugins if p != "content_validation"],
        # The site keeps future articles off it (WITH_FUTURE_DATES = False: the writing room's
        # scheduling); with them built, the feeds must still leave them out.
        "WITH_FUTURE_DATES": True,
    }
    script = (
        "import json, sys; from pathlib import Path; from conftest import build_site; "
        "build_site(Path(sys.argv[1]), **json.loads(sys.argv[2]))"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(base / "output"), json.dumps(override)],
        cwd=ROOT / "tests",
        check=True,
        capture_output=True,
        timeout=120,
    )
    return base / "output"


def _slug(name):
    return Category(name, read_settings(str(ROOT / "pelicanconf.py"))).slug


def _plain(text):
    """French typography puts no-break spaces inside « »: compare with plain spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _entries(site_dir, name):
    return feedparser.parse((site_dir / "flux" / name).read_bytes()).entries


def test_edge_site_feeds_are_valid(edge):
    for path in feed_files(edge):
        assert feed_problems(path, edge) == [], path


def test_items_are_the_newest_published_articles_up_to_the_cap(edge):
    published = [s for s in ARTICLES if s not in ("futur", "brouillon", "cache")] + ["sans-chapo"]
    dates = {s: ARTICLES[s][0] for s in published if s in ARTICLES} | {"sans-chapo": "2023-05-05"}
    newest = sorted(published, key=dates.get, reverse=True)[:CAP]
    for name in ("tous.rss.xml", "tous.atom.xml"):
        assert [e.link for e in _entries(edge, name)] == [
            f"{SITE_URL}/articles/{s}/" for s in newest
        ]


def test_future_draft_and_hidden_articles_are_in_no_feed(edge):
    everything = "".join(p.read_text(encoding="utf-8") for p in feed_files(edge))
    for slug in ("futur", "brouillon", "cache"):
        assert f"/articles/{slug}/" not in everything
        assert f"Article « {slug} »" not in everything
    # The thème whose only article is in the future gets no feed, and no page links to one.
    future_slug = _slug("Thème à venir")
    assert not list((edge / "flux").rglob(f"{future_slug}.*"))
    assert (edge / "themes" / future_slug / "index.html").is_file()
    assert not [h for h in _alternate_links(edge / "themes" / future_slug / "index.html")
                if "/themes/" in h]  # fmt: skip


def test_odd_theme_names_get_pelican_slugs(edge):
    slug = _slug(ODD_THEME)
    assert re.fullmatch(r"[a-z0-9-]+", slug)
    assert (edge / "themes" / slug / "index.html").is_file()
    entries = _entries(edge, f"themes/{slug}.rss.xml")
    assert [e.link.rsplit("/", 2)[-2] for e in entries] == ["sans-chapo", "printemps", "hiver"]
    feed = feedparser.parse((edge / "flux" / "themes" / f"{slug}.atom.xml").read_bytes()).feed
    assert _plain(feed.title).endswith(f"thème « {ODD_THEME} »")
    assert feed.link == f"{SITE_URL}/themes/{slug}/"


def test_item_fields_speakers_categories_dates(edge):
    rss = {e.link: e for e in _entries(edge, "themes/solidarite.rss.xml")}
    atom = {e.link: e for e in _entries(edge, "themes/solidarite.atom.xml")}
    link = f"{SITE_URL}/articles/ete/"
    assert rss[link].id == atom[link].id == link
    assert _plain(rss[link].title) == "Article « ete »"
    # 14 July: summer time in Paris; in RSS as RFC 822, in Atom as RFC 3339.
    raw_rss = (edge / "flux" / "themes" / "solidarite.rss.xml").read_text()
    assert "<pubDate>Fri, 14 Jul 2023 18:45:00 +0200</pubDate>" in raw_rss
    raw_atom = (edge / "flux" / "themes" / "solidarite.atom.xml").read_text()
    assert "<published>2023-07-14T18:45:00+02:00</published>" in raw_atom
    # A modified article: Atom updated after published.
    autumn = atom[f"{SITE_URL}/articles/automne/"]
    assert autumn.published.startswith("2023-10-02T08:00:00+02:00")
    assert autumn.updated.startswith("2023-11-05T12:00:00+01:00")
    speakers = ["Annie Hamel, directrice adjointe", "Marc Le Floc’h, partenaire"]
    assert [a.name for a in atom[link].authors] == speakers
    assert atom[link].authors[0].href == f"{SITE_URL}/intervenants/annie-hamel/"
    assert re.findall(r"<dc:creator>(.*?)</dc:creator>", raw_rss)[:2] == speakers
    for entry in (rss[link], atom[link]):
        labels = {(t.get("label") or t.term, t.scheme) for t in entry.tags}
        assert ("Solidarité", f"{SITE_URL}/themes/") in labels
        assert ("Ctg", f"{SITE_URL}/mots-cles/") in labels
        assert ("petite enfance", f"{SITE_URL}/mots-cles/") in labels
    # The chapô as escaped text: « & » and « < » stay characters, not markup.
    assert (
        _plain(atom[link].summary) == "Le chapô de l’article ete &amp; ses partenaires (1 &lt; 2)."
    )
    assert "ses partenaires (1 &amp;lt; 2).</description>" in _plain(raw_rss)


def test_content_is_sanitised_and_every_url_absolute(edge):
    slug = _slug(ODD_THEME)
    (entry,) = [e for e in _entries(edge, f"themes/{slug}.atom.xml") if "sans-chapo" in e.link]
    content = entry.content[0].value
    permalink = f"{SITE_URL}/articles/sans-chapo/"
    assert f'href="{SITE_URL}/a-propos/"' in content
    assert f'href="{permalink}#suite"' in content
    # The picture's JPEG/PNG fallback, at its largest width (480 px, never enlarged).
    assert re.search(f'src="{re.escape(SITE_URL)}/images/logo-480\\.[0-9a-f]{{10}}\\.png"', content)
    for unsafe in ("<script", "alert(", "onclick", "voler()", "style=", "<iframe"):
        assert unsafe not in content
    assert "Texte masqué par un style." in content  # shown, not hidden


def test_summary_is_derived_when_missing(edge):
    slug = _slug(ODD_THEME)
    (entry,) = [e for e in _entries(edge, f"themes/{slug}.rss.xml") if "sans-chapo" in e.link]
    summary = entry.summary
    assert "<" not in summary and summary.endswith("…")
    assert 250 <= len(summary) <= 301
    kept = summary.removesuffix("…")
    assert LONG_PARAGRAPH.startswith(kept)
    assert LONG_PARAGRAPH[len(kept)] == " "  # cut between two words


def test_comments_feed_has_approved_comments_of_public_articles(edge):
    for name in ("commentaires.rss.xml", "commentaires.atom.xml"):
        entries = _entries(edge, name)
        titles = [_plain(e.title) for e in entries]
        assert titles[0] == "Relais petite enfance sur « Article « ete » »"
        assert len(entries) == CAP
        assert titles[1] == "Réponse de la Caf de l’Essonne sur « Article « hiver » »"
        assert entries[2].link.startswith(f"{SITE_URL}/articles/hiver/#commentaire-")
        assert 'href="https://massy.example/ram"' in entries[2].content[0].value
    everything = "".join(p.read_text() for p in (edge / "flux").glob("commentaires.*"))
    for absent in ("En attente.", "Indiscret", "x@example.org", "javascript:"):
        assert absent not in everything
    atom = _entries(edge, "commentaires.atom.xml")
    assert atom[2].author_detail.href == "https://massy.example/"
    assert "href" not in atom[0].author_detail


@dataclass
class HtmlComment(Comment):
    """A comment with HTML of our choosing (a relative link, to check it is made absolute)."""

    html: str = ""

    @property
    def body_html(self) -> str:
        return self.html


def test_write_comment_feeds_rewrites_only_the_comments_feed(edge, tmp_path):
    """What the comment service calls after a moderation action, with rows it has at hand."""
    site = shutil.copytree(edge, tmp_path / "site")  # other tests read the built feeds
    settings = read_settings(
        str(ROOT / "pelicanconf.py"), override={"SITEURL": SITE_URL, "OUTPUT_PATH": str(site)}
    )
    before = {p: p.read_bytes() for p in feed_files(site) if "commentaires" not in p.name}
    comment = HtmlComment(
        id=99,
        article=SimpleNamespace(title="Article « hiver »", url="articles/hiver/"),
        author_name="Crèche Les Lutins",
        author_url="",
        body="Bravo, voir /a-propos/",
        created_at=datetime.fromisoformat("2024-01-01T08:00:00+00:00"),
        is_official=False,
        parent_id=None,
        html='<p>Bravo <a href="/a-propos/">ici</a></p>',
    )
    written = write_comment_feeds(settings, [comment])
    assert sorted(p.name for p in written) == ["commentaires.atom.xml", "commentaires.rss.xml"]
    for path in written:
        assert feed_problems(path, site) == []
        (entry,) = feedparser.parse(path.read_bytes()).entries
        assert entry.link == f"{SITE_URL}/articles/hiver/#commentaire-99"
        assert entry.published.startswith(("2024-01-01T09:00:00+01:00", "Mon, 01 Jan 2024 09:00"))
        assert f'href="{SITE_URL}/a-propos/"' in entry.content[0].value
    assert before == {p: p.read_bytes() for p in before}
    assert not list(site.glob("flux/.*"))  # no temporary file left behind


def test_empty_comments_feed_is_still_valid(tmp_path):
    settings = read_settings(
        str(ROOT / "pelicanconf.py"), override={"SITEURL": SITE_URL, "OUTPUT_PATH": str(tmp_path)}
    )
    for path in write_comment_feeds(settings, []):
        assert feed_problems(path, tmp_path) == []
        assert feedparser.parse(path.read_bytes()).entries == []


def test_site_under_a_sub_path_keeps_the_stylesheet_same_origin(tmp_path):
    """The XSLT must come from the feed's own origin: its path follows SITEURL's path."""
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={"SITEURL": "https://caf.example.fr/partenaires", "OUTPUT_PATH": str(tmp_path)},
    )
    rss, atom = write_comment_feeds(settings, [])
    for path in (rss, atom):
        instruction = path.read_bytes().split(b"\n")[1]
        assert instruction == (
            b'<?xml-stylesheet type="text/xsl" href="/partenaires/theme/feeds/flux.xsl"?>'
        )
    assert 'href="https://caf.example.fr/partenaires/flux/commentaires.rss.xml"' in rss.read_text()


# Where French typography wants a no-break space and an ordinary one is left.
UNTYPESET = re.compile(r" [;:!?»]|« ")


def test_feed_texts_keep_french_typography(site, edge):
    """Feed and item titles, descriptions and summaries: no-break spaces set by
    site_core.typography, and kept when the text is collapsed."""
    main = feedparser.parse((site / "flux" / "tous.rss.xml").read_bytes())
    assert main.feed.title == "Caf de l’Essonne — Partenaires\u00a0: tous les articles"
    assert "partenaires\u00a0: communes" in main.feed.subtitle
    titles = [entry.title for entry in main.entries]
    assert "Conventions territoriales globales\u00a0: la Caf avance vite et bien" in titles
    theme = feedparser.parse(next((site / "flux" / "themes").glob("*.atom.xml")).read_bytes())
    assert re.search("thème «\u202f.+\u202f»$", theme.feed.title)
    for path in feed_files(site) + feed_files(edge):
        parsed = feedparser.parse(path.read_bytes())
        texts = [parsed.feed.title, parsed.feed.get("subtitle", "")]
        texts += [text for e in parsed.entries for text in (e.title, html.unescape(e.summary))]
        assert not [text for text in texts if UNTYPESET.search(text)], path
    comments = _entries(edge, "commentaires.atom.xml")
    assert comments[0].title == "Relais petite enfance sur «\u202fArticle «\u202fete\u202f»\u202f»"
