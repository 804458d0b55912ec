"""Image pixels for the build: check a source, orient it, crop it, encode its web variants.

Used by plugins/images (content pictures, portraits) and plugins/share_cards (card images).
Every problem is an `ImageProblem` with a French message; the caller adds the file's name.

AVIF: the pinned Pillow 13.0.0 wheels bundle libavif (`PIL.features.check("avif")` is true here
and on every machine installing the same wheel), so no extra plugin (pillow-avif-plugin, last
released for Pillow 10) is needed; `check_codecs()` stops the build with a clear message should a
Pillow without it be installed. Encoding settings, measured on a 4000×3000 photo at 720 px wide:
AVIF q50 about a third of the JPEG's bytes, WebP q72 40 % of them, progressive JPEG q78 the
reference. AVIF speed 8 takes a fifth of speed 6's CPU time (0.15 s against 0.77 s at 1440 px)
for 3 % more bytes: it keeps a first build with 50 photos to about a minute on two cores.

Memory (issue 19): the service decodes uploads in its own process, a build one picture per
worker. Every decode goes through `decoded()`, which refuses before decoding what would take
more than DECODE_MEMORY (64 Mpx, 13 Mpx for a WebP, whose decoder and encoder need five times
the pixels), and makes a decode wait while others hold that memory; Pillow's own limits are
set below, in this one place. Measured by benchmarks/upload_memory.py: one or four uploads at
once of a 64 Mpx PNG or JPEG, or of a 13 Mpx WebP, stay under 300 MB above the idle service.

Privacy: outputs never carry EXIF, XMP or text chunks (GPS position, camera, author); only the
ICC colour profile is kept, without which a wide-gamut phone photo would shift colours.
"""

import io
import os
import struct
import threading
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps, PngImagePlugin, UnidentifiedImageError, features

# Above this many pixels a file is refused before being decoded (a decompression bomb, or a
# photo far larger than any screen needs): 64 Mpx is an 8000×8000 picture.
MAX_PIXELS = 64_000_000
# Pillow's own limits, set here once for the build and the service alike. Above MAX_PIXELS
# Pillow only warns (decoded() refuses, naming the size); above twice as many it refuses.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# A PNG text or ICC chunk may inflate to 1 MB, all of a file's to 4 MB: a chunk of 100 KB
# inflating to 100 MB is refused instead of filling the memory.
PngImagePlugin.MAX_TEXT_CHUNK = 1024 * 1024
PngImagePlugin.MAX_TEXT_MEMORY = 4 * PngImagePlugin.MAX_TEXT_CHUNK
# A cut file is an error, never a picture with its bottom filled in grey.
ImageFile.LOAD_TRUNCATED_IMAGES = False
# Pillow allocates pixels in blocks of 16 MB by default, which the C library keeps in the
# allocating thread's heap once freed: four uploads decoded one after the other by four threads
# held four pictures' worth. Blocks of 64 MB are mapped and given back to the system when freed.
Image.core.set_block_size(64 * 1024 * 1024)
# What Pillow raises on a damaged file, whatever the format (a zTXt bomb: ValueError).
DAMAGED = (OSError, ValueError, SyntaxError, EOFError, IndexError, TypeError, struct.error)
DAMAGED += (zlib.error,)
# The memory the pictures being decoded may take at once in a process (see _bytes_per_pixel);
# a larger picture is refused, a decode that would go beyond waits for the others.
DECODE_MEMORY = 256 * 1024 * 1024
# A JPEG's scans (SOS markers): each makes the decoder visit every block of the picture, and a
# scan can be 45 bytes, so 20 MB of them took a quarter of an hour holding DECODE_MEMORY. Encoders
# write at most a few dozen (libjpeg's progressive: 10); an embedded thumbnail adds its own.
MAX_SCANS = 100
# Modes kept as they are; others are converted to RGB(A) beside the decoded picture.
_KEPT_MODES = ("RGB", "RGBA", "L", "LA")
ENCODERS = {
    "avif": ("AVIF", {"quality": 50, "speed": 8}),
    "webp": ("WEBP", {"quality": 72, "method": 4}),
    "jpeg": ("JPEG", {"quality": 78, "optimize": True, "progressive": True}),
    "png": ("PNG", {"optimize": True}),
}
MEDIA_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "png": "png"}
# EXIF orientations that swap width and height.
_TRANSPOSED = {5, 6, 7, 8}


class ImageProblem(ValueError):
    """The file is not a usable picture. `str()` says why in French (the build adds the file's
    name); `about(name)` says it as a sentence naming the file (the room's uploads)."""

    def __init__(self, state: str, picture: bool = True):
        self.state, self.picture = state, picture
        super().__init__(f"image {state}" if picture else f"ce fichier {state}")

    def about(self, name: str) -> str:
        subject = f"L’image « {name} » est" if self.picture else f"Le fichier « {name} »"
        return f"{subject} {self.state}."


@dataclass(frozen=True)
class Limits:
    """What a source must be: at least this large (once oriented), at most MAX_PIXELS."""

    min_width: int = 1
    min_height: int = 1
    max_pixels: int = MAX_PIXELS


class _Budget:
    """DECODE_MEMORY shared by a process's threads: four large uploads at once are decoded one
    after the other, small ones side by side."""

    def __init__(self, total: int):
        self.total, self.used = total, 0
        self.free = threading.Condition()

    @contextmanager
    def hold(self, amount: int) -> Iterator[None]:
        with self.free:
            self.free.wait_for(lambda: not self.used or self.used + amount <= self.total)
            self.used += amount
        try:
            yield
        finally:
            with self.free:
                self.used -= amount
                self.free.notify_all()


_budget = _Budget(DECODE_MEMORY)


def _new_budget() -> None:
    """A forked build worker starts with its own budget (a lock held at the fork stays held)."""
    global _budget
    _budget = _Budget(DECODE_MEMORY)


os.register_at_fork(after_in_child=_new_budget)


def check_codecs() -> None:
    missing = [name for name in ("avif", "webp", "jpg", "zlib") if not features.check(name)]
    if missing:
        raise RuntimeError(
            f"Pillow est installé sans les formats {', '.join(missing)} : réinstallez-le depuis "
            "pyproject.toml (pip install -e .)."
        )


def _bytes_per_pixel(image: Image.Image) -> int:
    """Memory a decode takes per pixel, measured with Pillow 13 (benchmarks/upload_memory.py):
    Pillow keeps a pixel in 4 bytes, RGB too; its WebP decoder (libwebp's animation API) holds
    two more canvases and a copy of the frame, and libwebp's encoder leaves memory behind in
    each thread's heap; other modes are converted beside the picture. A progressive JPEG is
    decoded with all its coefficients held, 2 bytes a sample (6 a pixel without chroma
    subsampling: a 64 Mpx one took 568 MB)."""
    per_pixel = 20 if image.format == "WEBP" else 4
    if _format(image) == "JPEG" and image.info.get("progressive"):
        per_pixel += _coefficient_bytes(image)
    return per_pixel + (0 if image.mode in _KEPT_MODES else 4)


def _format(image: Image.Image) -> str:
    """Pillow's format name, but a JPEG carrying a second picture (MPO: a phone's depth map or
    preview) is a JPEG: its first picture is the one browsers show."""
    return "JPEG" if image.format == "MPO" else image.format


def _coefficient_bytes(image: Image.Image) -> int:
    """Bytes of DCT coefficients per pixel a JPEG's components take (their sampling factors)."""
    layers = getattr(image, "layer", None) or [(None, 1, 1, None)] * len(image.getbands())
    most = max(h * v for _, h, v, _ in layers)
    return -(-2 * sum(h * v for _, h, v, _ in layers) // most)  # rounded up


def _damaged() -> ImageProblem:
    return ImageProblem("illisible ou endommagée : elle ne peut pas être décodée")


def _opened(data: bytes, limits: Limits, formats: tuple[str, ...] | None) -> Image.Image:
    """The file's header, refused when it is no picture, or too large to decode here."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # refused below
            image = Image.open(io.BytesIO(data), formats=formats)
    except UnidentifiedImageError:
        raise ImageProblem(
            "n’est pas une image lisible (formats acceptés : JPEG, PNG, WebP)", picture=False
        ) from None
    except Image.DecompressionBombError:
        raise ImageProblem(
            f"trop grande : plus de {2 * Image.MAX_IMAGE_PIXELS // 1_000_000} millions de pixels,"
            f" maximum {limits.max_pixels // 1_000_000} millions ; réduisez-la avant de l’ajouter"
        ) from None
    except DAMAGED:
        raise _damaged() from None
    scans = data.count(b"\xff\xda") if _format(image) == "JPEG" else 0
    if scans > MAX_SCANS:
        count = f"{scans:,}".replace(",", "\u202f")
        raise ImageProblem(
            f"enregistrée en trop de passes ({count} ; au plus {MAX_SCANS}) : ouvrez-la dans "
            "un logiciel d’images et enregistrez-la à nouveau"
        )
    width, height = image.size
    allowed = min(limits.max_pixels, DECODE_MEMORY // _bytes_per_pixel(image))
    if width * height > allowed:
        which = ""
        if allowed < limits.max_pixels:
            which = " pour une image WebP" if image.format == "WEBP" else " pour cette image"
        raise ImageProblem(
            f"trop grande : {width} × {height} pixels, maximum {allowed // 1_000_000} millions "
            f"de pixels{which} ; réduisez-la avant de l’ajouter"
        )
    return image


def _orientation(image: Image.Image) -> int:
    return image.getexif().get(0x0112, 1)


@contextmanager
def decoded(
    data: bytes,
    limits: Limits,
    need: tuple[int, int] | None = None,
    formats: tuple[str, ...] | None = None,
) -> Iterator[tuple[Image.Image, str, tuple[int, int]]]:
    """`data` as an upright picture without metadata, its Pillow format and its upright size
    (the picture's may be smaller: `need`), for the block; ImageProblem when it is not a
    picture, a bomb, too small, or damaged. The decode waits for
    its share of DECODE_MEMORY and gives it back with the pixels when the block ends (the
    picture is closed then: keep what you make of it, not it). `need`: the largest size any
    output will take (oriented), so a JPEG is decoded at a fraction of its size when that is
    enough (libjpeg's DCT scaling). `formats`: the only Pillow formats tried (uploads: no EPS,
    which would run Ghostscript)."""
    image = _opened(data, limits, formats)
    width, height = image.size
    fmt = _format(image)
    try:
        if need and fmt == "JPEG":  # the orientation of a JPEG is in its header
            wanted = need[::-1] if _orientation(image) in _TRANSPOSED else need
            image.draft(image.mode if image.mode in ("RGB", "L") else "RGB", wanted)
    except DAMAGED:
        raise _damaged() from None
    with _budget.hold(image.width * image.height * _bytes_per_pixel(image)):
        try:
            image.load()
            if _orientation(image) in _TRANSPOSED:
                width, height = height, width
            ImageOps.exif_transpose(image, in_place=True)  # a copy only when turned
            upright = _without_metadata(image)
        except DAMAGED:
            image.close()
            raise _damaged() from None
        try:
            if width < limits.min_width or height < limits.min_height:
                raise ImageProblem(
                    f"trop petite ({width} × {height} pixels ; au moins "
                    f"{limits.min_width} × {limits.min_height} pixels)"
                )
            if upright is image and fmt == "WEBP":
                # The file's object keeps libwebp's decoder, two canvases as large as the
                # picture, as long as it lives: only a copy of its pixels goes on.
                upright = image.copy()
            if upright is not image:
                image.close()
                image = upright  # the file's object is let go now, not when the block ends
            yield upright, fmt, (width, height)
        finally:
            upright.close()
            image.close()


def _without_metadata(image: Image.Image) -> Image.Image:
    icc = image.info.get("icc_profile")
    if image.mode not in _KEPT_MODES:
        image = image.convert("RGBA" if has_alpha(image) else "RGB")
    image.info = {"icc_profile": icc} if icc else {}
    return image


def has_alpha(image: Image.Image) -> bool:
    """True when some pixel is at least partly transparent."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        alpha = image.convert("RGBA").getchannel("A")
        return alpha.getextrema()[0] < 255
    return False


def fallback_format(image: Image.Image, source_format: str | None) -> str:
    """The format of the <img> every browser reads: PNG keeps transparency and sharp drawings,
    JPEG is far smaller for photos."""
    return "png" if source_format == "PNG" or has_alpha(image) else "jpeg"


def crop_box(
    size: tuple[int, int], ratio: float, focus: tuple[float, float] = (0.5, 0.5)
) -> tuple[int, int, int, int]:
    """The largest box of `ratio` (width / height) inside `size`, centred on `focus` (fractions
    of the width and height) as far as the edges allow."""
    width, height = size
    box_w, box_h = (
        (width, round(width / ratio))
        if width / height < ratio
        else (
            round(height * ratio),
            height,
        )
    )
    box_w, box_h = min(box_w, width), min(box_h, height)
    left = min(max(round(focus[0] * width - box_w / 2), 0), width - box_w)
    top = min(max(round(focus[1] * height - box_h / 2), 0), height - box_h)
    return left, top, left + box_w, top + box_h


def encode(image: Image.Image, fmt: str, options: dict | None = None) -> bytes:
    """`image` encoded as `fmt` (a key of ENCODERS), with no metadata but its colour profile.
    `options`: the encoder's, instead of the build's (the room stores uploads at a higher
    quality, since the build encodes them again)."""
    name, default = ENCODERS[fmt]
    options = default if options is None else options
    if fmt == "jpeg" and image.mode not in ("RGB", "L"):
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.convert("RGBA").getchannel("A"))
        image = flat
    elif fmt in ("avif", "webp") and image.mode in ("L", "LA"):
        image = image.convert("RGBA" if image.mode == "LA" else "RGB")
    out = io.BytesIO()
    extra = {"icc_profile": image.info["icc_profile"]} if "icc_profile" in image.info else {}
    image.save(out, name, **options, **extra)
    return out.getvalue()
