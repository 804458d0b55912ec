"""Debian's Chromium (never a downloaded browser) kept off the network, and what the browser
tests do with a page: open it at a width, run axe-core on it, count the keys to the text."""

from pathlib import Path

import axe_playwright_python

CHROMIUM = "/usr/bin/chromium"
# This machine has no network: keep Chromium from trying to reach any other host.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
AXE_SCRIPT = Path(axe_playwright_python.__file__).parent / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def open_page(browser, url, width, **context_options):
    context = browser.new_context(viewport={"width": width, "height": 900}, **context_options)
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(url, wait_until="load")
    return context, page, requested


def axe_violations(page):
    # Evaluated through the DevTools protocol, not added as an inline <script>: the site's and
    # the room's Content-Security-Policy refuse inline scripts (issue 19).
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


# The room's text: the textarea, or the visual editor that takes its place inside #zone-texte.
IN_TEXT = (
    "() => { const e = document.activeElement;"
    " return e.id === 'texte' || (e.isContentEditable && !!e.closest('#zone-texte')) }"
)


def keys_to_text(page, skip_link: bool = True, most: int = 100) -> list[str]:
    """The keys a keyboard user presses from the top of the editor page (focus on the body)
    into the text: Tab, and Enter on the skip link « Aller au texte » if `skip_link`."""
    assert page.evaluate("document.activeElement === document.body")
    pressed = []
    while not page.evaluate(IN_TEXT) and len(pressed) < most:
        focused = page.evaluate("document.activeElement.textContent.trim()")
        key = "Enter" if skip_link and focused == "Aller au texte" else "Tab"
        page.keyboard.press(key)
        pressed.append(key)
    return pressed
