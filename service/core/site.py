"""The built site as the service sees it: its manifest, its page shell and its templates.

Rendering uses the theme the site was built with (named in the manifest) together with the
service's own templates, with the same filters and comment globals as the build, so service
pages and built pages cannot drift apart. `Shell` wraps a page's content in
`_gabarit-commentaires.html`, the page the build writes with the site's header, menu and footer.
"""

import os
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from site_core.comments import sections
from site_core.dates import FILTERS
from site_core.manifest import Manifest, ManifestFile
from site_core.paths import SHELL_NAME
from site_core.typography import typeset_html, typeset_text

SERVICE_TEMPLATES = Path(__file__).parent.parent / "templates"
# Used until a build has written the real shell (a fresh clone, or a bare test site).
_FALLBACK_SHELL = (
    '<!doctype html>\n<html lang="fr">\n<head><meta charset="utf-8">'
    '<meta name="robots" content="noindex">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    f"<title>{sections.SHELL_TITLE}</title></head>\n"
    f'<body><main id="contenu">{sections.SHELL_CONTENT}</main></body>\n</html>\n'
)


class Shell:
    """The site page around service content, re-read when a new build replaces it."""

    def __init__(self, site_dir: Path):
        self._path = Path(site_dir) / SHELL_NAME
        self._stamp: tuple | None = None
        self._parts = self._split(_FALLBACK_SHELL)

    @staticmethod
    def _split(html: str) -> tuple[str, str, str]:
        head, _, rest = html.partition(sections.SHELL_TITLE)
        middle, _, tail = rest.partition(sections.SHELL_CONTENT)
        return head, middle, tail

    def _current(self) -> tuple[str, str, str]:
        try:
            stat = os.stat(self._path)
        except FileNotFoundError:
            return self._parts
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        if stamp != self._stamp:
            html = self._path.read_text(encoding="utf-8")
            if sections.SHELL_TITLE in html and sections.SHELL_CONTENT in html:
                self._parts = self._split(html)
            self._stamp = stamp
        return self._parts

    def page(self, title: str, content: str) -> str:
        head, middle, tail = self._current()
        return f"{head}{escape(title)}{middle}{Markup(content)}{tail}"


class Site:
    """One built site (the folder the service serves or patches) and its rendering."""

    def __init__(self, site_dir: Path, address: str = ""):
        self.dir = Path(site_dir)
        # SERVICE_SITE_URL: the public address when the build's SITEURL is not it (empty: it is).
        self.address = address
        self.manifest_file = ManifestFile(self.dir)
        self.shell = Shell(self.dir)
        self._envs: dict[str, jinja2.Environment] = {}

    @property
    def manifest(self) -> Manifest:
        return self.manifest_file.current()

    @property
    def url(self) -> str:
        """The SITEURL the site was built with: links in service pages match the build's."""
        return self.manifest.site_url.rstrip("/")

    def public_url(self) -> str:
        """The address readers use, for links that leave the site (e-mails, secure cookies):
        the one place that decides it."""
        return self.address or self.url

    @property
    def endpoint(self) -> str:
        """The service's address on the site, like the build's forms: "/commentaires/"."""
        return self.url + self.manifest.comments_endpoint

    def env(self) -> jinja2.Environment:
        """Service templates, then the build's theme templates, with the build's helpers."""
        manifest = self.manifest
        env = self._envs.get(manifest.theme_templates)
        if env is None:
            folders = [SERVICE_TEMPLATES] + (
                [manifest.theme_templates] if manifest.theme_templates else []
            )
            env = jinja2.Environment(
                loader=jinja2.FileSystemLoader(folders),
                # Pelican's own settings; autoescape on top: the service renders readers' input.
                trim_blocks=True,
                lstrip_blocks=True,
                autoescape=True,
            )
            env.filters.update(FILTERS)
            sections.install(env)
            self._envs[manifest.theme_templates] = env
        env.globals.update(SITEURL=self.url, COMMENTS_ENDPOINT=manifest.comments_endpoint)
        return env

    def render(self, template: str, **context) -> str:
        """A service template, set in French typography like the built pages."""
        return typeset_html(self.env().get_template(template).render(**context))

    def page(self, title: str, template: str, **context) -> str:
        """A service template's content inside the site's page."""
        return self.shell.page(typeset_text(title), self.render(template, **context))


# Pages of the team's area: never cached, indexed or framed.
PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "same-origin",
}
