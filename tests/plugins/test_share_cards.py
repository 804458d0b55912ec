"""Share cards (plugins/share_cards): Open Graph and Twitter tags as a social network's crawler
reads them, drawn cards that never overflow, illustrations cropped to 1200 × 630."""

import io
import urllib.request
from datetime import datetime
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from plugins.share_cards import drawing
from tests.support.images import jpeg_bytes, new_site, photo
from tests.support.site import ROOT, build_site, serve_directory

FONTS = str(ROOT / "theme" / "fonts")
LONGEST_TITLE = (
    "Conventions territoriales globales : le bilan partagé des communes, des "
    "intercommunalités et des associations « partenaires » de l’Essonne pour l’accueil du "
    "jeune enfant et des jeunes dès 2024 ? Oui !"
)


def crawl(url: str) -> dict[str, list[str]]:
    """What a crawler keeps of a page: its <meta property|name> values and canonical link."""
    with urllib.request.urlopen(url, timeout=10) as response:
        page = BeautifulSoup(response.read(), "html.parser")
    tags: dict[str, list[str]] = {}
    for meta in page.head.find_all("meta"):
        key = meta.get("property") or meta.get("name")
        if key and meta.has_attr("content"):
            tags.setdefault(key, []).append(meta["content"])
    tags["canonical"] = [link["href"] for link in page.head.find_all("link", rel="canonical")]
    return tags


def fetch_image(url: str) -> Image.Image:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return Image.open(io.BytesIO(response.read()))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The real site built for, and served at, an absolute address on 127.0.0.1."""
    output = tmp_path_factory.mktemp("share") / "output"
    output.mkdir()
    with serve_directory(output) as url:
        build_site(output, SITEURL=url)
        yield url, output


ARTICLES = sorted(p.stem for p in (ROOT / "content" / "articles").glob("*.md"))


@pytest.mark.parametrize("slug", ARTICLES)
def test_article_card_as_a_crawler_sees_it(served, slug):
    url, output = served
    page_url = f"{url}/articles/{slug}/"
    tags = crawl(page_url)
    one = {key: values[0] for key, values in tags.items() if values}
    assert tags["canonical"] == [page_url] and one["og:url"] == page_url
    assert one["og:type"] == "article" and one["og:locale"] == "fr_FR"
    assert one["og:title"] and one["og:title"] == one["twitter:title"]
    html = BeautifulSoup((output / "articles" / slug / "index.html").read_text(), "html.parser")
    chapo = " ".join(html.find(class_="chapo").get_text(" ").split())
    assert " ".join(one["og:description"].split()) == chapo
    published = datetime.fromisoformat(one["article:published_time"])
    assert published.tzinfo is not None
    image_url = one["og:image"]
    assert urlsplit(image_url).scheme == "http" and urlsplit(image_url).netloc
    assert image_url.startswith(f"{url}/images/partage/{slug}.")
    image = fetch_image(image_url)
    assert image.size == (1200, 630)
    assert (one["og:image:width"], one["og:image:height"]) == ("1200", "630")
    assert one["og:image:type"] == Image.MIME[image.format]
    assert one["og:image:alt"].startswith(one["og:title"])
    assert one["twitter:card"] == "summary_large_image"


@pytest.mark.parametrize(
    "path", ["", "themes/vie-de-la-caf/", "intervenants/guillaume-lacroix/", "a-propos/"]
)
def test_pages_and_lists_have_a_card_too(served, path):
    url, _ = served
    tags = crawl(f"{url}/{path}")
    assert tags["canonical"] == [f"{url}/{path}"] == tags["og:url"]
    assert tags["og:type"] == ["website"]
    image = fetch_image(tags["og:image"][0])
    assert image.size == (1200, 630)


def test_illustration_is_the_card_cropped_to_1200_by_630(tmp_path):
    content = new_site(
        tmp_path,
        {"grande.jpg": jpeg_bytes(photo(1600, 1200)), "petite.jpg": jpeg_bytes(photo(500, 400))},
        {
            "illustre": {"body": "![Des enfants dans une crèche](/images/grande.jpg)"},
            "trop-petite": {"body": "![Une petite photo](/images/petite.jpg)"},
        },
    )
    output = build_site(
        tmp_path / "output", PATH=str(content), IMAGES_CACHE_PATH=str(tmp_path / "c")
    )
    page = BeautifulSoup((output / "articles/illustre/index.html").read_text(), "html.parser")
    meta = {m.get("property"): m.get("content") for m in page.find_all("meta")}
    assert meta["og:image:alt"] == "Des enfants dans une crèche"
    assert meta["og:image:type"] == "image/jpeg"
    with Image.open(output / meta["og:image"].lstrip("/")) as card:
        assert (card.format, card.size) == ("JPEG", (1200, 630))
    small = BeautifulSoup((output / "articles/trop-petite/index.html").read_text(), "html.parser")
    drawn = small.find("meta", property="og:image")["content"]
    assert drawn.startswith("/images/partage/trop-petite."), "too small: a drawn card instead"


def test_longest_title_never_overflows_and_breaks_the_french_way():
    face, lines = drawing.fit_title(LONGEST_TITLE, FONTS)
    assert len(LONGEST_TITLE) == 200
    box_width = drawing.TITLE_BOX[2] - drawing.TITLE_BOX[0]
    box_height = drawing.TITLE_BOX[3] - drawing.TITLE_BOX[1]
    assert all(face.getlength(line) <= box_width for line in lines)
    assert len(lines) * face.size * drawing.LINE_HEIGHT <= box_height
    assert " ".join(lines).replace("\u202f", " ").replace("\xa0", " ").split() == (
        LONGEST_TITLE.split()
    ), "every word shown, none cut"
    for line in lines:
        assert not line.startswith(("?", "!", ":", ";", "»")) and not line.endswith("«"), line
    card = drawing.draw_card(
        LONGEST_TITLE, "Partenariats et territoires", "1er mars 2024", "x", FONTS
    )
    blue = card.getpixel((0, 300))
    right_margin = card.crop((drawing.SIZE[0] - drawing.MARGIN + 1, 0, drawing.SIZE[0], 600))
    assert [c for _, c in right_margin.getcolors()] == [blue], "no text in the right margin"


def test_absurd_title_is_cut_with_an_ellipsis_inside_the_box():
    face, lines = drawing.fit_title("Anticonstitutionnellement " * 40, FONTS)
    assert lines[-1].endswith("…")
    assert face.size == min(drawing.TITLE_SIZES)
    assert (
        len(lines) * face.size * drawing.LINE_HEIGHT <= drawing.TITLE_BOX[3] - drawing.TITLE_BOX[1]
    )


def test_drawn_cards_are_cached(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    build_site(tmp_path / "first", IMAGES_CACHE_PATH=str(cache))

    def refuse(*_args):
        raise AssertionError("a card was drawn again")

    monkeypatch.setattr(drawing, "draw_card", refuse)
    second = build_site(tmp_path / "second", IMAGES_CACHE_PATH=str(cache))
    assert len(list((second / "images" / "partage").glob("*.png"))) == len(ARTICLES) + 7
