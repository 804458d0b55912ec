"""JSON-LD `NewsArticle` of an interview, as search engines read it (schema.org 30.0 terms).

The people interviewed are its authors (`Person` with their `jobTitle`, from `Roles`), the Caf
its publisher (`Organization` with its logo), the share card its image.
"""

import functools
import html
import json

from markupsafe import Markup

# The JSON-LD headline is cut by search engines beyond 110 characters.
HEADLINE_LENGTH = 110
LOGO = ("feeds/logo.png", 144, 144)  # in the theme's static folder


def _plain(text) -> str:
    return _plain_string(str(text or ""))


@functools.lru_cache(maxsize=16384)
def _plain_string(text: str) -> str:
    """Kept for the process: every build asks it again of each article's title and chapô."""
    return html.unescape(" ".join(Markup(text).striptags().split()))


def _pixels(count: int) -> dict:
    """A length in pixels as schema.org types it (width and height are not plain numbers)."""
    return {"@type": "QuantitativeValue", "value": count, "unitCode": "E37"}  # E37: pixel


def _image(url: str, width: int, height: int, **extra) -> dict:
    return {
        "@type": "ImageObject",
        "url": url,
        "width": _pixels(width),
        "height": _pixels(height),
        **extra,
    }


def news_article(article, settings) -> dict:
    site = settings["SITEURL"]
    url = f"{site}/{article.url}"
    modified = getattr(article, "modified", None) or article.date
    headline = _plain(article.title)
    if len(headline) > HEADLINE_LENGTH:
        headline = headline[: HEADLINE_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    authors = [
        {
            "@type": "Person",
            "name": speaker.author.name,
            "url": f"{site}/{speaker.author.url}",
            **({"jobTitle": speaker.role} if speaker.role else {}),
        }
        for speaker in getattr(article, "speakers", [])
    ]
    logo, width, height = LOGO
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": headline,
        "description": _plain(article.summary),
        "datePublished": article.date.isoformat(),
        "dateModified": modified.isoformat(),
        "inLanguage": "fr-FR",
        "articleSection": _plain(article.category),
        "keywords": [tag.name for tag in getattr(article, "tags", None) or []],
        "author": authors,
        "publisher": {
            "@type": "Organization",
            "name": settings["SEO_PUBLISHER"],
            "url": f"{site}/",
            "logo": _image(f"{site}/{settings['THEME_STATIC_DIR']}/{logo}", width, height),
        },
    }
    share = getattr(article, "share", None)
    if share:
        data["image"] = [_image(share.url, share.width, share.height, caption=share.alt)]
    return data


def script(data: dict) -> Markup:
    """`data` as a <script> body. Every `<` is written `\\u003c` (JSON has `<` only in strings):
    escaping `</` alone let a title reading « <!--<script> » keep the element from ending at its
    `</script>`, and the page's header and text were swallowed into the script."""
    return Markup(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    )
