"""Table of contents of an interview: one entry per question (each `<h2>` of the content).

Each h2 gets a stable id from its text (as the Markdown toc extension would name it, for a
fraction of the cost of that extension's pass over every document), and `content.toc` lists
`TocEntry(id, title)` for the article template's « Sommaire ». Runs after french_typography,
so titles keep their no-break spaces. It runs before the sanitiser: an entry is the heading's
text, any `<` left in it escaped.
"""

import re
from typing import NamedTuple

from markdown.extensions.toc import slugify
from markupsafe import Markup
from pelican import signals
from pelican.contents import Article

H2 = re.compile(r"<h2(?P<attrs>[^>]*)>(?P<title>.*?)</h2>", re.S)
ID = re.compile(r'\bid="([^"]+)"')
TAG = re.compile(r"<[^>]+>")

# A single heading is not worth a table of contents.
MIN_ENTRIES = 2


class TocEntry(NamedTuple):
    id: str
    title: Markup


def _unique(slug: str, taken: set[str]) -> str:
    candidate, number = slug or "question", 1
    while candidate in taken:
        candidate = f"{slug or 'question'}_{number}"
        number += 1
    taken.add(candidate)
    return candidate


def add_toc(content):
    if not isinstance(content, Article):
        return
    content.toc = []
    if "<h2" not in (content._content or ""):
        return
    taken = set(ID.findall(content._content))
    entries = []

    def name_heading(match):
        attrs, title = match.group("attrs"), match.group("title")
        # What is left of a tag never closed (`<svg onload=…` up to `</h2>`) is text, not markup.
        text = TAG.sub("", title).strip()
        existing = ID.search(attrs)
        id_ = existing.group(1) if existing else _unique(slugify(text, "-"), taken)
        entries.append(TocEntry(id_, Markup(text.replace("<", "&lt;").replace(">", "&gt;"))))
        return match.group(0) if existing else f'<h2 id="{id_}"{attrs}>{title}</h2>'

    content._content = H2.sub(name_heading, content._content)
    content.toc = entries if len(entries) >= MIN_ENTRIES else []


def register():
    signals.content_object_init.connect(add_toc)
