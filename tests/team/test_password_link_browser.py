"""The one-time link's copy button, in Debian's Chromium, under the team area's own CSP: with
JavaScript it copies the link and says so; without, there is no dead button and the link is
still there to select."""

import re

import pytest
from playwright.sync_api import expect

from service.team import accounts
from site_core.paths import LOGIN_PATH
from tests.support.browser import axe_violations
from tests.support.room import PASSWORD, ROOM_PATH, add_account

pytestmark = pytest.mark.browser


def _new_account_page(browser, url: str, username: str, javascript: bool):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="fr-FR", java_script_enabled=javascript
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    page = context.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.goto(url + LOGIN_PATH + "?suite=" + ROOM_PATH + "equipe/")
    page.fill("#identifiant", "admin")
    page.fill("#mot_de_passe", PASSWORD)
    page.click("button:has-text('Se connecter')")
    page.wait_for_url(re.compile(re.escape(ROOM_PATH + "equipe/")))
    page.fill("#identifiant", username)
    page.fill("#nom", username.title())
    page.check("#role_redaction")
    page.click("button:has-text('Créer le compte')")
    page.wait_for_selector("#lien")
    return context, page, refused


def test_the_copy_button_copies_the_link_says_so_and_passes_axe(browser, comment_service):
    add_account(comment_service.config.core.database, "admin", accounts.ROLES)
    context, page, refused = _new_account_page(browser, comment_service.url, "lea", True)
    try:
        link = page.input_value("#lien")
        assert "/mot-de-passe/" in link
        page.get_by_role("button", name="Copier le lien").click()
        # A locator waits from Python: a string evaluated in the page is refused by the CSP.
        expect(page.locator("[role=status].copie-etat")).to_have_text("Lien copié.")
        assert page.evaluate("navigator.clipboard.readText()") == link
        assert refused == []  # no script refused by the CSP
        assert axe_violations(page) == []
    finally:
        context.close()


def test_without_javascript_the_link_is_there_and_no_button(browser, comment_service):
    add_account(comment_service.config.core.database, "admin", accounts.ROLES)
    context, page, _ = _new_account_page(browser, comment_service.url, "noe", False)
    try:
        assert "/mot-de-passe/" in page.input_value("#lien")
        assert page.get_by_role("button", name="Copier le lien").count() == 0
    finally:
        context.close()
