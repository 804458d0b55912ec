"""Search (plugins/search, Pagefind): what the index holds, the search page and the header's
field as built HTML, and the acronyms glossary that feeds the index (plugins/glossary).

The browser side (queries, filters, accessibility) is in test_search_browser.py."""

import gzip
import json
import time
from pathlib import Path

from bs4 import BeautifulSoup

from service.comments import actions
from service.core import db
from tests.support.comments import make_config, running_service
from tests.support.search_site import PUBLISHED, SEARCH_WORD, build_search_site
from tests.support.site import ROOT, build_site

# A Pagefind fragment: gzip of this signature then the page's JSON (url, content, meta, filters).
FRAGMENT_SIGNATURE = b"pagefind_dcd"


def fragments(site: Path) -> dict[str, dict]:
    """Every page in the search index, by URL."""
    pages = {}
    for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(FRAGMENT_SIGNATURE)
        page = json.loads(data[len(FRAGMENT_SIGNATURE) :])
        pages[page["url"]] = page
    return pages


def test_index_holds_only_published_articles_and_pages(search_site):
    expected = {f"/articles/{slug}/" for slug in PUBLISHED} | {"/ressources/"}
    assert set(fragments(search_site)) == expected


def test_real_site_index(built_site):
    """The five interviews and the published pages; not the 404, lists, search page or shell."""
    urls = set(fragments(built_site))
    interviews = {f"/articles/{p.stem}/" for p in (ROOT / "content" / "articles").glob("*.md")}
    assert interviews <= urls
    assert {"/a-propos/", "/s-abonner/", "/accessibilite/"} <= urls
    assert urls - interviews == {
        "/a-propos/", "/s-abonner/", "/accessibilite/", "/mentions-legales/",
        "/donnees-personnelles/",
    }  # fmt: skip


def test_article_record_has_its_meta_filters_and_approved_comments(search_site):
    page = fragments(search_site)["/articles/jeu-01/"]
    assert page["meta"]["title"] == f"La {SEARCH_WORD} numéro jeu-01"
    assert page["meta"]["theme"] == "Solidarité"
    assert page["meta"]["date"] == "2\u00a0mars\u00a02023"
    assert page["filters"] == {"theme": ["Solidarité"], "intervenant": ["Annie Hamel"]}
    text = page["content"]
    assert "Notre bibliobus itinérant passe le mardi." in text
    assert "Mairie de Massy" in text
    # Not the form, the count, the reply links, the navigation or the header's field.
    for absent in ("motsecret", "Laisser un commentaire", "Répondre", "commentaire",
                   "Sommaire", "Entretien suivant", "Rechercher", "Mentions légales"):  # fmt: skip
        assert absent not in text, absent
    # The mots-clés and the acronyms' meanings are searchable.
    assert "Mots-clés : jeux" in text
    assert "convention territoriale globale" in text


def test_unapproved_comments_and_hidden_articles_are_nowhere_in_the_index(search_site):
    bundle = b"".join(
        gzip.decompress(p.read_bytes())
        for folder in ("fragment", "index")
        for p in (search_site / "pagefind" / folder).iterdir()
    )
    for word in (b"motsecretenattente", b"motsecretrejete", b"motsurunarticlecache"):
        assert word not in bundle


def test_rebuild_replaces_the_index(tmp_path):
    site = build_search_site(tmp_path)
    before = set((site / "pagefind" / "fragment").iterdir())
    (tmp_path / "content" / "articles" / "jeu-12.md").unlink()
    build_site(
        site,
        PATH=str(tmp_path / "content"),
        COMMENTS_DB=str(tmp_path / "comments.sqlite3"),
    )
    assert "/articles/jeu-12/" not in fragments(site)
    assert len(list((site / "pagefind" / "fragment").iterdir())) == len(before) - 1
    assert not [p for p in site.iterdir() if p.name.startswith(".pagefind")]


def _soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def test_header_field_is_a_plain_form_to_the_search_page(built_site):
    for path in ("index.html", "articles/enjeux-prioritaires-2022/index.html", "404.html"):
        form = _soup(built_site, path).find("header").find("form", role="search")
        assert form["action"] == "/recherche/" and form["method"] == "get"
        field = form.find("input", attrs={"name": "q"})
        assert field["type"] == "search"
        assert form.find("label", attrs={"for": field["id"]}).get_text(strip=True)
    search_page = _soup(built_site, "recherche/index.html")
    assert search_page.find("header").find("form") is None, "the page has its own field"
    assert search_page.find("main").find("input", attrs={"name": "q"})


def test_only_the_search_page_has_search_code(built_site):
    pages = [p for p in built_site.rglob("*.html") if "pagefind" not in p.parts]
    with_script = {
        p.relative_to(built_site).as_posix()
        for p in pages
        if "recherche.js" in p.read_text(encoding="utf-8")
        or "pagefind.js" in p.read_text(encoding="utf-8")
    }
    assert with_script == {"recherche/index.html"}


def test_search_page_without_javascript_offers_other_ways(built_site):
    noscript = _soup(built_site, "recherche/index.html").find("main").find("noscript")
    links = {a["href"] for a in noscript.find_all("a")}
    assert links == {"/themes/", "/intervenants/", "/archives/"}
    assert "JavaScript" in noscript.get_text()


def test_acronyms_meanings_are_searchable(built_site):
    """« crèches » finds the interview that says « Eaje » (plugins/glossary)."""
    page = fragments(built_site)["/articles/territorialisation-se-concretise/"]
    assert "Eaje : établissement d’accueil du jeune enfant (crèche" in page["content"]


def test_a_comment_approved_by_the_service_becomes_searchable(tmp_path):
    """The service re-indexes (debounced, in its own thread) after a moderation action."""
    database = tmp_path / "comments.sqlite3"
    conn = db.init(database)
    comment_id = conn.execute(
        "INSERT INTO comments (article_slug, author_name, author_email, body, status, created_at)"
        " VALUES ('30-ans-caf-essonne', 'Mairie', 'm@x.fr', 'Notre ludothèque Zébulon', 'pending',"
        " '2026-01-02T10:00:00+00:00')"
    ).lastrowid
    conn.close()
    site = build_site(tmp_path / "output", COMMENTS_DB=str(database))
    assert "Zébulon" not in json.dumps(fragments(site), ensure_ascii=False)
    comments = {"republish": True, "search_refresh_delay": 0.2}
    config = make_config(tmp_path, site, database=database, comments=comments)
    with running_service(config) as service:
        service.parts.comments.moderation.perform(
            actions.set_status, comment_id, "approved", "test"
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            page = fragments(site).get("/articles/30-ans-caf-essonne/", {})
            if "Zébulon" in page.get("content", ""):
                break
            time.sleep(0.2)
    assert "Zébulon" in fragments(site)["/articles/30-ans-caf-essonne/"]["content"]
