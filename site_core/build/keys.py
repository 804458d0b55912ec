"""What invalidates everything an incremental build kept: settings, code, data, templates.

Data: files outside the content that plugins turn into every page (the RGAA audit's grid gives
each footer its « Accessibilité : … »), named by the settings BUILD_DATA_SETTINGS lists (a
file, or a folder's files, not its sub-folders).
`content_key` (settings, code and data) guards the content cache and the page fingerprints;
`templates_digest` (every template file of the theme) joins the fingerprints only, so editing a
template re-renders the pages without reading any article again.
"""

import hashlib
import importlib.metadata
import sys
import uuid
from pathlib import Path

from site_core.build.fingerprints import Digester, Unstable

SITE_CORE = Path(__file__).resolve().parent.parent
PACKAGES = ("pelican", "markdown", "jinja2", "markupsafe", "nh3")  # nh3: the sanitiser
# Settings that change how the build runs, never what it writes.
IGNORED_SETTINGS = frozenset({"BUILD_WORKERS"})


def _files_digest(files) -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(set(files)):
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def _code_files(settings) -> list[Path]:
    files = list(SITE_CORE.rglob("*.py"))
    for name in settings.get("PLUGINS") or []:
        for folder in settings.get("PLUGIN_PATHS") or []:
            base = Path(folder) / str(name)
            files += list(base.rglob("*.py")) if base.is_dir() else []
            files += [base.with_suffix(".py")] if base.with_suffix(".py").is_file() else []
    return files


def _data_files(settings) -> list[Path]:
    files = []
    for name in settings.get("BUILD_DATA_SETTINGS") or []:
        path = Path(settings.get(name) or "")
        if path.is_dir():
            files += [p for p in path.iterdir() if p.is_file()]
        elif path.is_file():
            files.append(path)
    return files


def content_key(settings) -> bytes:
    try:
        values = {k: v for k, v in sorted(settings.items()) if k not in IGNORED_SETTINGS}
        settings_digest = Digester({}, {}).value(values)
    except Unstable:  # never equal: every build is a full one
        settings_digest = uuid.uuid4().bytes
    versions = [sys.version] + [importlib.metadata.version(name) for name in PACKAGES]
    files = _code_files(settings) + _data_files(settings)
    return settings_digest + _files_digest(files) + "|".join(versions).encode()


def templates_digest(settings) -> bytes:
    folders = list(settings.get("THEME_TEMPLATES_OVERRIDES") or [])
    folders.append(Path(settings["THEME"]) / "templates")
    return _files_digest(p for folder in folders for p in Path(folder).rglob("*") if p.is_file())
