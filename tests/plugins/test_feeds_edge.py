"""The partner feeds on an edge-case site: the cap, future, draft and hidden articles, odd thème
names, item fields, sanitised content with absolute URLs, derived summaries, the comments feed,
a sub-path site and French typography."""

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

import feedparser
import pytest
from pelican.settings import read_settings
from pelican.urlwrappers import Category
from PIL import Image

from service.core import db
from site_core.comments.threads import Comment
from site_core.feeds import write_comment_feeds
from tests.support.feed_checker import (
    SITE_URL,
    alternate_links,
    feed_files,
    feed_problems,
    untypeset_texts,
)
from tests.support.site import ROOT

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
        "import json, sys; from pathlib import Path; from tests.support.site import build_site; "
        "build_site(Path(sys.argv[1]), **json.loads(sys.argv[2]))"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(base / "output"), json.dumps(override)],
        cwd=ROOT,
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
    assert not [h for h in alternate_links(edge / "themes" / future_slug / "index.html")
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


def test_feed_texts_keep_french_typography(edge):
    """Typography on the edge site's feeds (the real site's: test_feeds.py)."""
    for path in feed_files(edge):
        assert untypeset_texts(path) == [], path
    comments = _entries(edge, "commentaires.atom.xml")
    assert comments[0].title == "Relais petite enfance sur «\u202fArticle «\u202fete\u202f»\u202f»"
