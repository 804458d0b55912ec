"""Site search: a Pagefind index of the built site, written after every build.

Pagefind (the `pagefind[bin]` package: a Rust binary in a Python wheel) reads the written HTML
and produces a static, chunked index that the « Rechercher » page queries in the browser
(theme/static/js/recherche.js): no server, no request to another host, and a browser fetches
only the chunks a query needs.

What is indexed is decided by the templates: only elements marked `data-pagefind-body` (the
article and page templates set it for published content only) are read, so list pages, drafts,
hidden articles, the 404, the search page and the comment shell are left out; `nav`, `footer`
and `form` elements and anything marked `data-pagefind-ignore` are skipped. Thème and
intervenant are `data-pagefind-filter`s, thème and date `data-pagefind-meta`.

`write_index(site_dir)` is public: the comment service can re-index after it patches pages.
"""

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from pelican import signals

logger = logging.getLogger(__name__)

DEFAULT_BUNDLE = "pagefind"
# Pagefind's own summary of the bundle: one entry per language with its page count.
ENTRY_FILE = "pagefind-entry.json"


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message says why, in French."""


def write_index(site_dir, bundle: str = DEFAULT_BUNDLE, pages=None) -> int:
    """Index the HTML of `site_dir` into `site_dir/bundle`; return the number of pages indexed.

    `pages`: the HTML files to read (paths inside `site_dir`), by default every one. A build
    passes the article and page files it wrote, so a page left over from an earlier build (an
    article since turned into a draft, with DELETE_OUTPUT_DIRECTORY off) is not found by the
    search: those are hard-linked into a scratch folder that Pagefind reads instead.
    The new bundle is written beside the old one, then swapped in, so a reader searching during
    a build keeps a complete index, and chunks of earlier builds do not pile up.
    """
    site = Path(os.path.abspath(site_dir))
    target = site / bundle
    scratch = {name: site / f".{bundle}-{name}" for name in ("pages", "nouveau", "ancien")}
    for leftover in scratch.values():
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        source = site if pages is None else _link_pages(site, pages, scratch["pages"])
        _run_pagefind(source, scratch["nouveau"])
    finally:
        shutil.rmtree(scratch["pages"], ignore_errors=True)
    if target.exists():
        target.rename(scratch["ancien"])
    scratch["nouveau"].rename(target)
    shutil.rmtree(scratch["ancien"], ignore_errors=True)
    entry = json.loads((target / ENTRY_FILE).read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())


def _link_pages(site: Path, pages, folder: Path) -> Path:
    """`folder` with the same tree as `site` for `pages` only (hard links: no copy).

    Paths are handled as strings, each folder made once: at 1,000 articles this takes 0.3 s of
    CPU (mostly the system calls), resolving every path took 0.4 s."""
    made = set()
    for page in pages:
        relative = os.path.relpath(page, site)
        target = os.path.join(folder, relative)
        parent = os.path.dirname(target)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        try:
            os.link(os.path.join(site, relative), target)
        except OSError:  # a file system without hard links
            shutil.copyfile(os.path.join(site, relative), target)
    return folder


def _run_pagefind(source: Path, output: Path) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", str(source)]
    command += ["--output-path", str(output), "--silent"]
    # cwd: Pagefind reads a pagefind.yml/toml found there; the site folder has none.
    done = subprocess.run(command, cwd=source, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not (output / ENTRY_FILE).is_file():
        shutil.rmtree(output, ignore_errors=True)
        detail = (done.stderr or done.stdout).strip() or f"code de sortie {done.returncode}"
        raise SearchIndexError(f"L’index de recherche n’a pas pu être écrit (Pagefind) : {detail}")


class _Build:
    """The article and page files written by the current build: the only ones that may be
    indexed (the templates decide which are), so Pagefind need not read the list pages, about
    as many again (at 1,000 articles: 1,005 files instead of 1,774, a third of its time)."""

    pages: list[str] = []


def _start(_pelican) -> None:
    _Build.pages = []


def _record(path, context=None) -> None:
    if context and ("article" in context or "page" in context) and str(path).endswith(".html"):
        _Build.pages.append(path)


def index_site(pelican) -> None:
    """finalized handler: every build (`invoke build`, livereload, publish) ends indexed."""
    started = time.perf_counter()
    bundle = pelican.settings.get("SEARCH_BUNDLE", DEFAULT_BUNDLE)
    pages = write_index(pelican.output_path, bundle, _Build.pages)
    logger.info("Recherche : %d pages indexées en %.1f s", pages, time.perf_counter() - started)


def register():
    signals.initialized.connect(_start)
    signals.content_written.connect(_record)
    signals.finalized.connect(index_site)
