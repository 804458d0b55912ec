"""The real site built into a folder with pelicanconf.py, and a folder served over HTTP on
127.0.0.1."""

import functools
import posixpath
import re
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pelican import Pelican
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parents[2]


def build_site(output: Path, **override) -> Path:
    """Build the site with pelicanconf.py (plus `override`) into `output` and return it."""
    Pelican(site_settings(output, **override)).run()
    return output


def site_settings(output: Path, **override) -> dict:
    """pelicanconf.py's settings (plus `override`) for a build of the repository's theme and
    plugins into `output`, with its cache beside it and no comments."""
    return read_settings(
        str(ROOT / "pelicanconf.py"),
        override={
            "PATH": str(ROOT / "content"),
            "THEME": str(ROOT / "theme"),
            "PLUGIN_PATHS": [str(ROOT / "plugins")],
            "OUTPUT_PATH": str(output),
            "CACHE_PATH": str(output.parent / "cache"),
            "COMMENTS_DB": str(output.parent / "no-comments.sqlite3"),
            **override,
        },
    )


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve_directory(directory: Path):
    """Serve `directory` over HTTP on a free port of 127.0.0.1; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def token_image(output: Path, form_class: str) -> str:
    """The site path of the token image the stylesheet asks for when the form of `form_class`
    gets the focus (resolved from theme/css/site.css, as a browser does)."""
    css = (output / "theme/css/site.css").read_text(encoding="utf-8")
    rule = re.search(rf"\.{form_class} form:focus-within {{[^}}]*url\(\"([^\"]+)\"\)", css)
    return posixpath.normpath(posixpath.join("/theme/css", rule.group(1)))
