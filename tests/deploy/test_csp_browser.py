"""No page of the site breaks the shipped Content-Security-Policy (deploy/nginx/) in Debian's
Chromium: each page type opened through nginx, every `securitypolicyviolation` event and
console error recorded.

KNOWN lists what today's pages still do inline, by page type (the directive broken, and how
many times): the test fails on any other violation, and on a listed one that is gone,
so the list is emptied as the pages are fixed (issue 19's CSP work), never left stale."""

from collections import Counter

import pytest

pytestmark = pytest.mark.browser

PAGES = {
    "accueil": "/",
    "article": "/articles/30-ans-caf-essonne/",
    "thème": "/themes/vie-de-la-caf/",
    "intervenant": "/intervenants/annie-hamel/",
    "mot-clé": "/mots-cles/ctg/",
    "page": "/a-propos/",
    "archives": "/archives/",
    "lettres": "/lettres/",
    "recherche": "/recherche/?q=caf",
    "flux": "/flux/tous.atom.xml",
    "page introuvable": "/cette-page-n-existe-pas/",
    "service : vérifiez votre boîte": "/commentaires/lettre/verifiez",
}
# What a page still breaks, by page type (the directive, and how many times): since issue 19
# (the forms' token images in site.css, the feeds' page styled by flux.css), only what
# Chromium's own XSLT view of a feed adds around the page flux.xsl makes (style attributes,
# one handler: none of them in flux.xsl).
KNOWN = {"flux": Counter({"style-src-attr": 6, "script-src-attr": 1})}
WATCH = """
document.addEventListener("securitypolicyviolation", event => {
  window.__violations = window.__violations || [];
  window.__violations.push(event.effectiveDirective);
});
"""


def violations(browser, url: str) -> tuple[Counter, list[str]]:
    """The CSP violations of `url` by directive, and its other console errors and failed
    loads (the browser's own /favicon.ico aside: a feed shown as a page declares no icon)."""
    context = browser.new_context()
    context.add_init_script(WATCH)
    errors = []
    page = context.new_page()
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error"
            and "Content Security Policy" not in m.text
            and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.url != url and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    try:
        page.goto(url, wait_until="load")
        page.wait_for_timeout(500)
        seen = page.evaluate("window.__violations || []")
    finally:
        context.close()
    return Counter(seen), errors


@pytest.mark.parametrize("kind", PAGES)
def test_no_page_type_breaks_the_content_security_policy(stack, browser, kind):
    seen, errors = violations(browser, stack.url + PAGES[kind])
    print(f"CSP {kind}: {seen.total()} violation(s) {dict(seen)}")
    assert errors == []
    assert seen == KNOWN.get(kind, Counter())


def test_the_search_finds_articles_under_the_policy(stack, browser):
    """Pagefind compiles WebAssembly: the policy must allow it ('wasm-unsafe-eval')."""
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(stack.url + "/recherche/?q=caf", wait_until="load")
        page.wait_for_selector("#recherche-resultats li a", timeout=15_000)
    except Exception:
        raise AssertionError(errors) from None
    finally:
        context.close()
