"""The RGAA audit's sample (audit/rgaa/echantillon.csv) made real: the site built from the
repository's content with approved comments and a sent lettre, and the service serving it with
its reader and team pages, each sample page's address resolved (tests/audit)."""

import contextlib
import csv
import json
import time
from pathlib import Path
from urllib.parse import urlparse

from service.core import db
from service.lettre.links import CONFIRM, UNSUBSCRIBE, Link, Links
from service.team import accounts
from tests.support.comments import running_service
from tests.support.lettre import subscribe
from tests.support.room import add_account, login, room_config
from tests.support.site import ROOT, build_site

AUDIT = ROOT / "audit" / "rgaa"
INTERVIEW = "territorialisation-se-concretise"
EDITOR_MOUNTED = "#texte-editeur"  # the visual editor, once its script has run
# WCAG 1.4.12's spacing, as the RGAA's test 10.12.1 applies it: a user stylesheet.
SPACING = """* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }"""
# Elements whose box hides part of their text: overflow hidden or clipped, and content wider
# or taller than the box (visually hidden elements, 1 px wide, are meant to be so).
CLIPPED = """() => [...document.querySelectorAll('body *')].filter(e => {
  const s = getComputedStyle(e);
  if (!/hidden|clip/.test(s.overflowX + s.overflowY) || e.clientWidth <= 1) return false;
  if (!e.textContent.trim()) return false;
  return e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1;
}).map(e => e.outerHTML.slice(0, 120))"""
SCROLLS = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


def sample() -> list[dict]:
    """The sample's pages, in the grid's order."""
    with (AUDIT / "echantillon.csv").open(encoding="utf-8", newline="") as rows:
        return list(csv.DictReader(rows))


def audited(team: bool | None = None) -> list[str]:
    """The pages audited now (none waits since issue 20's editor came): all, or the team's
    (team=True) or the public ones (team=False)."""
    return [
        page["page"]
        for page in sample()
        if not page["en_attente"] and team in (None, page["echantillon"] == "equipe")
    ]


def logged_in(page: str) -> bool:
    """Whether the team's session opens `page` (the login page is seen without one: with one,
    it sends the visitor on)."""
    row = next(p for p in sample() if p["page"] == page)
    return row["echantillon"] == "equipe" and page != "connexion"


def _comment_store(path: Path) -> Path:
    """Two approved comments on the interview and one lettre sent, as the service keeps them."""
    conn = db.connect(path)
    db.migrate(conn)
    shown = {
        "slug": INTERVIEW, "title": "La territorialisation se concrétise",
        "url": f"articles/{INTERVIEW}/", "category": "Partenariats et territoires",
        "date": "2024-03-01T10:00:00+01:00", "category_slug": "partenariats-et-territoires",
        "summary": "Le chapô de l’entretien.", "image": "",
    }  # fmt: skip
    with conn:
        conn.execute(
            "INSERT INTO letters (kind, period, subject, articles, created_at)"
            " VALUES ('article', ?, ?, ?, '2024-03-01T12:00:00+00:00')",
            (INTERVIEW, shown["title"], json.dumps([shown])),
        )
        for name, body in (
            ("Mairie de Massy", "Merci pour cet entretien, très utile pour notre Ctg."),
            ("Centre social Les Tilleuls", "Nous aimerions en savoir plus sur les Laep."),
        ):
            conn.execute(
                "INSERT INTO comments (article_slug, author_name, author_email, body, status,"
                " created_at) VALUES (?, ?, 'x@example.org', ?, 'approved',"
                " '2024-03-02T10:00:00+00:00')",
                (INTERVIEW, name, body),
            )
    conn.close()
    return path


def build_audit_site(base: Path) -> Path:
    """The repository's content built with the comments and the lettre above."""
    store = _comment_store(base / "store.sqlite3")
    return build_site(base / "output", COMMENTS_DB=str(store))


@contextlib.contextmanager
def audit_service(base: Path, site_dir: Path):
    """The service on the audit site (served at « / »), with an administrator logged in.

    Yields (service, team client, {page: absolute address})."""
    config = room_config(base, site_dir)
    add_account(config.core.database, "admin", accounts.ROLES, "Aline Admin")
    with running_service(config, serve_site=True) as service:
        conn = service.db()
        with conn:  # a comment waiting in the moderation queue
            conn.execute(
                "INSERT INTO comments (article_slug, author_name, author_email, body, status,"
                " created_at) VALUES (?, 'Un lecteur', 'y@example.org', 'Une question ?',"
                " 'pending', '2024-03-03T10:00:00+00:00')",
                (INTERVIEW,),
            )
        conn.close()
        links = _reader_links(service)
        client = login(service.url, "admin")
        urls = {page["page"]: service.url + page["adresse"].format(**links) for page in sample()}
        try:
            yield service, client, urls
        finally:
            client.close()


def _reader_links(service) -> dict[str, str]:
    """Signed confirmation and unsubscription tokens of a reader who subscribed."""
    response = subscribe(service, "lectrice@example.org")
    assert response.status_code == 303, response.text
    conn = service.db()
    try:
        person = conn.execute("SELECT id, link_key FROM subscribers").fetchone()
        ids = tuple(r[0] for r in conn.execute("SELECT id FROM subscriptions ORDER BY id"))
    finally:
        conn.close()
    signer = Links(service.config.core.secret_key, "")
    return {
        "confirmer": signer.token(CONFIRM, Link(person[0], person[1], ids, time.time())),
        "desabonnement": signer.token(UNSUBSCRIBE, Link(person[0], person[1])),
    }


def open_page(browser, url: str, page: str, cookies, width: int = 1280, **options):
    """A new browser context on sample page `page` at `url`, with the team's session (`cookies`)
    where it needs one, its search results waited for; returns (context, tab)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)
    if logged_in(page):
        origin = "{0.scheme}://{0.netloc}/".format(urlparse(url))
        context.add_cookies(
            [{"name": name, "value": value, "url": origin} for name, value in cookies.items()]
        )
    tab = context.new_page()
    tab.goto(url, wait_until="load")
    # Search results come from the script: wait for them.
    if page == "recherche" and options.get("java_script_enabled", True):
        tab.locator(".resultat").first.wait_for(timeout=20000)
    # The editor page is audited with the visual editor mounted (and without, JS off).
    if page == "editeur" and options.get("java_script_enabled", True):
        tab.locator(EDITOR_MOUNTED).wait_for(timeout=20000)
    return context, tab
