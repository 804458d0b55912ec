"""Approved comments in the static site: the comments plugin over a real Pelican build with a
real SQLite file, and republishing after moderation (patched pages equal a full build)."""

import shutil
import threading
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from pelican import signals

from service.app import assemble
from service.comments import actions
from service.core import db
from service.core.settings import CoreSettings
from service.settings import Settings
from site_core.locks import site_lock
from site_core.manifest import ManifestFile
from site_core.paths import COMMENTS_ENDPOINT
from tests.support.comments import spaces
from tests.support.site import ROOT, build_site, token_image

SECRET = "clé de test du build"
SLUG = "30-ans-caf-essonne"
OTHER = "enjeux-prioritaires-2022"
PAGE = f"articles/{SLUG}/index.html"

INSERT = (
    "INSERT INTO comments (article_slug, parent_id, author_name, author_email, author_url, body,"
    " status, is_official, ip_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def add(
    conn,
    slug=SLUG,
    *,
    parent=None,
    name="Claire Martin",
    email="claire@mairie.example",
    url="",
    body="Merci pour cet entretien.",
    status="approved",
    official=0,
    ip="empreinte-ip-0001",
    at="2026-01-02T10:00:00+00:00",
) -> int:
    row = (slug, parent, name, email, url, body, status, official, ip, at)
    return conn.execute(INSERT, row).lastrowid


def build(output: Path, database: Path, **override) -> Path:
    return build_site(output, COMMENTS_DB=str(database), COMMENTS_SECRET_KEY=SECRET, **override)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def comment_ids(page: BeautifulSoup) -> list[int]:
    return [int(li["id"].removeprefix("commentaire-")) for li in page.select("li.comment")]


@pytest.fixture
def thread(tmp_path):
    """A database with every kind of comment on one article, and the site built from it."""
    database = tmp_path / "comments.sqlite3"
    conn = db.init(database)
    ids = {
        "root": add(
            conn,
            name="Marie <b>Dupont</b>",
            url="https://mairie.example/",
            body="Très bon article.\n\nVoir https://www.caf.fr/partenaires.\n"
            "<script>alert(1)</script>",
        ),
        "second": add(
            conn,
            name="Paul",
            url="javascript:alert(1)",
            body="Deuxième.",
            at="2026-01-04T10:00:00+00:00",
            email="paul@asso.example",
        ),
        "pending": add(
            conn,
            status="pending",
            body="En attente",
            email="attente@ex.example",
            ip="empreinte-ip-pending",
        ),
        "rejected": add(conn, status="rejected", body="Rejeté", email="rejet@ex.example"),
        "spam": add(conn, status="spam", body="Casino", email="spam@ex.example"),
    }
    ids["official"] = add(
        conn,
        parent=ids["root"],
        name="Caf de l’Essonne",
        email="",
        body="Merci Marie.",
        official=1,
        ip=None,
        at="2026-01-03T10:00:00+00:00",
    )
    ids["nested"] = add(
        conn,
        parent=ids["official"],
        name="Marie",
        body="Merci à vous.",
        at="2026-01-05T10:00:00+00:00",
    )
    ids["under_pending"] = add(
        conn, parent=ids["pending"], body="Réponse cachée", at="2026-01-05T11:00:00+00:00"
    )
    conn.close()
    output = build(tmp_path / "output", database)
    return database, output, ids


def test_only_approved_comments_are_shown_nested_oldest_first(thread):
    _, output, ids = thread
    page = soup(output / PAGE)
    section = page.select_one("section#commentaires")
    assert comment_ids(section) == [ids["root"], ids["official"], ids["nested"], ids["second"]]
    assert section.select_one("#commentaires-titre").get_text() == "4 commentaires"
    roots = section.select_one("ol.comments__list").find_all("li", recursive=False)
    assert [li["id"] for li in roots] == [
        f"commentaire-{ids['root']}",
        f"commentaire-{ids['second']}",
    ]
    official = section.select_one(f"#commentaire-{ids['official']}")
    assert official.find_parent("li")["id"] == f"commentaire-{ids['root']}"
    assert "Réponse officielle de la Caf" in official.select_one(".comment__badge").get_text()
    nested = section.select_one(f"#commentaire-{ids['nested']}")
    assert nested.find_parent("li")["id"] == f"commentaire-{ids['official']}"
    assert nested.find_parent("ol")["aria-label"] == "Réponses à Caf de l’Essonne"
    text = section.get_text()
    for hidden in ("En attente", "Rejeté", "Casino", "Réponse cachée"):
        assert hidden not in text


def test_comment_rendering_is_escaped_linked_and_dated(thread):
    _, output, ids = thread
    html = (output / PAGE).read_text(encoding="utf-8")
    page = BeautifulSoup(html, "lxml")
    root = page.select_one(f"#commentaire-{ids['root']}")
    author = root.select_one(".comment__author a")
    assert author.get_text() == "Marie <b>Dupont</b>"
    assert author["href"] == "https://mairie.example/" and author["rel"] == [
        "nofollow",
        "ugc",
        "noopener",
    ]
    body = root.select_one(".comment__body")
    assert [p.get_text() for p in body.find_all("p")][0] == "Très bon article."
    link = body.find("a")
    assert link["href"] == "https://www.caf.fr/partenaires" and link["rel"] == [
        "nofollow",
        "ugc",
        "noopener",
    ]
    assert (
        "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    )
    time = root.select_one("time")
    assert time["datetime"] == "2026-01-02T10:00:00+00:00"
    assert spaces(time.get_text()) == "2 janvier 2026 à 11 h 00"  # Paris time
    reply = root.select_one(".comment__reply")
    assert reply["href"] == f"/commentaires/repondre?article={SLUG}&parent={ids['root']}"
    second = page.select_one(f"#commentaire-{ids['second']}")
    assert second.select_one(".comment__author a") is None  # javascript: is never a link


def test_no_email_or_ip_hash_in_any_built_file(thread):
    database, output, _ = thread
    conn = db.connect(database)
    secrets = [
        r[0] for r in conn.execute("SELECT author_email FROM comments WHERE author_email != ''")
    ]
    secrets += [
        r[0] for r in conn.execute("SELECT ip_hash FROM comments WHERE ip_hash IS NOT NULL")
    ]
    conn.close()
    assert len(secrets) > 5
    for path in output.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in secrets:
                assert secret.encode() not in data, (path, secret)


def test_counts_on_list_pages_manifest_and_feed(thread):
    _, output, ids = thread
    card = next(
        c
        for c in soup(output / "index.html").select("article.card")
        if SLUG in c.select_one(".card__title a")["href"]
    )
    assert card.select_one(".comment-count a").get_text() == "4 commentaires"
    assert card.select_one(".comment-count a")["href"] == f"/articles/{SLUG}/#commentaires"
    other = soup(output / f"articles/{OTHER}/index.html")
    assert other.select_one("#commentaires-titre").get_text() == "Aucun commentaire"
    manifest = ManifestFile(output).current().articles
    assert manifest[SLUG].url == f"articles/{SLUG}/" and manifest[SLUG].comments_open is True
    assert "index.html" in manifest[SLUG].count_pages
    feed = feedparser.parse(str(output / "flux/commentaires.atom.xml"))
    assert [e.link.rsplit("#", 1)[1] for e in feed.entries] == [
        f"commentaire-{ids[k]}" for k in ("nested", "second", "official", "root")
    ]


def test_a_fresh_clone_without_database_builds(built_site):
    manifest = ManifestFile(built_site).current().articles
    assert SLUG in manifest and len(manifest) == len(list((ROOT / "content/articles").glob("*.md")))
    page = soup(built_site / PAGE)
    assert page.select("li.comment") == []
    # The form asks for its token when the reader starts writing: none is baked in the page.
    form = page.select_one("#commentaires form")
    assert form.select_one("input[name=jeton]")["value"] == ""
    # The stylesheet asks for it (no inline style: the site's CSP allows none).
    assert not form.has_attr("style")
    assert token_image(built_site, "formulaire-commentaire") == COMMENTS_ENDPOINT + "jeton"
    assert token_image(built_site, "formulaire-lettre") == COMMENTS_ENDPOINT + "lettre/jeton"


def test_closed_comments_have_no_form(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    article = content / "articles" / f"{SLUG}.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace("Category:", "Comments: closed\nCategory:", 1),
        encoding="utf-8",
    )
    database = tmp_path / "comments.sqlite3"
    conn = db.init(database)
    add(conn)
    conn.close()
    output = build(tmp_path / "output", database, PATH=str(content))
    page = soup(output / PAGE)
    assert comment_ids(page) and page.select_one("#commentaires form") is None
    assert page.select(".comment__reply") == []
    assert "Les commentaires sont fermés" in page.select_one("#commentaires").get_text()
    manifest = ManifestFile(output).current().articles
    assert manifest[SLUG].comments_open is False


def moderation_of(database: Path, output: Path):
    settings = Settings(CoreSettings(database=database, site_dir=output, secret_key=SECRET))
    return assemble(settings).comments.moderation


def test_moderation_republishes_pages_like_a_full_build(thread, tmp_path):
    database, output, ids = thread
    moderation = moderation_of(database, output)
    moderation.perform(actions.set_status, ids["pending"], "approved", "test")
    page = soup(output / PAGE)
    assert comment_ids(page).count(ids["pending"]) == 1
    assert ids["under_pending"] in comment_ids(page)  # its parent is shown now
    assert page.select_one("#commentaires-titre").get_text() == "6 commentaires"
    moderation.perform(actions.edit, ids["second"], "Texte corrigé.", "test")
    moderation.perform(actions.delete, ids["root"])  # and its replies
    page = soup(output / PAGE)
    assert "Texte corrigé." in page.select_one(f"#commentaire-{ids['second']}").get_text()
    assert comment_ids(page) == [ids["pending"], ids["under_pending"], ids["second"]]

    fresh = build(tmp_path / "rebuilt", database)
    manifest = ManifestFile(output).current().articles
    pages = {
        PAGE,
        *manifest[SLUG].count_pages,
        "flux/commentaires.atom.xml",
        "flux/commentaires.rss.xml",
    }
    assert len(pages) > 5
    for name in sorted(pages):
        assert (output / name).read_bytes() == (fresh / name).read_bytes(), name
    assert "3 commentaires" in (output / "index.html").read_text(encoding="utf-8")


def test_rejecting_a_pending_comment_rewrites_nothing(thread):
    database, output, ids = thread
    before = {p: p.stat().st_mtime_ns for p in output.rglob("*.html")}
    moderation = moderation_of(database, output)
    moderation.perform(actions.set_status, ids["pending"], "rejected", "test")
    assert {p: p.stat().st_mtime_ns for p in output.rglob("*.html")} == before


def test_an_approval_during_a_build_waits_for_it_then_patches(thread):
    """The site lock: while a build (here, a thread holding the lock as the build does) writes
    the site, the service's republishing waits instead of being overwritten."""
    database, output, ids = thread
    held, release = threading.Event(), threading.Event()

    def build_holding_the_lock():
        with site_lock(database):
            held.set()
            release.wait(10)

    builder = threading.Thread(target=build_holding_the_lock)
    builder.start()
    held.wait(5)
    moderation = moderation_of(database, output)
    approving = threading.Thread(
        target=moderation.perform, args=(actions.set_status, ids["pending"], "approved", "t")
    )
    approving.start()
    approving.join(0.5)
    assert approving.is_alive()  # waiting for the build
    assert ids["pending"] not in comment_ids(soup(output / PAGE))
    release.set()
    approving.join(10)
    builder.join(10)
    assert ids["pending"] in comment_ids(soup(output / PAGE))


def test_an_approval_between_the_builds_read_and_its_writes_is_not_lost(thread, tmp_path):
    """The worst moment: the build has read the approved comments, not yet written the pages.
    An approval then must not be overwritten by the build's stale page."""
    database, output, ids = thread
    moderation = moderation_of(database, output)
    approving = threading.Thread(
        target=moderation.perform, args=(actions.set_status, ids["pending"], "approved", "t")
    )

    def approve_meanwhile(generator):  # runs after plugins/comments has read the database
        approving.start()
        approving.join(1)  # with the lock it waits for the build; without, it is done here

    signals.article_generator_finalized.connect(approve_meanwhile)
    try:
        build(output, database)
    finally:
        signals.article_generator_finalized.disconnect(approve_meanwhile)
    approving.join(10)
    assert ids["pending"] in comment_ids(soup(output / PAGE))
    fresh = build(tmp_path / "rebuilt", database)
    for name in (PAGE, "index.html", "flux/commentaires.atom.xml"):
        assert (output / name).read_bytes() == (fresh / name).read_bytes(), name
