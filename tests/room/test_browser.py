"""The writing room in Debian's Chromium: a newcomer's interview from account to publication and
back, axe-core and 320 px on every room page, keyboard only, and the launch articles saved
unchanged by a real browser."""

import io
import re
from pathlib import Path

import httpx
import pytest
from PIL import Image

from service.team import accounts
from site_core.paths import LOGIN_PATH
from tests.support.browser import axe_violations
from tests.support.comments import running_service
from tests.support.room import (
    PASSWORD,
    ROOM_PATH,
    add_account,
    publish_now,
    room_config,
    work_text,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("room-browser")
    (tmp_path / "public").mkdir()
    config = room_config(tmp_path, tmp_path / "public" / "site")
    add_account(config.core.database, "admin", accounts.ROLES, "Aline Admin")
    with running_service(config, serve_site=True) as service:
        service.site.address = service.url
        assert publish_now(service)["state"] == "done"
        yield service


def log_in(browser, url: str, username: str, password: str = PASSWORD, width: int = 1280):
    # bypass_csp: axe-core is injected as an inline script, which the room's policy refuses.
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="fr-FR", bypass_csp=True
    )
    page = context.new_page()
    page.goto(url + LOGIN_PATH + "?suite=" + ROOM_PATH)
    page.fill("#identifiant", username)
    page.fill("#mot_de_passe", password)
    page.click("button:has-text('Se connecter')")
    return context, page


def photo() -> bytes:
    image = Image.new("RGB", (1200, 800), (40, 90, 160))
    image.paste((230, 200, 60), (100, 100, 500, 400))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def add_block(page, kind: str, text: str, speaker: str = "") -> None:
    page.select_option("#bloc", kind)
    if speaker:
        page.select_option("#bloc_intervenant", speaker)
    page.fill("#bloc_texte", text)
    page.click("button[value=ajouter]")
    page.wait_for_selector(".moderation-message")


def test_a_newcomer_writes_previews_publishes_restores_and_withdraws_an_interview(browser, site):
    url = site.url
    admin, admin_page = log_in(browser, url, "admin")
    # The administrator creates Nadia's account; Nadia chooses her password from the link.
    admin_page.goto(url + ROOM_PATH + "equipe/")
    admin_page.fill("#identifiant", "nadia")
    admin_page.fill("#nom", "Nadia Roux")
    admin_page.check("#role_redaction")
    admin_page.click("button:has-text('Créer le compte')")
    link = admin_page.input_value("#lien")
    newcomer = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = newcomer.new_page()
    page.goto(link)
    page.fill("#mot_de_passe", "ma phrase secrète de rédaction")
    page.fill("#confirmation", "ma phrase secrète de rédaction")
    page.click("button:has-text('Enregistrer le mot de passe')")
    # Choosing the password logs the person in: straight to the room, no second login.
    assert page.url == url + ROOM_PATH
    # A new interview: fields, two speakers, three questions and answers, a photo.
    page.click("a:has-text('Nouvel article')")
    page.fill("#titre", "Le relais petite enfance de Massy")
    page.select_option("#theme", "Petite enfance et jeunesse")
    page.fill("#mots_cles", "relais, petite enfance")
    page.fill("#intervenant-1-nom", "Awa Diallo")
    page.fill("#intervenant-1-role", "animatrice du relais")
    page.fill("#chapo", "Deux professionnelles racontent une année au relais de Massy.")
    page.click("button:has-text('Ajouter une personne')")
    page.fill("#intervenant-2-nom", "Julie Martin")
    page.fill("#intervenant-2-role", "assistante maternelle")
    for number, speaker in ((1, "Awa Diallo"), (2, "Julie Martin"), (3, "Awa Diallo")):
        add_block(page, "question", f"Question numéro {number} ?")
        add_block(page, "reponse", f"Réponse numéro {number}.", speaker)
    page.set_input_files(
        "#image_fichier", {"name": "relais.jpg", "mimeType": "image/jpeg", "buffer": photo()}
    )
    page.fill("#image_alt", "Des enfants jouent sur le tapis du relais")
    page.fill("#image_legende", "Le relais de Massy")
    page.click("button:has-text('Ajouter l’image')")
    page.wait_for_selector("text=ajoutée au texte")
    page.click(".editor-save summary:has-text('Plus')")  # a phone's other actions: « Plus… »
    page.click(".editor-save button:has-text('Enregistrer et voir l’aperçu')")
    # The preview, at 390 px, before anything is published.
    frame = page.frame_locator("iframe[title*='téléphone']")
    assert "Le relais petite enfance de Massy" in frame.locator("h1").inner_text()
    assert frame.locator("nav.toc li").count() == 3
    assert frame.locator("img[alt='Des enfants jouent sur le tapis du relais']").count() == 1
    assert httpx.get(url + "/articles/le-relais-petite-enfance-de-massy/").status_code == 404
    page.click("button:has-text('Publier cette version')")
    page.wait_for_selector("text=Publiée le", timeout=120_000)  # the page follows the job
    # A reader sees it on the home page, in the feeds and in the sitemap.
    reader = browser.new_context(viewport={"width": 390, "height": 844})
    home = reader.new_page()
    home.goto(url + "/")
    assert home.locator("a:has-text('Le relais petite enfance de Massy')").count() >= 1
    feed = httpx.get(url + "/flux/tous.atom.xml").text
    assert "le-relais-petite-enfance-de-massy" in feed
    sitemap = httpx.get(url + "/sitemap.xml").text
    assert "/articles/le-relais-petite-enfance-de-massy/</loc>" in sitemap
    path = Path(site.config.room.content_dir, "articles", "le-relais-petite-enfance-de-massy.md")
    published = path.read_text(encoding="utf-8")
    assert "**Julie Martin :**{: .speaker} « Réponse numéro 2. »" in published
    assert (
        '![Des enfants jouent sur le tapis du relais](/images/relais.jpg "Le relais de Massy")'
        in published
    )
    # An edit, then the previous revision restored: the file is as published.
    page.goto(url + ROOM_PATH + "articles/le-relais-petite-enfance-de-massy/")
    page.fill("#chapo", "Un chapô modifié par erreur.")
    page.click("button[value=enregistrer] >> nth=0")
    page.click("a:has-text('Historique des versions')")
    restore = page.locator("tr", has_text="Publication").locator("button:has-text('Restaurer')")
    restore.click()
    page.wait_for_selector("text=Révision restaurée")
    assert path.read_text(encoding="utf-8") == published
    assert page.locator("#voir-en-ligne").count() == 1
    # Withdrawn after a confirmation: the reader no longer finds it.
    page.check("#retrait-brouillon")
    page.click("button:has-text('Retirer')")
    page.wait_for_selector("text=son texte reste ici")
    page.click("#confirmer")
    page.wait_for_selector("text=Retiré du site le", timeout=120_000)
    home.goto(url + "/articles/le-relais-petite-enfance-de-massy/")
    assert "introuvable" in home.content().lower()
    for context in (admin, newcomer, reader):
        context.close()


ROOM_PAGES = [
    "",
    "?statut=publie",
    "nouveau",
    "nouveau?type=page",
    "articles/enjeux-prioritaires-2022/",
    "pages/a-propos/",
    "articles/enjeux-prioritaires-2022/revisions",
    "articles/enjeux-prioritaires-2022/revisions/1",
    "articles/enjeux-prioritaires-2022/apercu",
    "publications/",
    "publications/1",
    "images/",
    "equipe/",
    "equipe/admin",
    "journal",
]


def check_page(page, where: str, width: int = 320) -> None:
    assert axe_violations(page) == [], where
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"{where}: {overflow} px wide"


def test_every_room_page_passes_axe_at_320_px(browser, site):
    context, page = log_in(browser, site.url, "admin", width=320)
    for path in ROOM_PAGES:
        page.goto(site.url + ROOM_PATH + path)
        check_page(page, path)
    # Pages that answer a post: errors, a conflict, a login that expired, a one-time link.
    page.goto(site.url + ROOM_PATH + "nouveau")
    page.click("button[value=enregistrer] >> nth=0")
    check_page(page, "editor with errors")
    other, other_page = log_in(browser, site.url, "admin", width=320)
    article = site.url + ROOM_PATH + "pages/mentions-legales/"
    page.goto(article)
    other_page.goto(article)
    other_page.fill("#chapo", "Un autre chapô.")
    other_page.click("button[value=enregistrer] >> nth=0")
    page.fill("#chapo", "Encore un chapô.")
    page.click("button[value=enregistrer] >> nth=0")
    assert "Quelqu’un a enregistré entre-temps" in page.content()
    check_page(page, "conflict")
    other.clear_cookies()
    other_page.goto(article)
    assert "/connexion" in other_page.url
    check_page(other_page, "login")
    page.goto(article)
    context.clear_cookies()
    page.fill("#chapo", "Tapé pendant que la session expirait.")
    page.click("button[value=enregistrer] >> nth=0")
    assert "Reconnectez-vous pour enregistrer" in page.content()
    check_page(page, "relogin")
    page.fill("#identifiant", "admin")
    page.fill("#mot_de_passe", PASSWORD)
    page.click("button:has-text('Se connecter et enregistrer')")
    assert "Enregistré" in page.content()
    page.goto(site.url + ROOM_PATH + "equipe/admin")
    page.click("button:has-text('Créer un lien')")
    check_page(page, "link")
    other_page.goto(page.input_value("#lien"))
    check_page(other_page, "password")
    add_account(site.config.core.database, "modo", ("moderation",))
    modo, modo_page = log_in(browser, site.url, "modo", width=320)
    modo_page.goto(site.url + ROOM_PATH)
    check_page(modo_page, "forbidden")
    for opened in (context, other, modo):
        opened.close()


def test_the_editor_works_with_the_keyboard_alone(browser, site):
    context, page = log_in(browser, site.url, "admin", width=1280)
    page.goto(site.url + ROOM_PATH + "nouveau")
    reached, unfocused = [], []
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement; const s = getComputedStyle(e);"
            " if (e === document.body) return ['', 'page'];"
            " return [e.id || e.name || e.textContent.trim().slice(0, 30), s.outlineStyle] }"
        )
        reached.append(focused[0])
        if focused[1] == "none":  # (the page itself, between the last field and the first)
            unfocused.append(focused[0])
    for wanted in (
        "titre",
        "date",
        "theme",
        "intervenant-1-nom",
        "chapo",
        "texte-editeur",  # the visual editor over the (hidden) Markdown field
        "bloc",
        "bloc_texte",
        "image_fichier",
        "image_alt",
    ):
        assert wanted in reached, wanted
    assert unfocused == []  # every focused element shows it
    # Typing and saving with the keyboard only.
    page.focus("#titre")
    page.keyboard.type("Écrit au clavier")
    page.keyboard.press("Tab")
    for field, text in (("#intervenant-1-nom", "Awa Diallo"), ("#chapo", "Un chapô.")):
        page.focus(field)
        page.keyboard.type(text)
    page.focus("#titre")
    page.keyboard.press("Enter")  # the first button of the form: « Enregistrer »
    page.wait_for_selector("text=Enregistré (révision n° 1)")
    assert "Écrit au clavier" in work_text(site, "articles/ecrit-au-clavier.md")
    context.close()


def test_the_launch_articles_come_back_unchanged_from_chromium(browser, site):
    context, page = log_in(browser, site.url, "admin")
    for path in sorted(Path(site.config.room.content_dir, "articles").glob("*.md")):
        if "relais" in path.name or "clavier" in path.name:
            continue
        before = path.read_bytes()
        page.goto(f"{site.url}{ROOM_PATH}articles/{path.stem}/")
        page.click("button[value=enregistrer] >> nth=0")
        assert re.search("Aucun changement à enregistrer", page.content()), path.name
        assert work_text(site, f"articles/{path.name}").encode() == before, path.name
    context.close()
