"""The RGAA audit's evidence: for each audited sample page (audit/rgaa/echantillon.csv), a
screenshot and Chromium's own accessibility tree (DevTools' Accessibility.getFullAXTree), then
an index, audit/rgaa/preuves/index.html, with each page's results from the grid.

The sample is served as the audit tests serve it (tests/support/audit.py: the site built with
comments and a lettre, the service with its reader and team pages). Run from the repository
root: `.venv/bin/python -m audit.rgaa.collect [page …]` (the pages named, or all); commit
what it writes.
"""

import html
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

from playwright.sync_api import sync_playwright

from plugins.rgaa_statement.grid import Audit
from tests.support.audit import AUDIT, audit_service, audited, build_audit_site, open_page
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS

PROOFS = AUDIT / "preuves"
WIDTH, HEIGHT = 1280, 900
IGNORED_ROLES = {"none", "generic", "InlineTextBox", "LineBreak"}
WITHOUT_SCRIPT = {"editeur"}  # pages whose tree is also taken with JavaScript off


def tree_text(nodes: list[dict]) -> str:
    """The AX tree as indented lines: role « name » and the states that say something."""
    by_id = {node["nodeId"]: node for node in nodes}
    lines = []

    def walk(node, depth):
        role = node.get("role", {}).get("value", "")
        shown = not node.get("ignored") and role not in IGNORED_ROLES
        if shown:
            name = node.get("name", {}).get("value", "")
            states = [
                f"{p['name']}={p['value'].get('value')}"
                for p in node.get("properties", [])
                if p["name"] in ("level", "checked", "required", "invalid", "expanded",
                                 "focusable", "url", "live")
                and p["value"].get("value") not in (None, False, "false", "")
            ]  # fmt: skip
            label = f" « {' '.join(name.split())} »" if name else ""
            lines.append(
                "  " * depth + role + label + (f" [{', '.join(states)}]" if states else "")
            )
        for child in node.get("childIds", []):
            if child in by_id:
                walk(by_id[child], depth + 1 if shown else depth)

    walk(nodes[0], 0)
    return "\n".join(lines) + "\n"


def collect(browser, urls: dict[str, str], cookies, pages: list[str]) -> None:
    for page in pages:
        folder = PROOFS / page
        folder.mkdir(parents=True, exist_ok=True)
        context, tab = open_page(browser, urls[page], page, cookies, WIDTH)
        tab.screenshot(path=str(folder / "ecran.png"))
        (folder / "arbre.txt").write_text(tree_of(context, tab, urls[page]), encoding="utf-8")
        context.close()
        if page in WITHOUT_SCRIPT:  # the plain form the visual editor enhances
            context, tab = open_page(
                browser, urls[page], page, cookies, WIDTH, java_script_enabled=False
            )
            text = tree_of(context, tab, urls[page])
            (folder / "arbre-sans-js.txt").write_text(text, encoding="utf-8")
            context.close()


def tree_of(context, tab, url: str) -> str:
    """The page's AX tree as text, without the test port or a signed link's token."""
    nodes = context.new_cdp_session(tab).send("Accessibility.getFullAXTree")["nodes"]
    origin = url[: url.index("/", len("http://"))]
    return re.sub(r"\?t=[\w.%-]+", "?t=…", tree_text(nodes).replace(origin, ""))


def index(audit: Audit) -> str:
    """The evidence index: each page with its screenshot, its tree and its grid's counts."""
    rows = []
    for page in audit.sample:
        counts = Counter(r["statut"] for r in audit.grid if r["page"] == page["page"])
        name = html.escape(page["intitule"])
        if page["en_attente"]:
            rows.append(f"<tr><th scope='row'>{name}</th><td colspan='3'>à auditer après "
                        f"l’éditeur ({html.escape(page['en_attente'])})</td></tr>")  # fmt: skip
            continue
        folder = page["page"]
        rows.append(
            f"<tr><th scope='row'>{name}</th>"
            f"<td><a href='{folder}/ecran.png'><img src='{folder}/ecran.png' width='320' "
            f"alt='Capture d’écran : {name}'></a></td>"
            f"<td><a href='{folder}/arbre.txt'>Arbre d’accessibilité de Chromium</a></td>"
            f"<td>{counts['C']} C, {counts['NC']} NC, {counts['NA']} NA</td></tr>"
        )
    scores = [audit.score(sample) for sample in ("public", "equipe")]
    rates = " ; ".join(f"{s.sample} : {s.rate:.1f} % ({s.state})" for s in scores)
    return (
        "<!doctype html>\n<html lang='fr'><head><meta charset='utf-8'>"
        "<title>Preuves de l’audit RGAA 4.1.2</title></head><body><main>"
        f"<h1>Preuves de l’audit RGAA 4.1.2 du {html.escape(audit.facts['date'])}</h1>"
        f"<p>Taux de conformité : {html.escape(rates)}. Notes des vérifications à la main : "
        "<a href='notes.md'>notes.md</a>.</p>"
        "<table><caption>Pages de l’échantillon</caption><thead><tr><th scope='col'>Page</th>"
        "<th scope='col'>Capture</th><th scope='col'>Arbre</th><th scope='col'>Grille</th>"
        "</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table></main></body></html>\n"
    )


def main(pages: list[str]) -> None:
    """Evidence for `pages` (all the audited ones if none is named), then the index."""
    pages = pages or audited()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        base = Path(tmp)
        site = build_audit_site(base)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        with audit_service(base, site) as (_service, client, urls):
            collect(browser, urls, client.cookies, pages)
        (PROOFS / "index.html").write_text(index(Audit.read(AUDIT)), encoding="utf-8")
        tab = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        tab.goto((PROOFS / "index.html").as_uri())
        tab.screenshot(path=str(PROOFS / "index.png"), full_page=True)
        browser.close()
    size = sum(f.stat().st_size for f in PROOFS.rglob("*") if f.is_file())
    print(f"{len(pages)} pages, {size / 1e6:.2f} MB in {PROOFS}")


if __name__ == "__main__":
    main(sys.argv[1:])
