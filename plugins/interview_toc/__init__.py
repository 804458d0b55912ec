"""Table of contents of an interview: one entry per question (each `<h2 id>` of the content).

The Markdown toc extension gives every heading an id; this reads them back from the rendered
HTML (after french_typography, so titles keep their no-break spaces) into `content.toc`,
a list of `TocEntry(id, title)` the article template turns into a « Sommaire ».
"""

import re
from typing import NamedTuple

from markupsafe import Markup
from pelican import signals
from pelican.contents import Article

H2 = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', re.S)
TAG = re.compile(r"<[^>]+>")

# A single heading is not worth a table of contents.
MIN_ENTRIES = 2


class TocEntry(NamedTuple):
    id: str
    title: Markup


def add_toc(content):
    if not isinstance(content, Article):
        return
    entries = [
        TocEntry(id_, Markup(TAG.sub("", title).strip()))
        for id_, title in H2.findall(content._content or "")
    ]
    content.toc = entries if len(entries) >= MIN_ENTRIES else []


def register():
    signals.content_object_init.connect(add_toc)
