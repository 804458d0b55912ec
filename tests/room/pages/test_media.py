"""Attacks on the room's image uploads after issue 19 item 7 (the review of its fixes)."""

import io

import pytest
from PIL import Image

from site_core.images import pixels
from site_core.images.pixels import ImageProblem
from tests.support.images import peak_memory_mb

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
