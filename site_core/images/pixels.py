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

Privacy: outputs never carry EXIF, XMP or text chunks (GPS position, camera, author); only the
ICC colour profile is kept, without which a wide-gamut phone photo would shift colours.
"""

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError, features

# Above this many pixels a file is refused before being decoded (a decompression bomb, or a
# photo far larger than any screen needs): 64 Mpx is an 8000×8000 picture, 190 MB once decoded.
MAX_PIXELS = 64_000_000
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
    """The file is not a usable picture; the message says why, in French."""


@dataclass(frozen=True)
class Limits:
    """What a source must be: at least this large (once oriented), at most MAX_PIXELS."""

    min_width: int = 1
    min_height: int = 1
    max_pixels: int = MAX_PIXELS


def check_codecs() -> None:
    missing = [name for name in ("avif", "webp", "jpg", "zlib") if not features.check(name)]
    if missing:
        raise RuntimeError(
            f"Pillow est installé sans les formats {', '.join(missing)} : réinstallez-le depuis "
            "pyproject.toml (pip install -e .)."
        )


def open_checked(
    data: bytes,
    limits: Limits,
    need: tuple[int, int] | None = None,
    formats: tuple[str, ...] | None = None,
) -> Image.Image:
    """Decode `data` into an upright image without metadata, refusing what is not a picture, a
    bomb, too small, or corrupt. `need`: the largest size any output will take (oriented), so a
    JPEG is decoded at a fraction of its size when that is enough (libjpeg's DCT scaling).
    `formats`: the only Pillow formats tried (uploads: no EPS, which would run Ghostscript)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=formats)
    except UnidentifiedImageError:
        raise ImageProblem(
            "ce fichier n’est pas une image lisible (formats acceptés : JPEG, PNG, WebP)"
        ) from None
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _too_large(limits) from None
    width, height = image.size
    if width * height > limits.max_pixels:
        raise _too_large(limits, f"{width} × {height} pixels, ")
    orientation = image.getexif().get(0x0112, 1)
    if orientation in _TRANSPOSED:
        width, height = height, width
    if width < limits.min_width or height < limits.min_height:
        raise ImageProblem(
            f"image trop petite ({width} × {height} pixels ; au moins "
            f"{limits.min_width} × {limits.min_height} pixels)"
        )
    if need and image.format == "JPEG":
        wanted = need[::-1] if orientation in _TRANSPOSED else need
        image.draft(image.mode if image.mode in ("RGB", "L") else "RGB", wanted)
    try:
        image.load()
        upright = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError):
        raise ImageProblem("image abîmée ou incomplète : elle ne peut pas être décodée") from None
    return _without_metadata(upright)


def _too_large(limits: Limits, size: str = "") -> ImageProblem:
    return ImageProblem(
        f"image trop grande ({size}plus de {limits.max_pixels // 1_000_000} millions de pixels) :"
        " réduisez-la avant de l’ajouter"
    )


def _without_metadata(image: Image.Image) -> Image.Image:
    icc = image.info.get("icc_profile")
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
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
