"""The editor's recovery of unsaved text in Debian's Chromium: it offers text this browser kept
and never sent, never the text of a form the server has just answered (« Reprendre ce texte »
after « Ajouter au texte » used to remove the block just added)."""

import pytest

from tests.support.room import browser_login, editor_url

pytestmark = pytest.mark.browser

URL = editor_url("articles", "30-ans-caf-essonne")
RECOVER = "button:has-text('Reprendre ce texte')"


def writer_page(browser, room):
    context, page = browser_login(browser, room.url, "karim")
    page.goto(room.url + URL)
    # The visual editor hides the Markdown field: shown by its toggle to be typed in.
    page.click("button:has-text('Modifier le Markdown')")
    return context, page


def test_an_added_block_is_never_offered_back_as_older_text(browser, room):
    context, page = writer_page(browser, room)
    page.fill("#texte", page.input_value("#texte") + "\nUne phrase tapée à la main.\n")
    for number in (1, 2):
        page.select_option("#bloc", "paragraphe")
        page.fill("#bloc_texte", f"Paragraphe ajouté n° {number}.")
        page.click("button[value=ajouter]")
        page.wait_for_load_state("load")
        assert f"Paragraphe ajouté n° {number}." in page.input_value("#texte")
        assert page.locator(RECOVER).count() == 0  # the page is newer than what was kept
    shown = page.input_value("#texte")
    # The tab crashes; the article opened again offers the text with both blocks, not older.
    other = context.new_page()
    other.goto(room.url + URL)
    assert "Paragraphe ajouté n° 1." not in other.input_value("#texte")  # never saved
    other.click(RECOVER)
    assert other.input_value("#texte") == shown
    context.close()


def test_text_typed_and_never_sent_is_offered_back(browser, room):
    context, page = writer_page(browser, room)
    typed = page.input_value("#texte") + "\nTapé puis l’onglet s’est fermé.\n"
    page.fill("#texte", typed)
    other = context.new_page()  # the tab crashed: the article opened again
    other.goto(room.url + URL)
    other.click(RECOVER)
    assert other.input_value("#texte") == typed
    # The visual editor shows the text taken back, and typing there keeps it.
    assert "Tapé puis l’onglet s’est fermé." in other.inner_text(".editeur-texte .ProseMirror")
    other.click(".editeur-texte .ProseMirror h2 >> nth=0")
    other.keyboard.type("!")
    assert "Tapé puis l’onglet s’est fermé." in other.input_value("#texte")
    context.close()
