"""Checks on what a reader typed in the comment form, with French messages per field.

Limits are WordPress's (the partners' previous site): name 245 characters, e-mail 100,
website 200, comment 65,525 bytes.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from service.core.forms import CONTROL, clean_email, email_error, thousands, too_long

MAX_NAME = 245
MAX_URL = 200
MAX_BODY_BYTES = 65_525

# Form field names, shared with theme/templates/partials/comment_form.html.
FIELDS = ("nom", "email", "site", "commentaire")
# « Me prévenir par e-mail des réponses… », « … des nouveaux commentaires sur cet article »: the
# boxes ticked travel with the comment (NewComment.follow); the lettre records the follows.
FOLLOW_BOXES = ("suivre_reponses", "suivre_article")

_SPACES = re.compile(r"\s+")


@dataclass
class Submission:
    """The form as typed (`values`, to show it back) and what is wrong with it (`errors`)."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)


def clean(form: dict[str, str]) -> Submission:
    """Normalise the four reader fields and check them; `values` is what gets stored."""
    name = _SPACES.sub(" ", CONTROL.sub("", form.get("nom", ""))).strip()
    email = clean_email(form.get("email", ""))
    url = CONTROL.sub("", form.get("site", "")).strip()
    body = CONTROL.sub("", form.get("commentaire", "").replace("\r\n", "\n")).strip()
    sub = Submission({"nom": name, "email": email, "site": url, "commentaire": body})
    errors = sub.errors

    if not name:
        errors["nom"] = "Indiquez votre nom."
    elif len(name) > MAX_NAME:
        errors["nom"] = too_long("Votre nom", MAX_NAME, len(name))

    if error := email_error(email):
        errors["email"] = error

    if url:
        if "://" not in url and "." in url and " " not in url:
            url = sub.values["site"] = "https://" + url  # « www.mairie.fr » as typed by many
        parts = urlsplit(url)
        if len(url) > MAX_URL:
            errors["site"] = too_long("L’adresse du site", MAX_URL, len(url))
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
            f"Votre commentaire est trop long : {thousands(size)} octets pour "
            f"{thousands(MAX_BODY_BYTES)} au maximum. Raccourcissez-le d’au moins "
            f"{thousands(size - MAX_BODY_BYTES)} octet{'s' if size - MAX_BODY_BYTES > 1 else ''}"
            " (un caractère accentué en compte deux)."
        )
    return sub


def ticked(form) -> dict[str, str]:
    """The follow boxes a reader ticked, as form values (the form shown back keeps them)."""
    return {name: "1" for name in FOLLOW_BOXES if form.get(name)}
