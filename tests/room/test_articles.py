"""Content files rewritten so a person could not tell (service/room/articles.py
`Document.changed`): every line whose value is unchanged is kept byte for byte, a changed field
keeps its spelling and place, a new one goes where a person would put it."""

import pytest

from service.room.articles import parse
from tests.support.site import ROOT

LAUNCH_FILES = sorted((ROOT / "content").glob("*/*.md"))
# Odd but valid spellings: lower-case keys, extra spaces, a value on two lines, CRLF in the
# body, trailing spaces, no line end at the very end.
ODD = (
    "title:   Un  titre  \n"
    "Date: 2026-03-02 09:30\n"
    "Category: Solidarité\n"
    "Slug: un-titre\n"
    "Summary: Un chapô\n"
    "    sur deux lignes.\n"
    "\n"
    "## Une question ?  \r\n"
    "\r\n"
    "Une réponse.   "
)


@pytest.mark.parametrize("path", LAUNCH_FILES, ids=lambda path: path.name)
def test_a_launch_file_saved_without_a_change_is_the_same_bytes(path):
    text = path.read_text(encoding="utf-8")
    document = parse(text)
    unchanged = {field.key: field.value for field in document.fields}
    assert document.changed(unchanged, document.body).text() == text
    assert document.changed({}).text() == text


@pytest.mark.parametrize("path", LAUNCH_FILES, ids=lambda path: path.name)
def test_a_new_summary_is_a_one_line_change(path):
    text = path.read_text(encoding="utf-8")
    changed = parse(text).changed({"summary": "Un nouveau chapô."}).text()
    before, after = text.split("\n"), changed.split("\n")
    assert len(after) == len(before)
    assert [(b, a) for b, a in zip(before, after, strict=True) if b != a] == [
        (
            next(line for line in before if line.startswith("Summary: ")),
            "Summary: Un nouveau chapô.",
        )
    ]


def test_unchanged_values_keep_their_spelling():
    document = parse(ODD)
    assert document.get("title") == "Un  titre"
    same = {"title": "Un  titre", "summary": "Un chapô\nsur deux lignes.", "slug": "un-titre"}
    assert document.changed(same).text() == ODD


def test_a_changed_field_keeps_its_name_and_place_and_the_rest_is_untouched():
    text = parse(ODD).changed({"title": "Un autre titre"}).text()
    assert text == ODD.replace("title:   Un  titre  \n", "title: Un autre titre\n")
    text = parse(ODD).changed({"summary": "Un seul chapô."}).text()
    assert text == ODD.replace(
        "Summary: Un chapô\n    sur deux lignes.\n", "Summary: Un seul chapô.\n"
    )


def test_a_new_field_goes_where_a_person_would_put_it():
    text = parse(ODD).changed({"tags": "jeux, ludothèque", "comments": "closed"}).text()
    assert text == ODD.replace(
        "Category: Solidarité\n", "Category: Solidarité\nTags: jeux, ludothèque\n"
    ).replace("    sur deux lignes.\n", "    sur deux lignes.\nComments: closed\n")


def test_an_emptied_field_is_removed_and_only_that_line():
    text = parse(ODD).changed({"date": "", "status": None}).text()
    assert text == ODD.replace("Date: 2026-03-02 09:30\n", "")


def test_the_body_is_kept_byte_for_byte_unless_it_changed():
    document = parse(ODD)
    assert (
        document.changed({"slug": "autre"})
        .text()
        .endswith("\n\n## Une question ?  \r\n\r\nUne réponse.   ")
    )
    new_body = "Un nouveau texte.\n"
    assert document.changed({}, new_body).text() == ODD[: ODD.index("\n\n") + 2] + new_body


def test_a_file_of_metadata_only_keeps_its_end():
    text = "Title: Une page\nSlug: une-page\n"
    assert parse(text).changed({}).text() == text
    assert parse(text).changed({"title": "Autre"}).text() == "Title: Autre\nSlug: une-page\n"
    # Without a line end after its last line, it is read back as it was; changed() adds one
    # (it does not carry `open_end` over), so only reading is checked here.
    assert parse(text.rstrip("\n")).text() == text.rstrip("\n")


def test_a_body_right_under_the_metadata_is_saved_without_a_blank_line_added():
    for text in (
        "Title: Une page\nSlug: une-page\nStatus: draft\n## Une question ?\n\nLa suite.\n",
        "Title: Une page\r\nSlug: une-page\r\n\r\n## Une question ?\r\n",
    ):
        assert parse(text).changed({}).text() == text
        assert parse(text).changed({"slug": "une-page"}, parse(text).body).text() == text
    new_body = "Un nouveau texte.\n"
    changed = parse("Title: Une page\n## Titre\n").changed({}, new_body).text()
    assert changed == "Title: Une page\n\n" + new_body
