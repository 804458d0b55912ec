"""Pictures in the article feeds (plugins/feeds/pictures.py): each picture as its absolute
JPEG/PNG file with that file's size, the share card as enclosure and Media RSS content."""

import re
from pathlib import Path

import feedparser
import pytest
from PIL import Image

from tests.support.images import jpeg_bytes, new_site, photo, transparent_png
from tests.support.site import build_site

SITE_URL = "https://partenaires.example.fr"
BODY = """\
![Une salle d’accueil](/images/salle.jpg "L’accueil d’Évry © Caf de l’Essonne")

Un paragraphe avec un logo ![Le logo du relais](/images/logo.png) au milieu.

Le dernier paragraphe de l’entretien.
"""


@pytest.fixture(scope="module")
def feeds(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("feed-pictures")
    content = new_site(
        tmp,
        {"salle.jpg": jpeg_bytes(photo(1600, 1200)), "logo.png": transparent_png(400, 200)},
        {"illustre": {"body": BODY}, "dessine": {"body": "Sans image."}},
    )
    output = build_site(
        tmp / "output", PATH=str(content), SITEURL=SITE_URL, IMAGES_CACHE_PATH=str(tmp / "c")
    )
    parsed = {
        fmt: feedparser.parse(str(output / f"flux/tous.{fmt}.xml")) for fmt in ("rss", "atom")
    }
    return output, parsed


def entry(parsed, slug):
    return next(e for e in parsed.entries if e.link == f"{SITE_URL}/articles/{slug}/")


def local(output: Path, url: str) -> Path:
    assert url.startswith(f"{SITE_URL}/"), url
    return output / url.removeprefix(f"{SITE_URL}/")


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_pictures_become_absolute_fallback_images_sized_as_their_file(feeds, fmt):
    output, parsed = feeds
    assert not parsed[fmt].bozo
    html = entry(parsed[fmt], "illustre").content[0].value
    assert "<picture" not in html and "srcset" not in html and "<source" not in html
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 2
    for tag in images:
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', tag))
        with Image.open(local(output, attrs["src"])) as file:
            assert file.format in ("JPEG", "PNG")
            assert (attrs["width"], attrs["height"]) == (str(file.width), str(file.height))
    assert "<figcaption>L’accueil d’Évry" in html
    assert "Le dernier paragraphe de l’entretien." in html, "nothing after the pictures is lost"


@pytest.mark.parametrize("fmt", ["rss", "atom"])
@pytest.mark.parametrize(
    ("slug", "media_type"), [("illustre", "image/jpeg"), ("dessine", "image/png")]
)
def test_share_card_is_the_enclosure_and_media_content(feeds, fmt, slug, media_type):
    output, parsed = feeds
    item = entry(parsed[fmt], slug)
    (enclosure,) = item.enclosures
    card = local(output, enclosure.href)
    assert enclosure.type == media_type
    assert int(enclosure.length) == card.stat().st_size
    with Image.open(card) as image:
        assert image.size == (1200, 630)
    (media,) = item.media_content
    assert (media["url"], media["width"], media["height"]) == (enclosure.href, "1200", "630")
    alternates = [link for link in item.links if link.get("rel") == "alternate"]
    assert [link.href for link in alternates] == [item.link], "one alternate link only"
