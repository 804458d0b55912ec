"""Share cards: the image of each page's Open Graph and Twitter card, 1200 × 630.

An article's card is its illustration (its first described image, from plugins/images)
cropped to 1200 × 630 around the centre; without one, or with one too small for a card
(under 600 × 315), a card drawn by Pillow (drawing.py) with its title, thème and date. A page
gets a drawn card with its title; list pages share the site's card (`site_share` in the
templates' context). `content.share` and `site_share` are `ShareImage`s; the tags themselves
are written by theme/templates/partials/share_meta.html.

Drawn cards are cached with the image variants (site_core.images.cache), keyed by everything
drawn plus the drawing code and fonts, and linked into `images/partage/`.
"""

import hashlib
import html
import json
from dataclasses import dataclass, field
from pathlib import Path

from pelican import signals
from pelican.contents import Article, Page

from site_core.build import all_contents
from site_core.dates import format_date
from site_core.images.cache import keep_readable, publish, republish
from site_core.images.pixels import ImageProblem, Limits, encode
from site_core.images.variants import Producer, Recipe

from . import drawing

CARD_RATIO = drawing.SIZE[0] / drawing.SIZE[1]
# Below this an illustration would be blurry once enlarged to a card (Facebook's own minimum).
MIN_ILLUSTRATION = Limits(600, 315)
FOLDER = "images/partage"


@dataclass(frozen=True)
class ShareImage:
    url: str
    width: int
    height: int
    alt: str
    type: str
    # (cached, target) of its file: see site_core.images.cache.republish.
    outputs: tuple[tuple[str, str], ...] = field(default=(), repr=False)


def _plain(text) -> str:
    """Title or name as plain text (no tags, no entities)."""
    return html.unescape(" ".join(str(text or "").replace("<", " <").split()))


class ShareCards:
    def __init__(self, settings):
        self.settings = settings
        self.producer = Producer.from_settings(settings)
        self.fonts = str(Path(settings["THEME"]) / "fonts")
        drawn_with = [Path(drawing.__file__), *sorted(Path(self.fonts).glob("*.otf"))]
        self.version = hashlib.sha256(b"".join(p.read_bytes() for p in drawn_with)).hexdigest()
        self.recipe = Recipe(
            "-partage",
            (drawing.SIZE[0],),
            formats=("jpeg",),
            ratio=CARD_RATIO,
            limits=MIN_ILLUSTRATION,
            upscale=True,
        )

    def drawn(self, name: str, title: str, kicker: str = "", footer: str = "") -> ShareImage:
        site = self.settings["SHARE_CARDS_SITE_LINE"]
        texts = [self.version, title, kicker, footer, site]
        key = hashlib.sha256(json.dumps(texts).encode()).hexdigest()
        path = f"{FOLDER}/{name}.{key[:10]}.png"
        target = Path(self.settings["OUTPUT_PATH"]) / path
        cached = self.producer.cache.folder(key) / "carte.png"
        if not publish(cached, target):
            card = drawing.draw_card(title, kicker, footer, site, self.fonts)
            publish(self.producer.cache.put(key, "carte.png", encode(card, "png")), target)
        alt = " — ".join(part for part in (title, kicker, footer) if part)
        width, height = drawing.SIZE
        url = f"{self.settings['SITEURL']}/{path}"
        return ShareImage(url, width, height, alt, "image/png", ((str(cached), str(target)),))

    def illustrated(self, source: Path, alt: str) -> ShareImage | None:
        try:
            variants = self.producer.make(source, self.recipe)
        except ImageProblem:
            return None
        url, width, height = variants.files["jpeg"][-1]
        return ShareImage(url, width, height, alt, "image/jpeg", variants.outputs)

    def for_content(self, content) -> ShareImage:
        title = _plain(content.title)
        if isinstance(content, Page):
            return self.drawn(f"page-{content.slug}", title)
        illustration = getattr(content, "illustration", None)
        card = self.illustrated(*illustration) if illustration else None
        category = _plain(getattr(content, "category", ""))
        return card or self.drawn(content.slug, title, category, format_date(content.date))


_cards: ShareCards | None = None


def start(pelican) -> None:
    global _cards
    _cards = ShareCards(pelican.settings)


def add_card(content) -> None:
    if _cards is not None and isinstance(content, Article | Page) and getattr(content, "title", ""):
        content.share = _cards.for_content(content)


def add_site_card(generator) -> None:
    if _cards is not None and "site_share" not in generator.context:
        generator.context["site_share"] = _cards.drawn(
            "site", _cards.settings["SHARE_CARDS_SITE_TITLE"]
        )


def keep_files(generators) -> None:
    """all_generators_finalized (the build process): the card file of every content readers
    may see is in the output and belongs to this build (site_core.build's rule 5), wherever its
    content was read; a draft's or future article's card is not."""
    contents = [content for generator in generators for content in all_contents(generator)]
    keep_readable(contents, lambda content: getattr(getattr(content, "share", None), "outputs", ()))
    site = generators[0].context.get("site_share") if generators else None
    republish(site.outputs if site else ())


def register():
    signals.initialized.connect(start)
    signals.content_object_init.connect(add_card)
    signals.generator_init.connect(add_site_card)
    signals.all_generators_finalized.connect(keep_files)
