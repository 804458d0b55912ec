"""Images: uploads checked by Pillow (not an image, too small, a bomb, another format), turned
upright and stripped of GPS/EXIF, stored re-encoded in content/images/, size-limited before
reading; the library; the room serving them as images only."""

import html
import io
import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from PIL import Image

from tests.support.comments import spaces
from tests.support.images import bomb_png, peak_memory_mb, png_with_chunk_bomb, truncated_png
from tests.support.room import (
    ROOM_PATH,
    csrf,
    editor_url,
    form_fields,
    login,
    new_article,
    work_text,
)

URL = editor_url("articles", "30-ans-caf-essonne")


def photo(size=(640, 480), fmt="JPEG", orientation=None, gps=False, mode="RGB") -> bytes:
    image = Image.new(mode, size, "white" if mode != "1" else 1)
    if mode == "RGB":
        image.paste((200, 30, 30), (0, 0, size[0] // 2, size[1] // 4))  # a red band, top left
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {2: (48.0, 37.0, 0.0), 4: (2.0, 26.0, 0.0)}  # GPSInfo
    exif[0x010F] = "Appareil de test"  # Make
    out = io.BytesIO()
    image.save(out, fmt, **({"exif": exif} if fmt in ("JPEG", "WEBP") else {}))
    return out.getvalue()


def send_image(client, data: bytes, filename: str, **fields):
    page = client.get(URL)
    form = {**form_fields(page), "action": "image", "image_alt": "Une équipe en réunion", **fields}
    return client.post(URL, data=form, files={"image_fichier": (filename, data, "image/jpeg")})


def test_an_uploaded_photo_is_upright_without_gps_and_in_the_text(room):
    client = login(room.url, "claire")
    page = send_image(
        client,
        photo((640, 480), orientation=6, gps=True),
        "Photo de terrain.JPG",
        image_legende="L’équipe à Évry",
        image_credit="Caf de l’Essonne",
    )
    assert page.status_code == 200, spaces(page.text)[:2000]
    line = '![Une équipe en réunion](/images/photo-de-terrain.jpg "L’équipe à Évry © Caf de '
    assert line + 'l’Essonne")\n</textarea>' in html.unescape(page.text)
    stored = Path(room.config.room.content_dir, "images", "photo-de-terrain.jpg")
    image = Image.open(stored)
    assert image.size == (480, 640)  # turned the right way up
    assert not image.getexif() and b"Appareil de test" not in stored.read_bytes()
    assert image.getpixel((470, 5))[0] > 150  # the red band, now at the top right
    # Not saved yet: the text is in the page, the article file is unchanged.
    assert (
        "photo-de-terrain"
        not in Path(room.config.room.content_dir, "articles", "30-ans-caf-essonne.md").read_text()
    )
    library = client.get(ROOM_PATH + "images/")
    assert "photo-de-terrain.jpg" in library.text
    thumb = client.get(ROOM_PATH + "images/vignette/photo-de-terrain.jpg")
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert thumb.headers["x-content-type-options"] == "nosniff"
    assert max(Image.open(io.BytesIO(thumb.content)).size) <= 480
    again = send_image(client, photo(), "photo de terrain.jpg")
    assert "/images/photo-de-terrain-2.jpg" in again.text  # never overwritten


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "page.jpg", "n’est pas une image lisible"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "x.svg",
            "n’est pas une image lisible",
        ),
        (photo((100, 100)), "petite.jpg", "« petite.jpg » est trop petite (100 × 100 pixels ; au"),
        (
            photo((10_000, 7_000), "PNG", mode="1"),
            "bombe.png",
            "L’image « bombe.png » est trop grande : 10000 × 7000 pixels",
        ),
        (photo((640, 480), "GIF"), "anime.gif", "lisible (formats acceptés : JPEG, PNG, WebP)"),
    ],
)
def test_what_is_not_a_usable_picture_is_refused_and_the_text_stays(room, data, filename, message):
    client = login(room.url, "claire")
    page = client.get(URL)
    form = {
        **form_fields(page),
        "action": "image",
        "image_alt": "Description",
        "texte": "Mon texte.\n",
    }
    refused = client.post(URL, data=form, files={"image_fichier": (filename, data, "image/jpeg")})
    assert refused.status_code == 400
    assert message in spaces(refused.text)
    assert 'id="image_fichier-erreur"' in refused.text
    assert "Mon texte.\n</textarea>" in refused.text
    assert not list(Path(room.config.room.content_dir, "images").glob(Path(filename).stem + "*"))


def test_a_picture_needs_its_text_alternative_and_is_kept_meanwhile(room):
    client = login(room.url, "claire")
    page = send_image(client, photo((700, 500)), "sans-alt.jpg", image_alt="  ")
    assert page.status_code == 400 and 'id="image_alt-erreur"' in page.text
    assert 'name="image_gardee" value="sans-alt.jpg"' in page.text  # not to be sent again


def test_bytes_hidden_after_a_picture_do_not_survive(room):
    client = login(room.url, "claire")
    data = photo(fmt="PNG") + b"<script>alert('x')</script>"
    assert send_image(client, data, "polyglotte.png").status_code == 200
    stored = Path(room.config.room.content_dir, "images", "polyglotte.png").read_bytes()
    assert b"<script>" not in stored and Image.open(io.BytesIO(stored)).format == "PNG"


def test_uploads_are_limited_before_being_read(room):
    client = login(room.url, "claire")
    token = csrf(client.get(URL))
    cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    address = urlsplit(room.url)
    # 50 MB announced, 1 KB sent: the answer comes at once, nothing else is read.
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(
            (
                f"POST {URL} HTTP/1.1\r\nHost: {address.netloc}\r\nCookie: {cookies}\r\n"
                "Content-Type: multipart/form-data; boundary=x\r\n"
                f"Content-Length: {50 * 1024 * 1024}\r\n\r\n"
            ).encode()
            + b"-" * 1024
        )
        answer = sock.recv(200)
    assert answer.startswith(b"HTTP/1.1 413")

    def stream():
        yield f'--x\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{token}\r\n'.encode()
        yield b'--x\r\nContent-Disposition: form-data; name="image_fichier"; filename="a.jpg"\r\n'
        yield b"\r\n"
        for _ in range(24):  # 24 MB without a length: cut at the limit
            yield b"\0" * (1024 * 1024)

    cut = client.post(
        URL, content=stream(), headers={"content-type": "multipart/form-data; boundary=x"}
    )
    assert cut.status_code == 413 and "20 Mo" in spaces(cut.text)


@pytest.mark.parametrize(
    "path",
    ["fichier/..%2F..%2Fpelicanconf.py", "fichier/notes.txt", "autre/logo.png", "fichier/.jpg"],
)
def test_the_room_serves_library_pictures_only(room, path):
    client = login(room.url, "claire")
    assert client.get(ROOM_PATH + "images/" + path).status_code == 404
    assert (
        httpx.get(room.url + ROOM_PATH + "images/fichier/photo-de-terrain.jpg").status_code == 303
    )


def test_a_portrait_sent_from_a_persons_row_is_stored_and_named_in_it(room):
    client = login(room.url, "claire")
    files = {
        "intervenant-1-portrait-fichier": ("Awa Diallo.jpg", photo((400, 400)), "image/jpeg"),
        "image_fichier": ("", b"", "application/octet-stream"),  # left empty, as browsers send
    }
    saved = client.post(
        ROOM_PATH + "nouveau", data=new_article(client, "Un portrait envoyé"), files=files
    )
    assert saved.status_code == 303, spaces(saved.text)[:2000]
    text = work_text(room, "articles/un-portrait-envoye.md")
    assert "/images/awa-diallo.jpg" in text
    assert Image.open(Path(room.config.room.content_dir, "images", "awa-diallo.jpg")).size == (
        400,
        400,
    )
    # Too small for a portrait: refused beside its field, the text kept, nothing saved.
    form = new_article(client, "Un portrait trop petit", texte="Mon texte à garder.")
    small = {"intervenant-1-portrait-fichier": ("petit.jpg", photo((100, 100)), "image/jpeg")}
    refused = client.post(ROOM_PATH + "nouveau", data=form, files=small)
    assert refused.status_code == 400
    assert (
        "Portrait non ajouté : L’image « petit.jpg » est trop petite (100 × 100 pixels ; au "
        "moins 160 × 160" in (spaces(html.unescape(refused.text)))
    )
    assert 'href="#intervenant-1-portrait"' in refused.text
    assert "Mon texte à garder." in html.unescape(refused.text)
    assert work_text(room, "articles/un-portrait-trop-petit.md") is None


def test_portrait_fields_out_of_range_or_on_a_page_store_nothing(room):
    client = login(room.url, "claire")
    images = Path(room.config.room.content_dir, "images")
    before = set(images.iterdir())
    stray = {
        f"intervenant-{n}-portrait-fichier": (f"hors-{i}.jpg", photo((400, 400)), "image/jpeg")
        for i, n in enumerate(("0", "99", "abc", "../../x"))
    }
    saved = client.post(
        ROOM_PATH + "nouveau", data=new_article(client, "Portraits hors limites"), files=stray
    )
    assert saved.status_code == 303
    page = form_fields(client.get(ROOM_PATH + "nouveau?type=page"))
    page.update(type="page", titre="Une page sans personnes", texte="Du texte.")
    portrait = {"intervenant-1-portrait-fichier": ("page.jpg", photo((400, 400)), "image/jpeg")}
    client.post(ROOM_PATH + "nouveau", data=page, files=portrait)
    assert set(images.iterdir()) == before


def test_a_postscript_upload_is_never_opened(room):
    """EPS is a format Pillow reads through Ghostscript: uploads only try JPEG, PNG and WebP."""
    client = login(room.url, "claire")
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 400 400\nshowpage\n"
    refused = send_image(client, eps, "dessin.eps")
    assert refused.status_code == 400
    assert "n’est pas une image lisible" in spaces(html.unescape(refused.text))


def test_a_malformed_upload_is_explained_in_french(room):
    client = login(room.url, "claire")
    files = {f"f{n}": (f"{n}.jpg", b"x", "image/jpeg") for n in range(20)}
    refused = client.post(URL, data={"titre": "x"}, files=files)
    assert refused.status_code == 400
    text = spaces(html.unescape(refused.text))
    assert "Le formulaire n’a pas pu être lu : trop de fichiers à la fois (13 au plus)" in text
    assert "Too many" not in text


BROKEN = [
    (truncated_png(), "coupee.png", "L’image « coupee.png » est illisible ou endommagée"),
    (png_with_chunk_bomb(b"iCCP"), "profil.png", "L’image « profil.png » est illisible ou"),
    (png_with_chunk_bomb(b"zTXt"), "note.png", "L’image « note.png » est illisible ou endommagée"),
    (
        bomb_png(12_000, 8_000),
        "bombe.png",
        "L’image « bombe.png » est trop grande : 12000 × 8000 pixels, maximum 64 millions",
    ),
    (bomb_png(), "immense.png", "L’image « immense.png » est trop grande"),
]
BROKEN_IDS = ["truncated", "iccp-bomb", "ztxt-bomb", "pixels", "pixel-bomb"]


@pytest.mark.parametrize(("data", "filename", "message"), BROKEN, ids=BROKEN_IDS)
def test_issue19_item8_a_broken_picture_is_refused_at_its_field_in_the_editor(
    room, data, filename, message
):
    client = login(room.url, "claire")
    refused = send_image(client, data, filename, texte="Mon texte à garder.\r\n")
    assert refused.status_code == 400, spaces(refused.text)[:2000]
    text = spaces(html.unescape(refused.text))
    error = text.split('id="image_fichier-erreur">', 1)[1].split("</span>", 1)[0]
    assert message in error
    assert "Mon texte à garder.\n</textarea>" in text
    stem = Path(filename).stem
    assert not list(Path(room.config.room.content_dir, "images").glob(stem + "*"))


@pytest.mark.parametrize(("data", "filename", "message"), BROKEN, ids=BROKEN_IDS)
def test_issue19_item8_a_broken_picture_is_refused_at_its_field_in_the_library(
    room, data, filename, message
):
    client = login(room.url, "claire")
    library = ROOM_PATH + "images/"
    token = csrf(client.get(library))
    refused = client.post(
        library, data={"csrf": token}, files={"image_fichier": (filename, data, "image/png")}
    )
    assert refused.status_code == 400, spaces(refused.text)[:2000]
    text = spaces(html.unescape(refused.text))
    assert message in text.split('id="image_fichier-erreur">', 1)[1].split("</span>", 1)[0]
    assert 'aria-invalid="true"' in text


def test_issue19_item8_a_broken_portrait_is_refused_in_its_row_and_the_text_stays(room):
    client = login(room.url, "claire")
    form = new_article(client, "Un portrait coupé", texte="Mon texte à garder.")
    broken = {"intervenant-1-portrait-fichier": ("coupe.png", truncated_png(), "image/png")}
    refused = client.post(ROOM_PATH + "nouveau", data=form, files=broken)
    assert refused.status_code == 400, spaces(refused.text)[:2000]
    text = spaces(html.unescape(refused.text))
    assert "Portrait non ajouté : L’image « coupe.png » est illisible ou endommagée" in text
    assert "Mon texte à garder." in text
    assert work_text(room, "articles/un-portrait-coupe.md") is None


def test_issue19_item7_the_library_shows_thumbnails_without_decoding_pictures_again(room):
    client = login(room.url, "claire")
    library = ROOM_PATH + "images/"
    files = {"image_fichier": ("vignette.png", photo((1600, 1200), "PNG"), "image/png")}
    assert client.post(library, data={"csrf": csrf(client.get(library))}, files=files).is_redirect
    stored = Path(room.config.room.content_dir, "images", "vignette.png")
    stat = stored.stat()
    try:  # unreadable now, with the same size and date: only a decode would notice
        stored.write_bytes(b"\0" * stat.st_size)
        os.utime(stored, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        thumb = client.get(library + "vignette/vignette.png")
    finally:
        stored.unlink()
    assert thumb.status_code == 200
    assert Image.open(io.BytesIO(thumb.content)).size == (480, 360)


def test_issue19_item7_four_large_uploads_at_once_take_less_than_300_mb(tmp_path):
    big = tmp_path / "grande.png"
    big.write_bytes(photo((8000, 8000), "PNG"))  # 64 million pixels, 256 MB decoded
    code = (
        "import sys, threading\nfrom pathlib import Path\n"
        "from service.room.media import Media\n"
        "data, folder = Path(sys.argv[1]).read_bytes(), Path(sys.argv[2])\n"
        "media, idle, names = Media(folder, folder / 'vignettes'), _peak(), []\n"
        "def store(n): names.append(media.store(data, f'grande-{n}.png', (320, 120))[0])\n"
        "threads = [threading.Thread(target=store, args=(n,)) for n in range(4)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "assert len(names) == 4  # each stored (the same picture: once, when not at once)\n"
        "print(_peak() - idle)"
    )
    assert peak_memory_mb(code, str(big), str(tmp_path / "contenu")) <= 300


def test_issue19_item7_a_webp_too_large_to_decode_safely_is_refused_unread(room):
    client = login(room.url, "claire")
    out = io.BytesIO()
    Image.new("RGB", (6000, 3000), (40, 90, 160)).save(out, "WEBP", quality=50, method=0)
    refused = send_image(client, out.getvalue(), "panorama.webp", texte="Mon texte.\r\n")
    assert refused.status_code == 400
    text = spaces(html.unescape(refused.text))
    assert (
        "L’image « panorama.webp » est trop grande : 6000 × 3000 pixels, maximum 13 millions de "
        "pixels pour une image WebP"
    ) in text
    assert "Mon texte.\n</textarea>" in text
