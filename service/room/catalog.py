"""Every article and page the room knows, as it lists them, with their status.

The status is the file's, i.e. what readers see (store.py): « en ligne », « masqué » (`hidden`:
online at its address, listed nowhere), « programmé » (published, dated in the future: the
build keeps it off the site until then, WITH_FUTURE_DATES = False, and the scheduler publishes
it on time), « brouillon » (`Status: draft` by hand, or never published: revisions and no
file) and « retiré » (its file removed by a withdrawal). Apart from it, « modifications non
publiées »: work in progress differing from the file. Files are parsed once per change (cached
by modification time and size): listing 1,000 articles reads 1,000 `stat`s.
"""

import os
import re
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from service.core import clock, db
from service.room import revisions
from service.room.articles import KINDS, NAME, Document, parse
from site_core.dates import format_datetime

STATUSES = {
    "publie": "en ligne",
    "programme": "programmé",
    "masque": "masqué",
    "brouillon": "brouillon",
    "retire": "retiré",
}
PLURALS = {"programme": "programmés", "masque": "masqués", "brouillon": "brouillons"}
PLURALS.update(retire="retirés")
UNPUBLISHED = "modifications non publiées"


def status_label(status: str, date: datetime | None, unpublished: bool) -> str:
    """« en ligne, modifications non publiées », « programmé le 3 mars 2027 à 9 h 00 »…"""
    label = STATUSES[status]
    if status == "programme" and date is not None:
        label += f" le {format_datetime(date)}"
    return f"{label}, {UNPUBLISHED}" if unpublished else label


_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?:[ T_](\d{1,2})[:h](\d{2})(?::(\d{2}))?)?")


def parse_date(value: str, timezone: str) -> datetime | None:
    """`AAAA-MM-JJ[ HH:MM[:SS]]` as the build reads it, in the site's time zone."""
    match = _DATE.match(value or "")
    if not match:
        return None
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=ZoneInfo(timezone))
    except ValueError:
        return None


def split_list(value: str, separator: str) -> list[str]:
    return [item.strip() for item in (value or "").split(separator) if item.strip()]


def status_of(document: Document, kind: str, timezone: str, now: datetime) -> str:
    status = document.get("status", "published").strip().lower()
    if status == "draft":
        return "brouillon"
    if status == "hidden":
        return "masque"
    date = parse_date(document.get("date"), timezone)
    if kind == "article" and date is not None and date > now:
        return "programme"
    return "publie"


@dataclass(frozen=True)
class Entry:
    folder: str  # "articles" or "pages"
    name: str  # file name without .md
    kind: str  # "article" or "page"
    title: str
    slug: str
    status: str  # a key of STATUSES
    date: datetime | None
    category: str
    tags: tuple[str, ...]
    speakers: tuple[str, ...]
    unpublished: bool = False  # work in progress differing from the file

    @property
    def label(self) -> str:
        return status_label(self.status, self.date, self.unpublished)

    @property
    def relative(self) -> str:
        return f"{self.folder}/{self.name}.md"


class Catalog:
    def __init__(self, content_dir: Path, database: Path):
        self.content_dir = Path(content_dir)
        self.database = database  # the articles known only by their revisions
        self._cache: dict[str, tuple[tuple, Document]] = {}
        self._lock = threading.Lock()

    def files(self) -> list[tuple[str, str, Document]]:
        """(folder, name, document) of every Markdown file the room can open."""
        found = []
        for folder in KINDS:
            try:
                names = sorted(os.scandir(self.content_dir / folder), key=lambda e: e.name)
            except FileNotFoundError:
                continue
            for entry in names:
                name, dot, extension = entry.name.rpartition(".")
                if extension != "md" or not dot or not NAME.fullmatch(name) or not entry.is_file():
                    continue
                found.append((folder, name, self._parse(entry)))
        return found

    def documents(self) -> list[tuple[str, str, Document, str, bool]]:
        """(folder, name, document, status key or "" for the file's own, unpublished work) of
        every file, then of every article known only by its revisions (its latest text)."""
        with db.connection(self.database, readonly=True) as conn:
            known = revisions.everything(conn)
        found = []
        for folder, name, document in self.files():
            info = known.pop(f"{folder}/{name}.md", None)
            found.append((folder, name, document, "", bool(info and info.unpublished)))
        for path, info in sorted(known.items()):
            folder, _, file_name = path.partition("/")
            if info.text is not None and folder in KINDS:
                status = "retire" if info.record.withdrawn else "brouillon"
                name = file_name.removesuffix(".md")
                found.append((folder, name, parse(info.text), status, False))
        return found

    def _parse(self, entry: os.DirEntry) -> Document:
        stat = entry.stat()
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        with self._lock:
            cached = self._cache.get(entry.path)
        if cached and cached[0] == stamp:
            return cached[1]
        document = parse(Path(entry.path).read_text(encoding="utf-8"))
        with self._lock:
            self._cache[entry.path] = (stamp, document)
        return document

    def taken_slugs(self, folder: str, name: str | None) -> dict[str, str]:
        """Slugs of the other files of `folder` (articles or pages), with their titles."""
        return {
            document.get("slug") or other: document.get("title") or other
            for kind, other, document, *_ in self.documents()
            if kind == folder and other != name
        }

    def entries(self, timezone: str, now: datetime | None = None) -> list[Entry]:
        now = now or clock.utc().astimezone(ZoneInfo(timezone))
        result = []
        for folder, name, document, status, unpublished in self.documents():
            kind = KINDS[folder]
            result.append(
                Entry(
                    folder=folder,
                    name=name,
                    kind=kind,
                    title=document.get("title") or name,
                    slug=document.get("slug") or name,
                    status=status or status_of(document, kind, timezone, now),
                    date=parse_date(document.get("date"), timezone),
                    category=document.get("category"),
                    tags=tuple(split_list(document.get("tags"), ",")),
                    speakers=tuple(split_list(document.get("authors"), ",")),
                    unpublished=unpublished,
                )
            )
        return result

    def neighbours(self, relative: str, timezone: str) -> list[str]:
        """The published articles just older and just newer than the article `relative` (what
        its page links to once it is published), for its preview."""
        entries = self.entries(timezone)
        target = next((e for e in entries if e.relative == relative), None)
        if target is None or target.kind != "article":
            return []
        others = sorted(
            (
                e
                for e in entries
                if e.kind == "article"
                and e.status == "publie"
                and e.date
                and e.relative != relative
            ),
            key=lambda e: e.date,
        )
        moment = target.date or clock.utc().astimezone(ZoneInfo(timezone))
        older = [e.relative for e in others if e.date <= moment][-1:]
        newer = [e.relative for e in others if e.date > moment][:1]
        return older + newer

    def tags(self) -> list[str]:
        """Every tag in use, in French alphabetical order."""
        seen = {tag for _, _, doc in self.files() for tag in split_list(doc.get("tags"), ",")}
        return sorted(seen, key=lambda tag: tag.casefold())
