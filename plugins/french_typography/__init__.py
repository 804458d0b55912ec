"""French typography on rendered content: the rules of `site_core.typography` applied to every
article's and page's body, summary and title as Pelican reads them."""

from pelican import signals
from pelican.contents import Article, Page

from site_core.typography import typeset_html, typeset_text


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


def register():
    signals.content_object_init.connect(typeset_content)
