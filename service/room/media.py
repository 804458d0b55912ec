"""Images: uploads checked with Pillow and stored in content/images/, and the library.

An upload is refused, with a French message, unless Pillow reads it as a JPEG, PNG or WebP
picture of at least the build's minimum size (IMAGES_MIN_SIZE) and at most MAX_PIXELS, counted
from its header before any decoding (a decompression bomb never reaches memory). What is stored
is not the uploaded file but the picture re-encoded by Pillow: turned the right way up (EXIF
orientation), with no EXIF, XMP or text chunk left (GPS position, camera, names) but its colour
profile, under a name the room makes (lower-case letters, digits, dashes, the format's own
extension). So nothing uploaded can be served as anything but an image: an HTML or SVG file is
not an image to Pillow, and bytes hidden after a real picture do not survive re-encoding.

The checks and their French messages are site_core.images.pixels's, shared with the build.
"""

import hashlib
import io
import re
from pathlib import Path

from pelican.utils import slugify
from PIL import Image

from site_core.files import write_atomic
from site_core.images import pixels
from site_core.images.pixels import MAX_PIXELS, ImageProblem, Limits, open_checked

IMAGE_FOLDER = "images"
# Pillow format -> (extension, media type, encoder options).
FORMATS = {
    "JPEG": (".jpg", "image/jpeg", {"quality": 92, "optimize": True}),
    "PNG": (".png", "image/png", {"optimize": True}),
    "WEBP": (".webp", "image/webp", {"quality": 90}),
}
MEDIA_TYPES = {ext: media for ext, media, _ in FORMATS.values()} | {".jpeg": "image/jpeg"}
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,119}\.(?:jpe?g|png|webp)", re.IGNORECASE)


class ImageRefused(ValueError):
    """The upload is not a usable picture; the message says why, in French."""


def check(data: bytes, min_size: tuple[int, int]) -> tuple[Image.Image, str]:
    """The upright picture without metadata, and its Pillow format; ImageRefused if not.

    The checks are the build's own (site_core.images.pixels.open_checked: readable, not a bomb,
    large enough once turned upright, not corrupt), so an image the room accepts never fails the
    build; the room adds that the format must be one a browser shows everywhere."""
    try:
        upright = open_checked(
            data, Limits(*min_size, max_pixels=MAX_PIXELS), formats=tuple(FORMATS)
        )
    except ImageProblem as problem:
        text = str(problem)
        raise ImageRefused(f"{text[0].upper()}{text[1:]}.") from None
    return upright, Image.open(io.BytesIO(data), formats=tuple(FORMATS)).format  # header only


def encode(image: Image.Image, fmt: str) -> bytes:
    """`image` in the Pillow format `fmt`, at the room's quality (site_core.images.pixels)."""
    return pixels.encode(image, fmt.lower(), FORMATS[fmt][2])


class Media:
    def __init__(self, content_dir: Path):
        self.folder = Path(content_dir) / IMAGE_FOLDER

    def listing(self) -> list[str]:
        """Names of the pictures in the library, newest first."""
        try:
            files = [
                p for p in self.folder.iterdir() if SAFE_NAME.fullmatch(p.name) and p.is_file()
            ]
        except FileNotFoundError:
            return []
        return [p.name for p in sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)]

    def path(self, name: str) -> Path | None:
        """The library file called `name`, if it is one the room may show."""
        if not SAFE_NAME.fullmatch(name or ""):
            return None
        path = self.folder / name
        return path if path.is_file() else None

    def store(self, data: bytes, filename: str, min_size: tuple[int, int]) -> str:
        """Check and store an upload; return its file name in the library."""
        image, fmt = check(data, min_size)
        encoded = encode(image, fmt)
        stem = slugify(
            Path(filename or "image").stem, regex_subs=[(r"[^\w\s-]", ""), (r"[-\s_]+", "-")]
        )
        stem = stem.strip("-")[:80] or "image"
        extension = FORMATS[fmt][0]
        self.folder.mkdir(parents=True, exist_ok=True)
        for number in range(1, 10_000):
            name = f"{stem}{extension}" if number == 1 else f"{stem}-{number}{extension}"
            try:  # "x": the name is ours alone, even with two uploads of « photo.jpg » at once
                with open(self.folder / name, "xb") as handle:
                    handle.write(encoded)
            except FileExistsError:
                continue
            (self.folder / name).chmod(0o644)
            return name
        raise ImageRefused("Trop d’images portent déjà ce nom : renommez le fichier.")

    def thumbnail(self, name: str, cache: Path) -> tuple[Path, str] | None:
        """A small copy of a library picture for the room's pages (made once per version)."""
        path = self.path(name)
        if path is None:
            return None
        stat = path.stat()
        extension = ".png" if path.suffix.lower() == ".png" else ".jpg"
        version = f"{name}:{stat.st_mtime_ns}:{stat.st_size}".encode()
        target = cache / (hashlib.sha256(version).hexdigest()[:24] + extension)
        if not target.exists():
            try:
                image, fmt = check(path.read_bytes(), (1, 1))
            except ImageRefused:
                return None
            image.thumbnail((480, 480))
            write_atomic(target, encode(image, "PNG" if extension == ".png" else "JPEG"))
        return target, MEDIA_TYPES[extension]
