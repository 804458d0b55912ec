"""Content images: each `<img>` of an article's or page's rendered body becomes a `<picture>`.

`![Description](/images/photo.jpg "Légende © Crédit")` alone in its paragraph becomes a
`<figure>` with its caption and credit; inside a sentence, a bare `<picture>`. The checks of
RGAA criteria 1.1–1.2 run here: an image needs a text alternative, unless it is declared
decorative (`![](/images/x.jpg){: .decorative}`, then `alt=""`).

Only the `<img>` tags are parsed with beautifulsoup4 (found by a regular expression), not the
whole body: parsing a 10 kB interview costs about 6 ms, more than the rest of its build.
"""

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

from bs4 import BeautifulSoup

from site_core.content.rules import DECORATIVE, ImageRefused, alt_problem, image_file
from site_core.images.pixels import ImageProblem
from site_core.typography import typeset_text

from .picture import Picture

_IMG = r"""<img\b(?:[^>"']|"[^"]*"|'[^']*')*>"""
IMAGES = re.compile(rf"<p>\s*(?P<alone>{_IMG})\s*</p>|(?P<inline>{_IMG})")


class Rejected(Exception):
    """This image cannot be published; the message (French) says why."""


@dataclass
class PageImages:
    """What one page's rewriting needs: where its file is, how to make a picture, whether the
    next image is the page's first (fetched at once, not lazily)."""

    source_path: str
    content_root: Path
    make: object  # (path, alt) -> Picture
    eager: bool
    illustration: tuple[Path, str] | None = None  # first described image: (file, alt)


def resolve(src: str, page: PageImages) -> Path:
    """The file behind `src` (`/images/x.jpg`, `{static}/images/x.jpg`…), inside the content
    folder; a URL to another site or a missing file is refused (the room's save checks the
    same: site_core.content.rules)."""
    try:
        return image_file(src, page.content_root, page.source_path)
    except ImageRefused as refused:
        raise Rejected(str(refused)) from None


def split_title(title: str) -> tuple[str, str]:
    """`"Légende © Auteur"` → ("Légende", "© Auteur"); either part may be empty."""
    caption, mark, credit = (title or "").partition("©")
    return " ".join(caption.split()), f"© {' '.join(credit.split())}" if mark else ""


def _attributes(tag: str) -> dict:
    img = BeautifulSoup(tag, "html.parser").img
    return dict(img.attrs) if img else {}


def _figure(picture_html: str, caption: str, credit: str) -> str:
    parts = []
    if caption:
        parts.append(escape(typeset_text(caption), quote=False))
    if credit:
        parts.append(f'<span class="credit">{escape(typeset_text(credit), quote=False)}</span>')
    figcaption = f"<figcaption>{' '.join(parts)}</figcaption>" if parts else ""
    return f'<figure class="illustration">{picture_html}{figcaption}</figure>'


def _picture(tag: str, alone: bool, page: PageImages, problems: list[str]) -> str:
    attrs = _attributes(tag)
    src = attrs.get("src", "")
    decorative = DECORATIVE in (attrs.get("class") or [])
    alt = (attrs.get("alt") or "").strip()
    label = f"image « {src} »"
    if problem := alt_problem(src, alt, decorative):
        problems.append(f"{label} : {problem}")
        return tag
    try:
        path = resolve(src, page)
        picture: Picture = page.make(path, alt)
    except (Rejected, ImageProblem) as problem:
        problems.append(f"{label} : {problem}")
        return tag
    if not decorative and page.illustration is None:
        page.illustration = (path, alt)
    markup = picture.html(lazy=not page.eager)
    page.eager = False
    if not alone:
        return markup
    return _figure(markup, *split_title(attrs.get("title", "")))


def rewrite(html: str, page: PageImages) -> tuple[str, list[str]]:
    """`html` with its images as pictures, and the French problems found (one per image)."""
    problems: list[str] = []
    if "<img" not in html:
        return html, problems

    def replace(match):
        alone = match.group("alone")
        return _picture(alone or match.group("inline"), bool(alone), page, problems)

    return IMAGES.sub(replace, html), problems
