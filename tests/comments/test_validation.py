"""The comment form's checks (service/comments/validation.py `clean`): what is stored once
normalised, each limit (WordPress's) at its edge, and each French message on its field."""

import pytest

from service.comments.validation import clean

VALID = {
    "nom": "Claire Martin",
    "email": "claire.martin@mairie-exemple.fr",
    "site": "https://www.mairie-exemple.fr/",
    "commentaire": "Merci pour cet entretien.",
}
BAD_EMAIL = (
    "Cette adresse e-mail n’est pas valide : elle doit avoir la forme prenom.nom@exemple.fr."
)
BAD_SITE = (
    "L’adresse du site doit commencer par http:// ou https:// "
    "(par exemple https://www.mairie-exemple.fr)."
)
NNBSP = "\u202f"


def errors(**fields) -> dict[str, str]:
    return clean({**VALID, **fields}).errors


def email_of(length: int) -> str:
    domain = "@exemple.fr"
    return "a" * (length - len(domain)) + domain


def test_what_is_stored_is_normalised():
    submission = clean(
        {
            "nom": "  Claire \t\n Martin\x07 ",
            "email": " claire.martin@mairie-exemple.fr\x00 ",
            "site": " www.mairie-exemple.fr ",
            "commentaire": "  Un\r\ndeux\x0b\n\ntrois  ",
        }
    )
    assert submission.errors == {}
    assert submission.values == {
        "nom": "Claire Martin",
        "email": "claire.martin@mairie-exemple.fr",
        "site": "https://www.mairie-exemple.fr",  # « www… » as many type it
        "commentaire": "Un\ndeux\n\ntrois",
    }


def test_the_website_is_optional_and_missing_fields_are_empty():
    assert errors(site="") == {}
    assert clean({}).errors == {
        "nom": "Indiquez votre nom.",
        "email": "Indiquez votre adresse e-mail.",
        "commentaire": "Écrivez votre commentaire.",
    }


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"nom": " \x07 "}, {"nom": "Indiquez votre nom."}),
        ({"nom": "N" * 245}, {}),
        ({"nom": "N" * 246},
         {"nom": "Votre nom ne doit pas dépasser 245 caractères (actuellement 246)."}),
        ({"nom": "N" * 1000},
         {"nom": f"Votre nom ne doit pas dépasser 245 caractères (actuellement 1{NNBSP}000)."}),
        ({"email": ""}, {"email": "Indiquez votre adresse e-mail."}),
        ({"email": email_of(100)}, {}),
        ({"email": email_of(101)},
         {"email": "L’adresse e-mail ne doit pas dépasser 100 caractères (actuellement 101)."}),
        ({"email": "claire.martin@mairie"}, {"email": BAD_EMAIL}),
        ({"email": "claire martin@mairie-exemple.fr"}, {"email": BAD_EMAIL}),
        ({"email": "claire.martin.mairie-exemple.fr"}, {"email": BAD_EMAIL}),
        ({"site": "https://exemple.fr/" + "x" * 181}, {}),
        ({"site": "https://exemple.fr/" + "x" * 182},
         {"site": "L’adresse du site ne doit pas dépasser 200 caractères (actuellement 201)."}),
        ({"site": "ftp://exemple.fr/"}, {"site": BAD_SITE}),
        ({"site": "javascript:alert(1)"}, {"site": BAD_SITE}),
        ({"site": "mairie"}, {"site": BAD_SITE}),
        ({"site": "https:///accueil"}, {"site": BAD_SITE}),
        ({"site": "https:// exemple.fr"}, {"site": BAD_SITE}),
        ({"commentaire": " \r\n "}, {"commentaire": "Écrivez votre commentaire."}),
    ],
)  # fmt: skip
def test_each_limit_and_its_message(fields, expected):
    assert errors(**fields) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("a" * 65_525, None),
        ("a" * 65_526, f"65{NNBSP}526 octets pour 65{NNBSP}525 au maximum. Raccourcissez-le "
                       "d’au moins 1 octet (un caractère accentué en compte deux)."),
        ("é" * 32_763, f"65{NNBSP}526 octets pour 65{NNBSP}525 au maximum. Raccourcissez-le "
                       "d’au moins 1 octet (un caractère accentué en compte deux)."),
        ("é" * 32_762 + "a", None),
        ("a" * 67_000, f"67{NNBSP}000 octets pour 65{NNBSP}525 au maximum. Raccourcissez-le "
                       f"d’au moins 1{NNBSP}475 octets (un caractère accentué en compte deux)."),
    ],
)  # fmt: skip
def test_the_comment_is_measured_in_bytes(body, expected):
    found = errors(commentaire=body)
    if expected is None:
        assert found == {}
    else:
        assert found == {"commentaire": "Votre commentaire est trop long : " + expected}
