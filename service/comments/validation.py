"""Checks on what a reader typed in the comment form, with French messages per field.

Limits are WordPress's (the partners' previous site): name 245 characters, e-mail 100,
website 200, comment 65,525 bytes.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

MAX_NAME = 245
MAX_EMAIL = 100
MAX_URL = 200
MAX_BODY_BYTES = 65_525

# Form field names, shared with theme/templates/partials/comment_form.html.
FIELDS = ("nom", "email", "site", "commentaire")
HONEYPOT = "reference_dossier"  # no browser autofills it

# Deliberately close to WordPress's is_email(): local part, @, a domain with at least one dot.
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}$"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


@dataclass
class Submission:
    """The form as typed (`values`, to show it back) and what is wrong with it (`errors`)."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)


def _count(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _too_long(what: str, limit: int, length: int) -> str:
    return f"{what} ne doit pas dépasser {limit} caractères (actuellement {_count(length)})."


def clean_email(text: str) -> str:
    return _CONTROL.sub("", text).strip()


def email_error(email: str) -> str:
    """What is wrong with an e-mail address (French), or "" (the comment and lettre forms)."""
    if not email:
        return "Indiquez votre adresse e-mail."
    if len(email) > MAX_EMAIL:
        return _too_long("L’adresse e-mail", MAX_EMAIL, len(email))
    if not _EMAIL.match(email):
        return (
            "Cette adresse e-mail n’est pas valide : elle doit avoir la forme "
            "prenom.nom@exemple.fr."
        )
    return ""


def clean(form: dict[str, str]) -> Submission:
    """Normalise the four reader fields and check them; `values` is what gets stored."""
    name = _SPACES.sub(" ", _CONTROL.sub("", form.get("nom", ""))).strip()
    email = clean_email(form.get("email", ""))
    url = _CONTROL.sub("", form.get("site", "")).strip()
    body = _CONTROL.sub("", form.get("commentaire", "").replace("\r\n", "\n")).strip()
    sub = Submission({"nom": name, "email": email, "site": url, "commentaire": body})
    errors = sub.errors

    if not name:
        errors["nom"] = "Indiquez votre nom."
    elif len(name) > MAX_NAME:
        errors["nom"] = _too_long("Votre nom", MAX_NAME, len(name))

    if error := email_error(email):
        errors["email"] = error

    if url:
        if "://" not in url and "." in url and " " not in url:
            url = sub.values["site"] = "https://" + url  # « www.mairie.fr » as typed by many
        parts = urlsplit(url)
        if len(url) > MAX_URL:
            errors["site"] = _too_long("L’adresse du site", MAX_URL, len(url))
        elif parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in url:
            errors["site"] = (
                "L’adresse du site doit commencer par http:// ou https:// "
                "(par exemple https://www.mairie-exemple.fr)."
            )

    size = len(body.encode())
    if not body:
        errors["commentaire"] = "Écrivez votre commentaire."
    elif size > MAX_BODY_BYTES:
        errors["commentaire"] = (
            f"Votre commentaire est trop long : {_count(size)} octets pour "
            f"{_count(MAX_BODY_BYTES)} au maximum. Raccourcissez-le d’au moins "
            f"{_count(size - MAX_BODY_BYTES)} octet{'s' if size - MAX_BODY_BYTES > 1 else ''}"
            " (un caractère accentué en compte deux)."
        )
    return sub
