"""Layout in Debian's Chromium, for the slips the browser audit of issue 12 found: archives on a
phone, the footer on short pages, the « Sommaire » on wide screens, the comments' boxes."""

from contextlib import contextmanager

import pytest
from conftest import serve_directory
from test_browser_accessibility import open_page
from test_search import search_site  # noqa: F401 (a fixture: a site with an approved comment)

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


@pytest.mark.parametrize("path", ["/archives/", "/recherche/", "/404.html"])
def test_footer_reaches_the_bottom_of_a_short_page(browser, site_url, path):
    with opened(browser, site_url + path, 1280) as page:
        footer = box(page, ".site-footer")
        assert footer["y"] + footer["height"] == pytest.approx(900, abs=1)


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


def test_every_comment_is_a_box(browser, search_site):  # noqa: F811 (the imported fixture)
    with serve_directory(search_site) as base:
        with opened(browser, f"{base}/articles/jeu-01/", 390) as page:
            style = page.locator(".comment__box").first.evaluate(
                "e => { const s = getComputedStyle(e);"
                " return [s.borderTopWidth, s.borderLeftWidth, s.paddingLeft]; }"
            )
            assert style == ["1px", "4px", "16px"]
