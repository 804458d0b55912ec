"""Fidelity of the launch interviews to the old site's export, and completeness of their metadata.

The seeds in tests/data/seeds/ are a verbatim copy of the communications team's export. Every
sentence of a seed must be readable, word for word, in the <main> of its built article page.
"""

import re
from datetime import datetime
from itertools import pairwise
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican.settings import read_settings

from plugins.rgaa_statement.grid import Audit
from tests.support.audit import AUDIT
from tests.support.site import ROOT

SEEDS = ROOT / "tests" / "data" / "seeds"
ARTICLES = ROOT / "content" / "articles"
ALLOWED_CATEGORIES = read_settings(str(ROOT / "pelicanconf.py"))["ALLOWED_CATEGORIES"]

# Seed number → article slug. Listed in publication order: the seeds carry no date, the README
# dates them from their text (004 late 2018, 002 May 2020, 000 2021, 003 autumn 2021, 001 2022).
SLUGS = {
    "004": "territorialisation-se-concretise",
    "002": "service-public-mobilise-crise-sanitaire",
    "000": "30-ans-caf-essonne",
    "003": "bilan-conventions-territoriales-globales",
    "001": "enjeux-prioritaires-2022",
}

# The only changes made to the export's words: (seed, source text, fixed text, reason).
CORRECTIONS = [
    ("000", "Á l’occasion", "À l’occasion", "Á (A acute) typed for À"),
    ("000", "« G. L.", "G. L.", "stray « before the speaker label, doubling the opening quote"),
    ("000", "contructualisation", "contractualisation", "misspelt word"),
    ("001", "c’est-dire", "c’est-à-dire", "« à » dropped from the locution"),
    ("002", "Marc le Floc’h", "Marc Le Floc’h", "the speaker’s name as the team spells it"),
    ("002", "nous allons proposerons", "nous proposerons", "two verb forms run together"),
    ("003", "deniers mois", "derniers mois", "misspelt word"),
    ("003", "Á terme", "À terme", "Á (A acute) typed for À"),
]

FIELDS = "Title Date Date_estimate Category Tags Slug Authors Roles Summary".split()
# The old site's comment form closes some exports; it is not article text.
COMMENT_FORM = "Laisser un commentaire"
SPACES = re.compile(r"\s+")  # \s covers U+00A0, U+202F and the other Unicode spaces
# Spaces around French punctuation belong to the typography plugin, not to the text.
PUNCTUATION_SPACE = re.compile(r" ?([:;!?%«»…]) ?")
SENTENCE_END = re.compile(r"(?<=[.!?…]) ")
LIST_MARKER = re.compile(r"^[•-] ")
# An answer opens with « , optionally after a short speaker label ("G. L. :").
ANSWER_START = re.compile(r"^(?:[^«:]{1,40} :)? ?«")


def normalise(text: str) -> str:
    return SPACES.sub(" ", text).strip()


def compact(text: str) -> str:
    """Normalised text without the spaces around French punctuation, for comparisons."""
    return PUNCTUATION_SPACE.sub(r"\1", normalise(text))


def seed_path(stem: str) -> Path:
    (path,) = SEEDS.glob(f"{stem}_*.txt")
    return path


def seed_lines(stem: str) -> list[str]:
    """The seed's non-empty lines, normalised, corrected, without the comment form."""
    text = seed_path(stem).read_text(encoding="utf-8").split(COMMENT_FORM)[0]
    lines = []
    for line in text.splitlines():
        line = normalise(line)
        for seed, source, fixed, _ in CORRECTIONS:
            if seed == stem:
                line = line.replace(source, fixed)
        line = LIST_MARKER.sub("", line)
        if line:
            lines.append(line)
    return lines


def seed_title(stem: str) -> str | None:
    """The export's first line is the title, except where it was lost (an empty first line)."""
    first = seed_path(stem).read_text(encoding="utf-8").splitlines()[0]
    return normalise(first) or None


def questions(stem: str) -> list[str]:
    """Interviewer lines: ending with ? (or … for one) and followed by an answer's opening."""
    lines = seed_lines(stem)
    return [
        line
        for line, following in pairwise(lines)
        if line.endswith(("?", "…")) and ANSWER_START.match(following)
    ]


def metadata(slug: str) -> dict[str, str]:
    """The `Key: value` header of an article's Markdown source."""
    header = (ARTICLES / f"{slug}.md").read_text(encoding="utf-8").split("\n\n")[0]
    return dict(line.split(": ", 1) for line in header.splitlines())


def main_of(site: Path, slug: str) -> BeautifulSoup:
    page = site / "articles" / slug / "index.html"
    return BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").main


@pytest.mark.parametrize("stem", SLUGS)
def test_every_sentence_of_the_seed_is_on_the_page(built_site, stem):
    text = compact(main_of(built_site, SLUGS[stem]).get_text(" "))
    missing = [
        sentence
        for line in seed_lines(stem)
        for sentence in SENTENCE_END.split(line)
        if compact(sentence) not in text
    ]
    assert not missing, f"{SLUGS[stem]}.md loses these sentences of {seed_path(stem).name}"


@pytest.mark.parametrize("stem", SLUGS)
def test_no_sentence_is_printed_twice(built_site, stem):
    """The chapô (Summary) is printed by the theme: the body must not repeat it.

    Headings are left out: the table of contents repeats them on purpose.
    """
    main = main_of(built_site, SLUGS[stem])
    text = compact(main.get_text(" "))
    headings = {compact(h2.get_text(" ")) for h2 in main.find_all("h2")}
    repeated = [
        sentence
        for line in seed_lines(stem)
        if compact(line) not in headings
        for sentence in SENTENCE_END.split(line)
        if len(sentence) >= 30 and text.count(compact(sentence)) > 1
    ]
    assert not repeated


@pytest.mark.parametrize("stem", SLUGS)
def test_each_question_is_a_level_2_heading(built_site, stem):
    headings = {compact(h2.get_text(" ")) for h2 in main_of(built_site, SLUGS[stem]).find_all("h2")}
    assert [q for q in questions(stem) if compact(q) not in headings] == []


def test_question_detection_finds_the_interviews_questions():
    """Guards the detector itself: 004 is a report with quotes, the others are interviews."""
    found = {stem: len(questions(stem)) for stem in SLUGS}
    assert found["004"] == 0
    assert all(found[stem] >= 4 for stem in SLUGS if stem != "004")


@pytest.mark.parametrize("stem", SLUGS)
def test_every_answer_starts_with_its_speaker(built_site, stem):
    main = main_of(built_site, SLUGS[stem])
    asked = {compact(q) for q in questions(stem)}
    for h2 in main.find_all("h2"):
        if compact(h2.get_text(" ")) in asked:
            answer = h2.find_next_sibling()
            label = answer.find("strong", class_="speaker")
            assert label is not None and answer.contents[0] is label, h2.get_text()


@pytest.mark.parametrize("stem", SLUGS)
def test_speaker_labels_name_an_author(built_site, stem):
    """A label is an author's name, their initials (« G. L. »), or their name and role."""
    names = [name.strip() for name in metadata(SLUGS[stem])["Authors"].split(",")]
    initials = {" ".join(f"{word[0]}." for word in name.split()) for name in names}
    labels = main_of(built_site, SLUGS[stem]).find_all("strong", class_="speaker")
    assert labels
    for label in labels:
        who = normalise(label.get_text()).removesuffix(" :").split(",")[0]
        assert who in names or who in initials, who


def test_corrections_are_real_slips_of_the_seeds():
    """Each correction must still match its seed, or the table has gone stale."""
    for stem, source, fixed, reason in CORRECTIONS:
        assert source != fixed and reason
        assert source in normalise(seed_path(stem).read_text(encoding="utf-8")), (stem, source)


@pytest.mark.parametrize("stem", SLUGS)
def test_metadata_is_complete(stem):
    slug = SLUGS[stem]
    meta = metadata(slug)
    assert [field for field in FIELDS if not meta.get(field, "").strip()] == [], f"{slug}.md"
    assert meta["Slug"] == slug and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    assert meta["Category"] in ALLOWED_CATEGORIES
    assert 3 <= len(meta["Tags"].split(",")) <= 6
    assert len(meta["Roles"].split(" ; ")) == len(meta["Authors"].split(","))
    assert meta["Date_estimate"].startswith("Date estimée : ")
    if seed_title(stem):
        assert meta["Title"] == seed_title(stem)


def test_articles_map_one_to_one_to_the_seeds():
    slugs = [metadata(path.stem)["Slug"] for path in sorted(ARTICLES.glob("*.md"))]
    assert sorted(slugs) == sorted(SLUGS.values())
    assert sorted(path.name[:3] for path in SEEDS.glob("*.txt")) == sorted(SLUGS)


def test_dates_are_distinct_and_in_the_order_the_texts_imply():
    dates = [datetime.strptime(metadata(slug)["Date"], "%Y-%m-%d %H:%M") for slug in SLUGS.values()]
    assert dates == sorted(set(dates))


PAGES = ["a-propos", "mentions-legales", "accessibilite", "donnees-personnelles"]
CONTACT = "mailto:communication.partenaires@caf91.fr"


def page_main(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "lxml").main


@pytest.mark.parametrize("slug", PAGES)
def test_pages_give_the_contact_address(built_site, slug):
    main = page_main(built_site, f"{slug}/index.html")
    assert main.h1 and CONTACT in [a.get("href") for a in main.find_all("a")]


@pytest.mark.parametrize("path", ["a-propos/index.html", "mentions-legales/index.html", "404.html"])
def test_page_links_inside_the_site_lead_to_built_pages(built_site, path):
    """Site-relative links of these pages must not 404; the 404 page links absolutely on purpose."""
    links = [a["href"] for a in page_main(built_site, path).find_all("a", href=True)]
    internal = [href.split("#")[0] for href in links if href.startswith("/")]
    assert internal
    dead = [
        href for href in internal if not (built_site / href.lstrip("/") / "index.html").is_file()
    ]
    assert dead == []


def test_not_found_page_is_written_at_the_root_and_points_the_way_back(built_site):
    main = page_main(built_site, "404.html")
    assert normalise(main.h1.get_text()) == "Page introuvable"
    assert {"/", "/archives/", "/themes/"} <= {a["href"] for a in main.find_all("a", href=True)}
    assert not (built_site / "404").exists()


def test_accessibility_statement_has_the_rgaa_parts(built_site):
    text = normalise(page_main(built_site, "accessibilite/index.html").get_text(" "))
    for part in [
        f"est {Audit.read(AUDIT).score('public').state}",
        "axe-core",
        "Environnement de test",
        "8 décembre 2026",
        "Voies de recours",
        "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07",
    ]:
        assert part in text, part
