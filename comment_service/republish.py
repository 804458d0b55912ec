"""Update the built site after a moderation action, without a Pelican build.

A full build takes seconds at 1,000 articles; a moderator expects the page to change at once.
So the service re-renders the article's comments section with the theme's own partial
(`partials/comments.html`, the one the build includes) and swaps it into the built page between
its markers, swaps the « N commentaires » counts on every page the build recorded in the
article manifest, and rewrites the comments feed with the feeds plugin's own writer. Pages are
replaced atomically (readers never see half a file), under a lock shared by every process
working on the same database.

Articles the manifest does not know (no build since they were added) are skipped: the next
build bakes their comments.
"""

import fcntl
import json
import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pelican.settings import read_settings

from . import db, tokens
from .config import Config
from .templating import load_plugin, make_env


@dataclass
class ArticleRef:
    """What the comment partials read of an article, rebuilt from the manifest."""

    slug: str
    title: str
    url: str
    comments_open: bool
    comment_token: str
    status: str
    date: datetime
    comments: list = field(default_factory=list)
    comment_count: int = 0


class Republisher:
    """Patches the built pages of one site; keeps its templates and manifest between calls."""

    def __init__(self, config: Config):
        self.config = config
        self.env = make_env(config)
        self.plugin = load_plugin(config.project_dir, "comments")
        self.feeds = load_plugin(config.project_dir, "feeds")
        # The build's settings, for the feed writer, with this service's public address.
        self.settings = read_settings(
            str(config.project_dir / "pelicanconf.py"),
            override={"SITEURL": config.site_url, "OUTPUT_PATH": str(config.site_dir)},
        )
        self._section = self.env.get_template("partials/comments.html")
        self._count = self.env.get_template("partials/comment_count_text.html")
        self._manifest: dict = {}
        self._manifest_stamp: tuple | None = None

    def manifest(self) -> dict:
        """The article manifest of the last build, re-read when a build replaces it."""
        path = self.config.site_dir / self.plugin.MANIFEST_NAME
        try:
            stat = path.stat()
        except FileNotFoundError:
            return {}
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._manifest_stamp:
            self._manifest = json.loads(path.read_text(encoding="utf-8"))
            self._manifest_stamp = stamp
        return self._manifest

    def republish(self, slugs) -> list[Path]:
        """Bring the pages of the articles `slugs` up to date; return the files rewritten."""
        manifest = self.manifest()
        wanted = [slug for slug in dict.fromkeys(slugs) if slug in manifest]
        if not wanted:
            return []
        written = []
        with _lock(self.config.database), _closing(db.connect(self.config.database)) as conn:
            for slug in wanted:
                article = self._article(slug, manifest[slug])
                self.plugin.attach(article, self.plugin.fetch_approved(conn, slug))
                written += self._patch_article(article, manifest[slug])
            written += self._write_feed(conn, manifest)
        return written

    def _article(self, slug: str, entry: dict) -> ArticleRef:
        return ArticleRef(
            slug=slug,
            title=entry["title"],
            url=entry["url"],
            comments_open=entry["comments_open"],
            comment_token=tokens.issue(self.config.secret_key, slug),
            status=entry["status"],
            date=datetime.fromisoformat(entry["date"]),
        )

    def _write_feed(self, conn, manifest: dict) -> list[Path]:
        """The comments feed from every shown approved comment, as the build writes it."""
        by_article: dict[str, list] = {}
        for row in self.plugin.fetch_approved(conn):
            by_article.setdefault(row["article_slug"], []).append(row)
        now = datetime.now().astimezone()
        shown = []
        for slug, rows in by_article.items():
            if slug in manifest:
                article = self._article(slug, manifest[slug])
                if self.feeds.in_feeds(article, now):
                    shown += self.plugin.build_threads(rows, article)[1]
        return self.feeds.write_comment_feeds(self.settings, shown)

    def _patch_article(self, article: ArticleRef, entry: dict) -> list[Path]:
        section = self._section.render(article=article).strip()
        count = self._count.render(article=article).strip()
        start, end = self.plugin.SECTION_START, self.plugin.SECTION_END
        section_re = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
        count_re = re.compile(
            re.escape(self.plugin.COUNT_START.format(slug=article.slug))
            + ".*?"
            + re.escape(self.plugin.COUNT_END),
            re.DOTALL,
        )
        written = []
        for name in dict.fromkeys([entry["save_as"], *entry["count_pages"]]):
            path = self.config.site_dir / name
            try:
                html = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                continue
            new = html
            if name == entry["save_as"]:
                new = section_re.sub(lambda _: section, new, count=1)
            new = count_re.sub(lambda _: count, new)
            if new != html:
                _write_atomic(path, new)
                written.append(path)
        return written


_current: Republisher | None = None


def republisher(config: Config) -> Republisher:
    """The republisher of `config`, kept while the same config is in use."""
    global _current
    if _current is None or _current.config is not config:
        _current = Republisher(config)
    return _current


def republish(config: Config, slugs) -> list[Path]:
    """Update the built pages of `slugs` if the config asks for it; see `Republisher`."""
    return republisher(config).republish(slugs) if config.republish else []


@contextmanager
def _closing(conn):
    try:
        yield conn
    finally:
        conn.close()


@contextmanager
def _lock(database: Path):
    """Serialise republishing across processes (web service, CLI) sharing one database."""
    path = Path(database).with_name(Path(database).name + ".republish.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".republish-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
