"""The room's fixture: one service per test module, with two rédaction accounts."""

import pytest

from tests.support.comments import running_service, write_site
from tests.support.room import add_account, publishing_site, room_config


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """One service for a module's tests (its builder worker starts once), on a small fake site
    (write_site), with the accounts « claire » and « karim » (rédaction)."""
    tmp_path = tmp_path_factory.mktemp("room")
    config = room_config(tmp_path, write_site(tmp_path / "site"))
    add_account(config.core.database, "claire", name="Claire Martin")
    add_account(config.core.database, "karim", name="Karim Benali")
    with running_service(config) as service:
        yield service


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The service serving the site it publishes (first publication done by the room itself)."""
    with publishing_site(tmp_path_factory.mktemp("publish")) as service:
        yield service
