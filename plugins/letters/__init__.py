"""« Lettres précédentes »: write the archive of the e-mail lettre into the built site.

Every lettre the comment service sent is kept in the comment store (COMMENTS_DB, read-only
here; a missing file or an older store means no lettre yet); each build writes /lettres/ (the
index, even empty, so links to it never break) and /lettres/<n>/, with the theme's lettres.html
and lettre.html around site_core.letter_archive's rendering, the one the service uses too.

It also gives every template COMMENTS_ENDPOINT (the comment service's address), which the
lettre's subscription form in every page's footer posts to, and `lettre_themes`, the (slug,
name) of each thème the form offers.
"""

from pathlib import Path

from pelican import signals

from site_core import db, letter_archive
from site_core.paths import COMMENTS_ENDPOINT


class LetterArchive:
    """One build's archive: the lettres read from the store, written after the articles."""

    def __init__(self, settings):
        self.settings = settings

    def letters(self) -> list[dict]:
        database = Path(self.settings.get("COMMENTS_DB", ""))
        if not database.is_file():
            return []
        conn = db.connect_readonly(database)
        try:
            return letter_archive.fetch_letters(conn)
        finally:
            conn.close()

    def write(self, generator, writer) -> None:
        env, site_url = generator.env, self.settings["SITEURL"]
        letters = letter_archive.online_only(
            self.letters(), {article.slug for article in generator.articles}
        )
        context = generator.context
        writer.write_file(
            letter_archive.save_as(letter_archive.ARCHIVE_URL),
            generator.get_template("lettres"),
            context,
            index_html=letter_archive.index_html(env, letters, site_url),
            url=letter_archive.ARCHIVE_URL,
        )
        for letter in letters:
            writer.write_file(
                letter_archive.save_as(letter["url"]),
                generator.get_template("lettre"),
                context,
                letter=letter,
                letter_html=letter_archive.letter_html(env, letter, site_url),
                url=letter["url"],
            )


def _endpoint(generator):
    endpoint = generator.settings.get("COMMENTS_ENDPOINT", COMMENTS_ENDPOINT)
    generator.env.globals.setdefault("COMMENTS_ENDPOINT", endpoint)


def _themes(generator):
    """article_generator_finalized: the thèmes as names only, so that a page showing the form
    does not depend on the articles (site_core.build's page fingerprints)."""
    generator.context["lettre_themes"] = [(c.slug, c.name) for c, _ in generator.categories]


def _write(generator, writer):
    LetterArchive(generator.settings).write(generator, writer)


def register():
    signals.generator_init.connect(_endpoint)
    signals.article_generator_finalized.connect(_themes)
    signals.article_writer_finalized.connect(_write)
