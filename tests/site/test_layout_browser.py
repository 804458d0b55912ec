"""Layout in Debian's Chromium, for the slips the browser audit of issue 12 found: archives on a
phone, the footer on short pages, the « Sommaire » on wide screens, the comments' boxes, the
feeds' addresses on « S’abonner »."""

import mimetypes
from contextlib import contextmanager
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.support.browser import open_page
from tests.support.site import build_site, serve_directory

pytestmark = pytest.mark.browser
ARTICLE = "/articles/enjeux-prioritaires-2022/"


@contextmanager
def opened(browser, url, width):
    """The page at `url` in a `width`-pixel window, closed afterwards."""
    context, page, _ = open_page(browser, url, width)
    try:
        yield page
    finally:
        context.close()


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_archives_put_the_date_above_the_title_on_a_phone(browser, site_url):
    with opened(browser, f"{site_url}/archives/", 390) as page:
        for item in page.locator(".archive-list li").all():
            date, title = item.locator("time").bounding_box(), item.locator("a").bounding_box()
            assert date["y"] + date["height"] <= title["y"] + 1
            assert title["x"] == date["x"], "the title starts under the date, not beside it"


def test_archives_keep_a_date_column_on_wide_screens(browser, site_url):
    with opened(browser, f"{site_url}/archives/", 1280) as page:
        item = page.locator(".archive-list li").first
        date, title = item.locator("time").bounding_box(), item.locator("a").bounding_box()
        assert title["x"] >= date["x"] + date["width"]
        assert abs(title["y"] - date["y"]) < 4


@pytest.mark.parametrize("path", ["/archives/", "/404.html"])
def test_footer_reaches_the_bottom_of_a_short_page(browser, site_url, path):
    with opened(browser, site_url + path, 1280) as page:
        footer = box(page, ".site-footer")
        # The page's height is at least the window's (900 px): no gap under the footer.
        bottom = page.evaluate("document.documentElement.scrollHeight")
        assert bottom >= 900
        assert footer["y"] + footer["height"] == pytest.approx(bottom, abs=1)


def test_sommaire_beside_the_text_on_wide_screens_and_follows_the_reader(browser, site_url):
    with opened(browser, site_url + ARTICLE, 1280) as page:
        toc, body = box(page, ".toc"), box(page, ".entretien__body")
        assert toc["x"] >= body["x"] + body["width"]
        assert toc["x"] + toc["width"] <= box(page, ".site-header__inner")["width"] + 160
        page.locator(".entretien__body h2").nth(2).scroll_into_view_if_needed()
        assert 0 <= box(page, ".toc")["y"] <= 40, "the Sommaire stays in view"


def test_sommaire_above_the_text_on_a_phone(browser, site_url):
    with opened(browser, site_url + ARTICLE, 390) as page:
        toc, body = box(page, ".toc"), box(page, ".entretien__body")
        assert toc["y"] + toc["height"] <= body["y"]


def test_every_comment_is_a_box(browser, search_site):
    with serve_directory(search_site) as base:
        with opened(browser, f"{base}/articles/jeu-01/", 390) as page:
            style = page.locator(".comment__box").first.evaluate(
                "e => { const s = getComputedStyle(e);"
                " return [s.borderTopWidth, s.borderLeftWidth, s.paddingLeft]; }"
            )
            assert style == ["1px", "4px", "16px"]


# --- « S’abonner »: long feed addresses at their production length --------------------------

ORIGIN = "https://partenaires.caf-essonne.fr"


@pytest.fixture(scope="module")
def published_site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("published") / "output", SITEURL=ORIGIN)


@contextmanager
def opened_published(browser, site, path, width, **options):
    """`path` of `site` as if served at ORIGIN (requests there are answered from the folder)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)

    def answer(route):
        local = site / urlparse(route.request.url).path.lstrip("/")
        local = local / "index.html" if local.is_dir() else local
        if local.is_file():
            route.fulfill(path=str(local), content_type=mimetypes.guess_type(str(local))[0])
        else:
            route.fulfill(status=404, body="")

    context.route(f"{ORIGIN}/**", answer)
    page = context.new_page()
    page.goto(ORIGIN + path)
    try:
        yield context, page
    finally:
        context.close()


@pytest.mark.parametrize("width", [320, 390])
def test_feed_addresses_wrap_between_their_parts(browser, published_site, width):
    with opened_published(browser, published_site, "/s-abonner/", width) as (_, page):
        addresses = page.locator(".adresse-flux")
        assert addresses.count() >= 6
        for address in addresses.all():
            assert address.evaluate("e => getComputedStyle(e).overflowWrap") == "normal"
            assert address.evaluate("e => e.scrollWidth <= e.clientWidth"), "nothing sticks out"
            assert address.locator("wbr").count() >= 3
            assert address.inner_text().replace("\n", "").startswith(f"{ORIGIN}/flux/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_copy_button_copies_the_address_and_says_so(browser, published_site):
    with opened_published(browser, published_site, "/s-abonner/", 390) as (context, page):
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=ORIGIN)
        button = page.get_by_role("button", name="Copier l’adresse du flux RSS «\u202fTous")
        button.click()
        assert page.evaluate("navigator.clipboard.readText()") == f"{ORIGIN}/flux/tous.rss.xml"
        status = page.locator("#flux-copie")
        assert status.get_attribute("role") == "status"
        assert status.inner_text() == "Adresse du flux RSS «\u202fTous les articles\u202f» copiée."


def test_without_javascript_the_address_is_selectable_text(browser, published_site):
    with opened_published(
        browser, published_site, "/s-abonner/", 390, java_script_enabled=False
    ) as (_, page):
        assert page.locator("button[data-copier]").first.is_hidden()
        address = page.locator(".adresse-flux").first
        assert address.is_visible()
        assert address.evaluate("e => getComputedStyle(e).userSelect") == "all"
        address.click()
        assert page.evaluate("getSelection().toString()") == f"{ORIGIN}/flux/tous.rss.xml"


@pytest.mark.parametrize(
    "path",
    [ARTICLE, "/", "/recherche/?q=Atlantis", "/s-abonner/", "/a-propos/", "/archives/"],
)
def test_issue19_item1_the_site_policy_blocks_nothing_of_the_site(browser, site_url, path):
    """Under its own Content-Security-Policy (the <meta>), a page of the site loads and runs
    everything it needs: no violation reported, its scripts ran (search results, copy buttons)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    try:
        page.goto(site_url + path, wait_until="networkidle")
        assert page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1
        if path.startswith("/recherche/"):
            expect(page.locator(".resultat").first).to_be_visible(timeout=30_000)
        page.wait_for_timeout(300)
        assert violations == []
    finally:
        context.close()
