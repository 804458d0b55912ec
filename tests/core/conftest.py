"""The core's fixtures: a mail relay over TLS with a certificate made for the test."""

import pytest

from tests.support.comments import free_port
from tests.support.mail.tls import TlsRelay, make_certificates


@pytest.fixture(scope="session")
def relay_certificates(tmp_path_factory):
    return make_certificates(tmp_path_factory.mktemp("certificats"))


@pytest.fixture
def tls_relay(request, relay_certificates):
    """aiosmtpd offering STARTTLS (the default), implicit TLS or no TLS (`indirect` param),
    and AUTH even without TLS, as a fake server would."""
    from aiosmtpd.controller import Controller

    port = free_port()
    relay = TlsRelay("127.0.0.1", port, mode=getattr(request, "param", "starttls"))
    context = relay_certificates.server_context()
    options = {
        "implicit": {"ssl_context": context},
        "starttls": {"tls_context": context},
        "none": {},
    }[relay.mode]
    controller = Controller(
        relay,
        hostname="127.0.0.1",
        port=port,
        authenticator=relay.authenticate,
        auth_require_tls=False,
        **options,
    )
    controller.start()
    try:
        yield relay
    finally:
        controller.stop()
