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
    """The test SMTP server, refusing for good (550) the addresses in `.refused`."""
    smtp_server.refused = set()

    async def handle_RCPT(server, session, envelope, address, rcpt_options):
        if address in smtp_server.refused:
            return "550 5.1.1 Mailbox unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_server.handle_RCPT = handle_RCPT
    return smtp_server
