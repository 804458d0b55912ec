"""The live preview in Debian's Chromium: typing updates the frame beside the editor with no page
reload and at the same scroll position; at 320 px it is a disclosure button, axe-clean."""

import time

import pytest
from playwright.sync_api import Error

from tests.support.browser import axe_violations
from tests.support.room import browser_login, editor_url

pytestmark = pytest.mark.browser

ARTICLE = editor_url("articles", "enjeux-prioritaires-2022")


def editor_page(browser, room, width: int):
    context, page = browser_login(browser, room.url, "claire", width=width)
    page.goto(room.url + ARTICLE)
    return context, page


def shown_text(page) -> str:
    """The live preview frame's text ("" while it loads: its page is being replaced)."""
    try:
        return page.frames[1].evaluate("document.body ? document.body.innerText : ''")
    except (IndexError, Error):
        return ""


def wait_for_frame(page, word: str, timeout: float = 20) -> float:
    """Seconds until the frame shows `word` (bounded)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if word in shown_text(page):
            return time.monotonic() - started
        page.wait_for_timeout(20)
    status = page.text_content("#apercu-direct [role=status]")
    urls = [frame.url for frame in page.frames]
    raise AssertionError(f"« {word} » never shown in the live preview: {status!r} {urls}")


def wait_for_status(page, words: str, timeout: float = 20) -> None:
    """Polled from Python: the room's CSP refuses a string evaluated in the page."""
    started = time.monotonic()
    while words not in (page.text_content("#apercu-direct [role=status]") or ""):
        assert time.monotonic() - started < timeout, page.text_content("#apercu-direct")
        page.wait_for_timeout(20)


def test_typing_updates_the_live_preview_without_reloading_the_page(browser, room):
    context, page = editor_page(browser, room, 1280)
    navigations = []
    page.on("framenavigated", lambda f: navigations.append(f.url) if f == page.main_frame else 0)
    assert page.is_visible("#apercu-direct iframe")
    assert not page.is_visible("#apercu-direct button")  # beside the form: no toggle
    wait_for_frame(page, "enjeux prioritaires")  # the article, as it is, shown at once
    page.frames[1].evaluate("window.scrollTo(0, 300)")
    page.click("#chapo")
    page.keyboard.press("End")
    page.keyboard.type(" girafesque")
    wait_for_frame(page, "girafesque")
    wait_for_status(page, "Aperçu à jour")
    page.wait_for_timeout(200)  # the frame's load handler has put the scroll back
    # Where the reader was (a reloaded page starts at the top; the typed word may move it).
    assert 250 <= page.frames[1].evaluate("window.scrollY") <= 350
    assert navigations == []
    assert "girafesque" in page.input_value("#chapo")  # nothing typed lost, nothing saved
    context.close()


def test_the_live_preview_is_a_disclosure_at_320_px_and_passes_axe(browser, room):
    context, page = editor_page(browser, room, 320)
    toggle = page.locator("#apercu-direct button[aria-expanded]")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not page.is_visible("#apercu-direct iframe")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    wait_for_frame(page, "enjeux prioritaires")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()


def test_the_live_preview_says_when_the_session_has_ended(browser, room):
    context, page = editor_page(browser, room, 1280)
    wait_for_frame(page, "enjeux prioritaires")
    context.clear_cookies()
    page.click("#chapo")
    page.keyboard.type(" hippocampesque")
    wait_for_status(page, "votre session a pris fin")
    assert "hippocampesque" not in shown_text(page)
    assert "hippocampesque" in page.input_value("#chapo")  # nothing typed lost
    context.close()
