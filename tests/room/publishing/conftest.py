"""One service publishing a copy of content/ into a public folder it serves, with comments
patched into the built pages at once (republish on), as in production."""

import pytest

from tests.support.room import publishing_site


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with publishing_site(tmp_path_factory.mktemp("pipeline"), republish=True) as service:
        yield service
