"""Responsive, accessible images (plugins/images): pictures, portraits, privacy, cache, errors."""

import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image

import site_core.images.pixels
from tests.support.images import (
    bomb_png,
    jpeg_bytes,
    new_site,
    photo,
    png_with_chunk_bomb,
    rotated_jpeg,
    transparent_png,
    truncated_png,
)
from tests.support.site import build_site

BODY = """\
![Une salle d’accueil de la Caf](/images/paysage.jpg "L’accueil d’Évry © Caf de l’Essonne")

Du texte entre deux images.

![Une affiche tournée](/images/tournee.jpg)

![](/images/filet.png){: .decorative}
"""
IMAGES = {
    "paysage.jpg": jpeg_bytes(photo(1200, 800)),
    "tournee.jpg": rotated_jpeg(600, 900),
    "filet.png": transparent_png(400, 200),
    "camille.jpg": jpeg_bytes(photo(300, 400, colour="peru")),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("images")
    content = new_site(
        tmp,
        IMAGES,
        {
            "avec-images": {"body": BODY, "extra": ["Portraits: /images/camille.jpg 50% 25%"]},
            "sans-portrait": {"body": BODY},
        },
    )
    output = build_site(tmp / "output", PATH=str(content), IMAGES_CACHE_PATH=str(tmp / "cache"))
    return output, content, tmp / "cache"


def page(output: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((output / path).read_text(encoding="utf-8"), "html.parser")


def srcset(element) -> list[tuple[str, int]]:
    return [(u, int(w[:-1])) for u, w in (c.split() for c in element["srcset"].split(", "))]


def test_content_image_is_a_picture_with_modern_formats_and_no_upscaling(site):
    output, _, _ = site
    body = page(output, "articles/avec-images/index.html").find(class_="entretien__body")
    figure = body.find("figure", class_="illustration")
    picture = figure.picture
    sources = picture.find_all("source")
    assert [s["type"] for s in sources] == ["image/avif", "image/webp"]
    img = picture.img
    assert img["src"].endswith(".jpg")
    for element in [*sources, img]:
        widths = [w for _, w in srcset(element)]
        assert widths == [360, 720, 1080, 1200], "never wider than the 1200 px source"
        assert element["sizes"] == "(min-width: 736px) 704px, calc(100vw - 32px)"
    assert (img["width"], img["height"]) == ("1200", "800")
    assert img["alt"] == "Une salle d’accueil de la Caf"
    caption = figure.figcaption
    assert caption.get_text(" ", strip=True).startswith("L’accueil d’Évry")
    assert caption.find(class_="credit").get_text() == "©\u202fCaf de l’Essonne".replace(
        "\u202f", " "
    )
    for url, width in srcset(img) + srcset(sources[0]):
        with Image.open(output / url.lstrip("/")) as file:
            assert file.width == width


def test_first_image_of_the_page_loads_at_once_the_others_lazily(site):
    output, _, _ = site
    without = page(output, "articles/sans-portrait/index.html").find("main")
    imgs = without.find_all("img")
    assert "loading" not in imgs[0].attrs and "decoding" not in imgs[0].attrs
    assert all(i["loading"] == "lazy" and i["decoding"] == "async" for i in imgs[1:])
    with_portrait = page(output, "articles/avec-images/index.html").find("main")
    portrait, *content = with_portrait.find_all("img")
    assert portrait.find_parent(class_="speakers")
    assert "loading" not in portrait.attrs
    assert all(i["loading"] == "lazy" for i in content)


def test_exif_orientation_is_applied_and_metadata_stripped(site):
    output, _, _ = site
    body = page(output, "articles/avec-images/index.html").find(class_="entretien__body")
    rotated = body.find("img", alt="Une affiche tournée")
    assert (rotated["width"], rotated["height"]) == ("600", "900")
    files = sorted(p for p in (output / "images").rglob("*") if p.is_file())
    assert files, "variants are published"
    for path in files:
        with Image.open(path) as image:
            exif = image.getexif()
            assert not exif, f"{path.name} carries EXIF data"
            assert "xmp" not in image.info and "exif" not in image.info, path.name
    upright = next(p for p in files if p.name.startswith("tournee-360.") and p.suffix == ".jpg")
    with Image.open(upright) as image:
        assert image.size == (360, 540)
        red, green, _ = image.getpixel((5, 5))
        assert red > 200 and green < 60, "the red marker is top-left once upright"
    assert not (output / "images" / "paysage.jpg").exists(), "originals are never published"


def test_transparent_png_keeps_png_fallback_and_alpha(site):
    output, _, _ = site
    body = page(output, "articles/avec-images/index.html").find(class_="entretien__body")
    decorative = body.find("img", src=lambda s: "filet" in s)
    assert decorative["alt"] == ""
    assert decorative["src"].endswith(".png")
    assert decorative["sizes"] == "(min-width: 432px) 400px, calc(100vw - 32px)"
    for url, _ in srcset(decorative) + srcset(decorative.find_previous_sibling("source")):
        with Image.open(output / url.lstrip("/")) as image:
            assert image.mode in ("RGBA", "LA", "P") and image.getextrema()[-1][0] == 0


def test_portrait_is_a_square_around_the_focal_point_on_article_card_and_speaker_page(site):
    output, _, _ = site
    article = page(output, "articles/avec-images/index.html")
    speakers = article.find(class_="speakers--portraits")
    item = speakers.li
    assert item.find("a")["href"] == "/intervenants/camille-martin/"
    img = item.picture.img
    assert img["alt"] == "", "the name stands beside it: decorative"
    assert (img["width"], img["height"]) == ("300", "300")
    # Shown 5rem (80 px) wide: files up to 3 × 80 px, never wider than the 300 px source.
    assert [w for _, w in srcset(img)] == [64, 128, 192, 256]
    with Image.open(output / srcset(img)[-1][0].lstrip("/")) as square:
        # Focus at 25 % of the height: the crop starts at the top, where the red marker is.
        assert square.getpixel((5, 5))[0] > 200
    card = (
        page(output, "index.html").find("a", href="/articles/avec-images/").find_parent("article")
    )
    card_img = card.find("picture", class_="portrait").img
    assert card_img["sizes"] == "3.5rem"
    assert [w for _, w in srcset(card_img)] == [64, 128, 192]
    speaker_page = page(output, "intervenants/camille-martin/index.html")
    header = speaker_page.find(class_="speaker-header")
    large = header.find("img")
    assert large["sizes"] == "8rem" and "loading" not in large.attrs
    assert [w for _, w in srcset(large)] == [64, 128, 192, 256, 300]
    assert header.h1


def test_second_build_encodes_nothing(site, tmp_path, monkeypatch):
    _, content, cache = site

    def refuse(*_args, **_kwargs):
        raise AssertionError("an unchanged image was encoded again")

    monkeypatch.setattr(site_core.images.pixels, "encode", refuse)
    monkeypatch.setattr(site_core.images.pixels, "decoded", refuse)
    output = build_site(tmp_path / "output", PATH=str(content), IMAGES_CACHE_PATH=str(cache))
    assert page(output, "articles/avec-images/index.html").find("figure", class_="illustration")
    assert any((output / "images").glob("paysage-1200.*.avif"))


def _failure(tmp_path, images, articles) -> str:
    content = new_site(tmp_path, images, articles)
    with pytest.raises(Exception) as failure:
        build_site(
            tmp_path / "output", PATH=str(content), IMAGES_CACHE_PATH=str(tmp_path / "cache")
        )
    assert type(failure.value).__name__ == "ContentError"
    return str(failure.value)


def test_bad_images_fail_the_build_with_french_messages_naming_file_and_image(tmp_path):
    good = jpeg_bytes(photo(800, 600))
    message = _failure(
        tmp_path,
        {
            "bonne.jpg": good,
            "minuscule.png": transparent_png(16, 16),
            "texte.jpg": "Ceci n’est pas une image.".encode(),
            "abimee.jpg": good[: len(good) // 2],
            "bombe.png": bomb_png(),
            "enorme.png": bomb_png(10_000, 8_000),
        },
        {
            "sans-alt": {"body": "![](/images/bonne.jpg)"},
            "decorative-decrite": {"body": "![Une photo](/images/bonne.jpg){: .decorative}"},
            "minuscule": {"body": "![Un logo](/images/minuscule.png)"},
            "pas-une-image": {"body": "![Un texte](/images/texte.jpg)"},
            "abimee": {"body": "![Une photo coupée](/images/abimee.jpg)"},
            "bombe": {"body": "![Une bombe](/images/bombe.png)"},
            "enorme": {"body": "![Une énorme](/images/enorme.png)"},
            "absente": {"body": "![Une absente](/images/absente.jpg)"},
            "externe": {"body": "![Un logo](https://example.org/logo.png)"},
            "portraits": {
                "extra": ["Portraits: /images/bonne.jpg ; /images/bonne.jpg"],
                "body": "Texte.",
            },
            "portrait-illisible": {"extra": ["Portraits: /images/bonne.jpg au centre"]},
        },
    )
    expected = {
        "sans-alt": "image « /images/bonne.jpg » : texte alternatif manquant",
        "decorative-decrite": "marquée décorative",
        "minuscule": "image trop petite (16 × 16 pixels",
        "pas-une-image": "n’est pas une image lisible",
        "abimee": "image illisible ou endommagée",
        "bombe": "image trop grande : plus de 128 millions de pixels, maximum 64 millions",
        "enorme": "image trop grande : 10000 × 8000 pixels, maximum 64 millions de pixels",
        "absente": "fichier introuvable : content/images/absente.jpg",
        "externe": "image hébergée sur un autre site",
        "portraits": "champ « Portraits » : 2 portrait(s) pour 1 intervenant(s)",
        "portrait-illisible": "« /images/bonne.jpg au centre » n’est pas compris",
    }
    lines = message.splitlines()
    for slug, words in expected.items():
        assert any(
            line.strip().startswith(f"- content/articles/{slug}.md :") and words in line
            for line in lines
        ), (slug, message)
    assert message.startswith("La construction du site a échoué : 11 erreur(s)")


def test_encoded_files_carry_no_metadata_whatever_the_format():
    source = Image.open(io.BytesIO(jpeg_bytes(photo(400, 300))))
    assert source.getexif(), "the source does carry EXIF"
    limits = site_core.images.pixels.Limits()
    with site_core.images.pixels.decoded(jpeg_bytes(photo(400, 300)), limits) as (image, *_):
        for fmt in site_core.images.pixels.ENCODERS:
            with Image.open(io.BytesIO(site_core.images.pixels.encode(image, fmt))) as out:
                assert not out.getexif() and "exif" not in out.info, fmt


def test_issue19_item8_broken_pngs_fail_the_build_with_french_messages(tmp_path):
    """A truncated PNG, or one whose iCCP or zTXt chunk inflates to 100 MB: a content error
    naming the file, not a traceback."""
    message = _failure(
        tmp_path,
        {
            "coupee.png": truncated_png(),
            "profil.png": png_with_chunk_bomb(b"iCCP"),
            "note.png": png_with_chunk_bomb(b"zTXt"),
        },
        {
            name: {"body": f"![Une image](/images/{name}.png)"}
            for name in ("coupee", "profil", "note")
        },
    )
    for name in ("coupee", "profil", "note"):
        assert f"image « /images/{name}.png » : image illisible ou endommagée" in message, message
