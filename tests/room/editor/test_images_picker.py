"""The editor's image picker in Debian's Chromium, under the room's real Content-Security-Policy:
search, pick a thumbnail, upload a file (refused without its alt text, then inserted), a dropped
file whose failed upload keeps everything for another try, Escape, and axe on the open dialog
at 320 and 1280 px.

Until the editor's toolbar opens it, the picker is driven from a tiny harness: images.js
bundled by the pinned esbuild on its own and evaluated in the page (DevTools, not an inline
script), exposing its functions as `window.cafEditeurTest`."""

import base64
import subprocess
from pathlib import Path

import pytest

from tests.support.browser import axe_violations
from tests.support.images import picture_bytes
from tests.support.room import ROOM_PATH, browser_login, csrf, editor_url, login

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[3]
IMAGES_JS = ROOT / "service/room/editor/src/images.js"
HARNESS = f'import * as images from "{IMAGES_JS}"; window.cafEditeurTest = images;'
START = """mode => {
  const test = window.cafEditeurTest;
  const options = test.optionsFromForm(document.querySelector("form.editor"));
  window.picked = undefined;
  const bytes = Uint8Array.from(atob(mode.png || ""), c => c.charCodeAt(0));
  const file = new File([bytes], "deposee.png", {type: "image/png"});
  const asked = mode.png ? test.uploadDropped(file, options) : test.pickImage(options);
  asked.then(answer => { window.picked = answer; });
}"""
DIALOG = "dialog.image-picker[open]"
ALT_MISSING = "Texte alternatif manquant ; décrivez l’image entre les crochets"


def harness() -> str:
    built = subprocess.run(
        [
            str(ROOT / "node_modules/.bin/esbuild"),
            "--bundle",
            "--format=iife",
            "--sourcefile=harness.js",
        ],
        input=HARNESS,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return built.stdout


def picked(page):
    """The picker's answer once its promise settled (None: cancelled)."""
    page.wait_for_function("() => window.picked !== undefined", polling=100)
    return page.evaluate("() => window.picked")


def wait_for_preview(page):
    """The chosen file shown in the dialog (a data: URL: the room's policy refuses blob:)."""
    page.wait_for_function(
        "() => (document.querySelector('.image-picker-preview').src || '').startsWith('data:')",
        polling=100,
    )


def alt_field(page):
    return page.locator(f"{DIALOG} input[id$='-alt']")


def open_editor(browser, room, refused: list):
    context, page = browser_login(browser, room.url, "claire")
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
    page.goto(room.url + editor_url("articles", "30-ans-caf-essonne"))
    page.evaluate(harness())
    return context, page


def test_picker_searches_picks_uploads_and_refuses_without_alt(browser, room):
    client = login(room.url, "karim")
    token = csrf(client.get(ROOM_PATH + "images/"))
    for colour, name in (("olive", "atelier-couture.jpg"), ("maroon", "marche-noel.jpg")):
        sent = client.post(
            ROOM_PATH + "images/envoi",
            data={"csrf": token, "alt": "Une image"},
            files={"image_fichier": (name, picture_bytes(colour), "image/jpeg")},
        )
        assert sent.status_code == 200, sent.text
    library = Path(room.config.room.content_dir, "images")
    refused: list[str] = []
    context, page = open_editor(browser, room, refused)

    page.evaluate(START, {})
    page.wait_for_selector(f"{DIALOG} .image-picker-item")
    dialog = page.locator(DIALOG)
    assert dialog.get_attribute("aria-labelledby")
    assert page.locator(f"#{dialog.get_attribute('aria-labelledby')}").inner_text() == (
        "Insérer une image"
    )
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert axe_violations(page) == [], width
        box = page.locator(DIALOG).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (width, box)
    page.fill(f"{DIALOG} input[type=search]", "couture")
    page.wait_for_function(
        "() => document.querySelectorAll('.image-picker-item').length === 1", polling=100
    )
    item = page.locator(".image-picker-item")
    assert "atelier-couture.jpg" in item.inner_text()
    assert page.locator(".image-picker-count").inner_text() == "1 image pour « couture »."
    item.click()
    assert page.evaluate("() => document.activeElement.id").endswith("-alt")
    page.click(f"{DIALOG} button:has-text('Insérer')")
    error = page.locator(f"{DIALOG} [id$='-alt-erreur']")
    assert error.inner_text().startswith(ALT_MISSING)
    assert "/images/atelier-couture.jpg" in error.inner_text()
    assert alt_field(page).get_attribute("aria-invalid") == "true"
    assert page.is_visible(DIALOG)
    alt_field(page).fill("Un atelier de couture")
    page.fill(f"{DIALOG} input[id$='-legende']", "L’atelier du mardi")
    page.fill(f"{DIALOG} input[id$='-credit']", "Ville d’Évry")
    page.click(f"{DIALOG} button:has-text('Insérer')")
    assert picked(page) == {
        "src": "/images/atelier-couture.jpg",
        "alt": "Un atelier de couture",
        "title": "L’atelier du mardi © Ville d’Évry",
    }
    assert page.locator("dialog.image-picker").count() == 0

    # Escape closes the dialog: nothing is inserted.
    page.evaluate(START, {})
    page.wait_for_selector(f"{DIALOG} .image-picker-item")
    page.keyboard.press("Escape")
    assert picked(page) is None and page.locator("dialog.image-picker").count() == 0

    # « Envoyer une image »: refused without the alt text (nothing sent), then inserted.
    before = {p.name for p in library.iterdir()}
    page.evaluate(START, {})
    page.wait_for_selector(f"{DIALOG} .image-picker-item")
    files = {"name": "Photo envoyée.jpg", "mimeType": "image/jpeg", "buffer": picture_bytes("navy")}
    page.set_input_files(f"{DIALOG} input[type=file]", files=[files])
    wait_for_preview(page)
    page.click(f"{DIALOG} button:has-text('Insérer')")
    assert page.locator(f"{DIALOG} [id$='-alt-erreur']").inner_text().startswith(ALT_MISSING)
    assert {p.name for p in library.iterdir()} == before
    page.set_viewport_size({"width": 320, "height": 800})
    assert axe_violations(page) == []
    alt_field(page).fill("Une photo bleue")
    page.click(f"{DIALOG} button:has-text('Insérer')")
    assert picked(page) == {
        "src": "/images/photo-envoyee.jpg",
        "alt": "Une photo bleue",
        "title": "",
    }
    assert (library / "photo-envoyee.jpg").is_file()
    assert refused == []
    context.close()


def test_a_dropped_file_is_asked_its_alt_first_and_kept_when_the_upload_fails(browser, room):
    library = Path(room.config.room.content_dir, "images")
    refused: list[str] = []
    context, page = open_editor(browser, room, refused)
    png = base64.b64encode(picture_bytes("darkgreen", fmt="PNG")).decode()
    page.evaluate(START, {"png": png})
    page.wait_for_selector(DIALOG)
    assert page.evaluate("() => document.activeElement.id").endswith("-alt")
    assert "deposee.png" in page.locator(f"{DIALOG} .image-picker-describe").inner_text()
    wait_for_preview(page)
    # The first upload is cut (network); the file and the typed fields stay for another try.
    page.route("**/images/envoi", lambda route: route.abort())
    alt_field(page).fill("Un jardin partagé")
    page.fill(f"{DIALOG} input[id$='-legende']", "Le jardin")
    page.click(f"{DIALOG} button:has-text('Insérer')")
    page.wait_for_selector(
        f"{DIALOG} .image-picker-describe .field-error[role=alert]:not([hidden])"
    )
    assert "réessayez" in page.locator(f"{DIALOG} .field-error[role=alert]").inner_text()
    assert alt_field(page).input_value() == "Un jardin partagé"
    assert not (library / "deposee.png").exists()
    page.unroute("**/images/envoi")
    page.click(f"{DIALOG} button:has-text('Insérer')")
    assert picked(page) == {
        "src": "/images/deposee.png",
        "alt": "Un jardin partagé",
        "title": "Le jardin",
    }
    assert (library / "deposee.png").is_file()
    assert refused == []
    context.close()


def test_without_the_library_a_dropped_file_without_alt_is_still_refused_by_the_server(
    browser, room
):
    """The listing (which carries the alt message) could not be read: the upload is sent and
    the server refuses it on the alt field, with the same message, storing nothing."""
    library = Path(room.config.room.content_dir, "images")
    refused: list[str] = []
    before = set(library.iterdir()) if library.exists() else set()
    context, page = open_editor(browser, room, refused)
    page.route("**/images/choix*", lambda route: route.abort())
    png = base64.b64encode(picture_bytes("purple", fmt="PNG")).decode()
    page.evaluate(START, {"png": png})
    unread = f"{DIALOG} .image-picker-count:has-text('n’a pas pu être lue')"
    page.wait_for_selector(unread, state="attached")  # in the hidden library step
    page.click(f"{DIALOG} button:has-text('Insérer')")
    error = page.locator(f"{DIALOG} [id$='-alt-erreur']")
    error.wait_for()
    assert error.inner_text().startswith(ALT_MISSING)
    assert "/images/deposee.png" in error.inner_text()
    assert alt_field(page).get_attribute("aria-invalid") == "true"
    assert (set(library.iterdir()) if library.exists() else set()) == before
    assert refused == []
    context.close()
