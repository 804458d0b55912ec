"""The lettre's fixtures: a site whose manifest has thèmes, the service sending to the test
SMTP server once it has announced the back catalogue, and an SMTP server that refuses some
addresses for good."""

from pathlib import Path

import pytest

from tests.support.comments import running_service, wait_until
from tests.support.lettre import BACK_CATALOGUE, announced, letter_config, write_letter_site


@pytest.fixture
def letter_site(tmp_path) -> Path:
    return write_letter_site(tmp_path / "site")


@pytest.fixture
def letter_service(request, tmp_path, letter_site, smtp_server):
    """The service on `letter_site`, once it announced the back catalogue; a test changes the
    lettre's settings with `@pytest.mark.parametrize("letter_service", [{…}], indirect=True)`."""
    config = letter_config(tmp_path, letter_site, smtp_server, **getattr(request, "param", {}))
    with running_service(config) as service:
        wait_until(lambda: announced(service) >= len(BACK_CATALOGUE))
        yield service


@pytest.fixture
def refusing_smtp(smtp_server):
    """The test SMTP server, refusing for good (550) the addresses in `.refused`; while
    `.refuse_all` (or `.refuse_data`) holds a reply, it gives it to every recipient (or every
    message, after its final dot): a relay refusing the lettre itself. `.deferred` maps an
    address to how many times it is told « 451 » (its mailbox greylisting or full) first."""
    smtp_server.refused = set()
    smtp_server.deferred = {}
    smtp_server.refuse_all = smtp_server.refuse_data = ""
    accept = smtp_server.handle_DATA

    async def handle_RCPT(server, session, envelope, address, rcpt_options):
        if smtp_server.refuse_all:
            return smtp_server.refuse_all
        if address in smtp_server.refused:
            return "550 5.1.1 Mailbox unknown"
        if smtp_server.deferred.get(address, 0) > 0:
            smtp_server.deferred[address] -= 1
            return "451 4.2.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(server, session, envelope):
        if smtp_server.refuse_data:
            return smtp_server.refuse_data
        return await accept(server, session, envelope)

    smtp_server.handle_RCPT = handle_RCPT
    smtp_server.handle_DATA = handle_DATA
    return smtp_server
