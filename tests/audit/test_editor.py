"""RGAA 4.1.2 criteria that only the editor page has, checked in Debian's Chromium with the visual
editor mounted: its dialogs (link, « Qui répond ? », image picker) under axe-core at 320 and
1280 px, every toolbar action reached from the keyboard, the plain form without JavaScript, and
an interview written, illustrated, saved, previewed and published from the keyboard alone
(issue 22, item 5)."""

import httpx
import pytest

from tests.support.audit import CLIPPED, EDITOR_MOUNTED, SCROLLS, SPACING, open_page
from tests.support.browser import axe_violations
from tests.support.images import picture_bytes
from tests.support.room import ROOM_PATH, csrf, work_text

pytestmark = pytest.mark.browser
TOOLBAR = "[role=toolbar]"
DIALOG = "dialog[open]"
# Focus shown by an outline or a box shadow, as in test_browser.py.
ACTIVE = """() => { const e = document.activeElement, s = getComputedStyle(e);
  return {text: e.textContent.trim(), id: e.id, tag: e.tagName,
          inside: Boolean(e.closest('dialog[open]')),
          shown: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1)
                 || s.boxShadow !== 'none'}; }"""


@pytest.fixture(scope="module")
def library(audit_sample):
    """One image in the room's library, for the picker to show and choose."""
    team = audit_sample.team_cookies
    with httpx.Client(base_url=audit_sample.service.url, cookies=team) as client:
        token = csrf(client.get(ROOM_PATH + "images/"))
        sent = client.post(
            ROOM_PATH + "images/envoi",
            data={"csrf": token, "alt": "Un atelier"},
            files={"image_fichier": ("atelier-clavier.jpg", picture_bytes("olive"), "image/jpeg")},
        )
        assert sent.status_code == 200, sent.text


def open_editor(browser, audit_sample, width=1280, **options):
    return open_page(
        browser,
        audit_sample.urls["editeur"],
        "editeur",
        audit_sample.team_cookies,
        width,
        **options,
    )


def tab_to(tab, test: str, key: str = "Tab", most: int = 80) -> None:
    """Press `key` until the focused element passes the JS predicate `test` (el => bool)."""
    for _ in range(most):
        if tab.evaluate(f"() => ({test})(document.activeElement)"):
            return
        tab.keyboard.press(key)
    raise AssertionError(f"never reached by {key}: {test}")


def with_text(text: str) -> str:
    return f"e => e.textContent.trim() === {text!r}"


def with_selector(selector: str) -> str:
    return f"e => e.matches({selector!r})"


@pytest.mark.rgaa("1.1", "3.2", "6.2", "8.3", "10.7", "10.11", "10.12", "11.1", "11.2")
@pytest.mark.parametrize("width", [320, 1280])
def test_axe_finds_no_violation_in_the_editor_s_dialogs(browser, audit_sample, library, width):
    # bypass_csp: the spacing stylesheet is inline, as a user's stylesheet is not refused.
    context, tab = open_editor(browser, audit_sample, width, bypass_csp=True)
    try:
        assert axe_violations(tab) == [], "editor mounted"
        tab.focus(EDITOR_MOUNTED)
        keys = tab.keyboard
        for name, open_it in (
            ("Ajouter un lien", lambda: keys.press("Control+k")),
            ("Qui répond ?", lambda: keys.press("Control+Alt+2")),
            ("Insérer une image", lambda: open_image_picker(tab)),
        ):
            open_it()
            tab.locator(DIALOG).wait_for()
            if "image" in name:  # the library's images shown
                tab.locator(f"{DIALOG} .image-picker-item").first.wait_for()
            assert name in tab.locator(DIALOG).inner_text()
            assert axe_violations(tab) == [], name
            assert not tab.evaluate(SCROLLS), name
            # Focus shown on each of the dialog's controls (after the last, a modal dialog lets
            # Tab go to the browser's own controls: the document's body here).
            for _ in range(6):
                keys.press("Tab")
                focus = tab.evaluate(ACTIVE)
                if focus["tag"] == "BODY":
                    break
                assert focus["shown"] and focus["inside"], (name, focus)
            # The text spacing of 10.12 loses nothing in the dialog, at 320 px too.
            spaced = tab.add_style_tag(content=SPACING)
            assert not tab.evaluate(SCROLLS), name
            assert tab.evaluate(CLIPPED) == [], name
            spaced.evaluate("e => e.remove()")
            keys.press("Escape")
            tab.locator(DIALOG).wait_for(state="detached" if "image" in name else "hidden")
            # Escape gives the focus back to the text (RGAA 7.3: nothing lost on the way).
            assert tab.evaluate("document.activeElement.id") == "texte-editeur", name
    finally:
        context.close()


def open_image_picker(tab) -> None:
    """From the text: Shift+Tab to the toolbar, arrows to « Image », Enter."""
    tab_to(tab, with_selector(f"{TOOLBAR} button"), "Shift+Tab", 5)
    tab_to(tab, with_text("Image"), "ArrowRight", 20)
    tab.keyboard.press("Enter")


@pytest.mark.rgaa("7.3", "10.7", "12.8")
def test_every_toolbar_action_is_reached_by_the_keyboard(browser, audit_sample):
    """One Tab stop before the text, then the arrows through every button, focus shown."""
    context, tab = open_editor(browser, audit_sample)
    try:
        labels = tab.locator(f"{TOOLBAR} button").all_inner_texts()
        assert len(labels) >= 15
        tab.focus(EDITOR_MOUNTED)
        tab.keyboard.press("Shift+Tab")
        tab.keyboard.press("Home")
        reached = []
        for _ in labels:
            focus = tab.evaluate(ACTIVE)
            assert focus["tag"] == "BUTTON" and focus["shown"], focus
            reached.append(focus["text"])
            tab.keyboard.press("ArrowRight")
        assert reached == labels
        tab.keyboard.press("Tab")
        assert tab.evaluate("document.activeElement.id") == "texte-editeur"
    finally:
        context.close()


@pytest.mark.rgaa("7.1", "11.1")
def test_without_javascript_the_editor_page_is_the_plain_labelled_form(browser, audit_sample):
    context, tab = open_editor(browser, audit_sample, java_script_enabled=False)
    try:
        assert tab.locator(EDITOR_MOUNTED).count() == 0
        assert tab.locator("label[for=texte]").inner_text().startswith("Texte")
        assert tab.locator("textarea#texte").is_visible()
        assert "Convention territoriale globale" in tab.locator("textarea#texte").input_value()
        assert tab.locator("button[value=enregistrer]").count() >= 1
    finally:
        context.close()


@pytest.mark.rgaa("7.3", "7.5", "12.9")
def test_an_agent_writes_illustrates_and_publishes_an_interview_with_the_keyboard_only(
    browser, audit_sample, library
):
    service = audit_sample.service
    team = audit_sample.team_cookies
    url = service.url + ROOM_PATH + "nouveau"
    context, tab = open_page(browser, url, "articles", team)
    keys = tab.keyboard
    try:
        tab.locator(EDITOR_MOUNTED).wait_for()
        tab_to(tab, with_selector("#titre"))
        keys.type("Un entretien écrit au clavier")
        tab_to(tab, with_selector("#chapo"))
        keys.type("Un chapô tapé sans souris.")
        tab_to(tab, with_selector("#theme"))
        keys.type("Solidarit")  # a closed list chooses by its first letters
        tab_to(tab, with_selector("#intervenant-1-nom"))
        keys.type("Awa Diallo")
        # Back to the text (Shift+Tab), a question, then its answer.
        tab_to(tab, with_selector(EDITOR_MOUNTED), "Shift+Tab")
        keys.type("Pourquoi le clavier ?")
        keys.press("Control+Alt+1")
        keys.press("Enter")
        keys.type("Parce que tout s’y fait.")
        keys.press("Control+Alt+2")
        tab.locator(DIALOG).wait_for()
        tab_to(tab, with_text("Choisir"))
        keys.press("Enter")
        tab.wait_for_function(
            "() => document.querySelector('.editeur-annonce[role=status]').textContent"
            " === 'Converti en réponse de Awa Diallo.'"
        )
        assert tab.evaluate("document.activeElement.id") == "texte-editeur"
        keys.press("Enter")
        # An image from the library, chosen and described from the keyboard.
        open_image_picker(tab)
        tab.locator(f"{DIALOG} .image-picker-item").first.wait_for()
        keys.type("atelier-clavier")  # the search field has the focus
        tab.wait_for_function("() => document.querySelectorAll('.image-picker-item').length === 1")
        tab_to(tab, with_selector(".image-picker-item"))
        keys.press("Enter")
        assert tab.evaluate("document.activeElement.id").endswith("-alt")
        keys.type("Un atelier vu au clavier")
        tab_to(tab, with_text("Insérer"))
        keys.press("Enter")
        tab.locator(f"{EDITOR_MOUNTED} img[alt='Un atelier vu au clavier']").wait_for()
        # Save, preview, publish.
        tab_to(tab, with_selector(EDITOR_MOUNTED), "Shift+Tab")
        keys.press("Control+s")
        tab.wait_for_selector("text=Enregistré (révision n° 1)")
        text = work_text(service, "articles/un-entretien-ecrit-au-clavier.md")
        assert "**Awa Diallo :**{: .speaker} Parce que tout s’y fait." in text
        assert "![Un atelier vu au clavier](/images/atelier-clavier.jpg)" in text
        tab_to(tab, with_selector("button[value=apercu]"))
        keys.press("Enter")
        tab.wait_for_url("**/apercu")
        frame = tab.frame_locator("iframe").first
        assert frame.locator("h1").inner_text() == "Un entretien écrit au clavier"
        tab_to(tab, with_text("Publier cette version"))
        keys.press("Enter")
        tab.wait_for_selector("text=Publiée le", timeout=300_000)
    finally:
        context.close()
