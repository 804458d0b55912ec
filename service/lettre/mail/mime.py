"""Multipart e-mails (text + HTML) assembled fast, once per lettre then per recipient.

Building each of 10,000 messages with `email.message.EmailMessage` costs about 18 ms (header
folding and content managers under policy.SMTP): 55 messages per second, below the 200 the
lettre needs. So the parts that carry text from outside — From, Subject and every other
constant header — are built ONCE per lettre by the email package (sanitised with
core/mailer.header_text, encoded and folded by `policy.SMTP`), and each recipient's message is
then assembled here: ASCII headers we generate (To, Message-ID, Date, List-Unsubscribe),
checked to be one line of printable ASCII, and the two bodies with that recipient's links,
base64-encoded (lines of 76 characters, CRLF). About 0.1 ms per message. The tests parse the
result with the email package and find no defect.
"""

import base64
import hashlib
import re
from email import policy
from email.message import EmailMessage

CRLF = "\r\n"
# A header value we write ourselves: printable ASCII on one line (no CR, LF or other control).
_ONE_LINE_ASCII = re.compile(r"[\x20-\x7e]*")


def constant_headers(headers: list[tuple[str, str]]) -> str:
    """`headers` encoded and folded by the email package (policy.SMTP), as wire text ending in
    CRLF. The values must already be made safe (core/mailer.py: header_text)."""
    message = EmailMessage(policy=policy.SMTP)
    for name, value in headers:
        message[name] = value
    return message.as_string()[: -len(CRLF)]  # as_string ends the header block with CRLF


def ascii_header(name: str, value: str) -> str:
    if not _ONE_LINE_ASCII.fullmatch(value):
        raise ValueError(f"header {name} is not one line of printable ASCII")
    return f"{name}: {value}{CRLF}"


def _base64(text: str) -> str:
    """A text part in base64, its line breaks made CRLF first (RFC 2045's canonical form: a
    mail program must not have to guess)."""
    canonical = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", CRLF)
    return base64.encodebytes(canonical.encode("utf-8")).decode("ascii").replace("\n", CRLF)


def assemble(
    head: str, per_recipient: list[tuple[str, str]], text: str, html: str, seed: str
) -> bytes:
    """One message: `head` (from `constant_headers`), then the recipient's own headers, then a
    multipart/alternative body with `text` and `html` (the preferred, last).

    The boundary comes from `seed` (the Message-ID), so the same message sent again is the
    same bytes; « =_ » never occurs in base64, so it cannot occur in the parts."""
    boundary = "=_lettre_" + hashlib.sha256(seed.encode()).hexdigest()[:24]
    lines = [head]
    lines += [ascii_header(name, value) for name, value in per_recipient]
    lines.append(
        f"MIME-Version: 1.0{CRLF}"
        f'Content-Type: multipart/alternative; boundary="{boundary}"{CRLF}{CRLF}'
    )
    for subtype, body in (("plain", text), ("html", html)):
        lines.append(
            f"--{boundary}{CRLF}"
            f'Content-Type: text/{subtype}; charset="utf-8"{CRLF}'
            f"Content-Transfer-Encoding: base64{CRLF}{CRLF}"
            f"{_base64(body)}"
        )
    lines.append(f"--{boundary}--{CRLF}")
    return "".join(lines).encode("ascii")
