"""The Markdown files of the content folder, read and written so a person could not tell.

A file is its metadata block (`Key: value` lines, as Pelican's Markdown reader reads them, up to
the first blank line) and its body. `Document` keeps every metadata line as written: `changed()`
rewrites only the fields whose value differs, in the spelling and place they had, adds a new
field where a person would (ARTICLE_ORDER), and leaves the body byte for byte unless it changed.
So opening a launch article in the room and saving it without a change gives the same bytes,
and a change to the chapô is a one-line diff.

Paths: the room names a file by its folder (`articles` or `pages`) and its name without `.md`;
`content_file()` accepts nothing else (no sub-folder, no `..`, no other extension), so no form
or address can reach a file outside the content folder.
"""

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

# Where a person would put each field (tasks.py ARTICLE_TEMPLATE, the launch articles).
ARTICLE_ORDER = [
    "title",
    "date",
    "date_estimate",
    "category",
    "tags",
    "slug",
    "authors",
    "roles",
    "portraits",
    "summary",
    "status",
    "comments",
]
# Spelling of a field the room adds (an existing field keeps its own).
FIELD_NAMES = {key: key.capitalize() for key in ARTICLE_ORDER}
KINDS = {"articles": "article", "pages": "page"}
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,119}")
# Python-Markdown's meta extension: a key line, or a continuation indented by 4 spaces.
_META = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
_MORE = re.compile(r"^[ ]{4,}(?P<value>.*)$")


class PathRefused(ValueError):
    """A name that is not a content file the room may open."""


def content_file(content_dir: Path, kind: str, name: str) -> Path:
    """The file `content_dir/kind/name.md`, refusing any other place."""
    if kind not in KINDS or not NAME.fullmatch(name or ""):
        raise PathRefused(f"{kind}/{name}")
    root = Path(content_dir).resolve()
    path = (root / kind / f"{name}.md").resolve()
    if path.parent != root / kind:
        raise PathRefused(f"{kind}/{name}")
    return path


@dataclass
class Field:
    key: str  # lower case, as Pelican names it
    name: str  # as written in the file
    value: str
    lines: list[str]  # the raw lines, without their line ends


@dataclass
class Document:
    fields: list[Field] = field(default_factory=list)
    body: str = ""  # after the blank line that ends the metadata
    separator: str = "\n"  # that blank line (empty when the file has no body)
    open_end: bool = False  # metadata only, without a line end after the last line

    def get(self, key: str, default: str = "") -> str:
        return next((f.value for f in self.fields if f.key == key), default)

    def has(self, key: str) -> bool:
        return any(f.key == key for f in self.fields)

    def text(self) -> str:
        header = "".join(line + "\n" for f in self.fields for line in f.lines)
        if self.open_end and not self.body:
            header = header[:-1]
        return header + self.separator + self.body

    def changed(self, values: dict[str, str | None], body: str | None = None) -> "Document":
        """A copy with `values` (key -> new value; None or "" removes an optional field) and
        `body`; a field whose value is unchanged keeps its lines as written."""
        fields = [replace(f, lines=list(f.lines)) for f in self.fields]
        for key, value in values.items():
            index = next((i for i, f in enumerate(fields) if f.key == key), None)
            if index is not None and (value or "") == fields[index].value:
                continue
            if not value:
                if index is not None:
                    del fields[index]
                continue
            if index is not None:
                name = fields[index].name
                fields[index] = Field(key, name, value, [f"{name}: {value}"])
                continue
            name = FIELD_NAMES.get(key, key.capitalize())
            fields.insert(_place(fields, key), Field(key, name, value, [f"{name}: {value}"]))
        new_body = self.body if body is None else body
        if new_body == self.body:  # an unchanged body keeps what stood before it, even nothing
            return Document(fields, new_body, self.separator)
        return Document(fields, new_body, self.separator or ("\n" if new_body else ""))


def _place(fields: list[Field], key: str) -> int:
    """Where a new field goes: after the last field that comes before it in ARTICLE_ORDER."""
    rank = ARTICLE_ORDER.index(key) if key in ARTICLE_ORDER else len(ARTICLE_ORDER)
    place = 0
    for index, existing in enumerate(fields):
        if existing.key in ARTICLE_ORDER and ARTICLE_ORDER.index(existing.key) < rank:
            place = index + 1
    return place if any(f.key in ARTICLE_ORDER for f in fields) else len(fields)


def parse(text: str) -> Document:
    lines = text.split("\n")
    fields: list[Field] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        meta, more = _META.match(line), _MORE.match(line)
        if meta and line.strip():
            key = meta.group("key")
            fields.append(Field(key.lower(), key, meta.group("value").strip(), [line]))
        elif more and fields and line.strip():
            fields[-1].lines.append(line)
            fields[-1].value = f"{fields[-1].value}\n{more.group('value').strip()}".strip()
        else:
            break
        index += 1
    if index == len(lines):
        return Document(fields, "", "", open_end=True)
    rest = "\n".join(lines[index:])
    if rest.startswith("\n"):
        return Document(fields, rest[1:], "\n")
    return Document(fields, rest, "")  # no body, or a body right under the metadata


def read(path: Path) -> tuple[str, Document]:
    text = Path(path).read_text(encoding="utf-8")
    return text, parse(text)


def new_document(values: dict[str, str], body: str) -> Document:
    """A new file with its fields in ARTICLE_ORDER, like `invoke new-article` writes them."""
    fields = [
        Field(key, FIELD_NAMES[key], values[key], [f"{FIELD_NAMES[key]}: {values[key]}"])
        for key in ARTICLE_ORDER
        if values.get(key)
    ]
    return Document(fields, body, "\n")
