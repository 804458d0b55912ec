"""The fixtures every folder may use, registered here once: the real site built into a
temporary folder and served over HTTP on 127.0.0.1, Debian's Chromium to look at it, and the
comment service with a real SMTP server (tests/support has the helpers they are made of).

- `comment_site`: a temp site dir with the article manifest (articles "premier-article",
  "deuxieme-article", and "article-ferme" with comments closed), a comment shell page and the
  article pages; `write_site(site_dir, articles)` makes others.
- `comment_config`: the `Settings` on that site and a fresh database (tests may edit it before
  `comment_service` starts); flood limits on, notifications off (no moderator e-mail).
- `comment_service`: the app served by uvicorn in a thread; `.url`, `.config`, `.db()` (a new
  connection), `.form(...)` (valid form fields with a token old enough to pass).
  `running_service(config)` is the same as a context manager, for custom configs.
- `smtp_server`: aiosmtpd on a free port; `.messages` (email.message.Message list), `.fail_next`
  (number of next deliveries to refuse with 451), `.wait_for(n)`.
"""

from pathlib import Path

import pytest

from service.settings import Settings
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.comments import (
    SmtpServer,
    free_port,
    make_config,
    running_service,
    write_site,
)
from tests.support.search_site import build_search_site
from tests.support.site import build_site, serve_directory


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site as published to readers, with no comment database."""
    return build_site(tmp_path_factory.mktemp("site") / "output")


@pytest.fixture(scope="session")
def site_url(built_site):
    with serve_directory(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def search_site(tmp_path_factory) -> Path:
    return build_search_site(tmp_path_factory.mktemp("search-site"))


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def comment_site(tmp_path) -> Path:
    return write_site(tmp_path / "site")


@pytest.fixture
def comment_config(tmp_path, comment_site) -> Settings:
    return make_config(tmp_path, comment_site)


@pytest.fixture
def comment_service(comment_config):
    with running_service(comment_config) as service:
        yield service


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    port = free_port()
    handler = SmtpServer("127.0.0.1", port)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()
