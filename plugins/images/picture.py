"""The `<picture>` element of one image: AVIF and WebP sources, then the JPEG/PNG `<img>`.

Browsers take the first source whose type they read and, within it, the narrowest file that
covers `sizes` × the screen's pixel ratio; `width`/`height` give the box its proportions
before any byte arrives (no layout shift). Images below the first of a page load lazily.
"""

import re
from html import escape

from markupsafe import Markup

from site_core.images.pixels import MEDIA_TYPES
from site_core.images.variants import Variants

# The `src` of the <img> (read by browsers without srcset, and by feed readers): the first
# file at least this wide, else the largest.
FALLBACK_WIDTH = 720


# No screen has more device pixels per CSS pixel: wider files would never be chosen.
MAX_DENSITY = 3
_FIXED = re.compile(r"\s*(\d+(?:\.\d+)?)(rem|px)\s*")


def _srcset(files) -> str:
    return ", ".join(f"{url} {width}w" for url, width, _ in files)


def _fixed_px(sizes: str) -> float | None:
    """The CSS width when `sizes` is one length ("3.5rem", "80px"), in px (1rem = 16px)."""
    match = _FIXED.fullmatch(sizes)
    if not match:
        return None
    return float(match[1]) * (16 if match[2] == "rem" else 1)


def _useful(files, sizes: str):
    """For a picture shown at a fixed width (a portrait), the files up to the first that
    covers it at MAX_DENSITY: the others would never be fetched, only weigh on every list."""
    fixed = _fixed_px(sizes)
    if not fixed:
        return files
    needed = next((i for i, f in enumerate(files) if f[1] >= MAX_DENSITY * fixed), len(files))
    return files[: needed + 1]


class Picture:
    """One image ready for a page; `html()` writes it, with the `sizes` of where it stands."""

    def __init__(self, variants: Variants, alt: str, sizes: str):
        self.variants = variants
        self.alt = alt
        self.sizes = sizes
        self._html: dict[tuple, Markup] = {}  # a portrait is written on many list pages

    def __getstate__(self) -> dict:
        """Without the memo of written markup, which fills as pages render: pickled and
        digested (site_core.build's page fingerprints) by what it shows only."""
        return {**self.__dict__, "_html": {}}

    @property
    def fallback(self) -> tuple[str, int, int]:
        """(url, width, height) of the JPEG/PNG a feed or a browser without srcset shows."""
        files = self.variants.files[self.variants.fallback]
        return next((f for f in files if f[1] >= FALLBACK_WIDTH), files[-1])

    @property
    def width(self) -> int:
        return self.variants.largest[1]

    @property
    def height(self) -> int:
        return self.variants.largest[2]

    def html(self, sizes: str | None = None, lazy: bool = True, css_class: str = "") -> Markup:
        """The <picture>; `lazy=False` for the first image of a page (fetched at once)."""
        key = (sizes, lazy, css_class)
        if key not in self._html:
            self._html[key] = self._render(sizes, lazy, css_class)
        return self._html[key]

    def _render(self, sizes, lazy, css_class) -> Markup:
        sizes = sizes or self.sizes
        files = {fmt: _useful(found, sizes) for fmt, found in self.variants.files.items()}
        fallback = files.pop(self.variants.fallback)
        sources = "".join(
            f'<source type="{MEDIA_TYPES[fmt]}" srcset="{escape(_srcset(found))}"'
            f' sizes="{escape(sizes)}">'
            for fmt, found in files.items()
        )
        fixed = _fixed_px(sizes)
        src = (
            next((f for f in fallback if f[1] >= 2 * fixed), fallback[-1])
            if fixed
            else self.fallback
        )[0]
        loading = ' loading="lazy" decoding="async"' if lazy else ""
        css = f' class="{escape(css_class)}"' if css_class else ""
        return Markup(
            f"<picture{css}>{sources}"
            f'<img src="{escape(src)}" srcset="{escape(_srcset(fallback))}"'
            f' sizes="{escape(sizes)}" width="{self.width}" height="{self.height}"'
            f' alt="{escape(self.alt)}"{loading}></picture>'
        )

    __html__ = html


def column_sizes(width: int, column: int, gutter: int) -> str:
    """`sizes` for an image `width` px wide in a text column at most `column` px wide, with
    `gutter` px of page margins on narrow screens (.wrap's padding). A narrower image keeps its
    own width: the CSS never enlarges it."""
    shown = min(width, column)
    return f"(min-width: {shown + gutter}px) {shown}px, calc(100vw - {gutter}px)"
