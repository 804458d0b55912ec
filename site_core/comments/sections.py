"""The comment parts of the site's pages: rendered the same way by the build and the service.

The build's templates call `comment_section(article)` and `comment_count(article)` (Jinja
globals that `install` adds to Pelican's environment); after a moderation action the service
calls `section_html` and `count_html` with the same theme templates, then `patch` swaps the new
HTML into the built page between the markers these functions put around it. The markers are
HTML comments, invisible to readers and stable across builds.
"""

import re

import jinja2
from markupsafe import Markup

from site_core.paths import COMMENTS_ENDPOINT
from site_core.typography import typeset_html

SECTION_START = "<!-- commentaires:debut -->"
SECTION_END = "<!-- commentaires:fin -->"
COUNT_START = "<!-- nb-commentaires:{slug} -->"
COUNT_END = "<!-- /nb-commentaires -->"
# Placeholders of the comment shell page (theme comment_shell.html), filled by the service.
SHELL_TITLE = "<!-- titre-commentaires -->"
SHELL_CONTENT = "<!-- contenu-commentaires -->"

_SECTION = re.compile(re.escape(SECTION_START) + ".*?" + re.escape(SECTION_END), re.DOTALL)


def count_html(env: jinja2.Environment, slug: str, count: int) -> Markup:
    """« 3 commentaires » between the markers of the article `slug`."""
    text = env.get_template("partials/comment_count_text.html").render(comment_count=count)
    return Markup(COUNT_START.format(slug=slug) + text.strip() + COUNT_END)


def section_html(
    env: jinja2.Environment,
    article,
    roots: list,
    count: int,
    *,
    site_url: str,
    endpoint: str = COMMENTS_ENDPOINT,
) -> Markup:
    """The comments section of `article` (threads `roots`, `count` shown), with its form.

    `article` is anything with slug, title, url and comments_open: a Pelican article at build
    time, a manifest entry in the service.
    """
    html = env.get_template("partials/comments.html").render(
        article=article,
        comments=roots,
        comment_count_html=count_html(env, article.slug, count),
        SITEURL=site_url,
        COMMENTS_ENDPOINT=endpoint,
    )
    # French typography on everything a reader sees there: names, comment bodies, labels.
    return Markup(SECTION_START + "\n" + typeset_html(html.strip()) + "\n" + SECTION_END)


def patch(html: str, slug: str, section: str | None, count: str) -> str:
    """`html` with the section (if given) and every count of `slug` replaced."""
    if section is not None:
        html = _SECTION.sub(lambda _: section, html, count=1)
    start = re.escape(COUNT_START.format(slug=slug))
    return re.sub(start + ".*?" + re.escape(COUNT_END), lambda _: count, html, flags=re.DOTALL)


def install(env: jinja2.Environment) -> None:
    """Add the globals the theme's templates use for comments to `env` (Pelican's or the
    service's). The article objects must carry `comments` (thread roots) and
    `comment_count`."""

    @jinja2.pass_context
    def comment_section(context, article) -> Markup:
        return section_html(
            env,
            article,
            article.comments,
            article.comment_count,
            site_url=context.get("SITEURL", ""),
            endpoint=context.get("COMMENTS_ENDPOINT", COMMENTS_ENDPOINT),
        )

    def comment_count(article) -> Markup:
        return count_html(env, article.slug, article.comment_count)

    env.globals.update(
        comment_section=comment_section,
        comment_count=comment_count,
        SHELL_TITLE=Markup(SHELL_TITLE),
        SHELL_CONTENT=Markup(SHELL_CONTENT),
    )
