"""Responsive, accessible images: content images and speakers' portraits as `<picture>`.

Every `<img>` of an article's or page's body gets AVIF and WebP sources and a JPEG/PNG
fallback in a few widths up to its own (plugins/images/content.py); each speaker of an
interview may have a square portrait (`Portraits` field, plugins/images/portraits.py), shown at
the top of the interview, on list cards (`article.portraits`, parallel to `article.speakers`)
and on the speaker's page (`speaker_portraits[author.slug]`, from their newest interview).
Files are made by site_core.images.variants, cached outside the output by content hash.

Raster images of the content folder are published only through this plugin, never copied as
they are by Pelican's static generator: the originals may carry EXIF data (GPS position).
"""

from pathlib import Path

from pelican import signals
from pelican.contents import Article, Page

from site_core import build_errors
from site_core.build import all_contents
from site_core.images.cache import keep_readable
from site_core.images.pixels import ImageProblem, Limits, check_codecs
from site_core.images.variants import Producer, Recipe

from .content import PageImages, Rejected, resolve, rewrite
from .picture import Picture, column_sizes
from .portraits import parse

RASTER_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".bmp", ".avif"}


class ImagesState:
    """The producer of one build and what the templates are given."""

    def __init__(self, settings):
        check_codecs()
        self.settings = settings
        self.producer = Producer.from_settings(settings)
        min_width, min_height = settings["IMAGES_MIN_SIZE"]
        max_pixels = settings["IMAGES_MAX_PIXELS"]
        limits = Limits(min_width, min_height, max_pixels)
        self.content = Recipe("", tuple(settings["IMAGES_WIDTHS"]), limits=limits)
        side = settings["IMAGES_PORTRAIT_MIN_SIZE"]
        self.portrait_limits = Limits(side, side, max_pixels)
        # One Picture per portrait, so its markup is written once for all the list pages.
        self.portraits: dict[tuple[str, tuple[float, float]], Picture] = {}

    def content_picture(self, path: Path, alt: str) -> Picture:
        variants = self.producer.make(path, self.content)
        sizes = column_sizes(
            variants.largest[1],
            self.settings["IMAGES_COLUMN_PX"],
            self.settings["IMAGES_GUTTER_PX"],
        )
        return Picture(variants, alt, sizes)

    def portrait(self, path: Path, focus) -> Picture:
        key = (str(path), focus)
        if key not in self.portraits:
            recipe = Recipe(
                "-portrait",
                tuple(self.settings["IMAGES_PORTRAIT_WIDTHS"]),
                ratio=1.0,
                focus=focus,
                limits=self.portrait_limits,
            )
            # The speaker's name stands beside it: it adds nothing to read (RGAA 1.2).
            self.portraits[key] = Picture(self.producer.make(path, recipe), "", "5rem")
        return self.portraits[key]


_state: ImagesState | None = None


def start(pelican) -> None:
    global _state
    _state = ImagesState(pelican.settings)


def _portraits(content, page: PageImages, problems: list[str]) -> list[Picture | None]:
    authors = getattr(content, "authors", None) or []
    value = content.metadata.get("portraits", "")
    if not value or not value.strip() or not authors:
        return []
    entries, field_problems = parse(value, len(authors))
    problems += field_problems
    pictures = []
    for entry in entries:
        picture = None
        if entry:
            try:
                picture = _state.portrait(resolve(entry.src, page), entry.focus)
            except (Rejected, ImageProblem) as problem:
                problems.append(f"champ « Portraits », image « {entry.src} » : {problem}")
        pictures.append(picture)
    return pictures if any(pictures) else []


def process(content) -> None:
    """content_object_init: portraits first (they stand above the body), then body images."""
    if _state is None or not isinstance(content, Article | Page):
        return
    page = PageImages(content.source_path, Path(content.settings["PATH"]), None, True)
    problems: list[str] = []
    pictures: list[Picture] = []
    if isinstance(content, Article):
        content.portraits = _portraits(content, page, problems)
        pictures += [picture for picture in content.portraits if picture]
        page.eager = not content.portraits

    def make(path: Path, alt: str) -> Picture:
        pictures.append(_state.content_picture(path, alt))
        return pictures[-1]

    page.make = make
    if content._content:
        content._content, body_problems = rewrite(content._content, page)
        problems += body_problems
    content.illustration = page.illustration
    # Files in the output this content needs: kept by keep_files, wherever it was read.
    content.image_files = tuple(pair for picture in pictures for pair in picture.variants.outputs)
    for problem in problems:
        build_errors.record(content.source_path, content.settings, problem)


def collect_portraits(generator) -> None:
    """Each speaker's portrait for their page: from their newest interview that has one."""
    portraits = {}
    for article in generator.articles:  # newest first
        for speaker, picture in zip(
            getattr(article, "speakers", []), getattr(article, "portraits", []), strict=False
        ):
            if picture and speaker.author.slug not in portraits:
                portraits[speaker.author.slug] = picture
    generator.context["speaker_portraits"] = portraits


def keep_originals_private(generator) -> None:
    """Drop raster images from the files Pelican copies as they are."""
    kept = [
        static
        for static in generator.staticfiles
        if Path(static.source_path).suffix.lower() not in RASTER_SUFFIXES
    ]
    generator.staticfiles[:] = kept
    generator.context["staticfiles"] = kept


def keep_files(generators) -> None:
    """all_generators_finalized (the build process): the picture files of every content readers
    may see are in the output and belong to this build (site_core.build's rule 5); those only
    drafts and future articles use are not."""
    contents = [content for generator in generators for content in all_contents(generator)]
    keep_readable(contents, lambda content: getattr(content, "image_files", ()))


def finish(_pelican) -> None:
    if _state is not None:
        _state.producer.save()


def register():
    signals.initialized.connect(build_errors.reset)
    signals.initialized.connect(start)
    signals.content_object_init.connect(process)
    signals.article_generator_finalized.connect(collect_portraits)
    signals.static_generator_finalized.connect(keep_originals_private)
    signals.all_generators_finalized.connect(build_errors.stop_on_problems)
    signals.all_generators_finalized.connect(keep_files)
    signals.finalized.connect(finish)
