"""Test images made with Pillow at test time (the project ships no photograph), and small sites
built around them."""

import io
import random
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

from PIL import Image, ImageDraw

from tests.support.site import ROOT

ARTICLE = """\
Title: {title}
Date: {date}
Category: Vie de la Caf
Tags: essai
Slug: {slug}
Authors: {authors}
Roles: {roles}
{extra}Summary: Un entretien pour essayer les images.

Introduction.

{body}

## Une question ?

**Camille Martin :**{{: .speaker}} « Une réponse. »
"""


def photo(width: int, height: int, colour="steelblue") -> Image.Image:
    """A landscape-like picture: a gradient sky, a coloured band, a marker in the top-left."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height * 2 // 3, width, height), fill=colour)
    draw.rectangle((0, 0, width // 10, height // 10), fill="red")
    return image


def jpeg_bytes(image: Image.Image, orientation: int = 1, gps: bool = True) -> bytes:
    """JPEG with EXIF: the orientation tag, a camera model and a GPS position."""
    exif = Image.Exif()
    exif[0x0110] = "Appareil de test"
    if orientation != 1:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (48.0, 37.0, 12.0), 3: "E", 4: (2.0, 26.0, 30.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif.tobytes())
    return out.getvalue()


def picture_bytes(colour, size=(640, 400), fmt="JPEG") -> bytes:
    """A plain picture in `fmt`, its colour making it a different file from any other."""
    out = io.BytesIO()
    photo(*size, colour=colour).save(out, fmt)
    return out.getvalue()


def rotated_jpeg(width: int, height: int) -> bytes:
    """A picture `width` × `height` once upright, stored turned on its side with EXIF
    orientation 6 (as phones do): red marker top-left once upright."""
    upright = photo(width, height)
    return jpeg_bytes(upright.transpose(Image.Transpose.ROTATE_90), orientation=6)


def transparent_png(width: int, height: int) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 76, 151, 0))
    ImageDraw.Draw(image).ellipse((0, 0, width - 1, height - 1), fill=(0, 76, 151, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def chunk(kind: bytes, data: bytes) -> bytes:
    """A PNG chunk: length, type, data, CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG header announcing `width` × `height` pixels, with almost no data behind it."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def noisy_png(width: int = 800, height: int = 600) -> bytes:
    """A PNG that does not compress (random pixels): cut anywhere, its pixels are missing."""
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), random.randbytes(width * height * 3)).save(out, "PNG")
    return out.getvalue()


def truncated_png() -> bytes:
    """A real PNG cut at 60 % of its bytes, as an interrupted copy leaves it."""
    data = noisy_png()
    return data[: len(data) * 6 // 10]


def png_with_chunk_bomb(kind: bytes, inflated: int = 100 * 1024 * 1024) -> bytes:
    """A small valid PNG carrying an iCCP or zTXt chunk whose compressed data (about 100 KB)
    inflates to `inflated` bytes: a decompression bomb in a chunk, not in the pixels."""
    data = noisy_png(640, 480)
    name = b"ICC" if kind == b"iCCP" else b"Comment"
    bomb = chunk(kind, name + b"\0\0" + zlib.compress(b"\0" * inflated, 9))
    return data[:33] + bomb + data[33:]  # after the signature and IHDR, before the pixels


def peak_memory_mb(code: str, *args: str) -> int:
    """What `code` prints last, run in a Python process of its own that can call `_peak()`: its
    peak resident memory so far, in MB (VmHWM: ru_maxrss would count the parent's, kept across
    fork and exec)."""
    measured = (
        "import re\n"
        "def _peak():\n"
        "    status = open('/proc/self/status').read()\n"
        "    return int(re.search(r'VmHWM:\\s+(\\d+)', status).group(1)) // 1024\n"
        f"{code}\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", measured, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return int(done.stdout.split()[-1])


def new_site(tmp: Path, images: dict[str, bytes], articles: dict[str, dict]) -> Path:
    """A content folder with the real pages, `images` (name → bytes) in images/, and articles
    (slug → fields: body, extra metadata lines, authors, roles)."""
    content = tmp / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    (content / "images").mkdir(parents=True)
    (content / "articles").mkdir()
    for name, data in images.items():
        (content / "images" / name).write_bytes(data)
    for index, (slug, fields) in enumerate(articles.items()):
        text = ARTICLE.format(
            title=fields.get("title", f"Entretien d’essai {index + 1}"),
            date=f"2024-03-{index + 1:02d} 10:00",
            slug=slug,
            authors=fields.get("authors", "Camille Martin"),
            roles=fields.get("roles", "directrice d’une crèche"),
            extra="".join(f"{line}\n" for line in fields.get("extra", [])),
            body=fields.get("body", ""),
        )
        (content / "articles" / f"{slug}.md").write_text(text, encoding="utf-8")
    return content
