"""What the image library knows of each picture besides its file: how many articles and pages
show it, the text alternative and caption it was given there, and the search by words.

A picture's hints are those of the first `![alt](/images/name "Légende © Crédit")` of the room's
documents (files and work in progress): the editor's picker offers them again, and the search
finds a picture by them as by the words of its file name, accents and case aside.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from service.room.media import IMAGE_FOLDER

_WRITTEN = re.compile(
    r"!\[(?P<alt>(?:[^\]\\]|\\.)*)\]\(\s*<?/" + IMAGE_FOLDER + r"/(?P<name>[^\s)>\"]+)>?"
    r"(?:\s+\"(?P<title>[^\"]*)\")?\s*\)"
)


@dataclass
class Known:
    users: list[tuple[str, str, str]] = field(default_factory=list)  # (folder, name, title)
    alt: str = ""
    caption: str = ""
    credit: str = ""

    @property
    def used_by(self) -> int:
        """How many documents mention /images/<name>."""
        return len(self.users)


def folded(text: str) -> str:
    """`text` as the search compares it: lower case, no accents, words joined by one space."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", plain))


def known(names: list[str], documents) -> dict[str, Known]:
    """`names`' uses and hints in `documents` (Catalog.documents: folder, name, document…)."""
    found = {name: Known() for name in names}
    for folder, other, document, *_ in documents:
        text = document.text()
        for name, entry in found.items():
            if f"/{IMAGE_FOLDER}/{name}" in text:
                entry.users.append((folder, other, document.get("title")))
        for match in _WRITTEN.finditer(text):
            entry = found.get(match["name"])
            if entry is not None and not (entry.alt or entry.caption):
                caption, _, credit = (match["title"] or "").partition("©")
                entry.alt, entry.caption = match["alt"].strip(), caption.strip()
                entry.credit = credit.strip()
    return found


def matching(names: list[str], hints: dict[str, Known], query: str) -> list[str]:
    """The `names` whose file name or hints hold every word of `query` (all when it is empty)."""
    words = folded(query).split()
    if not words:
        return list(names)
    kept = []
    for name in names:
        entry = hints.get(name) or Known()
        haystack = folded(" ".join((name.rsplit(".", 1)[0], entry.alt, entry.caption)))
        haystack = f"{haystack} {folded(entry.credit)}"
        if all(word in haystack for word in words):
            kept.append(name)
    return kept
