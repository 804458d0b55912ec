"""Rendering with the site's own theme, so service pages and built pages cannot drift apart.

`make_env` loads theme/templates with the filters the Pelican build registers; `Shell` wraps a
rendered fragment in `_gabarit-commentaires.html`, the page the build writes with the site's
header, menu and footer around two placeholders.
"""

import importlib
import os
import sys
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from site_core.dates import format_date, format_datetime

from .config import Config

SHELL_FILE = "_gabarit-commentaires.html"
TITLE_MARK = "<!-- titre-commentaires -->"
CONTENT_MARK = "<!-- contenu-commentaires -->"

# Used until a build has written the real shell (a fresh clone, or a bare test site).
_FALLBACK_SHELL = (
    '<!doctype html>\n<html lang="fr">\n<head><meta charset="utf-8">'
    '<meta name="robots" content="noindex">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    f"<title>{TITLE_MARK}</title></head>\n"
    f'<body><main id="contenu">{CONTENT_MARK}</main></body>\n</html>\n'
)


def load_plugin(project_dir: Path, name: str):
    """Import plugins/<name> from the project, as Pelican does with PLUGIN_PATHS."""
    plugins = str(project_dir / "plugins")
    if plugins not in sys.path:
        sys.path.append(plugins)
    return importlib.import_module(name)


def make_env(config: Config) -> jinja2.Environment:
    """A Jinja environment over theme/templates with the build's filters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(config.project_dir / "theme" / "templates"),
        # Pelican's own settings; autoescape on top, because the service renders readers' input.
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=True,
    )
    env.filters.update(date_fr=format_date, datetime_fr=format_datetime)
    env.globals.update(SITEURL=config.site_url, COMMENTS_ENDPOINT="/commentaires/")
    return env


class Shell:
    """The site page around service content, re-read when a new build replaces it."""

    def __init__(self, site_dir: Path):
        self._path = site_dir / SHELL_FILE
        self._stamp: tuple | None = None
        self._parts = self._split(_FALLBACK_SHELL)

    @staticmethod
    def _split(html: str) -> tuple[str, str, str]:
        head, _, rest = html.partition(TITLE_MARK)
        middle, _, tail = rest.partition(CONTENT_MARK)
        return head, middle, tail

    def _current(self) -> tuple[str, str, str]:
        try:
            stat = os.stat(self._path)
        except FileNotFoundError:
            return self._parts
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            html = self._path.read_text(encoding="utf-8")
            if TITLE_MARK in html and CONTENT_MARK in html:
                self._parts = self._split(html)
            self._stamp = stamp
        return self._parts

    def page(self, title: str, content: str) -> str:
        head, middle, tail = self._current()
        return f"{head}{escape(title)}{middle}{Markup(content)}{tail}"
