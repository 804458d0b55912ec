"""The editor's form as data: what a file shows in it, what a post says, what is wrong with it,
and the file text it makes.

`values()` compares each field by meaning with what the file says (tags as a list, roles split
on « ; », the date as a day and a time) and, when they agree, hands back the file's own text,
so articles.Document keeps that line as it was written. A new value is written the way the
launch articles are (`Roles: a ; b`, `Date: 2022-01-10 09:00`).

`check()` says in French, per form field, what would stop the build (the fields
content_validation requires, an unknown thème, a comma in a name, an invisible control
character …), so a saved file never breaks the site's build for everyone; `build_problems()`
then runs the build's own checks (site_core.content.rules: control characters, missing
images, reserved addresses, what content_validation refuses) on the file text itself, so the
two cannot disagree. The preview shows whatever else the build says.

Line breaks that word processors paste (Word's vertical tab, form feed, NEL, U+2028/2029) are
harmless, so they are not refused but normalised: a space in a one-line field, a line end in
the text (VT, FF, NEL). Every other control character is refused at its field.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from pelican.utils import slugify

from service.room.articles import Document, new_document, parse
from service.room.catalog import _DATE, split_list
from site_core.content import rules as content_rules

MAX_SPEAKERS = 12
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_PROBLEM = (
    "L’adresse (slug) s’écrit en minuscules sans accent, chiffres et tirets, par "
    "exemple « rencontre-relais-petite-enfance »."
)
TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
BREAKS = "\r\n\v\f\x85\u2028\u2029"  # what ends a line, typed or pasted
TEXT_BREAKS = str.maketrans({"\v": "\n", "\f": "\n", "\x85": "\n"})
# The build's field names (content_validation's messages) -> the form field that holds them.
BUILD_FIELDS = {
    "Title": "titre",
    "Date": "date",
    "Date_estimate": "date_estimee",
    "Category": "theme",
    "Tags": "mots_cles",
    "Slug": "slug",
    "Authors": "intervenant-1-nom",
    "Roles": "intervenant-1-role",
    "Portraits": "intervenant-1-portrait",
    "Summary": "chapo",
}


@dataclass
class Speaker:
    name: str = ""
    role: str = ""
    portrait: str = ""


@dataclass
class Draft:
    kind: str  # "article" or "page"
    title: str = ""
    date: str = ""  # AAAA-MM-JJ
    time: str = ""  # HH:MM
    date_estimate: str = ""
    category: str = ""
    tags: str = ""
    slug: str = ""
    speakers: list[Speaker] = field(default_factory=list)
    summary: str = ""
    comments_closed: bool = False
    body: str = ""


def _line(value: str) -> str:
    """One line of metadata: line breaks typed or pasted in a field become spaces."""
    return re.sub(rf"\s*[{BREAKS}]+\s*", " ", value or "").strip()


def _split_keep(value: str, separator: str) -> list[str]:
    return [part.strip() for part in value.split(separator)] if value.strip() else []


def from_document(document: Document, kind: str) -> Draft:
    day, hour = _day_and_time(document.get("date"))
    names = split_list(document.get("authors"), ",")
    roles = _split_keep(document.get("roles"), ";")
    portraits = _split_keep(document.get("portraits"), ";")
    count = max(len(names), len(roles), len(portraits))
    pad = [""] * count
    return Draft(
        kind=kind,
        title=document.get("title"),
        date=day,
        time=hour,
        date_estimate=document.get("date_estimate"),
        category=document.get("category"),
        tags=document.get("tags"),
        slug=document.get("slug"),
        speakers=[
            Speaker(*values)
            for values in zip(
                (names + pad)[:count],
                (roles + pad)[:count],
                (portraits + pad)[:count],
                strict=True,
            )
        ],
        summary=document.get("summary"),
        comments_closed=document.get("comments").lower() == "closed",
        body=document.body,
    )


def _day_and_time(value: str) -> tuple[str, str]:
    match = _DATE.match(value or "")
    if not match:
        return "", ""
    year, month, day, hour, minute, _ = match.groups()
    return f"{year}-{month}-{day}", f"{int(hour):02d}:{minute}" if hour else ""


def from_form(form, kind: str) -> Draft:
    count = min(_number(form.get("intervenants")), MAX_SPEAKERS)
    speakers = [
        Speaker(
            *(_line(form.get(f"intervenant-{n}-{part}")) for part in ("nom", "role", "portrait"))
        )
        for n in range(1, count + 1)
    ]
    return Draft(
        kind=kind,
        title=_line(form.get("titre")),
        date=form.get("date").strip(),
        time=form.get("heure").strip(),
        date_estimate=_line(form.get("date_estimee")),
        category=form.get("theme").strip(),
        tags=_line(form.get("mots_cles")),
        slug=form.get("slug").strip(),
        speakers=[s for s in speakers if s.name or s.role or s.portrait],
        summary=_line(form.get("chapo")),
        comments_closed=bool(form.get("commentaires_fermes")),
        body=form.get("texte").replace("\r\n", "\n").replace("\r", "\n").translate(TEXT_BREAKS),
    )


def _number(text: str) -> int:
    return int(text) if (text or "").strip().isdigit() else 0


def make_slug(draft: Draft, slug_subs) -> str:
    return slugify(draft.title, regex_subs=slug_subs)[:120].strip("-")


def check(draft: Draft, rules, taken: dict[str, str]) -> dict[str, str]:
    """French messages per form field; `taken` maps other files' slugs to their titles."""
    return {**_check_fields(draft, rules, taken), **hidden(draft)}


def hidden(draft: Draft) -> dict[str, str]:
    """The fields holding an invisible control character, the build's own test."""
    fields = {
        "titre": draft.title,
        "date_estimee": draft.date_estimate,
        "mots_cles": draft.tags,
        "slug": draft.slug,
        "chapo": draft.summary,
        "texte": draft.body,
    }
    for number, speaker in enumerate(draft.speakers, start=1):
        for part, value in (("nom", speaker.name), ("role", speaker.role)):
            fields[f"intervenant-{number}-{part}"] = value
        fields[f"intervenant-{number}-portrait"] = speaker.portrait
    problems = {}
    for name, value in fields.items():
        character = content_rules.control_character(value)
        if character:
            problems[name] = (
                f"Ce champ contient un {character}, souvent collé depuis un traitement de "
                "texte : effacez-le (retapez ce passage)."
            )
    return problems


def build_problems(
    folder: str, text: str, rules, content_root, source
) -> list[tuple[str | None, str]]:
    """What the build would refuse in the file `text` (its path: `source`), by the build's own
    checks: (form field, or None for none, French message)."""
    document = parse(text)
    metadata = {f.key: f.value for f in document.fields}
    shared = content_rules.Rules(rules.categories, rules.statuses, rules.reserved_slugs)
    found = content_rules.problems(folder, metadata, document.body, shared)
    images = content_rules.image_problems(
        document.body, metadata.get("portraits", ""), content_root, source
    )
    found += [(key if key == content_rules.TEXT else f"portrait-{key}", m) for key, m in images]
    return [(_form_field(key), f"Le site refuserait ce fichier : {m}") for key, m in found]


def _form_field(key: str) -> str | None:
    if key == content_rules.TEXT:
        return "texte"
    if key.startswith("portrait-"):
        return f"intervenant-{key.removeprefix('portrait-')}-portrait"
    return BUILD_FIELDS.get(key.capitalize())


def _check_fields(draft: Draft, rules, taken: dict[str, str]) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not draft.title:
        problems["titre"] = "Le titre est obligatoire."
    if not SLUG.fullmatch(draft.slug) or len(draft.slug) > 120:
        problems["slug"] = SLUG_PROBLEM
    elif draft.slug in taken:
        problems["slug"] = f"Cette adresse est déjà celle de « {taken[draft.slug]} »."
    if draft.kind == "page":
        return problems
    if _day_and_time(draft.date)[0] != draft.date or not _valid_day(draft.date):
        problems["date"] = "Date invalide : choisissez le jour de publication (AAAA-MM-JJ)."
    if draft.time and not TIME.fullmatch(draft.time):
        problems["heure"] = "Heure invalide : écrivez-la HH:MM, par exemple 09:30."
    if draft.category not in rules.categories:
        problems["theme"] = "Choisissez un thème dans la liste."
    if not any(s.name for s in draft.speakers):
        problems["intervenant-1-nom"] = (
            "Indiquez au moins une personne interviewée (prénom et nom)."
        )
    for number, speaker in enumerate(draft.speakers, start=1):
        prefix = f"intervenant-{number}-"
        if not speaker.name:
            problems[prefix + "nom"] = "Indiquez le nom de cette personne, ou videz la ligne."
        elif "," in speaker.name:
            problems[prefix + "nom"] = "Un nom ne peut pas contenir de virgule."
        if ";" in speaker.role:
            problems[prefix + "role"] = "Un rôle ne peut pas contenir de point-virgule."
        if speaker.portrait and not re.fullmatch(
            r"/images/[^;\s]+( \d{1,3}% \d{1,3}%)?", speaker.portrait
        ):
            problems[prefix + "portrait"] = (
                "Le portrait est une image de la bibliothèque : /images/nom.jpg (suivi, si "
                "besoin, de la position du visage : 45% 30%)."
            )
    if not draft.summary:
        problems["chapo"] = (
            "Le chapô est obligatoire : une ou deux phrases qui donnent envie de lire."
        )
    return problems


def _valid_day(day: str) -> bool:
    try:
        date.fromisoformat(day)
    except ValueError:
        return False
    return True


def values(draft: Draft, old: Document | None) -> dict[str, str | None]:
    """The file's metadata for `draft`: the file's own text wherever the meaning is the same."""

    def keep(key: str, new: str | None, same) -> str | None:
        if old is not None and old.has(key) and same(old.get(key)):
            return old.get(key)
        return new

    result = {
        "title": keep("title", draft.title, lambda v: v.strip() == draft.title),
        "slug": keep("slug", draft.slug, lambda v: v.strip() == draft.slug),
        "summary": keep("summary", draft.summary, lambda v: _line(v) == draft.summary),
    }
    if draft.kind == "page":
        return result
    names = [s.name for s in draft.speakers]
    roles = [s.role for s in draft.speakers]
    portraits = [s.portrait for s in draft.speakers]
    stamp = f"{draft.date} {draft.time}" if draft.time else draft.date
    result.update(
        date=keep("date", stamp, lambda v: _day_and_time(v) == (draft.date, draft.time)),
        date_estimate=keep(
            "date_estimate", draft.date_estimate, lambda v: v.strip() == draft.date_estimate
        ),
        category=keep("category", draft.category, lambda v: v.strip() == draft.category),
        tags=keep(
            "tags",
            ", ".join(split_list(draft.tags, ",")),
            lambda v: split_list(v, ",") == split_list(draft.tags, ","),
        ),
        authors=keep("authors", ", ".join(names), lambda v: split_list(v, ",") == names),
        roles=keep(
            "roles",
            " ; ".join(roles) if any(roles) else None,
            lambda v: _padded(v, len(roles)) == roles,
        ),
        portraits=keep(
            "portraits",
            " ; ".join(portraits) if any(portraits) else None,
            lambda v: _padded(v, len(portraits)) == portraits,
        ),
        comments=keep(
            "comments",
            "closed" if draft.comments_closed else None,
            lambda v: (v.strip().lower() == "closed") == draft.comments_closed,
        ),
    )
    return result


def _padded(value: str, count: int) -> list[str]:
    parts = _split_keep(value, ";")
    return (parts + [""] * count)[:count] if len(parts) <= count else parts


def file_text(draft: Draft, old: Document | None) -> str:
    """The whole file for `draft`: `old` changed where needed, or a new draft file."""
    fields = values(draft, old)
    if old is not None:
        return old.changed(fields, draft.body).text()
    return new_document({**fields, "status": "draft"}, draft.body).text()
