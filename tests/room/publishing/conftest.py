"""One service publishing a copy of content/ into a public folder it serves, with comments
patched into the built pages at once (republish on), as in production."""

import pytest

from tests.support.comments import running_service
from tests.support.room import add_account, publish_now, room_config


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("pipeline")
    (tmp_path / "public").mkdir()
    config = room_config(tmp_path, tmp_path / "public" / "site", comments={"republish": True})
    add_account(config.core.database, "claire", name="Claire Martin")
    add_account(config.core.database, "karim", name="Karim Benali")
    with running_service(config, serve_site=True) as service:
        service.site.address = service.url  # links of the published site point at this server
        assert publish_now(service)["state"] == "done"
        yield service
