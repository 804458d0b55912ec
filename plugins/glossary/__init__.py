"""Acronyms explained: `article.acronyms` lists, in order of first use, the acronyms of the
GLOSSARY setting that an article uses, with their meaning, and the article template shows them
under the text (« Sigles : Eaje : établissement d’accueil du jeune enfant… »).

Partners do not all know « Eaje » or « Laep », and they search with everyday words: that line is
part of the indexed text, so « crèches » finds the interview that only says « Eaje » (and the
search excerpt shows the line that explains why). The body itself is not changed.
One regular-expression pass over each body: about 20 µs for an interview.
"""

import re
from typing import NamedTuple

from pelican import signals
from pelican.contents import Article

# Text inside these elements does not count as a use: code, and tags' attributes.
_SKIPPED = ("code", "pre", "script", "style")


class Acronym(NamedTuple):
    word: str
    meaning: str


class Glossary:
    """The acronyms of one build and the pattern that finds them."""

    def __init__(self, meanings: dict[str, str]):
        self.meanings = meanings
        words = sorted(meanings, key=len, reverse=True)
        self.pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b")

    def used_in(self, html: str) -> list[Acronym]:
        """The acronyms used in the text of `html`, in order of first use."""
        found: dict[str, Acronym] = {}
        for match in self.pattern.finditer(html):
            word = match.group()
            if word not in found and not _in_markup(html, match.start()):
                found[word] = Acronym(word, self.meanings[word])
        return list(found.values())


def _in_markup(html: str, at: int) -> bool:
    """Whether position `at` is inside a tag, or inside an element of _SKIPPED."""
    if html.rfind("<", 0, at) > html.rfind(">", 0, at):
        return True
    return any(html.rfind(f"<{tag}", 0, at) > html.rfind(f"</{tag}>", 0, at) for tag in _SKIPPED)


_glossary: dict[str, Glossary | None] = {"current": None}


def load(pelican) -> None:
    meanings = pelican.settings.get("GLOSSARY") or {}
    _glossary["current"] = Glossary(meanings) if meanings else None


def list_acronyms(content) -> None:
    if not isinstance(content, Article):
        return
    glossary = _glossary["current"]
    content.acronyms = glossary.used_in(content._content or "") if glossary else []


def register():
    signals.initialized.connect(load)
    signals.content_object_init.connect(list_acronyms)
