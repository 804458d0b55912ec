"""Fails the build on bad content, with a French message naming the file and the field: the
checks are site_core.content.rules, the ones the writing room runs before it saves a file.

Pelican alone logs « Could not process » and skips such a file, so an article could vanish from
the site unnoticed. Here every problem found while reading is recorded (in
`site_core.build_errors`, with those of the other plugins), and the build stops before anything
is written, listing each file and what is wrong with it.
"""

from pelican import readers, signals
from pelican.contents import Article, Page
from pelican.utils import get_date

from site_core.build_errors import ContentError, record, reset, stop_on_problems
from site_core.content import rules as content_rules

__all__ = ["ContentError", "register"]

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


# Markdown's parser recurses once per nested list or quotation: a text of 1,500 « - » in a row
# stopped the build with Python's « maximum recursion depth exceeded ».
TOO_DEEP = (
    "texte : trop de niveaux imbriqués (listes ou citations les unes dans les autres) ; "
    "simplifiez sa mise en forme"
)


def _guarded(reader_class):
    def read(self, source_path):
        try:
            return reader_class.read(self, source_path)
        except RecursionError as error:
            raise ValueError(record(source_path, self.settings, TOO_DEEP)) from error
        except Exception as error:
            raise ValueError(record(source_path, self.settings, str(error))) from error

    return type(reader_class.__name__, (reader_class,), {"read": read})


def check_content(content):
    """The same checks as the writing room's save (site_core.content.rules), on what Pelican
    read: a problem is recorded naming the file and the field."""
    if not isinstance(content, Article | Page):
        return
    metadata, settings = dict(content.metadata), content.settings
    # Pelican fills in DEFAULT_CATEGORY when the field is absent.
    if str(metadata.get("category")) == settings["DEFAULT_CATEGORY"]:
        metadata["category"] = content.metadata["category"] = ""
    metadata = {key: _plain(value) for key, value in metadata.items()}
    metadata["slug"] = content.slug or ""  # made from the title when the file has no Slug
    kind = "articles" if isinstance(content, Article) else "pages"
    found = content_rules.problems(kind, metadata, content._content or "", _rules(settings))
    if found:
        raise ValueError(record(content.source_path, settings, " ; ".join(m for _, m in found)))


def _plain(value):
    """Pelican's values as text: lists of authors and tags as lists of names."""
    return [str(item) for item in value] if isinstance(value, list | tuple) else str(value)


_cache: dict[int, content_rules.Rules] = {}


def _rules(settings) -> content_rules.Rules:
    """The rules of this build's settings, derived once per build."""
    if id(settings) not in _cache:
        _cache.clear()
        _cache[id(settings)] = content_rules.rules_of(settings)
    return _cache[id(settings)]


def register():
    readers.METADATA_PROCESSORS["date"] = _french_date("Date")
    readers.METADATA_PROCESSORS["modified"] = _french_date("Modified")
    signals.initialized.connect(reset)
    signals.readers_init.connect(guard_readers)
    signals.content_object_init.connect(check_content)
    signals.all_generators_finalized.connect(stop_on_problems)
