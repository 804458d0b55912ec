"""From one source image to the files a page needs: sizes × formats, cached, put in the output.

A `Recipe` says what to make (an optional crop to a ratio around a focal point, the widths, the
formats); `Producer.make(source, recipe)` returns the `Variants` (URLs and pixel sizes) after
making sure each file is in the cache (site_core.images.cache) and linked into the output. The
source is decoded only when a file is missing, and then once for all of them.
"""

import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from site_core.images import pixels
from site_core.images.cache import VERSION, VariantCache, publish


@dataclass(frozen=True)
class Recipe:
    label: str  # added to output names: "" or "-carre", "-partage"…
    widths: tuple[int, ...]
    formats: tuple[str, ...] = ("avif", "webp", "fallback")
    ratio: float | None = None  # width / height of the crop; None keeps the whole picture
    focus: tuple[float, float] = (0.5, 0.5)
    limits: pixels.Limits = field(default_factory=pixels.Limits)
    upscale: bool = False  # only for fixed-size outputs (share cards): make every width

    @property
    def key(self) -> str:
        crop = f"r{self.ratio:.4f}-f{self.focus[0]:.3f}x{self.focus[1]:.3f}" if self.ratio else "w"
        return f"{crop}{'-up' if self.upscale else ''}"


@dataclass
class Variants:
    """The files made for one (source, recipe): `files[fmt]` lists (url, width, height) from
    the narrowest; `fallback` is "jpeg" or "png"."""

    files: dict[str, list[tuple[str, int, int]]]
    fallback: str
    # (cached file, file in the output) of each variant, for site_core.images.cache.republish.
    outputs: tuple[tuple[str, str], ...] = ()

    @property
    def largest(self) -> tuple[str, int, int]:
        return self.files[self.fallback][-1]


def _widths(recipe: Recipe, full_width: int) -> list[int]:
    if recipe.upscale:
        return list(recipe.widths)
    widths = [w for w in recipe.widths if w < full_width]
    top = min(full_width, max(recipe.widths))
    return widths if top in widths else widths + [top]


class Producer:
    def __init__(self, cache_root, content_root, output_root, site_url: str):
        self.cache = VariantCache(cache_root)
        self.content_root = Path(content_root)
        self.output_root = Path(output_root)
        self.site_url = site_url
        self._made: dict[tuple[str, Recipe], Variants] = {}

    @classmethod
    def from_settings(cls, settings) -> "Producer":
        """The producer of a Pelican build; the cache is IMAGES_CACHE_PATH, else
        CACHE_PATH/images (outside the output, kept between builds)."""
        cache = settings.get("IMAGES_CACHE_PATH") or Path(settings["CACHE_PATH"]) / "images"
        return cls(cache, settings["PATH"], settings["OUTPUT_PATH"], settings["SITEURL"])

    def make(self, source: Path, recipe: Recipe) -> Variants:
        """Every variant of `source` for `recipe`, in the cache and in the output (once per
        build: a portrait shown with many interviews is looked up once)."""
        key = (str(source), recipe)  # str: hashing a Path costs more than the lookup saves
        if key not in self._made:
            self._made[key] = self._make(source, recipe)
        return self._made[key]

    def _make(self, source: Path, recipe: Recipe) -> Variants:
        """The source's oriented size and fallback format come from the cache when known (a
        warm build opens no image), else from the one decode that also makes the variants."""
        digest = self.cache.digest(source)
        info = self.cache.info(digest)
        if info is not None:
            return self._variants(source, recipe, digest, info, None)
        # A JPEG is decoded at the scale the widest output needs (all of them from a new one).
        widest = max(recipe.widths)
        need = (widest, math.ceil(widest / recipe.ratio) if recipe.ratio else 1)
        with pixels.decoded(source.read_bytes(), recipe.limits, need) as (image, _fmt, size):
            info = {
                "width": size[0],
                "height": size[1],
                "fallback": pixels.fallback_format(image, _source_format(source)),
            }
            self.cache.put_info(digest, info)
            return self._variants(source, recipe, digest, info, image)

    def _variants(self, source, recipe: Recipe, digest: str, info: dict, image) -> Variants:
        """The variants' names, and the missing ones made: from `image` when decoded, else
        from a decode (a JPEG at the scale the largest missing output needs)."""
        limits, size = recipe.limits, (info["width"], info["height"])
        if size[0] < limits.min_width or size[1] < limits.min_height:
            raise pixels.ImageProblem(
                f"trop petite ({size[0]} × {size[1]} pixels ; au moins "
                f"{limits.min_width} × {limits.min_height} pixels)"
            )
        box = pixels.crop_box(size, recipe.ratio, recipe.focus) if recipe.ratio else None
        crop_w, crop_h = (box[2] - box[0], box[3] - box[1]) if box else size
        token = hashlib.sha256(f"{VERSION}:{digest}:{recipe.key}".encode()).hexdigest()[:10]
        folder = source.relative_to(self.content_root).parent.as_posix()
        prefix = ("" if folder == "." else f"{folder}/") + source.stem + recipe.label
        cached_folder, output = str(self.cache.folder(digest)), str(self.output_root)
        fallback = info["fallback"]
        files, missing, outputs = {}, [], []
        for fmt in recipe.formats:
            fmt = fallback if fmt == "fallback" else fmt
            files[fmt] = []
            for width in _widths(recipe, crop_w):
                height = round(width * (1 / recipe.ratio if recipe.ratio else crop_h / crop_w))
                ext = pixels.EXTENSIONS[fmt]
                name = f"{recipe.key}-{width}x{height}.{ext}"
                out = f"{prefix}-{width}.{token}.{ext}"
                files[fmt].append((f"{self.site_url}/{out}", width, height))
                outputs.append((f"{cached_folder}/{name}", f"{output}/{out}"))
                if not publish(*outputs[-1]):
                    missing.append((fmt, width, height, name, out))
        if missing and image is not None:
            self._encode(image, size, box, digest, missing)
        elif missing:
            largest = max(w for _, w, *_ in missing)
            need = (largest * size[0] // crop_w + 1, 1)
            with pixels.decoded(source.read_bytes(), limits, need) as (image, *_):
                self._encode(image, size, box, digest, missing)
        return Variants(files, fallback, tuple(outputs))

    def _encode(self, image, size, box, digest, missing) -> None:
        # A JPEG may have been decoded at a reduced scale: map the box onto it.
        scale = image.width / size[0]
        if box:
            box = tuple(round(v * scale) for v in box)
        resized = {}
        largest = None  # the widest output: smaller ones are scaled from it, 3× faster
        for fmt, width, height, name, out in sorted(missing, key=lambda m: -m[1]):
            if (width, height) not in resized:
                source, crop = (largest, None) if largest else (image, box)
                resized[width, height] = source.resize(
                    (width, height), Image.Resampling.LANCZOS, box=crop, reducing_gap=3.0
                )
                resized[width, height].info = image.info
                largest = largest or resized[width, height]
            cached = self.cache.put(digest, name, pixels.encode(resized[width, height], fmt))
            publish(cached, self.output_root / out)

    def save(self) -> None:
        self.cache.save()


def _source_format(source: Path) -> str | None:
    return {".png": "PNG", ".gif": "PNG"}.get(source.suffix.lower())
