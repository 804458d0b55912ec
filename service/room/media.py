"""Images: uploads checked with Pillow and stored in content/images/, and the library.

An upload is refused, with a French message naming the file, unless Pillow reads it as a JPEG,
PNG or WebP picture of at least the build's minimum size (IMAGES_MIN_SIZE) and at most what it
may decode (MAX_PIXELS, fewer for a WebP: site_core.images.pixels), counted from its header
before any decoding (a decompression bomb never reaches memory); a damaged file is refused, not
a server error. Decodes share a memory budget (four large uploads at once are decoded one after
the other) and happen once: the library's thumbnail is made from the same pixels, so showing
the library never decodes a full picture again (only a picture stored by other means).

What is stored is not the uploaded file but the picture re-encoded by Pillow: turned the right
way up (EXIF orientation), with no EXIF, XMP or text chunk left (GPS position, camera, names)
but its colour profile, under a name the room makes (lower-case letters, digits, dashes, the
format's own extension). So nothing uploaded can be served as anything but an image: an HTML
or SVG file is not an image to Pillow, and bytes hidden after a real picture do not survive
re-encoding.

The same picture sent twice is stored once: a re-encoded upload identical, byte for byte, to a
library file (same size, then same SHA-256) is that file, and its name is returned; re-encoding
is deterministic, so a photo sent again (under any name) is recognised.

The checks and their French messages are site_core.images.pixels's, shared with the build.
"""

import hashlib
import re
from pathlib import Path

from pelican.utils import slugify
from PIL import Image

from site_core.files import write_atomic
from site_core.images import pixels
from site_core.images.pixels import MAX_PIXELS, ImageProblem, Limits

IMAGE_FOLDER = "images"
# Pillow format -> (extension, media type, encoder options). No optimised JPEG: libjpeg would
# keep the whole picture's coefficients (190 MB at 64 Mpx) to save 5 % of a file the build
# encodes again.
FORMATS = {
    "JPEG": (".jpg", "image/jpeg", {"quality": 92}),
    "PNG": (".png", "image/png", {"optimize": True}),
    "WEBP": (".webp", "image/webp", {"quality": 90}),
}
MEDIA_TYPES = {ext: media for ext, media, _ in FORMATS.values()} | {".jpeg": "image/jpeg"}
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,119}\.(?:jpe?g|png|webp)", re.IGNORECASE)
THUMBNAIL = (480, 480)


class ImageRefused(ValueError):
    """The upload is not a usable picture; the message says why, in French."""


def encode(image: Image.Image, fmt: str) -> bytes:
    """`image` in the Pillow format `fmt`, at the room's quality (site_core.images.pixels)."""
    return pixels.encode(image, fmt.lower(), FORMATS[fmt][2])


class Media:
    def __init__(self, content_dir: Path, thumbnails: Path):
        self.folder = Path(content_dir) / IMAGE_FOLDER
        self.thumbnails = Path(thumbnails)

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

    def delete(self, name: str) -> bool:
        """Remove the library file `name` (its thumbnail is a cache: left to be replaced)."""
        path = self.path(name)
        if path is None:
            return False
        path.unlink(missing_ok=True)
        return True

    def store(self, data: bytes, filename: str, min_size: tuple[int, int]) -> tuple[str, bool]:
        """Check and store an upload, and its thumbnail; return its file name in the library
        and whether it is a new file (False: the same picture was there already).

        The checks are the build's own (site_core.images.pixels.decoded: readable, not a bomb,
        large enough once turned upright, not damaged), so an image the room accepts never
        fails the build; the room adds that the format must be one a browser shows everywhere."""
        limits = Limits(*min_size, max_pixels=MAX_PIXELS)
        try:
            with pixels.decoded(data, limits, formats=tuple(FORMATS)) as (image, fmt, _size):
                name, new = self._write(encode(image, fmt), filename, fmt)
                image.thumbnail(THUMBNAIL)  # from the same pixels: the library never decodes it
                self._write_thumbnail(image, self.folder / name)
        except ImageProblem as problem:
            raise ImageRefused(problem.about(filename or "sans nom")) from None
        return name, new

    def same_as(self, encoded: bytes, extension: str) -> str | None:
        """The library file whose bytes are `encoded`, if there is one (sizes compared first,
        so only a file of the very same size is read)."""
        digest = hashlib.sha256(encoded).digest()
        try:
            candidates = [
                p
                for p in self.folder.iterdir()
                if p.suffix == extension and SAFE_NAME.fullmatch(p.name) and p.is_file()
            ]
        except FileNotFoundError:
            return None
        for path in sorted(candidates):
            if path.stat().st_size == len(encoded):
                if hashlib.sha256(path.read_bytes()).digest() == digest:
                    return path.name
        return None

    def _write(self, encoded: bytes, filename: str, fmt: str) -> tuple[str, bool]:
        existing = self.same_as(encoded, FORMATS[fmt][0])
        if existing is not None:
            return existing, False
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
            return name, True
        raise ImageProblem("déjà présente sous trop de noms semblables : renommez le fichier")

    def _thumbnail_path(self, path: Path) -> Path:
        """The thumbnail of this version of a library file (its name, date and size)."""
        stat = path.stat()
        extension = ".png" if path.suffix.lower() == ".png" else ".jpg"
        version = f"{path.name}:{stat.st_mtime_ns}:{stat.st_size}".encode()
        return self.thumbnails / (hashlib.sha256(version).hexdigest()[:24] + extension)

    def _write_thumbnail(self, small: Image.Image, path: Path) -> Path:
        target = self._thumbnail_path(path)
        write_atomic(target, encode(small, "PNG" if target.suffix == ".png" else "JPEG"))
        return target

    def thumbnail(self, name: str) -> tuple[Path, str] | None:
        """A small copy of a library picture for the room's pages: made with the upload, or
        once per version of a file stored by other means (git, a copy)."""
        path = self.path(name)
        if path is None:
            return None
        target = self._thumbnail_path(path)
        if not target.exists():
            try:
                with pixels.decoded(path.read_bytes(), Limits(), THUMBNAIL) as (image, *_):
                    image.thumbnail(THUMBNAIL)
                    self._write_thumbnail(image, path)
            except ImageProblem:
                return None
        return target, MEDIA_TYPES[target.suffix]
