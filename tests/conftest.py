"""Shared fixtures: the real site, built once per test session into a temporary folder."""

from pathlib import Path

import pytest
from pelican import Pelican
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parent.parent


def build_site(output: Path, **override) -> Path:
    """Build the site with pelicanconf.py (plus `override`) into `output` and return it."""
    settings = read_settings(
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
    Pelican(settings).run()
    return output


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site as published to readers, with no comment database."""
    return build_site(tmp_path_factory.mktemp("site") / "output")
