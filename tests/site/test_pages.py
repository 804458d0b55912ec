"""The built site's pages: French metadata, navigation, structure, links."""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from bs4 import BeautifulSoup

from plugins.rgaa_statement.grid import Audit
from site_core.content.policy import SITE_POLICY
from tests.support.audit import AUDIT
from tests.support.site import ROOT, build_site

# What the RGAA audit's grid says of the public site (plugins/rgaa_statement).
PUBLIC_STATE = Audit.read(AUDIT).score("public").state
ARTICLE = "articles/enjeux-prioritaires-2022/index.html"
# (slug, French date, thème, speakers) read from the content by the editors' own words.
ARTICLES = {
    "30-ans-caf-essonne": "15 février 2021",
    "bilan-conventions-territoriales-globales": "18 octobre 2021",
    "enjeux-prioritaires-2022": "10 janvier 2022",
    "service-public-mobilise-crise-sanitaire": "6 mai 2020",
    "territorialisation-se-concretise": "19 novembre 2018",
}


def soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def text(element) -> str:
    return " ".join(element.get_text(" ").split()).replace("\u202f", " ").replace("\xa0", " ")


def html_files(site: Path):
    return sorted(p for p in site.rglob("*.html") if not p.name.startswith("_"))


def test_every_page_is_french_with_landmarks(built_site):
    for path in html_files(built_site):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        assert page.html["lang"] == "fr", path
        assert page.find("header") and page.find("nav") and page.find("footer"), path
        assert len(page.find_all("main")) == 1, path
        assert len(page.find_all("h1")) == 1, path
        footer_link = page.find("footer", class_="site-footer").find(
            "a", string=f"Accessibilité\u00a0: {PUBLIC_STATE}"
        )
        assert footer_link["href"] == "/accessibilite/", path


@pytest.mark.parametrize(("slug", "french_date"), sorted(ARTICLES.items()))
def test_article_shows_its_metadata_in_french(built_site, slug, french_date):
    page = soup(built_site, f"articles/{slug}/index.html")
    article = page.find("main").find("article")
    time = article.find("time")
    assert text(time) == french_date
    assert time["datetime"].startswith(
        "-".join(reversed([f"{n:0>2}" for n in _numeric(french_date)]))
    )
    assert article.find(class_="kicker").a["href"].startswith("/themes/")
    speakers = article.find(class_="speakers")
    assert speakers.a["href"].startswith("/intervenants/")
    assert "," in text(speakers), "each speaker comes with a role"
    assert text(article.find(class_="chapo"))
    assert article.find(class_="tags").find("a")["href"].startswith("/mots-cles/")
    note = article.find(id="note-date")
    assert text(note).startswith("Date estimée")


def _numeric(french_date):
    day, month, year = french_date.split()
    months = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
    return int(day.rstrip("er")), months.split().index(month) + 1, int(year)


def test_table_of_contents_links_to_every_question(built_site):
    article = soup(built_site, ARTICLE).find("main")
    toc = article.find("nav", class_="toc")
    questions = article.find(class_="entretien__body").find_all("h2")
    assert len(questions) >= 4
    assert [a["href"] for a in toc.find_all("a")] == [f"#{h2['id']}" for h2 in questions]
    assert [text(a) for a in toc.find_all("a")] == [text(h2) for h2 in questions]


def test_answers_are_attributed_to_their_speaker(built_site):
    body = soup(built_site, ARTICLE).find(class_="entretien__body")
    for question in body.find_all("h2"):
        answer = question.find_next_sibling("p")
        assert text(answer.find(class_="speaker")).startswith("Guillaume Lacroix")


def test_home_lists_latest_articles_newest_first_with_chapo(built_site):
    cards = soup(built_site, "index.html").find_all("article", class_="card")
    links = [card.h2.a["href"] for card in cards]
    expected = sorted(ARTICLES, key=lambda slug: _numeric(ARTICLES[slug])[::-1], reverse=True)
    assert links == [f"/articles/{slug}/" for slug in expected]
    assert all(text(card.find(class_="chapo")) for card in cards)


def test_previous_and_next_articles_are_linked(built_site):
    nav = soup(built_site, ARTICLE).find("nav", class_="neighbours")
    assert (
        nav.find("a", rel="prev")["href"] == "/articles/bilan-conventions-territoriales-globales/"
    )
    assert nav.find("a", rel="next") is None, "the newest article has no next one"
    oldest = soup(built_site, "articles/territorialisation-se-concretise/index.html")
    assert oldest.find("nav", class_="neighbours").find("a", rel="prev") is None


def test_current_menu_entry_is_marked(built_site):
    home = soup(built_site, "index.html").find("nav", attrs={"aria-label": "Menu principal"})
    assert home.find("a", attrs={"aria-current": "page"})["href"] == "/"
    article_nav = soup(built_site, ARTICLE).find("nav", attrs={"aria-label": "Menu principal"})
    assert article_nav.find("a", attrs={"aria-current": "true"})["href"] == "/"


def test_category_tag_speaker_and_archive_pages(built_site):
    category = soup(built_site, "themes/partenariats-et-territoires/index.html")
    assert text(category.h1) == "Thème Partenariats et territoires"
    assert len(category.find_all("article", class_="card")) == 2
    speaker = soup(built_site, "intervenants/guillaume-lacroix/index.html")
    assert len(speaker.find_all("article", class_="card")) == 2
    tag = soup(built_site, "mots-cles/atlantis/index.html")
    assert "/articles/enjeux-prioritaires-2022/" in {a["href"] for a in tag.find_all("a")}
    archives = soup(built_site, "archives/index.html")
    assert [text(h2) for h2 in archives.main.find_all("h2")] == ["2022", "2021", "2020", "2018"]
    assert len(archives.select(".archive-list li")) == 5
    themes = soup(built_site, "themes/index.html")
    assert "Vie de la Caf" in text(themes)


def test_pagination(tmp_path):
    site = build_site(tmp_path / "output", DEFAULT_PAGINATION=2)
    first, second = soup(site, "index.html"), soup(site, "page/2/index.html")
    assert len(first.find_all("article", class_="card")) == 2
    assert first.find("a", rel="next")["href"] == "/page/2/"
    assert second.find("a", rel="prev")["href"] == "/"
    assert "Page 2 sur 3" in text(second.find("nav", class_="pagination"))
    assert (site / "themes/vie-de-la-caf/page/2/index.html").exists() is False
    assert (site / "intervenants/guillaume-lacroix/index.html").exists()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("a-propos/index.html", "À propos"),
        ("mentions-legales/index.html", "Mentions légales"),
        ("donnees-personnelles/index.html", "Données personnelles"),
        ("404.html", "Page introuvable"),
    ],
)
def test_pages(built_site, path, expected):
    assert text(soup(built_site, path).h1) == expected


def test_accessibility_statement(built_site):
    statement = text(soup(built_site, "accessibilite/index.html").find("main"))
    assert f"est {PUBLIC_STATE} avec le référentiel" in statement
    assert "Défenseur des droits" in statement
    assert "@" in statement, "a contact address"


def test_internal_links_and_anchors_resolve(built_site):
    """A broken internal link (file or #anchor) anywhere on the site fails here."""
    broken = []
    for path in html_files(built_site):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        ids = {element["id"] for element in page.find_all(id=True)}
        for element in page.find_all(["a", "link", "script", "img", "form"]):
            url = element.get("href") or element.get("src") or element.get("action")
            if not url or url.startswith(("data:", "mailto:")):
                continue
            parsed = urlparse(url)
            if parsed.scheme or parsed.netloc:
                continue  # external links are allowed in text; requests are checked in a browser
            if parsed.path.startswith("/commentaires/"):
                continue  # the comment service, not a file
            if not parsed.path and parsed.fragment:
                if parsed.fragment not in ids:
                    broken.append(f"{path.relative_to(built_site)}: #{parsed.fragment}")
                continue
            target = built_site / unquote(parsed.path).lstrip("/")
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{path.relative_to(built_site)}: {url}")
    assert broken == []


def test_no_resource_from_another_host(built_site):
    for path in html_files(built_site):
        html = path.read_text(encoding="utf-8")
        assert not re.search(
            r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(?:https?:)?//', html
        ), path


def test_dates_do_not_depend_on_the_machine_locale(tmp_path):
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "LANGUAGE": "en"}
    script = (
        "from pathlib import Path;"
        f"from tests.support.site import build_site; build_site(Path({str(tmp_path / 'out')!r}))"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True)
    page = soup(tmp_path / "out", ARTICLE)
    assert text(page.find("main").find("time")) == "10 janvier 2022"


def test_questions_get_unique_ids_and_keep_given_ones(tmp_path):
    content = tmp_path / "content" / "articles"
    content.mkdir(parents=True)
    (content / "a.md").write_text(
        "Title: Deux fois la même question\nDate: 2022-01-10\nCategory: Vie de la Caf\n"
        "Authors: Jeanne Martin\nSummary: Chapô.\nSlug: deux-fois\n\n"
        '## Pourquoi ?\n\nUn.\n\n## Pourquoi ?\n\nDeux.\n\n<h2 id="choisi">Et après ?</h2>\n',
        encoding="utf-8",
    )
    site = build_site(tmp_path / "output", PATH=str(tmp_path / "content"))
    page = soup(site, "articles/deux-fois/index.html")
    ids = [h2["id"] for h2 in page.find(class_="entretien__body").find_all("h2")]
    assert ids == ["pourquoi", "pourquoi_1", "choisi"]
    assert [a["href"] for a in page.find("nav", class_="toc").find_all("a")] == [
        "#pourquoi",
        "#pourquoi_1",
        "#choisi",
    ]


def test_issue19_item1_every_page_carries_the_policy_and_no_inline_script(built_site):
    """The Content-Security-Policy in every page's <meta>, whatever web server sends it, and
    nothing it would block: each script is a file of the site (JSON-LD is data)."""
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        page = soup(built_site, str(path.relative_to(built_site)))
        metas = page.head.find_all("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert [meta["content"] for meta in metas] == [SITE_POLICY], path
        for script in page.find_all("script"):
            if script.get("type") != "application/ld+json":
                assert script.get("src", "").startswith("/theme/js/"), (path, str(script)[:80])
                assert not script.string, path
