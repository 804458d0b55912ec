"""End to end in Debian's Chromium: a reader posts the real form on a built article page, a
moderator logs in and approves, and the article page then shows the comment."""

import pytest

from service.core import db
from service.team import accounts
from tests.support.comments import make_config, running_service, spaces
from tests.support.site import build_site

pytestmark = pytest.mark.browser

SLUG = "30-ans-caf-essonne"
PASSWORD = "un mot de passe assez long"
TEXT = "Notre relais petite enfance a beaucoup apprécié cet entretien."


def test_post_moderate_and_read_a_comment(browser, tmp_path):
    output = tmp_path / "output"
    config = make_config(tmp_path, output, comments={"republish": True, "min_fill_seconds": 1})
    build_site(
        output, COMMENTS_DB=str(config.core.database), COMMENTS_SECRET_KEY=config.core.secret_key
    )
    conn = db.init(config.core.database)
    accounts.create_moderator(conn, "sophie", PASSWORD, "Sophie")
    conn.close()

    with running_service(config, serve_site=True) as service:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{service.url}/articles/{SLUG}/")
        assert TEXT not in page.locator("#commentaires").inner_text()
        page.fill("#champ-commentaire", TEXT)
        page.fill("#champ-nom", "Claire Martin")
        page.fill("#champ-email", "claire.martin@mairie-exemple.fr")
        page.wait_for_timeout(1200)  # a human takes longer than min_fill_seconds
        page.click("#laisser-un-commentaire button[type=submit]")
        assert "en attente de modération" in page.locator("main").inner_text()

        page.goto(f"{service.url}/redaction/commentaires/")
        page.fill("#identifiant", "sophie")
        page.fill("#mot_de_passe", PASSWORD)
        page.click("text=Se connecter")
        comment = page.locator("article.moderation-comment", has_text=TEXT)
        assert "Claire Martin" in comment.inner_text()
        comment.get_by_role("button", name="Approuver").click()
        assert "approuvé : il est publié" in spaces(page.locator("[role=status]").inner_text())

        page.goto(f"{service.url}/articles/{SLUG}/")
        section = page.locator("#commentaires")
        assert TEXT in section.locator("li.comment").inner_text()
        assert section.locator("#commentaires-titre").inner_text() == "1 commentaire"
        page.goto(f"{service.url}/")
        assert "1 commentaire" in page.locator("article.card", has_text="30 ans").inner_text()
        context.close()
