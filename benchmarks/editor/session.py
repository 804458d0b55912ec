"""Issue 20's scripted run: one interview written from scratch in the visual editor, in
Debian's Chromium, against the real service publishing its site (127.0.0.1), then the figures
the issue asks for.

1. **The interview**: a new article; title, thème, chapô; two people (the second added by
   « Ajouter une personne », no reload); three questions, each answered by one of them chosen
   in « Qui répond ? »; a quote; a list pasted from a .docx (LibreOffice's HTML of
   `tests/room/editor/samples/interview.docx`, dispatched as a real `paste` event); a photo
   sent through the picker (alt text first). Counted: the page's own navigations until Ctrl+S
   (reloads: must be 0), the Markdown saved (checked block by block), the time of the whole.
2. **Keystroke → live preview** on the saved interview: a word typed at the end of the text,
   the time until the preview frame shows it (`--edits` times, median and max). At N = 1,000
   articles this is `benchmarks.editor.preview` (this run's site is the launch site).
3. **axe-core** on the editor holding the interview, at 320 and 1280 px; **keys to the text**
   from the top of the page (skip link, and Tab alone); the **bundle**'s gzip size.
4. **Round trip**: every file of `content/` and a `corpus.py` corpus of `--corpus` articles
   through the editor's reader and writer (`tests/room/editor/test_markdown_roundtrip.py`'s
   check, the same the suite runs): files compared byte for byte, differences counted.

    .venv/bin/python -m benchmarks.editor.session [--edits 10] [--corpus 200]
"""

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import write_corpus
from benchmarks.editor.access import bundle
from tests.room.editor.test_markdown_roundtrip import check_files, differing
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, axe_violations, keys_to_text
from tests.support.images import picture_bytes
from tests.support.room import ROOM_PATH, browser_login, publishing_site

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "room" / "editor" / "samples" / "libreoffice-docx.html"
EDITOR = ".editeur-texte .ProseMirror"
DIALOG = "dialog.editeur-dialogue"
PICKER = "dialog.image-picker"
PEOPLE = ("Awa Diallo", "Bruno Petit")
QUESTIONS = (
    ("Comment est né le projet ?", 0),
    ("Qui vient à l’atelier ?", 1),
    ("Et demain ?", 0),
)


def answer(page, speaker: str, text: str) -> None:
    """A paragraph typed, then made an answer of `speaker` (Ctrl+Alt+2, « Qui répond ? »)."""
    page.keyboard.type(text)
    page.keyboard.press("Control+Alt+2")
    page.click(f"{DIALOG} label:has-text('{speaker}')")
    page.click(f"{DIALOG} button:has-text('Choisir')")
    page.wait_for_function(
        "([sel, name]) => [...document.querySelectorAll(sel)].some(s => s.textContent === name)",
        arg=[f"{EDITOR} .speaker", f"{speaker} :"],
    )


def paste_docx(page) -> None:
    page.evaluate(
        """html => {
            const view = document.querySelector(".editeur-texte .ProseMirror");
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "");
            view.dispatchEvent(new ClipboardEvent("paste",
                { clipboardData: data, bubbles: true, cancelable: true }));
        }""",
        SAMPLE.read_text(encoding="utf-8"),
    )


def photo(page) -> None:
    page.click(".editeur-outils button.outil-image")
    page.wait_for_selector(PICKER)
    upload = {"name": "atelier.jpg", "mimeType": "image/jpeg", "buffer": picture_bytes("teal")}
    page.set_input_files(f"{PICKER} input[type=file]", files=[upload])
    page.fill(f"{PICKER} input[id$='-alt']", "Des parents et leurs enfants à l’atelier")
    page.fill(f"{PICKER} input[id$='-legende']", "L’atelier du mercredi")
    page.fill(f"{PICKER} input[id$='-credit']", "Caf de l’Essonne")
    page.click(f"{PICKER} button:has-text('Insérer')")
    page.wait_for_selector(f"{EDITOR} figure img")


def write_interview(browser, url: str) -> dict:
    context, page = browser_login(browser, url, "claire")
    page.goto(url + ROOM_PATH + "nouveau")
    page.wait_for_selector(EDITOR)
    moves = []
    page.on("framenavigated", lambda f: f == page.main_frame and moves.append(f.url))
    started = time.perf_counter()
    page.fill("#titre", "L’atelier des parents, un an après")
    page.select_option("#theme", index=1)
    page.fill("#chapo", "Deux animatrices racontent un an d’atelier parents-enfants.")
    page.fill("#intervenant-1-nom", PEOPLE[0])
    page.click("button[value=personne]")
    page.fill("#intervenant-2-nom", PEOPLE[1])
    page.click(EDITOR)
    keys = page.keyboard
    for question, who in QUESTIONS:
        keys.type(f"## {question}")
        keys.press("Enter")
        answer(page, PEOPLE[who], f"« Une réponse de {PEOPLE[who]} sur {question[:-2].lower()}. »")
        keys.press("Enter")
    keys.type("> « Ici, on se sent attendu. »")
    keys.press("Enter")
    keys.press("Enter")
    keys.type("Ce que l’atelier propose :")
    keys.press("Enter")
    paste_docx(page)
    photo(page)
    markdown = page.input_value("#texte")
    before_save = len(moves)
    written = time.perf_counter() - started
    keys.press("Control+s")
    page.wait_for_url("**fait=enregistre**")
    figures = {
        "rechargements avant Ctrl+S": before_save,
        "durée de la saisie (s)": round(written, 1),
        "titres (3 questions, et ceux du .docx)": markdown.count("\n## ")
        + markdown.startswith("## "),
        "réponses": markdown.count("{: .speaker}"),
        "citation": "\n> « Ici" in markdown,
        "liste collée": "\n- " in markdown,
        "photo": "![Des parents et leurs enfants à l’atelier](/images/" in markdown,
        "adresse": page.url.split("?")[0],
        "markdown": markdown,
    }
    context.close()
    return figures


def live_preview(browser, url: str, address: str, edits: int) -> dict:
    context, page = browser_login(browser, url, "claire", width=1400)
    page.goto(address)
    page.wait_for_selector(EDITOR)
    # A function, not an expression: the room's CSP refuses a string evaluated in the page.
    shows = (
        "word => { const f = document.querySelector('.live-preview iframe');"
        " return !!(f && f.contentDocument && f.contentDocument.body"
        " && f.contentDocument.body.innerText.includes(word)); }"
    )
    page.wait_for_function(shows, arg="atelier", timeout=60_000)
    times = []
    for n in range(edits):
        word = f"mot{n}x{int(time.time() * 1000) % 100000}"
        page.click(f"{EDITOR} p:last-of-type")
        page.keyboard.press("End")
        page.keyboard.type(f" {word}")
        typed = time.perf_counter()
        page.wait_for_function(shows, arg=word, timeout=30_000, polling=10)
        times.append(time.perf_counter() - typed)
    context.close()
    return {
        "médiane (s)": round(statistics.median(times), 3),
        "max (s)": round(max(times), 3),
        "mesures": len(times),
    }


def checks(browser, url: str, address: str) -> dict:
    found = {}
    for width in (320, 1280):
        context, page = browser_login(browser, url, "claire", width=width)
        page.goto(address)
        page.wait_for_selector(EDITOR)
        found[f"axe à {width} px"] = axe_violations(page)
        context.close()
    for label, skip in (("avec « Aller au texte »", True), ("Tab seul", False)):
        context, page = browser_login(browser, url, "claire")
        page.goto(address)
        page.wait_for_selector(EDITOR)
        found[f"touches jusqu’au texte, {label}"] = len(keys_to_text(page, skip_link=skip))
        context.close()
    return found


def round_trip(folder: Path, size: int) -> dict:
    files = (ROOT / "content").rglob("*.md")
    texts = {str(p.relative_to(ROOT)): p.read_text("utf-8") for p in files}
    write_corpus(folder, size)
    texts |= {str(p.relative_to(folder)): p.read_text("utf-8") for p in folder.rglob("*.md")}
    return {"fichiers": len(texts), "différences": len(differing(check_files(texts)))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--corpus", type=int, default=200)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        results = {"aller-retour Markdown": round_trip(Path(folder) / "corpus", args.corpus)}
        (Path(folder) / "site").mkdir()
        with publishing_site(Path(folder) / "site") as service, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            interview = write_interview(browser, service.url)
            saved_markdown = interview.pop("markdown")
            results["entretien"] = interview
            address = interview["adresse"]
            results["frappe → aperçu en direct"] = live_preview(
                browser, service.url, address, args.edits
            )
            results |= checks(browser, service.url, address)
            browser.close()
    results["editeur.js"] = bundle()
    print(json.dumps(results, ensure_ascii=False, indent=2))
    args.out.mkdir(exist_ok=True)
    (args.out / "editor_session.md").write_text(saved_markdown, encoding="utf-8")
    (args.out / "editor_session.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
