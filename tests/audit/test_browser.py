"""RGAA 4.1.2 criteria checked in Debian's Chromium on every audited sample page: axe-core's
rules (contrast among them), text at 200 %, reflow at 320 px, the text spacing of 10.12, focus
visible and tab order, the pages without JavaScript."""

import contextlib
import re

import pytest

from tests.support.audit import CLIPPED, SCROLLS, SPACING, audited, open_page
from tests.support.browser import axe_violations

pytestmark = pytest.mark.browser
PAGES = audited()
# What shows the focus: an outline, a box shadow, an underline or a background of its own.
# Inside a frame (the preview's), the element focused in the frame's own document.
FOCUS = """() => { let e = document.activeElement, framed = false;
  while (e.tagName === 'IFRAME' && e.contentDocument) { e = e.contentDocument.activeElement;
    framed = true; }
  const s = e.ownerDocument.defaultView.getComputedStyle(e);
  return {tag: e.outerHTML.slice(0, 80), framed,
          shown: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1)
                 || s.boxShadow !== 'none'};
}"""
TABBABLE = """() => [...document.querySelectorAll(
  'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex],'
  + '[contenteditable=true]')]
  .filter(e => (e.tabIndex >= 0 || e.isContentEditable) && !e.disabled && e.getClientRects().length
          && getComputedStyle(e).visibility !== 'hidden')
  .filter(e => e.type !== 'radio' || (e.form || document).querySelector(
    `input[type=radio][name="${e.name}"]:checked`) === e)
  .map(e => e.outerHTML.slice(0, 80))"""


@contextlib.contextmanager
def open_sample(browser, audit_sample, page, width=1280, **options):
    """The sample's `page` in its own context, closed after the test's checks."""
    context, tab = open_page(
        browser, audit_sample.urls[page], page, audit_sample.team_cookies, width, **options
    )
    try:
        yield context, tab
    finally:
        context.close()


@pytest.mark.rgaa("1.1", "3.2", "6.2", "8.3", "8.5", "9.3", "11.1")
@pytest.mark.parametrize("page", PAGES)
def test_axe_finds_no_violation_on_the_sample(browser, audit_sample, page):
    with open_sample(browser, audit_sample, page) as (context, tab):
        assert axe_violations(tab) == []


@pytest.mark.rgaa("10.4")
@pytest.mark.parametrize("page", PAGES)
def test_text_at_200_percent_stays_readable_without_scrolling_sideways(browser, audit_sample, page):
    with open_sample(browser, audit_sample, page, width=1024) as (context, tab):
        # The browser's text size doubled (its setting, as a reader changes it: media queries
        # in rem follow), not the page's own font-size.
        cdp = context.new_cdp_session(tab)
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
        assert tab.evaluate("getComputedStyle(document.body).fontSize") == "32px"
        assert not tab.evaluate(SCROLLS)
        assert tab.evaluate(CLIPPED) == []


@pytest.mark.rgaa("10.11")
@pytest.mark.parametrize("page", PAGES)
def test_content_reflows_at_320px(browser, audit_sample, page):
    with open_sample(browser, audit_sample, page, width=320) as (context, tab):
        assert not tab.evaluate(SCROLLS)
        assert tab.evaluate(CLIPPED) == []


@pytest.mark.rgaa("10.12")
@pytest.mark.parametrize("page", PAGES)
def test_text_spacing_stylesheet_loses_nothing(browser, audit_sample, page):
    # The stylesheet is inline: the pages' CSP would refuse it, a user's stylesheet it does not.
    with open_sample(browser, audit_sample, page, width=1024, bypass_csp=True) as (context, tab):
        tab.add_style_tag(content=SPACING)
        assert tab.evaluate("getComputedStyle(document.body).wordSpacing") != "0px"
        assert not tab.evaluate(SCROLLS)
        assert tab.evaluate(CLIPPED) == []


@pytest.mark.rgaa("10.7", "12.8", "12.9")
@pytest.mark.parametrize("page", PAGES)
def test_focus_is_visible_and_follows_the_reading_order(browser, audit_sample, page):
    with open_sample(browser, audit_sample, page) as (context, tab):
        expected = tab.evaluate(TABBABLE)
        reached = []
        for _ in range(60):
            if len(reached) == min(len(expected), 40):
                break
            tab.keyboard.press("Tab")
            focus = tab.evaluate(FOCUS)
            assert focus["shown"], focus["tag"]
            if focus["framed"]:  # the previewed page: its own order is audited on « entretien »
                break
            if reached[-1:] != [focus["tag"]]:  # a date field's day, month, year: one field
                reached.append(focus["tag"])
        assert reached == expected[: len(reached)]


@pytest.mark.rgaa("7.1")
@pytest.mark.parametrize("page", audited(team=False))
def test_public_pages_work_without_javascript(browser, audit_sample, page):
    """The scripts only enhance: with none, the content and the forms are there."""
    with open_sample(browser, audit_sample, page, java_script_enabled=False) as (context, tab):
        assert tab.locator("main h1").count() == 1
        assert len(tab.locator("main").inner_text()) > 40
        if page == "recherche":
            assert tab.locator("main form input[name=q]").count() == 1


# Each visible text field (a file field: its button): its border colour and width, its own
# background, and the background behind it (the first ancestor's that is not transparent).
FIELD_EDGES = """() => {
  const behind = e => { for (e = e.parentElement; e; e = e.parentElement) {
    const c = getComputedStyle(e).backgroundColor;
    if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c; } return 'rgb(255, 255, 255)'; };
  const fields = 'input:not([type=hidden]):not([type=checkbox]):not([type=radio])'
    + ':not([type=submit]), select, textarea';
  return [...document.querySelectorAll(fields)]
    .filter(e => e.getClientRects().length && e.offsetWidth > 1)
    .map(e => { const s = getComputedStyle(e, e.type === 'file' ? '::file-selector-button' : null);
      return {field: e.outerHTML.slice(0, 80), border: s.borderTopColor,
              width: parseFloat(s.borderTopWidth), own: s.backgroundColor, behind: behind(e)}; });
}"""


def luminance(colour: str) -> float:
    red, green, blue = (int(v) / 255 for v in re.findall(r"\d+(?:\.\d+)?", colour)[:3])
    linear = [
        v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in (red, green, blue)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.rgaa("3.3")
@pytest.mark.parametrize("page", PAGES)
def test_text_fields_stand_out_from_their_background_at_3_to_1(browser, audit_sample, page):
    """A field is seen by its border (1 px at least) or by its own background, 3:1 against
    what is behind it (WCAG 1.4.11)."""
    with open_sample(browser, audit_sample, page) as (context, tab):
        for edge in tab.evaluate(FIELD_EDGES):
            by_border = edge["width"] >= 1 and contrast(edge["border"], edge["behind"]) >= 3
            own = edge["own"] if "0, 0, 0, 0" not in edge["own"] else edge["behind"]
            assert by_border or contrast(own, edge["behind"]) >= 3, edge
