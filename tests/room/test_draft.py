"""The editor's checks before saving (service/room/draft.py `check`): each French message, next
to the form field that holds the mistake, and nothing else; without the editor's HTTP round."""

from dataclasses import replace

import pytest
from pelican.settings import read_settings

from service.room.draft import Draft, Speaker, check
from service.room.publishing.building import SiteRules
from tests.support.site import ROOT

SETTINGS = read_settings(str(ROOT / "pelicanconf.py"))
RULES = SiteRules(
    categories=SETTINGS["ALLOWED_CATEGORIES"],
    statuses=["published", "draft", "hidden"],
    slug_subs=SETTINGS["SLUG_REGEX_SUBSTITUTIONS"],
    timezone=SETTINGS["TIMEZONE"],
    summary_length=300,
    image_min_size=(320, 120),
    portrait_min_size=160,
)
ARTICLE = Draft(
    kind="article",
    title="Un relais petite enfance à Massy",
    date="2026-03-02",
    time="09:30",
    category="Petite enfance et jeunesse",
    slug="relais-petite-enfance-massy",
    speakers=[Speaker("Awa Diallo", "animatrice", "/images/awa.jpg 45% 30%")],
    summary="Une ou deux phrases.",
)
SLUG_FORM = (
    "L’adresse (slug) s’écrit en minuscules sans accent, chiffres et tirets, par exemple "
    "« rencontre-relais-petite-enfance »."
)
DATE_FORM = "Date invalide : choisissez le jour de publication (AAAA-MM-JJ)."
TIME_FORM = "Heure invalide : écrivez-la HH:MM, par exemple 09:30."
NAMELESS = "Indiquez le nom de cette personne, ou videz la ligne."
COMMA = "Un nom ne peut pas contenir de virgule."
SUMMARY_FORM = "Le chapô est obligatoire : une ou deux phrases qui donnent envie de lire."
ROLE_FORM = "Un rôle ne peut pas contenir de point-virgule."
NAME_1, PORTRAIT_1 = "intervenant-1-nom", "intervenant-1-portrait"
PORTRAIT_FORM = (
    "Le portrait est une image de la bibliothèque : /images/nom.jpg (suivi, si besoin, de la "
    "position du visage : 45% 30%)."
)


def speaker(**fields) -> list[Speaker]:
    return [replace(ARTICLE.speakers[0], **fields)]


def test_a_complete_article_has_nothing_to_say():
    assert check(ARTICLE, RULES, {"autre-article": "Un autre article"}) == {}
    assert check(replace(ARTICLE, time="9:05"), RULES, {}) == {}  # a one-digit hour
    assert check(replace(ARTICLE, time=""), RULES, {}) == {}  # the time is optional
    assert check(replace(ARTICLE, slug="a" * 120), RULES, {}) == {}  # the longest address


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": ""}, "titre", "Le titre est obligatoire."),
        ({"slug": "Relais-Massy"}, "slug", SLUG_FORM),
        ({"slug": "relais--massy"}, "slug", SLUG_FORM),
        ({"slug": "a" * 121}, "slug", SLUG_FORM),
        ({"slug": "pris"}, "slug", "Cette adresse est déjà celle de « Un article déjà là »."),
        ({"date": ""}, "date", DATE_FORM),
        ({"date": "2026-02-30"}, "date", DATE_FORM),
        ({"date": "2026-3-2"}, "date", DATE_FORM),
        ({"date": "20260302"}, "date", DATE_FORM),  # ISO basic form: the room reads AAAA-MM-JJ only
        ({"date": "2026-03-02 10:00"}, "date", DATE_FORM),
        ({"time": "9h30"}, "heure", TIME_FORM),
        ({"time": "24:00"}, "heure", TIME_FORM),
        ({"category": "Sport"}, "theme", "Choisissez un thème dans la liste."),
        ({"speakers": []}, NAME_1, "Indiquez au moins une personne interviewée (prénom et nom)."),
        ({"speakers": speaker(name="")}, NAME_1, NAMELESS),
        ({"speakers": speaker(name="Diallo, Awa")}, NAME_1, COMMA),
        ({"speakers": speaker(role="animatrice ; directrice")}, "intervenant-1-role", ROLE_FORM),
        ({"speakers": speaker(portrait="awa.jpg")}, PORTRAIT_1, PORTRAIT_FORM),
        ({"speakers": speaker(portrait="/images/awa.jpg 45%")}, PORTRAIT_1, PORTRAIT_FORM),
        ({"speakers": speaker(portrait="/images/a b.jpg")}, PORTRAIT_1, PORTRAIT_FORM),
        ({"summary": ""}, "chapo", SUMMARY_FORM),
    ],
)  # fmt: skip
def test_each_mistake_is_said_next_to_its_field(change, field, message):
    assert check(replace(ARTICLE, **change), RULES, {"pris": "Un article déjà là"}) == {
        field: message
    }


def test_each_speaker_row_is_checked_on_its_own():
    speakers = [ARTICLE.speakers[0], Speaker("", "rôle sans nom"), Speaker("A, B", "x ; y")]
    assert check(replace(ARTICLE, speakers=speakers), RULES, {}) == {
        "intervenant-2-nom": NAMELESS,
        "intervenant-3-nom": COMMA,
        "intervenant-3-role": ROLE_FORM,
    }


def test_a_page_needs_only_a_title_and_a_free_address():
    page = Draft(kind="page", title="", slug="pris")
    assert check(page, RULES, {"pris": "Une autre page"}) == {
        "titre": "Le titre est obligatoire.",
        "slug": "Cette adresse est déjà celle de « Une autre page ».",
    }
    assert check(Draft(kind="page", title="À propos", slug="a-propos"), RULES, {}) == {}
