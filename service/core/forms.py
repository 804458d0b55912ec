"""Reading what a browser posts, for every form of the service: one place for the limits.

Everything arrives as text; what is wrong is a `FormError` with a French message and the text
the person typed (so it is shown back, never lost), never a 500. A form whose bytes are not
UTF-8 (an old browser or a script sending Latin-1) is decoded as Windows-1252 and flagged, so
it comes back to be checked rather than being stored with replacement characters.

One e-mail address check for every form (comments, the lettre, the team's accounts): two
regexes used to disagree, so an account's address could be refused by the lettre's test send.
And one key for an address's flood counts, the mailbox it reaches (`mailbox_key`).
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.requests import Request

FORM_TYPE = "application/x-www-form-urlencoded"
# Largest form a browser can send: 65,525 UTF-16 units of comment (at most 3 UTF-8 bytes each),
# percent-encoded (×3), plus the small fields. Anything under it is read and shown back.
MAX_FORM_BYTES = 1024 * 1024
MAX_FIELDS = 50
# Comment numbers and pages: ASCII digits only (not « ² » or « ٣ »), within SQLite's integers.
_NUMBER = re.compile(r"[0-9]{1,18}")
MAX_EMAIL = 100  # WordPress's limit (the partners' previous site)
# Deliberately close to WordPress's is_email(): local part, @, a domain with at least one dot.
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}"
)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FormError(Exception):
    """A form that cannot be read: HTTP status, French title and message, the typed text."""

    def __init__(self, status_code: int, title: str, message: str, typed: str = ""):
        super().__init__(message)
        self.status_code = status_code
        self.title = title
        self.message = message
        self.typed = typed


@dataclass(frozen=True)
class PostedForm:
    fields: dict[str, str]
    recoded: bool = False  # not UTF-8: decoded as Windows-1252, to be checked by the person

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)


def parse_number(text: str | None) -> int | None:
    """A positive number written in ASCII digits, else None."""
    text = (text or "").strip()
    return int(text) if _NUMBER.fullmatch(text) and int(text) > 0 else None


def thousands(n: int) -> str:
    """« 65 525 »: French thousands (a narrow no-break space)."""
    return f"{n:,}".replace(",", "\u202f")


def too_long(what: str, limit: int, length: int) -> str:
    return f"{what} ne doit pas dépasser {limit} caractères (actuellement {thousands(length)})."


def clean_email(text: str) -> str:
    return CONTROL.sub("", text).strip()


def is_email(address: str) -> bool:
    return bool(_EMAIL.fullmatch(address))


# Providers that ignore the dots of the local part, and the domain both names reach.
_DOTLESS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox_key(address: str) -> str:
    """The mailbox an address reaches, as the key of its flood counts: « Cible+1@Exemple.fr »
    and « cible@exemple.fr » are one mailbox (case and plus-tags dropped, and the dots where
    the provider ignores them), so typing variants of an address cannot multiply what it gets."""
    local, _, domain = address.strip().casefold().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in _DOTLESS:
        local, domain = local.replace(".", ""), _DOTLESS[domain]
    return f"{local}@{domain}"


def email_error(email: str) -> str:
    """What is wrong with an e-mail address (French), or "" (the comment and lettre forms)."""
    if not email:
        return "Indiquez votre adresse e-mail."
    if len(email) > MAX_EMAIL:
        return too_long("L’adresse e-mail", MAX_EMAIL, len(email))
    if not is_email(email):
        return (
            "Cette adresse e-mail n’est pas valide : elle doit avoir la forme "
            "prenom.nom@exemple.fr."
        )
    return ""


def _too_big(limit: int) -> FormError:
    return FormError(
        413,
        "Envoi trop volumineux",
        f"L’envoi dépasse {limit // 1024} Kio, bien plus qu’un formulaire de ce site ne peut "
        "contenir : il n’a pas été lu. Si vous avez écrit ce texte, copiez-le depuis votre "
        "navigateur avant de quitter la page, raccourcissez-le et envoyez-le à nouveau.",
    )


async def read_form(request: Request, limit: int = MAX_FORM_BYTES) -> PostedForm:
    """The posted fields; FormError when the request is not a form of ours or cannot be read.

    A client that goes away mid-upload raises starlette's ClientDisconnect (answered quietly).
    """
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not content_type and request.headers.get("content-length", "0") == "0":
        return PostedForm({})  # an empty POST: a form with no fields
    if content_type != FORM_TYPE:
        raise FormError(
            415,
            "Envoi non reconnu",
            "Ce formulaire doit être envoyé depuis la page du site (type "
            f"{FORM_TYPE}), pas en « {content_type[:60] or 'aucun type'} ».",
        )
    text = (await _body(request, limit)).decode("latin-1")  # percent-encoded: ASCII on the wire
    try:
        # Latin-1 maps bytes to characters one to one: each value's raw bytes, decoded below.
        pairs = parse_qsl(
            text, keep_blank_values=True, max_num_fields=MAX_FIELDS, encoding="latin-1"
        )
    except ValueError:
        raise FormError(400, "Envoi incorrect", "Le formulaire contient trop de champs.") from None
    decoded = [(_decode(name), _decode(value)) for name, value in pairs]
    recoded = any(name[1] or value[1] for name, value in decoded)
    pairs = [(name[0], value[0]) for name, value in decoded]
    return PostedForm(dict(pairs), recoded)


async def read_any_form(request: Request, limit: int = MAX_FORM_BYTES) -> PostedForm:
    """A POST whose sender is not our page: a mail program's one-click unsubscription (RFC
    8058), which may come URL-encoded, as multipart/form-data (the RFC's preferred form) or with
    no Content-Type at all. The fields of the first two are read; any other body is read up to
    `limit` and ignored (the link's token is in the address, not in the body)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == FORM_TYPE:
        return await read_form(request, limit)
    if content_type == "multipart/form-data":
        _check_length(request, limit)
        try:
            form = await request.form(max_files=0, max_fields=MAX_FIELDS, max_part_size=limit)
        except Exception:  # python-multipart's or starlette's refusal of a malformed body
            raise FormError(400, "Envoi incorrect", "Le formulaire est illisible.") from None
        return PostedForm({name: value for name, value in form.items() if isinstance(value, str)})
    await _body(request, limit)
    return PostedForm({})


def _check_length(request: Request, limit: int) -> None:
    """A declared length that is not a number or is over `limit` is refused before reading."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not _NUMBER.fullmatch(declared):
            raise FormError(400, "Envoi incorrect", "En-tête Content-Length invalide.")
        if int(declared) > limit:
            raise _too_big(limit)


async def _body(request: Request, limit: int) -> bytes:
    """The whole body, never more than `limit` bytes read (whatever the length declared)."""
    _check_length(request, limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_big(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(raw: str) -> tuple[str, bool]:
    """One field's text from its bytes: UTF-8, else Windows-1252 (and say so)."""
    data = raw.encode("latin-1")
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), True
