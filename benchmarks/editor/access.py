"""The editor page with a keyboard and on a phone (issue 20, deliverable 7), in Debian's
Chromium against the real service serving the site it publishes (its stylesheet included):

1. **Keys to the text** from the top of the page (focus on the body), on a new article and on
   a launch interview: with the skip link « Aller au texte » (Tab, Enter, then Tab only if
   the script is off) and with Tab alone; also Tab alone to « Enregistrer ».
2. **axe-core** violations (WCAG 2.1 A and AA) at 320 and 1280 px on the editor (new and
   existing), the article list and the images page, and the page's width at 320 px.
3. **The action bar's height** (`.editor-save`) at 390 × 844 and its share of the 844 px, on a
   new article and on one article of each status in the list.
4. **The editor bundle** `service/room/static/editeur.js`: bytes and gzip bytes (level 9).

    .venv/bin/python -m benchmarks.editor.access [--out bench-results/]
"""

import argparse
import gzip
import json
import tempfile
from pathlib import Path

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, axe_violations, keys_to_text
from tests.support.room import ROOM_PATH, browser_login, editor_url, publishing_site

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "service" / "room" / "static" / "editeur.js"
EXISTING = editor_url("articles", "30-ans-caf-essonne")
PAGES = {
    "éditeur (nouveau)": ROOM_PATH + "nouveau",
    "éditeur (existant)": EXISTING,
    "liste": ROOM_PATH,
    "images": ROOM_PATH + "images/",
}


def keys(browser, url: str) -> dict:
    """Key presses to the text and Tab presses to « Enregistrer », by page."""
    found = {}
    for name, path in (("nouveau", ROOM_PATH + "nouveau"), ("existant", EXISTING)):
        row = {}
        for label, options, skip in (
            ("lien d’évitement", {}, True),
            ("lien d’évitement, sans script", {"java_script_enabled": False}, True),
            ("Tab seul", {}, False),
        ):
            context, page = browser_login(browser, url, "claire", **options)
            page.goto(url + path)
            row[label] = len(keys_to_text(page, skip_link=skip))
            context.close()
        context, page = browser_login(browser, url, "claire")
        page.goto(url + path)
        tabs = 0
        while tabs < 100 and not page.evaluate(
            "document.activeElement.matches('button[value=enregistrer]')"
        ):
            page.keyboard.press("Tab")
            tabs += 1
        row["Tab seul jusqu’à « Enregistrer »"] = tabs
        context.close()
        found[name] = row
    return found


def axe(browser, url: str) -> dict:
    found = {}
    for width in (320, 1280):
        context, page = browser_login(browser, url, "claire", width=width)
        for name, path in PAGES.items():
            page.goto(url + path)
            found[f"{name} à {width} px"] = {
                "violations": axe_violations(page),
                "largeur": page.evaluate("document.documentElement.scrollWidth"),
            }
        context.close()
    return found


def action_bar(browser, url: str) -> dict:
    context, page = browser_login(browser, url, "claire", width=390, height=844)
    addresses = {"nouveau": ROOM_PATH + "nouveau"}
    for row in page.locator(".articles-table tbody tr").all():
        status = row.locator(".status").inner_text().strip()
        addresses.setdefault(status, row.locator("a").first.get_attribute("href"))
    found = {}
    for status, address in addresses.items():
        page.goto(url + address)
        height = page.locator(".editor-save").bounding_box()["height"]
        found[status] = {"hauteur": round(height, 1), "part": round(height / 844, 3)}
    context.close()
    return found


def bundle() -> dict:
    data = BUNDLE.read_bytes()
    return {"octets": len(data), "gzip": len(gzip.compress(data, 9))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory() as folder,
        publishing_site(Path(folder)) as service,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        results = {
            "touches jusqu’au texte": keys(browser, service.url),
            "axe": axe(browser, service.url),
            "barre d’actions à 390 × 844": action_bar(browser, service.url),
            "editeur.js": bundle(),
        }
        browser.close()
    for key, value in results.items():
        print(key)
        for name, figures in value.items():
            print(f"  {name}: {figures}")
    args.out.mkdir(exist_ok=True)
    (args.out / "editor_access.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
