"""RGAA 4.1.2 criteria read from the markup of every audited sample page, as served (the built
site and the service's reader and team pages): each test names its criteria with
`@pytest.mark.rgaa`, and the grid (audit/rgaa/grille.csv) names these tests."""

import re
from urllib.parse import urljoin

import html5lib
import httpx
import pytest
from bs4 import BeautifulSoup

from tests.support.audit import INTERVIEW, audited, subscribe

PAGES = audited()
PUBLIC = audited(team=False)
FIELDS = "input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=image]),"
FIELDS += " select, textarea"
FORMATS = r"pdf|docx?|odt|ods|xlsx?|csv|zip|pptx?|odp|epub"
DOWNLOADS = re.compile(rf"\.({FORMATS})$", re.I)


def soup(audit_sample, page) -> BeautifulSoup:
    return BeautifulSoup(audit_sample.html[page], "html.parser")


def name_of(element, document) -> str:
    """The accessible name of a link or a field, as far as markup gives it."""
    label = element.get("aria-label", "").strip()
    if element.get("aria-labelledby"):
        ids = element["aria-labelledby"].split()
        label = " ".join(document.find(id=i).get_text(" ", strip=True) for i in ids)
    if label:
        return label
    text = element.get_text(" ", strip=True)
    alts = " ".join(img.get("alt", "") for img in element.find_all("img"))
    return (text + " " + alts).strip() or element.get("title", "").strip()


@pytest.mark.rgaa("8.1", "8.2")
@pytest.mark.parametrize("page", PAGES)
def test_markup_has_a_doctype_and_no_parse_error(audit_sample, page):
    html = audit_sample.html[page]
    assert re.match(r"\s*<!DOCTYPE html>", html, re.I)
    parser = html5lib.HTMLParser(strict=False)
    parser.parse(html)
    errors = [(html5lib.constants.E.get(code, code) % (data or {}), pos) for pos, code, data in
              parser.errors]  # fmt: skip
    assert errors == []


@pytest.mark.rgaa("8.3", "8.4")
@pytest.mark.parametrize("page", PAGES)
def test_page_language_is_french(audit_sample, page):
    assert soup(audit_sample, page).html.get("lang") == "fr"


@pytest.mark.rgaa("8.5", "8.6")
def test_every_page_has_its_own_title(audit_sample):
    titles = {page: soup(audit_sample, page).title.get_text(strip=True) for page in PAGES}
    assert all(titles.values()), titles
    assert len(set(titles.values())) == len(titles), titles


@pytest.mark.rgaa("1.1", "1.2")
@pytest.mark.parametrize("page", PAGES)
def test_images_have_an_alternative_or_are_hidden(audit_sample, page):
    document = soup(audit_sample, page)
    for img in document.find_all("img"):
        assert img.has_attr("alt"), img
        if img["alt"] == "":  # decorative: nothing else may name it
            assert not (img.get("title") or img.get("aria-label") or img.get("aria-labelledby"))
    for svg in document.find_all("svg"):
        if svg.get("role") == "img":
            assert name_of(svg, document) or svg.find("title"), svg
        else:
            assert svg.get("aria-hidden") == "true", svg
    for button in document.find_all("input", type="image"):
        assert button.get("alt", "").strip(), button


@pytest.mark.rgaa("2.1")
@pytest.mark.parametrize("page", PAGES)
def test_frames_have_a_title(audit_sample, page):
    for frame in soup(audit_sample, page).find_all(["iframe", "frame"]):
        assert frame.get("title", "").strip(), frame


@pytest.mark.rgaa("5.6", "5.7")
@pytest.mark.parametrize("page", PAGES)
def test_data_tables_have_header_cells_tied_to_their_data(audit_sample, page):
    for table in soup(audit_sample, page).find_all("table"):
        headers = table.find_all("th")
        assert headers, table
        for th in headers:
            assert th.find_parent("thead") or th.get("scope") in ("row", "col"), th


@pytest.mark.rgaa("6.2")
@pytest.mark.parametrize("page", PAGES)
def test_every_link_has_a_name(audit_sample, page):
    document = soup(audit_sample, page)
    for link in document.find_all("a", href=True):
        assert name_of(link, document), link


@pytest.mark.rgaa("6.1", "11.9")
@pytest.mark.parametrize("page", PAGES)
def test_links_and_buttons_names_contain_their_visible_label(audit_sample, page):
    """A name given by aria-label keeps the words shown (RGAA tests 6.1.5 and 11.9.2): a
    voice-control user says what they see."""
    document = soup(audit_sample, page)
    for element in document.find_all(["a", "button"], attrs={"aria-label": True}):
        shown = " ".join(element.get_text(" ").split()).lower()
        assert shown in " ".join(element["aria-label"].split()).lower(), element


@pytest.mark.rgaa("9.1")
@pytest.mark.parametrize("page", PAGES)
def test_headings_start_at_one_h1_and_skip_no_level(audit_sample, page):
    headings = soup(audit_sample, page).find_all(re.compile(r"^h[1-6]$"))
    levels = [int(h.name[1]) for h in headings]
    assert levels.count(1) == 1 and levels[0] == 1, levels
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, (levels, headings)


@pytest.mark.rgaa("9.2", "12.6")
@pytest.mark.parametrize("page", PAGES)
def test_page_zones_are_landmarks(audit_sample, page):
    """Each zone the page shows is its element: the site's pages have a header, a menu, the
    content and a footer; the team's have a header and the content, and a menu once logged
    in (no footer zone)."""
    document = soup(audit_sample, page)
    zones = ["header", "nav", "main", "footer"] if page in PUBLIC else ["header", "nav", "main"]
    if page == "connexion":
        zones.remove("nav")
    for zone in zones:
        assert document.body.find(zone), zone
    assert len(document.find_all("main")) == 1
    assert len(document.body.find_all("header", recursive=False)) == 1


@pytest.mark.rgaa("9.3")
@pytest.mark.parametrize("page", PAGES)
def test_list_items_are_inside_lists(audit_sample, page):
    document = soup(audit_sample, page)
    for item in document.find_all("li"):
        assert item.parent.name in ("ul", "ol", "menu"), item.parent.name
    for term in document.find_all(["dt", "dd"]):
        assert term.parent.name in ("dl", "div"), term


@pytest.mark.rgaa("10.1")
@pytest.mark.parametrize("page", PAGES)
def test_no_presentation_in_the_markup(audit_sample, page):
    document = soup(audit_sample, page)
    assert not document.find_all(["font", "center", "big", "blink", "marquee", "basefont"])
    for attribute in ("align", "bgcolor", "background", "border", "color", "style"):
        assert not document.find_all(attrs={attribute: True}), attribute


@pytest.mark.rgaa("11.1", "11.2")
@pytest.mark.parametrize("page", PAGES)
def test_every_field_has_a_label(audit_sample, page):
    document = soup(audit_sample, page)
    for field in document.select(FIELDS):
        label = field.find_parent("label")
        if field.get("id"):
            label = label or document.find("label", attrs={"for": field["id"]})
        named = name_of(label, document) if label else name_of(field, document)
        assert named, field


@pytest.mark.rgaa("11.13")
@pytest.mark.parametrize("page", PAGES)
def test_personal_fields_say_their_purpose(audit_sample, page):
    document = soup(audit_sample, page)
    for field in document.find_all("input", type="email"):
        assert field.get("autocomplete") == "email", field
    for field in document.find_all("input", attrs={"name": ("nom", "name")}):
        assert field.get("autocomplete") == "name", field


@pytest.mark.rgaa("12.7")
@pytest.mark.parametrize("page", PAGES)
def test_a_skip_link_to_the_content_comes_first(audit_sample, page):
    document = soup(audit_sample, page)
    first = document.body.find(["a", "button", "input", "select", "textarea"])
    assert first.name == "a" and first["href"].startswith("#"), first
    target = document.find(id=first["href"][1:])
    # The main zone, or the editor's text in it (« Aller au texte »: the page's main content).
    assert target is not None and (target.name == "main" or target.find_parent("main")), first


@pytest.mark.rgaa("12.8")
@pytest.mark.parametrize("page", PAGES)
def test_no_positive_tabindex_upsets_the_tab_order(audit_sample, page):
    for element in soup(audit_sample, page).find_all(tabindex=True):
        assert int(element["tabindex"]) <= 0, element


@pytest.mark.rgaa("13.1")
@pytest.mark.parametrize("page", PAGES)
def test_no_page_refreshes_or_redirects_by_itself(audit_sample, page):
    refresh = soup(audit_sample, page).find(
        "meta", attrs={"http-equiv": re.compile("refresh", re.I)}
    )
    assert refresh is None


@pytest.mark.rgaa("13.3")
@pytest.mark.parametrize("page", PAGES)
def test_downloads_say_their_format_and_size(audit_sample, page):
    document = soup(audit_sample, page)
    for link in document.find_all("a", href=DOWNLOADS):
        said = name_of(link, document)
        assert re.search(FORMATS, said, re.I), said
        assert re.search(r"\d+(,\d+)?\s*[kKM]?o\b", said), said


def refused_forms(service) -> dict[str, str]:
    """The pages a reader gets back from the comment and the lettre forms sent wrong: no
    comment, an address that is not one."""
    pages = {
        "commentaire": httpx.post(
            service.url + "/commentaires/poster",
            data=service.form(INTERVIEW, email="pas-une-adresse", commentaire=""),
        ),
        "lettre": subscribe(service, "pas-une-adresse"),
    }
    assert {page.status_code for page in pages.values()} == {422}
    return {name: page.text for name, page in pages.items()}


@pytest.mark.rgaa("11.10", "11.11")
def test_refused_forms_say_what_is_wrong_at_each_field_and_keep_the_text(audit_sample):
    for name, html in refused_forms(audit_sample.service).items():
        document = BeautifulSoup(html, "html.parser")
        invalid = document.find_all(attrs={"aria-invalid": "true"})
        assert invalid, name
        for field in invalid:
            said = " ".join(
                document.find(id=i).get_text(" ", strip=True)
                for i in field["aria-describedby"].split()
            )
            assert said, field
            if field.get("type") == "email":
                assert field["value"] == "pas-une-adresse", "what was typed is kept"
                assert "forme" in said, "the message says the expected form"


@pytest.mark.rgaa("12.5")
def test_the_search_is_reached_the_same_way_on_every_public_page(audit_sample):
    """In the header of every public page, the same form; on the search page, its own field."""
    actions = set()
    for page in PUBLIC:
        document = soup(audit_sample, page)
        where = document.main if page == "recherche" else document.body.header
        form = where.find("form", role="search") or where.find("input", type="search")
        assert form is not None, page
        if page != "recherche":
            actions.add(form["action"])
    assert len(actions) == 1, actions


@pytest.mark.rgaa("13.2")
@pytest.mark.parametrize("page", PAGES)
def test_nothing_opens_a_new_window(audit_sample, page):
    document = soup(audit_sample, page)
    assert [e for e in document.find_all(target=True) if e["target"] != "_self"] == []
    for script in document.find_all("script", src=True):
        address = urljoin(audit_sample.urls[page], script["src"])
        source = httpx.get(address, cookies=audit_sample.team_cookies)
        assert source.status_code == 200, address
        assert "window.open" not in source.text, address


@pytest.mark.rgaa("12.1")
@pytest.mark.parametrize("page", PUBLIC)
def test_public_pages_offer_two_ways_to_every_page(audit_sample, page):
    """The menu, and the search engine (the header's form, or the search page's own)."""
    document = soup(audit_sample, page)
    menu = document.body.header.find("nav")
    assert menu is not None and len(menu.find_all("a", href=True)) >= 5
    assert document.find("form", role="search") or page == "recherche"
    assert document.find("a", href="/archives/"), "the archives list every interview"
