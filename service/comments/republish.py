"""Update the built site after a moderation action, without a Pelican build.

A full build takes seconds at 1,000 articles; a moderator expects the page to change at once.
So, on every change (event `comment-changed`), the service re-renders the article's comments
section and its « N commentaires » counts with the build's own functions
(site_core.comments.sections) and swaps them into the built pages between their markers, then
rewrites the comments feed with the build's feed writer (site_core.feeds) and the settings the
build put in the manifest. Pages are replaced atomically (readers never see half a file), under
the site lock (site_core.locks) that full builds and publishing take too.

Articles the manifest does not know (no build since they were added) are skipped: the next
build bakes their comments.
"""

from pathlib import Path

from service.core import clock, db
from service.core.events import Change
from service.core.site import Site
from site_core.comments import sections
from site_core.comments.threads import build_threads, feed_comments, fetch_approved
from site_core.feeds import write_comment_feeds
from site_core.files import write_atomic
from site_core.locks import site_lock


class Republisher:
    """Patches the built pages of one site from one comment store."""

    def __init__(self, site: Site, database: Path):
        self.site = site
        self.database = Path(database)

    def __call__(self, change: Change) -> None:
        self.republish(change.articles)

    def republish(self, slugs) -> list[Path]:
        """Bring the pages of the articles `slugs` up to date; return the files rewritten."""
        manifest = self.site.manifest
        wanted = [slug for slug in dict.fromkeys(slugs) if slug in manifest.articles]
        if not wanted:
            return []
        written = []
        with site_lock(self.database):
            with db.connection(self.database, readonly=True) as conn:
                for slug in wanted:
                    written += self._patch_article(manifest.articles[slug], conn)
                comments = feed_comments(
                    fetch_approved(conn), manifest.articles, clock.utc().astimezone()
                )
            settings = manifest.feed_settings_for(self.site.dir, self.site.url)
            written += write_comment_feeds(settings, comments)
        return written

    def _patch_article(self, article, conn) -> list[Path]:
        env = self.site.env()
        roots, shown = build_threads(fetch_approved(conn, article.slug), article)
        section = sections.section_html(
            env,
            article,
            roots,
            len(shown),
            site_url=self.site.url,
            endpoint=self.site.manifest.comments_endpoint,
        )
        count = sections.count_html(env, article.slug, len(shown))
        written = []
        for name in dict.fromkeys([article.save_as, *article.count_pages]):
            path = self.site.dir / name
            try:
                html = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                continue
            new = sections.patch(
                html, article.slug, section if name == article.save_as else None, count
            )
            if new != html:
                write_atomic(path, new, mode=path.stat().st_mode & 0o777)
                written.append(path)
        return written
