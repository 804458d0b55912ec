"""One e-mail address check (core/forms.py) for the comment and lettre forms and the team's
accounts: the accounts page used a looser regex, so it stored addresses that the lettre's test
send then refused. These are addresses on which the two disagreed."""

import re

import pytest

from service.core.forms import email_error, is_email
from service.core.protection import hash_ip
from service.team.accounts import AccountError
from service.team.accounts_admin import check_profile

# The accounts page's former check, kept here to show the disagreement is real.
OLD_ACCOUNTS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

DISAGREED = [
    "jean@exemple.f",  # a one-letter top-level domain
    "jean@-exemple.fr",  # a domain label starting with a dash
    "jean@exemple..fr",  # an empty domain label
    "jérôme@exemple.fr",  # a non-ASCII local part
    "jean(bureau)@exemple.fr",  # a comment in the local part
    "jean@exemple.fr>",  # what a copy from « Nom <adresse> » leaves
]


@pytest.mark.parametrize("address", DISAGREED)
def test_addresses_the_two_checks_disagreed_on_are_refused_everywhere(address):
    assert OLD_ACCOUNTS.fullmatch(address)
    assert not is_email(address)
    assert "n’est pas valide" in email_error(address)


@pytest.mark.parametrize(
    "address", ["prenom.nom@exemple.fr", "a+lettre@caf.essonne.fr", "x_y-z@mairie-91.org"]
)
def test_ordinary_addresses_are_accepted(address):
    assert is_email(address) and email_error(address) == ""


@pytest.mark.parametrize("address", DISAGREED)
def test_the_accounts_page_refuses_what_the_lettre_would_refuse(address):
    with pytest.raises(AccountError, match="n’est pas valide"):
        check_profile("Jean", address, ["redaction"])
    assert check_profile("Jean", "jean@exemple.fr", ["redaction"])[1] == "jean@exemple.fr"


def test_issue19_item12_ipv6_clients_are_keyed_on_their_64():
    key = "clé"
    same = [hash_ip(key, ip) for ip in ("2001:db8:1:2::1", "2001:db8:1:2:aaaa:bbbb:cccc:dddd")]
    assert same[0] == same[1]  # one /64: one subscriber line, whatever address it picks
    assert hash_ip(key, "2001:db8:1:3::1") != same[0]  # the next /64 is someone else
    assert hash_ip(key, "::ffff:192.0.2.7") == hash_ip(key, "192.0.2.7")
    assert hash_ip(key, "192.0.2.7") != hash_ip(key, "192.0.2.8")
