"""The « Rechercher » page in Debian's Chromium: queries on the real interviews, results,
filters, more results, keyboard only, no JavaScript, accessibility, and no search code on
article pages."""

import re
from urllib.parse import quote, urlparse

import pytest
from playwright.sync_api import expect

from tests.support.browser import axe_violations, open_page
from tests.support.search_site import SEARCH_WORD
from tests.support.site import serve_directory

pytestmark = pytest.mark.browser

# What partners type, and the interviews that must come up (test plan of issue 12).
EXPECTED = {
    "Atlantis": {"30-ans-caf-essonne", "enjeux-prioritaires-2022"},
    "Promeneurs du net": {"30-ans-caf-essonne"},
    "crèches": {"territorialisation-se-concretise"},
    "Ctg": {
        "30-ans-caf-essonne",
        "bilan-conventions-territoriales-globales",
        "enjeux-prioritaires-2022",
        "territorialisation-se-concretise",
    },
    # « la », « de », « ma » are left out of the query: no interview has all five words.
    "la Ctg de ma commune": {"30-ans-caf-essonne", "territorialisation-se-concretise"},
}
STATUS = "#recherche-statut"
# Waits go through locators: page.wait_for_function evaluates a string in the page, which the
# site's Content-Security-Policy (no eval) refuses, as it must.
WAIT = 30_000


def shown(page):
    """Wait until the search page has announced its results."""
    expect(page.locator(STATUS)).to_have_text(re.compile(r"\S"), timeout=WAIT)


def search(browser, base, query, width=1280, **params):
    """The search page opened with `query` (as the header's field sends it), results shown."""
    extra = "".join(f"&{name}={quote(value)}" for name, value in params.items())
    context, page, requested = open_page(
        browser, f"{base}/recherche/?q={quote(query)}{extra}", width
    )
    shown(page)
    return context, page, requested


def result_slugs(page):
    hrefs = page.locator(".resultat h2 a").evaluate_all("links => links.map(a => a.pathname)")
    return {href.strip("/").split("/")[-1] for href in hrefs if href.startswith("/articles/")}


@pytest.mark.parametrize("query", sorted(EXPECTED))
def test_partners_queries_find_the_right_interviews(browser, site_url, query):
    context, page, _ = search(browser, site_url, query)
    try:
        assert result_slugs(page) == EXPECTED[query]
    finally:
        context.close()


def test_a_result_shows_title_theme_date_and_highlighted_excerpt(browser, site_url):
    context, page, requested = search(browser, site_url, "Atlantis")
    try:
        status = page.locator(STATUS)
        assert status.get_attribute("role") == "status"
        assert status.inner_text() == "2 résultats pour «\u202fAtlantis\u202f»."
        first = page.locator(".resultat").first
        assert first.locator("h2 a").inner_text() == "Les enjeux prioritaires de 2022"
        assert first.locator(".meta").inner_text() == "Vie de la Caf · 10\u00a0janvier\u00a02022"
        marks = first.locator(".resultat__extrait mark").all_inner_texts()
        assert marks and all(mark == "Atlantis" for mark in marks)
        assert "\u202f?" in first.locator(".resultat__extrait").inner_text()
        assert page.title().startswith("«\u202fAtlantis\u202f» — Rechercher")
        hosts = {urlparse(url).netloc for url in requested}
        assert hosts == {urlparse(site_url).netloc}
        assert not [url for url in requested if "worker" in url], "Pagefind runs in the page"
    finally:
        context.close()


def test_filters_by_theme_and_speaker(browser, site_url):
    context, page, requested = search(browser, site_url, "Ctg")
    try:
        assert page.locator(STATUS).inner_text().startswith("5 résultats")  # 4 + « À propos »
        assert not [url for url in requested if "/pagefind/filter/" in url], "loaded when opened"
        page.locator("#recherche-filtres summary").click()
        page.locator("[data-filtre=theme] label").first.wait_for()
        assert [url for url in requested if "/pagefind/filter/" in url]
        themes = page.locator("[data-filtre=theme] label").all_inner_texts()
        assert [t.strip() for t in themes] == [
            "Partenariats et territoires (2)",
            "Vie de la Caf (2)",
        ]
        page.get_by_label("Vie de la Caf (2)").check()
        expect(page.locator(STATUS)).to_contain_text("filtres", timeout=WAIT)
        assert result_slugs(page) == {"30-ans-caf-essonne", "enjeux-prioritaires-2022"}
        assert "theme=Vie+de+la+Caf" in page.url
        page.get_by_label("Annie Hamel (1)").check()
        expect(page.locator(STATUS)).to_contain_text("Aucun", timeout=WAIT)
        assert page.locator(".resultat").count() == 0
        assert page.locator(STATUS).inner_text().startswith("Aucun résultat pour «\u202fCtg\u202f»")
        page.get_by_label("Vie de la Caf (2)").uncheck()
        expect(page.locator(".resultat")).to_have_count(1, timeout=WAIT)
        assert result_slugs(page) == {"bilan-conventions-territoriales-globales"}
    finally:
        context.close()


def test_filters_from_the_address_are_applied_and_shown(browser, site_url):
    context, page, _ = search(browser, site_url, "Ctg", intervenant="Guillaume Lacroix")
    try:
        assert result_slugs(page) == {"30-ans-caf-essonne", "enjeux-prioritaires-2022"}
        assert page.locator("#recherche-filtres").get_attribute("open") is not None
        assert page.get_by_label("Guillaume Lacroix (2)").is_checked()
    finally:
        context.close()


def test_keyboard_only_from_an_article_to_a_result(browser, site_url):
    context, page, _ = open_page(browser, f"{site_url}/articles/enjeux-prioritaires-2022/", 390)
    try:
        page.keyboard.press("Tab")  # skip link
        page.keyboard.press("Tab")  # brand
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "recherche-entete"
        page.keyboard.type("Promeneurs du net")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/recherche/\?q=Promeneurs"))
        shown(page)
        assert (
            page.locator(STATUS).inner_text() == "1 résultat pour «\u202fPromeneurs du net\u202f»."
        )
        # A new query from the page's own field, without leaving the keyboard.
        page.locator("#recherche-q").focus()
        page.keyboard.press("Control+A")
        page.keyboard.type("crèches")
        page.keyboard.press("Enter")
        expect(page.locator(STATUS)).to_contain_text("crèches", timeout=WAIT)
        assert "q=cr%C3%A8ches" in page.url
        page.keyboard.press("Tab")  # the button
        page.keyboard.press("Tab")  # the filters
        assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.pathname").startswith(
            "/articles/territorialisation-se-concretise/"
        )
    finally:
        context.close()


def test_more_results_on_demand(browser, search_site):
    with serve_directory(search_site) as base:
        context, page, _ = search(browser, base, SEARCH_WORD)
        try:
            status = page.locator(STATUS).inner_text()
            assert status == f"13 résultats pour «\u202f{SEARCH_WORD}\u202f»."
            assert page.locator(".resultat").count() == 5
            more = page.get_by_role("button", name="Afficher plus de résultats")
            more.click()
            expect(page.locator(".resultat")).to_have_count(13, timeout=WAIT)
            assert page.evaluate("document.activeElement.closest('.resultat') !== null")
            assert (
                page.locator(".resultat")
                .nth(5)
                .locator("a")
                .evaluate("a => a === document.activeElement")
            ), "focus on the first new result"
            assert more.is_hidden()
        finally:
            context.close()


def test_without_javascript_the_page_says_so_and_offers_other_ways(browser, site_url):
    context, page, _ = open_page(
        browser, f"{site_url}/recherche/?q=Atlantis", 390, java_script_enabled=False
    )
    try:
        message = page.locator("main p").filter(has_text="JavaScript")
        assert message.is_visible()
        assert message.locator("a").all_inner_texts() == ["thèmes", "intervenants", "archives"]
        assert page.locator("#recherche-q").is_hidden()
    finally:
        context.close()


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_search_page_is_accessible_and_fits(browser, site_url, width):
    context, page, _ = search(browser, site_url, "Ctg", width)
    try:
        page.locator("#recherche-filtres summary").click()
        page.locator("[data-filtre=intervenant] label").first.wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/articles/enjeux-prioritaires-2022/", "/"])
def test_other_pages_load_no_search_code(browser, site_url, path):
    context, page, requested = open_page(browser, site_url + path, 390)
    try:
        page.locator("#recherche-entete").focus()
        page.keyboard.type("Atlantis")
        page.wait_for_timeout(200)
        assert not [url for url in requested if "pagefind" in url or "recherche.js" in url]
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_results_arrive_without_moving_the_page(browser, site_url, width):
    """No layout shift when results arrive (Lighthouse's CLS): the footer stays out of view."""
    context, page, _ = search(browser, site_url, "Ctg", width)
    try:
        shift = page.evaluate(
            """() => new Promise(resolve => {
                let total = 0;
                new PerformanceObserver(list => {
                    for (const entry of list.getEntries()) total += entry.value;
                }).observe({type: "layout-shift", buffered: true});
                setTimeout(() => resolve(total), 300);
            })"""
        )
        assert shift < 0.01
    finally:
        context.close()
