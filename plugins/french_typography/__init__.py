"""French typography, with the rules of `site_core.typography`, on everything the build writes:

- every article's and page's body, summary and title, as Pelican reads them, and the plain-text
  fields shown as they are (`Roles`, `Date_estimate`), as they are read;
- the theme's own text (labels, notes, page titles), typeset once when each template is
  compiled, and the `typo` filter for the values templates show (names, settings):
  `site_core.jinja_typography.FrenchTypography`, added to every generator's Jinja environment.
"""

from pelican import readers, signals
from pelican.contents import Article, Page

from site_core.jinja_typography import FrenchTypography
from site_core.typography import typeset_html, typeset_text

# Metadata shown to readers as written (not Markdown): typeset when read, before any plugin
# (speakers splits Roles) sees it.
PLAIN_TEXT_FIELDS = ("roles", "date_estimate")


def typeset_content(content) -> None:
    """content_object_init handler: typeset an article's or page's body, summary and title."""
    if not isinstance(content, (Article, Page)):
        return
    if content._content:
        content._content = typeset_html(content._content)
    summary = content.metadata.get("summary")
    if summary:
        content.metadata["summary"] = content._summary = typeset_html(summary)
    title = getattr(content, "title", None)
    if title:
        content.title = content.metadata["title"] = typeset_text(title)


def add_template_typography(generator) -> None:
    """generator_init handler: before any template is compiled."""
    generator.env.add_extension(FrenchTypography)


def register():
    for field in PLAIN_TEXT_FIELDS:
        readers.METADATA_PROCESSORS[field] = lambda value, _settings: typeset_text(value)
    signals.content_object_init.connect(typeset_content)
    signals.generator_init.connect(add_template_typography)
