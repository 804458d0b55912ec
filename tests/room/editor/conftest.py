"""The editor tests' fixture: a page holding the editor's paste module (tests/support/paste.py)."""

import pytest

from tests.support.paste import open_paste_page


@pytest.fixture(scope="module")
def paste_page(browser):
    context, page = open_paste_page(browser)
    yield page
    context.close()
