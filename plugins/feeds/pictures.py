"""Pictures in the article feeds: plain images and the share card as an enclosure.

Feed readers neither choose among `<picture>` sources nor read `srcset`: each picture of an
article (plugins/images) becomes its JPEG/PNG `<img>` with that file's own width and height
(made absolute later by site_core.feeds.safe_content). The article's share card
(plugins/share_cards) is attached as RSS `<enclosure>`, Atom `<link rel="enclosure">` and
Media RSS `<media:content>` with its size; feedgen 1.0.0 drops the `rel` of Atom links, so its
own `enclosure()` would add a second "alternate" link: `CardEnclosure` writes them itself.
"""

import os
import re

from feedgen.ext.base import BaseEntryExtension
from lxml import etree
from lxml import html as lhtml

from site_core.urls import is_web_url

MEDIA_NS = "http://search.yahoo.com/mrss/"
_SRCSET_ITEM = re.compile(r"\s*(\S+)\s+(\d+)w\s*")


def _fallback_size(img) -> tuple[int, int] | None:
    """Width and height of the file in `src`, from its `srcset` entry and the proportions."""
    widths = dict(
        (m[1], int(m[2]))
        for m in map(_SRCSET_ITEM.fullmatch, img.get("srcset", "").split(","))
        if m
    )
    try:
        width, full_w, full_h = (
            widths[img.get("src")],
            int(img.get("width")),
            int(img.get("height")),
        )
    except (KeyError, TypeError, ValueError):
        return None
    return width, round(full_h * width / full_w)


def feed_markup(markup: str) -> str:
    """`markup` with each `<picture>` replaced by its fallback `<img>`, sized as that file."""
    if not markup or "<picture" not in markup:
        return markup
    root = lhtml.fragment_fromstring(markup, create_parent="div")
    for picture in list(root.iter("picture")):
        img = picture.find(".//img")  # libxml2 nests it in <source>, a void element it ignores
        if img is None:
            continue
        size = _fallback_size(img)
        plain = lhtml.Element("img", src=img.get("src", ""), alt=img.get("alt", ""))
        if size:
            plain.set("width", str(size[0]))
            plain.set("height", str(size[1]))
        plain.tail = picture.tail
        picture.getparent().replace(picture, plain)
    parts = [root.text or ""] + [lhtml.tostring(child, encoding="unicode") for child in root]
    return "".join(parts)


class CardEnclosure(BaseEntryExtension):
    """An entry's share card: RSS enclosure, Atom enclosure link, Media RSS content."""

    def __init__(self):
        self.card = None

    def image(self, url: str, length: int, media_type: str, width: int, height: int) -> None:
        self.card = {"url": url, "length": str(length), "type": media_type}
        self.size = {"width": str(width), "height": str(height)}

    def _media(self, parent) -> None:
        etree.SubElement(
            parent,
            f"{{{MEDIA_NS}}}content",
            nsmap={"media": MEDIA_NS},
            url=self.card["url"],
            type=self.card["type"],
            medium="image",
            fileSize=self.card["length"],
            **self.size,
        )

    def extend_rss(self, item):
        if self.card:
            etree.SubElement(item, "enclosure", **self.card)
            self._media(item)
        return item

    def extend_atom(self, entry):
        if self.card:
            card = self.card
            etree.SubElement(
                entry, "link", rel="enclosure", href=card["url"], type=card["type"],
                length=card["length"],
            )  # fmt: skip
            self._media(entry)
        return entry


def add_card(entry, article, settings) -> None:
    """Attach the article's share card, when it has one at an absolute address."""
    share = getattr(article, "share", None)
    site = settings["SITEURL"]
    if not share or not is_web_url(share.url) or not share.url.startswith(f"{site}/"):
        return
    path = os.path.join(settings["OUTPUT_PATH"], share.url[len(site) + 1 :])
    if not os.path.isfile(path):
        return
    entry.register_extension("card", CardEnclosure, atom=True, rss=True)
    entry.card.image(share.url, os.path.getsize(path), share.type, share.width, share.height)
