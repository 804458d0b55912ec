"""Fails the build on bad content, with a French message naming the file and the field.

Pelican alone logs « Could not process » and skips such a file, so an article could vanish from
the site unnoticed. Here every problem found while reading is recorded (in
`site_core.build_errors`, with those of the other plugins), and the build stops before anything
is written, listing each file and what is wrong with it.
"""

from pelican import readers, signals
from pelican.contents import Article, Page
from pelican.utils import get_date

from site_core.build_errors import ContentError, record, reset, stop_on_problems

__all__ = ["ContentError", "register"]

REQUIRED_ARTICLE_FIELDS = {
    "title": "Title",
    "date": "Date",
    "category": "Category",
    "authors": "Authors",
    "summary": "Summary",
}
DATE_FORMAT_HINT = "format attendu : AAAA-MM-JJ ou AAAA-MM-JJ HH:MM, par exemple 2022-01-10 09:00"


def _french_date(field):
    def parse(value, _settings):
        try:
            return get_date(value.replace("_", " "))
        except (ValueError, OverflowError):
            raise ValueError(
                f"champ « {field} » : « {value} » n’est pas une date valide ({DATE_FORMAT_HINT})"
            ) from None

    return parse


def guard_readers(pelican_readers):
    """Swap every reader class for one whose failures name the file, in French."""
    for extension, reader_class in pelican_readers.reader_classes.items():
        pelican_readers.reader_classes[extension] = _guarded(reader_class)


def _guarded(reader_class):
    def read(self, source_path):
        try:
            return reader_class.read(self, source_path)
        except Exception as error:
            raise ValueError(record(source_path, self.settings, str(error))) from error

    return type(reader_class.__name__, (reader_class,), {"read": read})


def _article_problems(article):
    metadata, settings = article.metadata, article.settings
    # Pelican fills in DEFAULT_CATEGORY when the field is absent.
    category = metadata.get("category")
    if str(category) == settings["DEFAULT_CATEGORY"]:
        category = metadata["category"] = ""
    for key, field in REQUIRED_ARTICLE_FIELDS.items():
        if not str(metadata.get(key, "")).strip():
            yield f"champ « {field} » manquant"
    allowed = settings.get("ALLOWED_CATEGORIES")
    if category and allowed and str(category) not in allowed:
        yield (
            f"champ « Category » : thème « {category} » inconnu "
            f"(thèmes autorisés : {', '.join(allowed)})"
        )
    roles = [role for role in metadata.get("roles", "").split(";") if role.strip()]
    authors = metadata.get("authors", [])
    if roles and len(roles) != len(authors):
        yield (
            f"champ « Roles » : {len(roles)} rôle(s) pour {len(authors)} intervenant(s) dans "
            "« Authors » (un rôle par intervenant, séparés par des points-virgules)"
        )


def check_content(content):
    if not isinstance(content, Article | Page):
        return
    settings = content.settings
    if isinstance(content, Article):
        problems = list(_article_problems(content))
    else:
        problems = [] if content.metadata.get("title") else ["champ « Title » manquant"]
    status = content.metadata.get("status")
    allowed_statuses = settings.get("ALLOWED_STATUSES")
    if status and allowed_statuses and status not in allowed_statuses:
        problems.append(
            f"champ « Status » : statut « {status} » inconnu "
            f"(statuts autorisés : {', '.join(allowed_statuses)})"
        )
    if problems:
        raise ValueError(record(content.source_path, settings, " ; ".join(problems)))


def register():
    readers.METADATA_PROCESSORS["date"] = _french_date("Date")
    readers.METADATA_PROCESSORS["modified"] = _french_date("Modified")
    signals.initialized.connect(reset)
    signals.readers_init.connect(guard_readers)
    signals.content_object_init.connect(check_content)
    signals.all_generators_finalized.connect(stop_on_problems)
