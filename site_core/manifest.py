"""The manifest: what the build tells the service about the site it wrote.

The build writes it last (plugins/comments) into the output folder; the service reads it from
the folder it serves, so it never reads Pelican's settings files: the site's address, the theme
it was built with, the comment endpoint, what the comments feed needs, and per article what
the comment forms and the patching of pages need, and where each page readers can reach
is (the room's « Voir en ligne »). Version 1 of the schema is `to_json`.
"""

import json
import os
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path

from site_core.files import write_atomic
from site_core.paths import COMMENTS_ENDPOINT, MANIFEST_NAME

VERSION = 1
# The build settings the comments feed is written with (plus SITEURL and OUTPUT_PATH).
FEED_SETTINGS = (
    "SITENAME",
    "TIMEZONE",
    "THEME_STATIC_DIR",
    "FEED_MAX_ITEMS",
    "FEEDS_COMMENTS_SAVE_AS",
    "FEEDS_SUMMARY_LENGTH",
)


@dataclass(frozen=True)
class ArticleEntry:
    """One article as the service sees it."""

    slug: str
    title: str  # plain text
    url: str  # relative to the site's root, like Pelican's article.url
    save_as: str  # its page, relative to the output folder
    comments_open: bool
    status: str  # published, hidden or draft
    date: datetime
    # Pages (relative paths) that show this article's comment count: lists, thèmes, …
    count_pages: tuple[str, ...] = ()
    # For the e-mail lettre (optional, so older manifests still read): the thème, the chapô as
    # plain text, and the card image's address (absolute, or relative to the site's root).
    category: str = ""
    category_slug: str = ""
    summary: str = ""
    image: str = ""


@dataclass(frozen=True)
class Manifest:
    site_url: str = ""
    theme_templates: str = ""  # absolute path of the theme's templates folder
    comments_endpoint: str = COMMENTS_ENDPOINT
    feed_settings: dict = field(default_factory=dict)
    articles: dict[str, ArticleEntry] = field(default_factory=dict)
    # The thèmes (category slug -> name), for the lettre's subscription form (optional).
    categories: dict[str, str] = field(default_factory=dict)
    # The pages readers can reach, published or hidden (slug -> url relative to the site's
    # root), for the room's « Voir en ligne » (optional).
    pages: dict[str, str] = field(default_factory=dict)

    def feed_settings_for(self, output_dir: Path, site_url: str) -> dict:
        """Settings for site_core.feeds, writing into `output_dir` for `site_url`."""
        return {**self.feed_settings, "SITEURL": site_url, "OUTPUT_PATH": str(output_dir)}

    def to_json(self) -> str:
        # Fields read directly: dataclasses.asdict deep-copies every value first, a third of an
        # incremental rebuild's time at 1,000 articles.
        data = _fields(self)
        data["articles"] = {
            slug: {**_fields(entry), "date": entry.date.isoformat()}
            for slug, entry in sorted(self.articles.items())
        }
        # One line: with `indent`, json encodes in Python, not C (0.1 s at 1,000 articles).
        return json.dumps({"version": VERSION, **data}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "Manifest":
        data = json.loads(text)
        if data.pop("version", None) != VERSION:
            raise ValueError("unknown manifest version")
        # Fields added later are optional; fields this reader does not know are ignored, so a
        # service and a build of different ages still understand each other within version 1.
        known = {f.name for f in fields(ArticleEntry)}
        articles = {
            slug: ArticleEntry(
                **{
                    **{name: value for name, value in entry.items() if name in known},
                    "date": datetime.fromisoformat(entry["date"]),
                    "count_pages": tuple(entry["count_pages"]),
                }
            )
            for slug, entry in data.pop("articles").items()
        }
        own = {f.name for f in fields(cls)}
        settings = {name: value for name, value in data.items() if name in own}
        return cls(**settings, articles=articles)

    def write(self, output_dir: Path) -> Path:
        path = Path(output_dir) / MANIFEST_NAME
        write_atomic(path, self.to_json())
        return path


def _fields(instance) -> dict:
    return {item.name: getattr(instance, item.name) for item in fields(instance)}


class ManifestFile:
    """The manifest of the site in `site_dir`, re-read whenever a build replaces it.

    One stat() per call (about 2 µs) so every part of the service sees a new build at once;
    a missing or unreadable file reads as an empty manifest (no build yet: no article).
    """

    def __init__(self, site_dir: Path):
        self.path = Path(site_dir) / MANIFEST_NAME
        self._stamp: tuple | None = None
        self._manifest = Manifest()

    def current(self) -> Manifest:
        try:
            stat = os.stat(self.path)
        except OSError:
            self._stamp, self._manifest = None, Manifest()
            return self._manifest
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        if stamp != self._stamp:
            try:
                self._manifest = Manifest.from_json(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError, TypeError, KeyError):
                self._manifest = Manifest()
            self._stamp = stamp
        return self._manifest
