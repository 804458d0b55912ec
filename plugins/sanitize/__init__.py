"""Article markup on an allow-list: what a writer types cannot script a reader's browser.

Markdown passes raw HTML through, and a rédaction account's `<script>`, `onclick` or
`javascript:` link ran with the session of the administrator who read the article (issue 19).
Once every other plugin has rendered its HTML (`content_object_init`, connected last: this
plugin is last in PLUGINS), the body, the chapô and every other formatted field
(FORMATTED_FIELDS) keep only what `site_core.content.policy.clean_html` allows, which is all the
site's own Markdown and plugins produce. Fields shown as typed (title, names, roles, tags) are
HTML in the templates: a `<` or `>` in them is escaped when read, before Pelican makes
authors and tags of them (`plain_text`).

Every build has it: `invoke build`/`publish`, `run.sh`, the room's publication and preview.
"""

from pelican import readers, signals
from pelican.contents import Article, Page

from site_core.content.policy import clean_html, plain_text

# Made into objects when read (escaped before), or typeset when read (escaped after: French
# typography would put a no-break space inside « &lt; »). Roles are escaped once split into
# speakers (« ; » separates them).
NAME_FIELDS = ("authors", "author", "tags")
TEXT_FIELDS = ("date_estimate",)


def _plain(field, previous, before: bool):
    def process(value, settings):
        if before and field == "author":
            return previous(plain_text(value), settings)
        if before:  # each name once split: « ; » separates them too
            return previous([plain_text(v) for v in readers.ensure_metadata_list(value)], settings)
        return plain_text(previous(value, settings) if previous else value)

    process.plain = True
    return process


def sanitise(content) -> None:
    """content_object_init handler, after every plugin that writes HTML."""
    if not isinstance(content, (Article, Page)):
        return
    if content._content:
        content._content = clean_html(content._content)
    title = getattr(content, "title", None)
    if title:
        content.title = content.metadata["title"] = plain_text(title)
    if getattr(content, "speakers", None):
        content.speakers = [s._replace(role=plain_text(s.role)) for s in content.speakers]
    for field in content.settings.get("FORMATTED_FIELDS", ()):
        value = content.metadata.get(field)
        if isinstance(value, str):
            content.metadata[field] = clean_html(value)
            if field == "summary":
                content._summary = content.metadata[field]
            else:
                setattr(content, field, content.metadata[field])


def register():
    for fields, before in ((NAME_FIELDS, True), (TEXT_FIELDS, False)):
        for field in fields:
            previous = readers.METADATA_PROCESSORS.get(field)
            if not getattr(previous, "plain", False):
                readers.METADATA_PROCESSORS[field] = _plain(field, previous, before)
    signals.content_object_init.connect(sanitise)
