"""What comes back to the lettre's bounce pipe, written as the mail servers write it: delivery
status notifications (RFC 3464, their returned message in clear or base64), complaint reports
(ARF, RFC 5965) and a person's reply; and `rebond`, the command the mail server pipes them to,
run on a test service's settings."""

import base64
import io

from service import commands
from service.app import assemble

LETTRE_ADDRESS = "lettre@caf-essonne.example.fr"


def _multipart(content_type: str, parts: list[tuple[str, str]], head: str = "") -> bytes:
    """A multipart message of `parts` (their headers, their body), CRLF line ends."""
    body = "".join(f"--B\r\n{headers}\r\n\r\n{text}\r\n" for headers, text in parts)
    return (
        f"{head}From: MAILER-DAEMON@relais.example\r\nTo: {LETTRE_ADDRESS}\r\n"
        f'MIME-Version: 1.0\r\nContent-Type: {content_type}; boundary="B"\r\n\r\n'
        f"{body}--B--\r\n"
    ).encode()


def _returned(original, recipient: str, message_id=None) -> str:
    quoted = message_id or original["Message-ID"]
    return f"Message-ID: {quoted}\r\nTo: {recipient}\r\nSubject: La lettre\r\n"


def dsn(
    original,
    recipient: str,
    status: str = "5.1.1",
    message_id=None,
    returned: str = "text/rfc822-headers",
    encoding: str = "",
    head: str = "",
) -> bytes:
    """A delivery status notification as Postfix sends it to the envelope sender; `returned`:
    the type of the part quoting our message ("" for none), `encoding` "base64" to encode it
    as some mail servers do; `head`: headers the delivering mail server put on top."""
    fields = (
        "Reporting-MTA: dns; relais.example\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\n"
        f"Action: {'failed' if status.startswith('5') else 'delayed'}\r\n"
        f"Status: {status}\r\n"
        f"Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected\r\n"
    )
    parts = [
        ("Content-Type: text/plain", "The message could not be delivered."),
        ("Content-Type: message/delivery-status", fields),
    ]
    if returned:
        text = _returned(original, recipient, message_id)
        if returned == "message/rfc822":
            text += "\r\nLe texte de la lettre.\r\n"
        if encoding == "base64":
            text = base64.encodebytes(text.encode()).decode().replace("\n", "\r\n")
            returned += "\r\nContent-Transfer-Encoding: base64"
        parts.append((f"Content-Type: {returned}", text))
    return _multipart("multipart/report; report-type=delivery-status", parts, head)


def arf(original, feedback_type: str = "abuse", recipient: str = "redacted") -> bytes:
    """A complaint (« spam » clicked) as a mailbox provider's feedback loop sends it, the
    recipient redacted as most do, our message attached."""
    report = (
        f"Feedback-Type: {feedback_type}\r\nUser-Agent: BoucleRetour/1.0\r\nVersion: 1\r\n"
        f"Original-Mail-From: <{LETTRE_ADDRESS}>\r\nOriginal-Rcpt-To: <{recipient}>\r\n"
        "Arrival-Date: Mon, 7 Dec 2026 10:00:00 +0100\r\n"
    )
    attached = f"{_returned(original, recipient)}From: {LETTRE_ADDRESS}\r\n\r\nLe texte.\r\n"
    return _multipart(
        "multipart/report; report-type=feedback-report",
        [
            ("Content-Type: text/plain", "This is an email abuse report."),
            ("Content-Type: message/feedback-report", report),
            ("Content-Type: message/rfc822", attached),
        ],
        "Subject: FW: La lettre\r\n",
    )


def reply(original, sender: str, text: str, auto: bool = False) -> bytes:
    """A person answering the lettre (or their mail program, `auto`: « absent du bureau »)."""
    automatic = "Auto-Submitted: auto-replied\r\n" if auto else ""
    return (
        f"Return-Path: <{sender}>\r\nFrom: Une partenaire <{sender}>\r\nTo: {LETTRE_ADDRESS}\r\n"
        f"Subject: Re: {original['Subject']}\r\nIn-Reply-To: {original['Message-ID']}\r\n"
        f"{automatic}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: 8bit\r\n\r\n{text}\r\n"
    ).encode()


def rebond(service, data: bytes, status: int = 0) -> str:
    """`rebond --fichier` on `data` with `service`'s settings: what it printed."""
    out = io.StringIO()
    path = service.config.core.database.parent / "rebond.eml"
    path.write_bytes(data)
    parts = assemble(service.config)
    assert commands.execute(parts, commands.BY_NAME["rebond"], {"fichier": path}, out) == status
    return out.getvalue()
