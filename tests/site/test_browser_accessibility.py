"""The built site in Debian's Chromium: axe-core (WCAG 2.1 A and AA), layout from 320 px,
no request to any other host, readable without JavaScript."""

from urllib.parse import urlparse

import pytest

from tests.support.browser import axe_violations, open_page

ARTICLE = "/articles/enjeux-prioritaires-2022/"
PAGES = [
    "/",
    ARTICLE,
    "/archives/",
    "/themes/",
    "/intervenants/guillaume-lacroix/",
    "/accessibilite/",
    "/s-abonner/",
    "/404.html",
]

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("path", ["/", ARTICLE])
def test_axe_finds_no_violation(browser, site_url, path, width):
    context, page, _ = open_page(browser, site_url + path, width)
    try:
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("path", PAGES[2:])
def test_axe_finds_no_violation_on_other_pages(browser, site_url, path):
    context, page, _ = open_page(browser, site_url + path, 390)
    try:
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("path", PAGES)
def test_fits_a_320px_screen_and_stays_on_this_host(browser, site_url, path):
    context, page, requested = open_page(browser, site_url + path, 320)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        hosts = {urlparse(url).netloc for url in requested if not url.startswith("data:")}
        assert hosts == {urlparse(site_url).netloc}
    finally:
        context.close()


def test_article_is_readable_without_javascript(browser, site_url):
    context, page, _ = open_page(browser, site_url + ARTICLE, 390, java_script_enabled=False)
    try:
        assert page.locator("h1").inner_text() == "Les enjeux prioritaires de 2022"
        assert page.locator("main h2").count() >= 4
        assert page.locator("form").count() >= 1
    finally:
        context.close()


def test_skip_link_is_first_and_moves_focus_to_main(browser, site_url):
    context, page, _ = open_page(browser, site_url + ARTICLE, 1280)
    try:
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        assert focused == "Aller au contenu"
        assert page.evaluate("getComputedStyle(document.activeElement).top") != "-64px"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#contenu"
    finally:
        context.close()
