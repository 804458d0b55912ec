"""The connection to the mail relay (core/mailer.connect_smtp): the relay's certificate is
checked before the login is sent, over STARTTLS or implicit TLS, against the system's
authorities or SERVICE_SMTP_CA_FILE; no TLS only to this machine."""

import smtplib
import ssl

import pytest

from service.core.mailer import connect_smtp, with_quit
from service.core.settings import CoreSettings, SettingsError

BOTH = pytest.mark.parametrize("tls_relay", ["starttls", "implicit"], indirect=True)


def settings(tmp_path, relay=None, **environ) -> CoreSettings:
    base = {
        "SERVICE_DATABASE": str(tmp_path / "db.sqlite3"),
        "SERVICE_SITE_DIR": str(tmp_path),
        "SERVICE_SECRET_KEY": "clé de test",
        "SERVICE_SMTP_USER": "relais",
        "SERVICE_SMTP_PASSWORD": "mot de passe du relais",
    }
    if relay is not None:
        base |= {"SERVICE_SMTP_HOST": relay.host, "SERVICE_SMTP_PORT": str(relay.port)}
    return CoreSettings.from_env(base | environ)


def send(shared: CoreSettings) -> None:
    smtp = connect_smtp(shared, timeout=5)
    try:
        smtp.sendmail("lettre@exemple.fr", ["lecteur@exemple.fr"], b"Subject: essai\r\n\r\nok\r\n")
    finally:
        with_quit(smtp)


@BOTH
def test_issue19_item10_an_untrusted_relay_never_gets_the_login(tmp_path, tls_relay):
    """A server whose certificate no trusted authority signed (a fake relay on the path)."""
    shared = settings(tmp_path, tls_relay, SERVICE_SMTP_TLS=tls_relay.mode)
    with pytest.raises(ssl.SSLCertVerificationError):
        send(shared)
    assert tls_relay.logins == [] and tls_relay.messages == []


@BOTH
def test_issue19_item10_the_ca_file_makes_the_relay_trusted(
    tmp_path, tls_relay, relay_certificates
):
    shared = settings(
        tmp_path,
        tls_relay,
        SERVICE_SMTP_TLS=tls_relay.mode,
        SERVICE_SMTP_CA_FILE=str(relay_certificates.ca),
    )
    send(shared)
    assert [login[1:] for login in tls_relay.logins] == [(b"relais", b"mot de passe du relais")]
    assert len(tls_relay.messages) == 1


@pytest.mark.parametrize("tls_relay", ["none"], indirect=True)
def test_issue19_item10_a_relay_without_starttls_never_gets_the_login(tmp_path, tls_relay):
    """STARTTLS is never skipped because the server does not offer it (a downgrade)."""
    shared = settings(tmp_path, tls_relay, SERVICE_SMTP_TLS="starttls")
    with pytest.raises(smtplib.SMTPNotSupportedError):
        send(shared)
    assert tls_relay.logins == []


def test_issue19_item10_tls_is_the_default_and_none_only_for_this_machine(tmp_path):
    remote = {"SERVICE_SMTP_HOST": "relais.exemple.fr"}
    assert settings(tmp_path, **remote).smtp_security() == "starttls"
    implicit = settings(tmp_path, **remote, SERVICE_SMTP_TLS="implicit")
    assert (implicit.smtp_security(), implicit.smtp_port) == ("implicit", 465)
    with pytest.raises(SettingsError, match="Réglage SERVICE_SMTP_TLS : « none »"):
        settings(tmp_path, **remote, SERVICE_SMTP_TLS="none")
    with pytest.raises(SettingsError, match="Réglage SERVICE_SMTP_TLS : « oui »"):
        settings(tmp_path, **remote, SERVICE_SMTP_TLS="oui")
    with pytest.raises(SettingsError, match="Réglage SERVICE_SMTP_CA_FILE"):
        settings(tmp_path, **remote, SERVICE_SMTP_CA_FILE=str(tmp_path / "absent.pem"))
    for host in ("localhost", "127.0.0.1", "::1"):
        local = settings(tmp_path, SERVICE_SMTP_HOST=host)
        assert local.smtp_security() == "none"  # a relay on this machine: nothing on the wire
        assert settings(tmp_path, SERVICE_SMTP_HOST=host, SERVICE_SMTP_TLS="starttls")
