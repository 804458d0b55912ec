"""What makes the build refuse a content file, in one place: the build (plugins/content_validation,
plugins/images) and the writing room's save and publication call these same functions, so the
room never stores a file the build would refuse, and a hand-written one fails the build with a
French message naming the file and the field (issue 19, item 3).

Besides the fields the site requires (thème, people interviewed, chapô…):
- no invisible control character (C0 but tab and line ends, DEL, C1, U+FFFE, U+FFFF): lxml
  refuses them in the feeds and the sitemap, and the whole build stopped naming nothing;
- no page at an address the build writes itself (`reserved_slugs`, derived from the settings,
  never a list by hand): Pelican stopped on « Failed to overwrite » (recherche, themes), or the
  page hid inside the feeds', the images' or the pagination's folder;
- no image that is not a file of the content folder (`image_file`).
"""

import html
import os
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pelican.readers import ensure_metadata_list

from site_core.letter_archive import ARCHIVE_URL
from site_core.paths import COMMENTS_ENDPOINT, MANIFEST_NAME, SHELL_NAME, TEAM_PATH

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# Required fields, as the files spell them.
REQUIRED = {
    "articles": {
        "title": "Title",
        "date": "Date",
        "category": "Category",
        "authors": "Authors",
        "summary": "Summary",
    },
    "pages": {"title": "Title"},
}
TEXT = "texte"  # the key of the body in the problems (it has no field name in the file)
# Markdown images (inline, and by reference: `![texte][nom]` with `[nom]: /images/x.jpg`) and
# raw <img> tags (src quoted or not, or none: the build then finds no file) of a body, before
# it is rendered (the room's check).
_IMAGES = re.compile(
    r"""!\[(?P<alt>(?:[^\]\\]|\\.)*)\]\(\s*<?(?P<md>[^\s)>]+)[^)]*\)(?P<attrs>\{:?[^}]*\})?"""
    r"""|!\[(?P<text>(?:[^\]\\]|\\.)*)\](?:\[(?P<label>[^\]]*)\])?(?!\()(?P<ref_attrs>\{:?[^}]*\})?"""
    r"""|<img\b(?P<tag>(?:[^>"']|"[^"]*"|'[^']*')*)>"""
)
_ATTRIBUTE = r"""(?<![\w-]){}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"""
# The class that marks an image decorative (plugins/images: `{: .decorative}`, then alt="").
DECORATIVE = "decorative"
_CLASSES = re.compile(r"\.([\w-]+)")  # in an attribute list: `{: .decorative #id}`
_DEFINITION = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*<?([^\s>]+)", re.MULTILINE)
_PREFIXES = ("{static}", "{attach}", "{filename}")  # Pelican's links into the content folder


@dataclass(frozen=True)
class Rules:
    categories: Sequence[str] = ()
    statuses: Sequence[str] = ()
    reserved: Mapping[str, Sequence[str]] = field(default_factory=dict)  # kind -> slugs


class ImageRefused(ValueError):
    """An image the build cannot publish; the message (French) says why."""


def control_character(text: str) -> str | None:
    """The first invisible control character of `text`, described in French; None if none."""
    match = CONTROL.search(text or "")
    if match is None:
        return None
    return f"caractère invisible U+{ord(match.group()):04X} à la position {match.start() + 1}"


def rules_of(settings: Mapping) -> Rules:
    """The rules of the build's `settings` (Pelican's dictionary)."""
    return Rules(
        tuple(settings.get("ALLOWED_CATEGORIES") or ()),
        tuple(settings.get("ALLOWED_STATUSES") or ()),
        reserved_slugs(settings),
    )


def reserved_slugs(settings: Mapping) -> dict[str, list[str]]:
    """Per kind (« articles », « pages »), the slugs whose page would land where the build
    writes something else: the first folder or file of every other output under the kind's
    own prefix (`articles/` for articles: none today; the site's root for pages)."""
    reserved = {}
    for kind, key in (("articles", "ARTICLE_SAVE_AS"), ("pages", "PAGE_SAVE_AS")):
        own = settings.get(key) or ""
        prefix, found, _ = own.partition("{slug}")
        names = set()
        for output in _outputs(settings) if found and "{" not in prefix else ():
            rest = output.lstrip("/")
            if output != own and rest.startswith(prefix):
                names.add(rest[len(prefix) :].split("/", 1)[0])
        reserved[kind] = sorted(name for name in names if name and "{" not in name)
    return reserved


def _outputs(settings: Mapping) -> list[str]:
    """Where the build writes (templates with {slug}…): every *_SAVE_AS, the static folders,
    the theme's, the search bundle's, the index's pagination, the lettres' archive, the files
    the service reads and the service's own addresses."""
    outputs = [
        value
        for key, value in settings.items()
        if key.endswith("_SAVE_AS") and isinstance(value, str) and value
    ]
    outputs += [f"{path}/" for path in settings.get("STATIC_PATHS") or ()]
    outputs += [f"{settings.get('THEME_STATIC_DIR') or 'theme'}/", ARCHIVE_URL]
    outputs += [f"{settings.get('SEARCH_BUNDLE') or 'pagefind'}/", MANIFEST_NAME, SHELL_NAME]
    outputs += [COMMENTS_ENDPOINT, TEAM_PATH]
    index = posixpath.dirname(settings.get("INDEX_SAVE_AS") or "index.html")
    patterns = settings.get("PAGINATION_PATTERNS") or ()
    return outputs + [pattern[2].replace("{base_name}", index) for pattern in patterns]


def problems(
    kind: str, metadata: Mapping[str, object], body: str, rules: Rules
) -> list[tuple[str, str]]:
    """What the build refuses in a file of `kind`: (metadata key or TEXT, French message
    naming the field). `metadata`: lower-case keys, values as written or as Pelican read them
    (lists for authors and tags)."""
    found = []
    for key, value in metadata.items():
        values = value if isinstance(value, list | tuple) else [value]
        hidden = next(filter(None, (control_character(str(v)) for v in values)), None)
        if hidden:
            found.append((key, f"champ « {_name(key)} » : {hidden}"))
    if control_character(body):
        found.append((TEXT, f"texte : {control_character(body)}"))
    for key, name in REQUIRED[kind].items():
        if not _text(metadata, key):
            found.append((key, f"champ « {name} » manquant"))
    slug = _text(metadata, "slug")
    if slug in rules.reserved.get(kind, ()):
        found.append(("slug", f"champ « Slug » : adresse « {slug} » réservée par le site"))
    if kind == "articles":
        found += _unknown(metadata, "category", "thème", rules.categories)
    found += _unknown(metadata, "status", "statut", rules.statuses)
    if kind == "articles":
        found += _roles(metadata)
    return found


def _text(metadata: Mapping[str, object], key: str) -> str:
    return str(metadata.get(key) or "").strip()


def _unknown(metadata, key: str, what: str, allowed: Sequence[str]) -> list[tuple[str, str]]:
    value = _text(metadata, key)
    if not value or not allowed or value in allowed:
        return []
    listing = ", ".join(allowed)
    message = f"{what} « {value} » inconnu ({what}s autorisés : {listing})"
    return [(key, f"champ « {_name(key)} » : {message}")]


def _roles(metadata: Mapping[str, object]) -> list[tuple[str, str]]:
    """One role per person interviewed, an empty place allowed (« chargée ; » for two)."""
    roles = str(metadata.get("roles") or "")
    authors = metadata.get("authors") or []
    count = len(ensure_metadata_list(authors) if isinstance(authors, str) else authors)
    parts = roles.split(";")
    if not roles.strip() or len(parts) == count:
        return []
    return [
        (
            "roles",
            f"champ « Roles » : {len(parts)} rôle(s) pour {count} intervenant(s) dans "
            "« Authors » (un rôle par intervenant, séparés par des points-virgules)",
        )
    ]


def _name(key: str) -> str:
    return next((names[key] for names in REQUIRED.values() if key in names), key.capitalize())


def image_file(src: str, content_root, source_path) -> Path:
    """The file behind `src` (`/images/x.jpg`, `{static}/images/x.jpg`, relative to the file at
    `source_path`), inside the content folder; ImageRefused for another site or no file."""
    for prefix in _PREFIXES:
        if src.startswith(prefix):
            src = src[len(prefix) :]
            break
    parts = urlsplit(src)
    if parts.scheme or parts.netloc:
        raise ImageRefused(
            "image hébergée sur un autre site : enregistrez le fichier dans content/images/ "
            "et écrivez son chemin, par exemple /images/photo.jpg"
        )
    relative = unquote(parts.path)
    root = os.path.abspath(content_root)
    base = root if relative.startswith("/") else os.path.dirname(source_path)
    # normpath, not resolve(): no system call per folder of the path, and ".." cannot escape.
    path = os.path.normpath(os.path.join(base, relative.lstrip("/")))
    if not path.startswith(root + os.sep) or not os.path.isfile(path):
        raise ImageRefused(f"fichier introuvable : {os.path.basename(root)}/{relative.lstrip('/')}")
    return Path(path)


@dataclass(frozen=True)
class _Image:
    src: str
    alt: str
    decorative: bool


def _images(body: str) -> list[_Image]:
    """Every image of `body` the build will look for, as written: its address, text
    alternative and decorative mark."""
    defined = {_label(name): url for name, url in _DEFINITION.findall(body)}
    found = []
    for match in _IMAGES.finditer(body):
        if match["md"]:
            marked = DECORATIVE in _CLASSES.findall(match["attrs"] or "")
            found.append(_Image(match["md"], match["alt"], marked))
        elif match["tag"] is not None:
            tag = match["tag"]
            classes = _attribute(tag, "class").split()
            found.append(
                _Image(_attribute(tag, "src"), _attribute(tag, "alt"), DECORATIVE in classes)
            )
        elif _label(match["label"] or match["text"]) in defined:  # else Markdown's plain text
            marked = DECORATIVE in _CLASSES.findall(match["ref_attrs"] or "")
            src = defined[_label(match["label"] or match["text"])]
            found.append(_Image(src, match["text"], marked))
    return found


def _attribute(tag: str, name: str) -> str:
    value = re.search(_ATTRIBUTE.format(name), tag)
    return html.unescape(next(filter(None, value.groups()), "")) if value else ""


def alt_problem(src: str, alt: str, decorative: bool) -> str:
    """What is wrong with an image's text alternative (RGAA 1.1: one, unless the image is
    marked decorative, then none), or "": the build's rule (plugins/images) and the save's."""
    alt = alt.strip()
    if decorative and alt:
        return (
            f"marquée décorative ({{: .{DECORATIVE}}}) mais avec un texte alternatif ; videz "
            "les crochets ![](…) ou retirez la marque"
        )
    if not decorative and not alt:
        return (
            "texte alternatif manquant ; décrivez l’image entre les crochets, "
            f"![Ce que montre l’image]({src}), ou, si elle est purement décorative, "
            f"écrivez ![]({src}){{: .{DECORATIVE}}}"
        )
    return ""


def _label(name: str) -> str:
    return " ".join(name.split()).casefold()


def image_problems(body: str, portraits: str, content_root, source_path) -> list[tuple[str, str]]:
    """The images of a Markdown `body` and of a `Portraits` value that the build would not
    find: (TEXT or the speaker's number as a string, French message)."""
    found = []
    for image in _images(body or ""):
        try:
            if problem := alt_problem(image.src, image.alt, image.decorative):
                raise ImageRefused(problem)
            image_file(image.src, content_root, source_path)
        except ImageRefused as refused:
            found.append((TEXT, f"image « {image.src} » : {refused}"))
    for number, entry in enumerate((portraits or "").split(";"), start=1):
        src = entry.split()[0] if entry.split() else ""
        try:
            if src:
                image_file(src, content_root, source_path)
        except ImageRefused as refused:
            found.append((str(number), f"portrait « {src} » : {refused}"))
    return found
