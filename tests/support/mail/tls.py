"""A certificate authority and a relay certificate made for one test (the `openssl` command
line), and an aiosmtpd relay over STARTTLS or implicit TLS that records every login it is
given, to prove that the password never reaches a server the service cannot trust."""

import ssl
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.smtp import AuthResult

from tests.support.comments import SmtpServer


@dataclass
class Certificates:
    ca: Path  # the authority, to hand the service as SERVICE_SMTP_CA_FILE
    cert: Path  # the relay's certificate for 127.0.0.1, signed by `ca`
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_certificates(folder: Path) -> Certificates:
    """A fresh authority and, signed by it, a certificate for 127.0.0.1 (subjectAltName IP)."""
    folder.mkdir(parents=True, exist_ok=True)
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=Autorite de test",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=folder,
    )  # fmt: skip
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "relay.key", "-out", "relay.csr",
        "-subj", "/CN=127.0.0.1",
        cwd=folder,
    )  # fmt: skip
    (folder / "ext.cnf").write_text(
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
    )
    _openssl(
        "x509", "-req", "-in", "relay.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", "ext.cnf", "-out", "relay.pem",
        cwd=folder,
    )  # fmt: skip
    return Certificates(folder / "ca.pem", folder / "relay.pem", folder / "relay.key")


@dataclass
class TlsRelay(SmtpServer):
    """The test SMTP server, recording each login (mechanism, user, password) it is given."""

    mode: str = "starttls"  # or "implicit", or "none": a server offering no TLS at all
    logins: list = field(default_factory=list)

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        self.logins.append((mechanism, auth_data.login, auth_data.password))
        return AuthResult(success=True)
