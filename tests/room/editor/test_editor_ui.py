"""The visual editor in Debian's Chromium, on the real service, under the room's CSP: an
interview typed as readers will see it and saved as the site's Markdown with no page reload
before Ctrl+S; block actions from the keyboard, announced; the launch interviews saved
unchanged byte for byte; axe-core at 320 and 1280 px; the plain form without JavaScript."""

import shutil
from pathlib import Path

import pytest

from tests.support.browser import axe_violations
from tests.support.comments import running_service, write_site
from tests.support.room import (
    ROOM_PATH,
    add_account,
    browser_login,
    room_config,
    work_text,
)

pytestmark = pytest.mark.browser

EDITOR = ".editeur-texte .ProseMirror"
LIVE = ".editeur-annonce"
ROOT = Path(__file__).parents[3]


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """The room on a copy of content/, serving a small site with the theme's real styles (the
    editor's colours and axe-core's contrast checks depend on them)."""
    tmp_path = tmp_path_factory.mktemp("editor-ui")
    site_dir = write_site(tmp_path / "site")
    shutil.copytree(ROOT / "theme" / "static", site_dir / "theme")
    config = room_config(tmp_path, site_dir)
    add_account(config.core.database, "claire", name="Claire Martin")
    with running_service(config, serve_site=True) as service:
        yield service


def log_in(browser, url, width=1280, **options):
    """A page of claire's, logged in, the room's CSP enforced (a refused script fails here)."""
    return browser_login(browser, url, "claire", width=width, **options)


def navigations(page) -> list:
    seen = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and seen.append(frame.url))
    return seen


def fill_article(page, title: str) -> None:
    """The new-article form's fields but the text: title, theme, chapô, one person."""
    page.fill("#titre", title)
    page.select_option("#theme", "Solidarité")
    page.fill("#chapo", "Un chapô.")
    page.fill("#intervenant-1-nom", "Awa Diallo")


def said(page, message: str) -> None:
    page.wait_for_function(
        "([selector, text]) => document.querySelector(selector).textContent === text",
        arg=[LIVE, message],
    )


def test_an_interview_typed_in_the_editor_is_saved_as_markdown_with_no_reload(browser, room):
    context, page = log_in(browser, room.url)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: response.status >= 400 and errors.append(response.url))
    page.goto(room.url + ROOM_PATH + "nouveau")
    page.wait_for_selector(EDITOR)
    assert page.is_hidden("#texte")
    moves = navigations(page)

    fill_article(page, "Essai de l’éditeur")
    page.click("button[value=personne]")
    assert page.inner_text(".speaker-row:nth-of-type(2) legend") == "Personne 2"
    assert page.input_value("#intervenant-2-nom") == ""
    page.fill("#intervenant-2-nom", "Bruno Petit")
    assert page.input_value("input[name=intervenants]") == "2"

    page.click(EDITOR)
    keys = page.keyboard
    keys.type("## Pourquoi ce projet ?")
    assert page.inner_text(f"{EDITOR} h2") == "Pourquoi ce projet ?"
    keys.press("Enter")
    keys.type("Une réponse ")
    keys.press("Control+b")
    keys.type("forte")
    keys.press("Control+b")
    keys.type(".")
    keys.press("Control+Alt+2")
    # The person added a second ago, without a reload, is offered.
    page.click(".editeur-dialogue label:has-text('Bruno Petit')")
    page.click(".editeur-dialogue button:has-text('Choisir')")
    said(page, "Converti en réponse de Bruno Petit.")
    assert page.inner_text(f"{EDITOR} .speaker") == "Bruno Petit :"
    keys.press("Enter")
    keys.type("- premier point")
    keys.press("Enter")
    keys.type("second point")
    keys.press("Enter")
    keys.press("Enter")
    keys.type("> Une citation.")
    keys.press("Enter")
    keys.press("Enter")
    keys.type("Voir ")
    keys.press("Control+k")
    page.fill(".editeur-dialogue input[inputmode=url]", "une adresse")
    keys.press("Enter")
    assert "espace" in page.inner_text(".editeur-dialogue .field-error")
    page.fill(".editeur-dialogue input[inputmode=url]", "www.caf.fr")
    page.fill(".editeur-dialogue input[id$=texte]", "le site")
    keys.press("Enter")
    said(page, "Lien ajouté.")
    assert page.get_attribute(f"{EDITOR} a", "href") == "https://www.caf.fr"

    # A block to move, convert and delete from the keyboard, each said in the live region.
    keys.press("Enter")
    keys.type("Bloc de trop")
    keys.press("Control+Alt+1")
    said(page, "Converti en question.")
    keys.press("Alt+Shift+ArrowUp")
    said(page, "Bloc déplacé vers le haut.")
    assert page.inner_text(f"{EDITOR} > :nth-last-child(2)") == "Bloc de trop"
    keys.press("Alt+Shift+ArrowDown")
    said(page, "Bloc déplacé vers le bas.")
    keys.press("Control+Alt+0")
    said(page, "Converti en paragraphe.")
    keys.press("Control+Shift+Delete")
    said(page, "Bloc supprimé.")
    assert "Bloc de trop" not in page.inner_text(EDITOR)
    keys.press("Control+z")  # the deletion alone is undone
    said(page, "Action annulée.")
    assert page.inner_text(f"{EDITOR} > :last-child") == "Bloc de trop"
    assert "Voir le site" in page.inner_text(EDITOR)
    keys.press("Control+Shift+z")
    said(page, "Action rétablie.")
    assert "Bloc de trop" not in page.inner_text(EDITOR)

    assert moves == []  # no reload until the save
    keys.press("Control+s")
    page.wait_for_selector("text=Enregistré (révision n° 1)")
    assert len(moves) == 1
    # The site's own style: a list typed in the editor is tight, as in the launch articles;
    # the new file ends with a newline, as files do.
    body = work_text(room, "articles/essai-de-l-editeur.md").split("\n\n", 1)[1]
    assert body == (
        "## Pourquoi ce projet ?\n\n"
        "**Bruno Petit :**{: .speaker} Une réponse **forte**.\n\n"
        "- premier point\n- second point\n\n"
        "> Une citation.\n\n"
        "Voir [le site](https://www.caf.fr)\n"
    )
    assert errors == []
    context.close()


def test_the_markdown_field_is_one_toggle_away_and_read_back(browser, room):
    context, page = log_in(browser, room.url)
    page.goto(room.url + ROOM_PATH + "nouveau")
    # The field's hint says what the editor does, not « En Markdown » and the buttons below.
    assert page.inner_text("#texte-aide").startswith("Écrivez comme l’article paraîtra")
    page.click("button:has-text('Modifier le Markdown')")
    assert page.is_visible("#texte") and page.is_hidden(EDITOR)
    page.fill("#texte", "## Une question\n\nUn paragraphe.\n")
    page.click("button:has-text('Modifier le Markdown')")
    assert page.is_hidden("#texte")
    assert page.inner_text(f"{EDITOR} h2") == "Une question"
    page.click(f"{EDITOR} p")
    page.keyboard.press("End")
    page.keyboard.type(" Suite.")
    assert page.input_value("#texte") == "## Une question\n\nUn paragraphe. Suite.\n"
    page.keyboard.press("Enter")
    page.keyboard.type("1. un")
    assert page.inner_text(f"{EDITOR} ol > li") == "un"
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type("* deux")
    assert page.inner_text(f"{EDITOR} ul > li") == "deux"
    context.close()


def test_the_launch_interviews_come_back_byte_identical_through_the_editor(browser, room):
    context, page = log_in(browser, room.url)
    for path in sorted(Path(room.config.room.content_dir, "articles").glob("*.md")):
        before = path.read_bytes()
        page.goto(f"{room.url}{ROOM_PATH}articles/{path.stem}/")
        page.click(f"{EDITOR} p >> nth=0")
        page.evaluate(
            "() => { window.written = 0; document.querySelector('#texte')"
            ".addEventListener('input', () => { window.written += 1; }); }"
        )
        # A keystroke and its undo: the editor writes its Markdown back into the field.
        page.keyboard.type("x")
        page.keyboard.press("Control+z")
        page.wait_for_function("() => window.written === 2")
        page.keyboard.press("Control+s")
        page.wait_for_selector("text=Aucun changement à enregistrer", timeout=10_000)
        assert work_text(room, f"articles/{path.name}").encode() == before, path.name
    # A question typed at the end of one: every other byte of the file stays as it was.
    before = work_text(room, "articles/30-ans-caf-essonne.md")
    page.goto(f"{room.url}{ROOM_PATH}articles/30-ans-caf-essonne/")
    page.click(f"{EDITOR} > :last-child")
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("## Et demain ?")
    page.keyboard.press("Control+s")
    page.wait_for_selector("text=Enregistré (révision n° ")
    after = work_text(room, "articles/30-ans-caf-essonne.md")
    text = before.rstrip("\n")
    assert after == text + "\n\n## Et demain ?" + before[len(text) :]
    context.close()


@pytest.mark.parametrize("width", [320, 1280])
def test_the_editor_page_has_no_axe_violation(browser, room, width):
    context, page = log_in(browser, room.url, width=width)
    page.goto(f"{room.url}{ROOM_PATH}articles/30-ans-caf-essonne/")
    page.wait_for_selector(EDITOR)
    assert axe_violations(page) == []
    context.close()


def test_without_javascript_the_plain_form_still_saves(browser, room):
    context, page = log_in(browser, room.url, java_script_enabled=False)
    page.goto(room.url + ROOM_PATH + "nouveau")
    assert page.query_selector(EDITOR) is None and page.is_visible("#texte")
    fill_article(page, "Sans script")
    page.click("button[value=personne]")  # posts the form: the page comes back with a line
    page.fill("#intervenant-2-nom", "Bruno Petit")
    page.fill("#texte", "## Une question ?\n\nUne réponse.\n")
    page.click("button[value=enregistrer] >> nth=0")
    page.wait_for_selector("text=Enregistré (révision n° 1)")
    assert work_text(room, "articles/sans-script.md").endswith(
        "## Une question ?\n\nUne réponse.\n"
    )
    context.close()


def test_the_toolbar_is_one_tab_stop_before_the_text(browser, room):
    context, page = log_in(browser, room.url)
    page.goto(room.url + ROOM_PATH + "nouveau")
    toolbar = page.locator("[role=toolbar][aria-label='Mise en forme du texte']")
    assert toolbar.locator("[tabindex='0']").count() == 1
    assert toolbar.locator("button:has-text('Gras')").get_attribute("aria-keyshortcuts") == (
        "Control+B"
    )
    page.focus("[role=toolbar] button >> nth=0")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    focused = "() => document.activeElement.id || document.activeElement.textContent"
    assert page.evaluate(focused) == "Paragraphe"
    page.keyboard.press("Tab")
    assert page.evaluate(focused) == "texte-editeur"
    page.keyboard.press("Shift+Tab")  # back to the button last used
    assert page.evaluate(focused) == "Paragraphe"
    context.close()


def test_a_block_the_editor_cannot_show_is_kept_in_a_labelled_box_edited_as_text(browser, room):
    context, page = log_in(browser, room.url, width=320)
    page.goto(room.url + ROOM_PATH + "nouveau")
    page.click("button:has-text('Modifier le Markdown')")
    page.fill("#texte", 'Avant.\n\n<div class="encadre">Un encadré</div>\n\nAprès.\n')
    page.click("button:has-text('Modifier le Markdown')")
    box = page.locator(f"{EDITOR} .bloc-brut")
    assert box.locator("label").inner_text() == "Markdown gardé tel quel"
    assert box.locator("textarea").input_value() == '<div class="encadre">Un encadré</div>'
    box.locator("textarea").fill('<div class="encadre">Un autre encadré</div>')
    assert page.input_value("#texte") == (
        'Avant.\n\n<div class="encadre">Un autre encadré</div>\n\nAprès.\n'
    )
    assert axe_violations(page) == []
    # The link dialog, open, passes too; Escape closes it and the text has the focus back.
    page.click(f"{EDITOR} p >> nth=0")
    page.keyboard.press("Control+k")
    page.wait_for_selector("dialog[open] >> text=Adresse du lien")
    assert axe_violations(page) == []
    page.keyboard.press("Escape")
    assert page.locator("dialog").count() == 0
    assert page.evaluate("() => document.activeElement.id") == "texte-editeur"
    context.close()


def test_a_click_on_the_speaker_s_name_chooses_another_person(browser, room):
    context, page = log_in(browser, room.url)
    page.goto(room.url + ROOM_PATH + "nouveau")
    page.fill("#intervenant-1-nom", "Awa Diallo")
    page.click("button[value=personne]")
    page.fill("#intervenant-2-nom", "Bruno Petit")
    page.click("button:has-text('Modifier le Markdown')")
    page.fill("#texte", "**Awa Diallo :**{: .speaker} « Oui. »\n")
    page.click("button:has-text('Modifier le Markdown')")
    page.click(f"{EDITOR} .speaker")
    page.click(".editeur-dialogue label:has-text('Bruno Petit')")
    page.click(".editeur-dialogue button:has-text('Choisir')")
    said(page, "Converti en réponse de Bruno Petit.")
    assert page.input_value("#texte") == "**Bruno Petit :**{: .speaker} « Oui. »\n"
    context.close()
