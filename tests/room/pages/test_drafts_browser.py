"""Nothing typed lost, in Debian's Chromium: the room's script keeps every field in this browser
(people, thème, date…, not only the text), and the editor's autosave (src/autosave.js, built
with the pinned esbuild and evaluated in the page as main.js would start it) keeps every field
on the server while typing and when the tab is closed."""

import json
import subprocess
import time
from pathlib import Path

import pytest

from service.core import db
from tests.support.room import browser_login, editor_url, login

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[3]
AUTOSAVE = ROOT / "service/room/editor/src/autosave.js"
RECOVER = "button:has-text('Reprendre ce texte')"
CHANGES = {
    "#titre": "Un titre tapé dans le navigateur",
    "#date": "2031-05-06",
    "#heure": "14:45",
    "#mots_cles": "relais, accueil",
    "#intervenant-1-role": "un rôle tapé",
    "#chapo": "Un chapô tapé dans le navigateur.",
    "#date_estimee": "Une note tapée.",
}


def writer_page(browser, room, username: str, url: str):
    context, page = browser_login(browser, room.url, username)
    page.goto(room.url + url)
    return context, page


def type_everything(page) -> None:
    for selector, value in CHANGES.items():
        page.fill(selector, value)
    page.select_option("#theme", "Solidarité")
    page.check("#commentaires_fermes")


def test_every_field_kept_in_this_browser_comes_back(browser, room):
    url = editor_url("articles", "enjeux-prioritaires-2022")
    context, page = writer_page(browser, room, "karim", url)
    type_everything(page)
    other = context.new_page()  # the tab crashed: the article opened again
    other.goto(room.url + url)
    assert other.input_value("#theme") != "Solidarité"
    other.click(RECOVER)
    for selector, value in CHANGES.items():
        assert other.input_value(selector) == value, selector
    assert other.input_value("#theme") == "Solidarité"
    assert other.is_checked("#commentaires_fermes")
    context.close()


def built_autosave(tmp_path: Path) -> str:
    entry = f'import {{ startAutosave }} from "{AUTOSAVE}";\n'
    entry += 'startAutosave(document.querySelector("form.editor"));\n'
    out = tmp_path / "autosave.js"
    esbuild = ROOT / "node_modules/.bin/esbuild"
    subprocess.run(
        [str(esbuild), "--bundle", "--format=iife", f"--outfile={out}", "--log-level=warning"],
        input=entry.encode(),
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    return out.read_text(encoding="utf-8")


def autosaved(room, path: str, wanted: str, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        conn = db.connect(room.config.core.database)
        row = conn.execute(
            "SELECT fields FROM autosaves WHERE username = 'claire' AND path = ?", (path,)
        ).fetchone()
        conn.close()
        if row and row[0] and wanted in row[0]:
            return json.loads(row[0])
        time.sleep(0.1)
    raise AssertionError(f"no autosave holding {wanted!r}")


def test_the_autosave_keeps_every_field_on_the_server_and_on_closing(browser, room, tmp_path):
    url = editor_url("articles", "service-public-mobilise-crise-sanitaire")
    relative = "articles/service-public-mobilise-crise-sanitaire.md"
    script = built_autosave(tmp_path)
    context, page = writer_page(browser, room, "claire", url)
    page.evaluate(script)  # as main.js starts it (the room's CSP refuses inline scripts)
    type_everything(page)
    page.wait_for_function(
        "() => document.getElementById('brouillon-etat').textContent"
        ".startsWith('Brouillon enregistré à')",
        timeout=15000,
    )
    fields = autosaved(room, relative, CHANGES["#chapo"])
    assert fields["theme"] == "Solidarité" and fields["commentaires_fermes"] == "1"
    assert fields["intervenant-1-role"] == "un rôle tapé" and fields["heure"] == "14:45"
    # Typed, then the tab closed at once: the beacon keeps it.
    page.fill("#chapo", "Tapé juste avant de fermer.")
    page.close()
    autosaved(room, relative, "Tapé juste avant de fermer.")
    # Opened again without the script: the server offers it back.
    again = context.new_page()
    again.goto(room.url + url)
    assert again.locator("#reprendre-brouillon").count() == 1
    context.close()


def test_the_presence_line_follows_without_a_reload(browser, room, tmp_path):
    url = editor_url("articles", "territorialisation-se-concretise")
    script = built_autosave(tmp_path)
    context, page = writer_page(browser, room, "claire", url)
    page.evaluate(script)
    assert "Karim Benali" not in page.text_content("#presence")
    karim = login(room.url, "karim")  # opens the article after Claire: a ping
    karim.get(url)
    page.fill("#chapo", "Claire tape encore.")  # the autosave's answer brings the line
    page.wait_for_function(
        "() => document.getElementById('presence').textContent.includes('Karim Benali modifie')",
        timeout=15000,
    )
    assert page.get_attribute("#presence", "aria-live") == "polite"
    context.close()
