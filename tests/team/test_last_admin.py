"""The last administrator: an account waiting for its first password (made on the accounts
page, its one-time link not used yet) cannot log in, so it is no administrator to fall back
on (issue 19 item 16)."""

import pytest

from service.core import db
from service.team import accounts, accounts_admin
from service.team.accounts import ADMINISTRATION, AccountError, create_moderator

PASSWORD = "une phrase de passe assez longue"


@pytest.fixture
def conn(tmp_path):
    with db.connection(tmp_path / "base.sqlite3") as conn:
        db.migrate(conn)
        create_moderator(conn, "aline", PASSWORD, "Aline", "", [ADMINISTRATION])
        yield conn


def test_issue19_item16_an_account_without_its_first_password_is_no_administrator(conn):
    link = accounts_admin.create(conn, "aline", "bruno", "Bruno", "", [ADMINISTRATION])
    assert accounts.administrators_besides(conn, "aline") == 0
    with pytest.raises(AccountError, match="dernier administrateur"):
        accounts_admin.set_enabled(conn, "aline", "aline", False)
    accounts_admin.use_link(conn, link, PASSWORD, PASSWORD)  # Bruno chose his password
    assert accounts.administrators_besides(conn, "aline") == 1
    accounts_admin.set_enabled(conn, "bruno", "aline", False)  # now Aline may go
