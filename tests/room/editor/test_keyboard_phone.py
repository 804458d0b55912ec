"""The editor page and the article list with a keyboard and on a phone, in Debian's Chromium:
the text a few key presses from the top, Ctrl+S, a one-row action bar on a 390 × 844 screen,
the list as cards under 600 px, axe-core at 320 and 1280 px (issue 20, deliverable 7)."""

import pytest

from tests.support.browser import axe_violations, keys_to_text
from tests.support.room import ROOM_PATH, browser_login, editor_url, work_text

pytestmark = pytest.mark.browser

ARTICLE = "30-ans-caf-essonne"
EDITOR = editor_url("articles", ARTICLE)


def writer(browser, site, width=1280, height=900, **options):
    return browser_login(browser, site.url, "claire", width, height, **options)


@pytest.mark.parametrize("path", [ROOM_PATH + "nouveau", EDITOR])
def test_the_text_is_at_most_five_key_presses_from_the_top(browser, site, path):
    context, page = writer(browser, site)
    page.goto(site.url + path)
    assert len(keys_to_text(page)) <= 5  # Tab, Enter on « Aller au texte »
    context.close()


def test_the_skip_link_reaches_the_text_without_javascript(browser, site):
    context, page = writer(browser, site, java_script_enabled=False)
    page.goto(site.url + EDITOR)
    assert keys_to_text(page) == ["Tab", "Enter", "Tab"]
    context.close()


def test_title_and_text_come_before_the_metadata_in_reading_and_visual_order(browser, site):
    context, page = writer(browser, site, width=390, height=844)
    page.goto(site.url + EDITOR)
    fields = ["titre", "chapo", "texte", "date", "theme", "mots_cles", "slug"]
    order = page.evaluate(
        "ids => { const all = [...document.querySelectorAll('input, select, textarea')];"
        " const shown = id => (id === 'texte' && document.getElementById('texte-editeur'))"
        "   || document.getElementById(id);"  # the visual editor stands in for its field
        " return ids.map(id => [all.indexOf(document.getElementById(id)),"
        " shown(id).getBoundingClientRect().top]) }",
        fields,
    )
    assert [place for place, _ in order] == sorted(place for place, _ in order)
    assert [top for _, top in order] == sorted(top for _, top in order)
    context.close()


def test_ctrl_s_saves_the_plain_form(browser, site):
    context, page = writer(browser, site)
    page.goto(site.url + EDITOR)
    page.fill("#chapo", "Un chapô enregistré par Ctrl+S.")
    page.keyboard.press("Control+s")
    page.wait_for_selector(".moderation-message", timeout=10_000)
    assert "Un chapô enregistré par Ctrl+S." in work_text(site, f"articles/{ARTICLE}.md")
    context.close()


def box_of(locator):
    return locator.bounding_box()


def one_article_a_status(page, site) -> list[str]:
    page.goto(site.url + ROOM_PATH)
    found = {}
    for row in page.locator(".articles-table tbody tr").all():
        status = row.locator(".status").get_attribute("class")
        found.setdefault(status, row.locator("a").first.get_attribute("href"))
    return [ROOM_PATH + "nouveau", *found.values()]


@pytest.mark.parametrize("width", [320, 390])
def test_the_action_bar_is_one_row_of_at_most_15_percent_of_a_phone_screen(browser, site, width):
    context, page = writer(browser, site, width=width, height=844)
    addresses = one_article_a_status(page, site)
    assert len(addresses) >= 3  # a new one, a draft, a published one at least
    for address in addresses:
        page.goto(site.url + address)
        bar = page.locator(".editor-save")
        assert bar.bounding_box()["height"] <= 0.15 * 844, address
        shown = [part for part in bar.locator("button, summary").all() if part.is_visible()]
        middles = {round(box["y"] + box["height"] / 2) for box in map(box_of, shown)}
        assert len(middles) == 1, address  # one row
        assert bar.locator("button[value=enregistrer]").is_visible()
        # The other actions are one press away, in « Plus… ».
        more = bar.locator("button[value=apercu]")
        assert not more.is_visible()
        bar.locator("summary:has-text('Plus')").click()
        assert more.is_visible()
        assert bar.locator("button[value=publier]").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, address
    context.close()


@pytest.mark.parametrize("width", [896, 1280])  # 896: from 56rem
def test_the_wide_action_bar_shows_every_action_in_one_row(browser, site, width):
    context, page = writer(browser, site, width=width)
    for address in one_article_a_status(page, site):
        page.goto(site.url + address)
        bar = page.locator(".editor-save")
        for action in ("enregistrer", "apercu", "publier"):
            assert bar.locator(f"button[value={action}]").is_visible(), (address, action)
        assert bar.bounding_box()["height"] <= 80, address
        assert page.evaluate("document.documentElement.scrollWidth") <= width, address
    context.close()


@pytest.mark.parametrize("width", [320, 390, 599])
def test_the_article_list_shows_readable_cards_under_600_px(browser, site, width):
    context, page = writer(browser, site, width=width)
    page.goto(site.url + ROOM_PATH)
    rows = page.locator(".articles-table tbody tr")
    assert rows.count() > 3
    for index in range(rows.count()):
        row = rows.nth(index)
        for part in row.locator("th, td, a, .status").all():
            box = part.bounding_box()
            assert 0 <= box["x"] and box["x"] + box["width"] <= width, (index, part.inner_text())
        text = row.inner_text()
        for label in ("Statut", "Date", "Thème", "Dernière modification"):
            assert label in text, (index, label)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


def test_the_article_list_stays_a_table_on_wide_screens(browser, site):
    context, page = writer(browser, site)
    page.goto(site.url + ROOM_PATH)
    assert page.locator(".articles-table thead").is_visible()
    first = page.locator(".articles-table tbody tr").first
    assert "Statut" not in first.inner_text()  # the column headers say it
    context.close()


PAGES = {
    "editor": EDITOR,
    "new": ROOM_PATH + "nouveau",
    "list": ROOM_PATH,
    "images": ROOM_PATH + "images/",
}


@pytest.mark.parametrize("width", [320, 1280])
def test_editor_list_and_images_pass_axe_and_fit_the_width(browser, site, width):
    context, page = writer(browser, site, width=width)
    for name, path in PAGES.items():
        page.goto(site.url + path)
        assert axe_violations(page) == [], (name, width)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
    page.goto(site.url + EDITOR)
    if width < 600:
        page.locator(".editor-save summary").click()  # with « Plus… » open
    assert axe_violations(page) == [], ("plus", width)
    context.close()
