"""The « Lettres précédentes » pages of new lettres, written into the served site at once.

The build writes the whole archive from the comment store on every build (plugins/letters);
between two builds, the service writes a new lettre's page and the index as soon as it makes
the lettre, inside the site's page shell (the page the build writes for the service: same
header and footer, not indexed until the next build rewrites it), atomically and under the
site lock, like republish.py. If the service dies between making a lettre and writing its
page, the next build writes it.
"""

from pathlib import Path

from service.core import db
from service.core.site import Site
from site_core import letter_archive
from site_core.files import write_atomic
from site_core.locks import site_lock
from site_core.typography import typeset_text


class ArchiveWriter:
    def __init__(self, site: Site, database: Path):
        self.site = site
        self.database = Path(database)

    def __call__(self, letter_ids: list[int]) -> list[Path]:
        if not letter_ids:
            return []
        with db.connection(self.database, readonly=True) as conn:
            letters = letter_archive.fetch_letters(conn)
        # As the build shows them: a withdrawn or hidden article is in no lettre of the archive.
        listed = {
            slug
            for slug, entry in self.site.manifest.articles.items()
            if entry.status == "published"
        }
        letters = letter_archive.online_only(letters, listed)
        env, url = self.site.env(), self.site.url
        pages = [
            (
                letter_archive.save_as(letter["url"]),
                letter["title"],
                letter_archive.letter_html(env, letter, url),
            )
            for letter in letters
            if letter["number"] in letter_ids
        ]
        pages.append(
            (
                letter_archive.save_as(letter_archive.ARCHIVE_URL),
                letter_archive.INDEX_TITLE,
                letter_archive.index_html(env, letters, url),
            )
        )
        written = []
        with site_lock(self.database):
            for name, title, content in pages:
                path = self.site.dir / name
                write_atomic(path, self.site.shell.page(typeset_text(title), content))
                written.append(path)
        return written
