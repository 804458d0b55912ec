"""List mail needs the site's public https address (issue 19): its `List-Unsubscribe` and
links are built from it, and a relative or http one-click link does not work (RFC 8058 asks
for https). Without it the lettre waits in the queue and the team's page says what to set;
http is allowed only for this machine (127.0.0.1, localhost: development and tests)."""

import time

import pytest

from tests.support.lettre import (
    PUBLIC,
    article,
    login,
    press_test_send,
    publish,
    received,
    rows,
    subscribed,
    team_page_text,
    wait_until,
)

BLOCKED = "La lettre n’est pas envoyée"


@pytest.mark.parametrize(
    "address",
    ["", "http://partenaires.example.fr", "partenaires.example.fr"],
    ids=["missing", "http", "relative"],
)
def test_issue19_item15_no_list_mail_without_an_https_address(letter_service, smtp_server, address):
    subscribed(letter_service, smtp_server, "partenaire@exemple.fr")
    letter_service.site.address = address  # the build's SITEURL is empty too
    team = login(letter_service, "admin")
    publish(letter_service, article("nouvelle", days_ago=0.01))
    wait_until(lambda: rows(letter_service, "SELECT count(*) FROM letters")[0][0] == 1)
    time.sleep(0.5)  # rounds of the sender
    assert received(smtp_server, "partenaire@exemple.fr") == []
    statuses = rows(letter_service, "SELECT status FROM outbox WHERE kind = 'lettre'")
    assert [row[0] for row in statuses] == ["queued"]  # waiting, neither failed nor dropped
    shown = team_page_text(team)
    assert BLOCKED in shown and "SERVICE_SITE_URL" in shown and "https://" in shown, shown
    test = press_test_send(team)
    assert test.status_code == 400 and BLOCKED in test.text.split("<h2>Essai</h2>")[1]

    letter_service.site.address = PUBLIC  # the team sets it: the lettre leaves
    letter_service.parts.lettre.sender.wake()
    wait_until(lambda: received(smtp_server, "partenaire@exemple.fr"))
    [message] = received(smtp_server, "partenaire@exemple.fr")
    assert str(message["List-Unsubscribe"]).startswith(f"<{PUBLIC}/commentaires/lettre/")
    assert BLOCKED not in team_page_text(team)


def test_issue19_item15_http_is_allowed_on_this_machine(letter_service, smtp_server):
    subscribed(letter_service, smtp_server, "partenaire@exemple.fr")
    letter_service.site.address = letter_service.url  # http://127.0.0.1:<port>
    publish(letter_service, article("nouvelle", days_ago=0.01))
    wait_until(lambda: received(smtp_server, "partenaire@exemple.fr"))
    [message] = received(smtp_server, "partenaire@exemple.fr")
    assert str(message["List-Unsubscribe"]).startswith(f"<{letter_service.url}/commentaires/")
