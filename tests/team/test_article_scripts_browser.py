"""A writer must not script a team member's session (issue 19 item 1), in Debian's Chromium.

The attack as it was run: a rédaction-only account saves and publishes an article whose body
and chapô carry scripts, handlers, `javascript:` links and a form aimed at
/redaction/equipe/<writer>; the script fetches a team page for its CSRF token and posts every
role for the writer. An all-roles administrator then opens the preview and the published page
(served by the real service), and an administration-only account merely reads the site. No
script may run, the writer keeps its one role, and the team's log records no change.
"""

import re

import httpx
import pytest
from playwright.sync_api import expect

from service.core import db
from service.team import accounts
from site_core.paths import LOGIN_PATH
from tests.support.hostile import BODY_VECTORS, executable_markup
from tests.support.room import (
    PASSWORD,
    ROOM_PATH,
    add_account,
    job_of,
    login,
    new_article,
    publishing_site,
    wait_job,
)

pytestmark = pytest.mark.browser

WRITER = "karim"
# Runs with the reader's session: a team page's CSRF token, then every role for the writer.
GRANT = (
    "window.__pwned=(window.__pwned||0)+1;"
    "fetch('/redaction/equipe/').then(function(r){return r.text();}).then(function(t){"
    "var m=t.match(/name=.csrf. value=.([0-9a-f]+)/);if(!m){return;}"
    "return fetch('/redaction/equipe/karim',{method:'POST',credentials:'same-origin',"
    "body:new URLSearchParams({csrf:m[1],nom:'Karim Benali',email:'',role_redaction:'1',"
    "role_moderation:'1',role_administration:'1'})});});"
)
ATTACK_BODY = "\n\n".join(
    [
        "Un article d’apparence ordinaire.",
        f"<script>{GRANT}</script>",
        f'<svg onload="{GRANT}"></svg>',
        f'<details open ontoggle="{GRANT}"><summary>Plus</summary>Détail.</details>',
        f'<p><a id="piege" href="javascript:{GRANT}">Cliquez ici</a></p>',
        f'<form id="formulaire-piege" action="/redaction/equipe/{WRITER}" method="post">'
        '<input type="hidden" name="role_administration" value="1">'
        '<button id="bouton-piege">Envoyer</button></form>',
        # The hostile corpus of the build's test, but what leaves the page (refresh, base).
        *[v for v in BODY_VECTORS if "<meta" not in v and "<base" not in v],
        "## Une question ?",
        "**Awa Diallo :**{: .speaker} « Une réponse. »",
    ]
)
ATTACK_CHAPO = f'Un chapô <svg onload="{GRANT}"></svg><script>{GRANT}</script> ordinaire.'


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The service serving the site it publishes, with « karim » (rédaction only), an
    all-roles administrator and an administration-only account."""
    with publishing_site(tmp_path_factory.mktemp("xss-browser")) as service:
        database = service.config.core.database
        add_account(database, "admin", accounts.ROLES, "Aline Admin")
        add_account(database, "gerante", (accounts.ADMINISTRATION,), "Gina Gérante")
        yield service


def roles_of(service, username: str) -> str:
    conn = db.connect(service.config.core.database)
    try:
        row = conn.execute("SELECT roles FROM moderators WHERE username = ?", (username,))
        return row.fetchone()[0]
    finally:
        conn.close()


def log_rows(service) -> list[dict]:
    conn = db.connect(service.config.core.database)
    try:
        rows = conn.execute("SELECT * FROM team_log WHERE target = ?", (WRITER,)).fetchall()
        return [dict(row) for row in rows]
    finally:
        conn.close()


def visit_as(browser, url: str, username: str):
    """A Chromium context logged in as `username` (no CSP bypass: the page's policy applies),
    recording every request that reaches the team's accounts."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    aimed = []
    context.on(
        "request", lambda r: aimed.append((r.method, r.url)) if "/equipe/" in r.url else None
    )
    page = context.new_page()
    page.goto(url + LOGIN_PATH + "?suite=" + ROOM_PATH)
    page.fill("#identifiant", username)
    page.fill("#mot_de_passe", PASSWORD)
    page.click("button:has-text('Se connecter')")
    page.wait_for_url(re.compile(re.escape(ROOM_PATH)))
    return context, page, aimed


def pwned(page) -> int:
    """How many vectors ran in the page and its frames (a frame that runs no script: 0)."""
    count = 0
    for frame in page.frames:
        try:
            count += frame.evaluate("window.__pwned || 0")
        except Exception:  # a sandboxed frame without scripts cannot be evaluated in
            continue
    return count


def try_clicks(page) -> None:
    """What a curious reader clicks: the link and the button, if the page still has them."""
    for selector in ("#piege", "#bouton-piege"):
        for frame in page.frames:
            try:
                element = frame.query_selector(selector)
                if element is not None and element.is_visible():
                    element.click(no_wait_after=True, timeout=2000)
                    page.wait_for_timeout(300)
            except Exception:  # the frame went away (a click or a script navigated it)
                continue


def test_issue19_item1_a_writer_gains_no_role_through_an_article(browser, site):
    writer = login(site.url, WRITER)
    form = new_article(writer, "Un article piégé", chapo=ATTACK_CHAPO, texte=ATTACK_BODY)
    job = job_of(writer.post(ROOM_PATH + "nouveau", data={**form, "action": "publier"}))
    assert wait_job(site, job)["state"] == "done"
    article = "/articles/un-article-piege/"
    assert httpx.get(site.url + article).status_code == 200
    before = log_rows(site)
    ran = {}

    context, page, aimed = visit_as(browser, site.url, "admin")
    try:
        page.goto(site.url + f"{ROOM_PATH}articles/un-article-piege/apercu", wait_until="load")
        assert page.locator("iframe[title^='Aperçu']").count() == 2
        # The sandboxed frame still shows the article, with the site's stylesheet.
        heading = page.frame_locator("iframe").first.locator("main h1")
        expect(heading).to_have_text("Un article piégé")
        assert "system-ui" in heading.evaluate("h => getComputedStyle(h).fontFamily")
        page.wait_for_timeout(1500)
        try_clicks(page)
        ran["aperçu"] = pwned(page)
        for path in (article, "/", "/archives/"):
            page.goto(site.url + path, wait_until="load")
            assert "Un article" in page.content(), path
            page.wait_for_timeout(1000)
            try_clicks(page)
            ran[path] = pwned(page)
        page.goto(site.url + f"{ROOM_PATH}articles/un-article-piege/apercu", wait_until="load")
        preview_src = page.locator("iframe").first.get_attribute("src")
        # Each lock holds alone: the preview's build and the publication's sanitise too.
        assert executable_markup(context.request.get(site.url + preview_src).text(), site.url) == []
        assert executable_markup(httpx.get(site.url + article).text, site.url) == []
        page.goto(site.url + preview_src, wait_until="load")  # « en pleine page »
        page.wait_for_timeout(1000)
        try_clicks(page)
        ran["aperçu en pleine page"] = pwned(page)
    finally:
        context.close()
    context, page, aimed_too = visit_as(browser, site.url, "gerante")
    try:
        for path in (article, "/"):
            page.goto(site.url + path, wait_until="load")
            page.wait_for_timeout(1000)
            ran[f"gérante {path}"] = pwned(page)
    finally:
        context.close()

    assert roles_of(site, WRITER) == accounts.REDACTION
    assert ran == {where: 0 for where in ran}
    assert [request for request in aimed + aimed_too if request[0] == "POST"] == []
    assert log_rows(site) == before
