"""Attacks on the room's image uploads after issue 19 item 7 (the review of its fixes)."""

import io
from pathlib import Path

import pytest
from PIL import Image

from site_core.images import pixels
from site_core.images.pixels import ImageProblem
from tests.support.images import peak_memory_mb
from tests.support.room import ROOM_PATH, csrf, login

STORE_FOUR = (
    "import sys, threading\nfrom pathlib import Path\n"
    "from service.room.media import Media\n"
    "data, folder = Path(sys.argv[1]).read_bytes(), Path(sys.argv[2])\n"
    "media, idle = Media(folder, folder / 'vignettes'), _peak()\n"
    "def store(n):\n"
    "    try: media.store(data, f'grande-{n}.jpg', (320, 120))\n"
    "    except ValueError: pass  # refused: what counts is the memory\n"
    "threads = [threading.Thread(target=store, args=(n,)) for n in range(4)]\n"
    "[t.start() for t in threads]; [t.join() for t in threads]\n"
    "print(_peak() - idle)"
)


def test_issue19_review_item7_progressive_jpegs_stay_under_300_mb(tmp_path):
    """A progressive JPEG is decoded with every coefficient of the picture held (libjpeg: 2
    bytes a sample, 6 a pixel without chroma subsampling) beside its pixels: one 64 Mpx upload
    took 568 MB, though the decode budget counted 4 bytes a pixel. Four at once, as sent."""
    big = tmp_path / "progressive.jpg"
    gradient = Image.linear_gradient("L").resize((8000, 7999)).convert("RGB")
    out = io.BytesIO()
    gradient.save(out, "JPEG", quality=60, progressive=True, subsampling=0)
    big.write_bytes(out.getvalue())
    assert peak_memory_mb(STORE_FOUR, str(big), str(tmp_path / "contenu")) <= 300
    with pytest.raises(ImageProblem) as refused:  # refused from its header, before decoding
        with pixels.decoded(big.read_bytes(), pixels.Limits()):
            pass
    assert "8000 × 7999 pixels, maximum 26 millions de pixels pour cette image" in str(
        refused.value
    )


def test_issue19_review_item8_a_jpeg_with_a_second_picture_is_stored_as_a_jpeg(room):
    """Phones and cameras add a second picture to a JPEG (depth map, preview: « MPO »);
    Pillow names it MPO, and the upload ended in a server error, the text typed lost."""
    out = io.BytesIO()
    second = Image.new("RGB", (400, 300), "blue")
    Image.new("RGB", (800, 600), "red").save(out, "MPO", save_all=True, append_images=[second])
    client = login(room.url, "claire")
    library = ROOM_PATH + "images/"
    sent = client.post(
        library,
        data={"csrf": csrf(client.get(library))},
        files={"image_fichier": ("double.jpg", out.getvalue(), "image/jpeg")},
    )
    assert sent.is_redirect, sent.status_code
    stored = Path(room.config.room.content_dir, "images", "double.jpg")
    assert Image.open(stored).format == "JPEG"
    assert Image.open(stored).size == (800, 600)


def scans_repeated(data: bytes, copies: int) -> bytes:
    """`data`, a progressive JPEG, with its second scan (a few bytes: an end-of-band run over
    every block) repeated `copies` times: each copy makes the decoder visit every block."""
    at, scans = 2, []
    while data[at + 1] != 0xD9:
        end = at + 2 + int.from_bytes(data[at + 2 : at + 4], "big")
        if data[at + 1] == 0xDA:  # entropy-coded data runs to the next marker
            end = data.index(b"\xff", end)
            while data[end + 1] == 0 or 0xD0 <= data[end + 1] <= 0xD7:
                end = data.index(b"\xff", end + 2)
            scans.append((at, end))
        at = end
    start, end = scans[1]
    return data[:end] + data[start:end] * copies + data[end:]


def test_issue19_review_item7_a_jpeg_of_thousands_of_scans_is_refused_unread(tmp_path):
    """20,000 scans of 45 bytes in a 2,000 × 2,000 JPEG (900 KB): 6 s of decoding holding the
    process's decode budget, every other upload waiting; 20 MB of them, a quarter of an hour."""
    out = io.BytesIO()
    gradient = Image.linear_gradient("L").resize((2000, 2000)).convert("RGB")
    gradient.save(out, "JPEG", quality=60, progressive=True, subsampling=0)
    with pytest.raises(ImageProblem) as refused:
        with pixels.decoded(scans_repeated(out.getvalue(), 20_000), pixels.Limits()):
            pass
    assert "trop de passes (20\u202f010 ; au plus 100)" in str(refused.value)
