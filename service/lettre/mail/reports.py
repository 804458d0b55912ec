"""Reading what the mail server pipes to `rebond`: a delivery status notification (RFC 3464),
a complaint from a mailbox provider's feedback loop (ARF, RFC 5965), or anything else (a
person's reply, an out-of-office answer).

Reports come from any mail server, in any shape: the returned message or headers are often
base64 (`message/rfc822` and `text/rfc822-headers` parts with a Content-Transfer-Encoding, which
Python's parser leaves encoded), mangled ones too. So every part is decoded here, its
transfer encoding undone, before anything is looked for in it; and what proves the report is
about one of our messages is searched in the decoded text, not parsed headers: a Message-ID we
made (compose.py: `<kind.row.tag@host>`) or, with VERP, our bounce address
(`rebonds+kind.row.tag@…`, where the mail server delivered it, or quoted in the report), whose
tag is the HMAC of the row under the service's secret key (bounces.message_tag).
"""

import base64
import binascii
import email
import quopri
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.utils import parseaddr

# `<kind.row.tag@` of a Message-ID, or `+kind.row.tag@` of a VERP bounce address.
PROOF = re.compile(r"[<+]([a-z-]+)\.(\d{1,18})\.([0-9a-f]{16})@")
COMPLAINTS = ("abuse", "fraud")  # ARF feedback types that are a complaint (not « not-spam »)


@dataclass(frozen=True)
class Failure:
    recipient: str
    status: str
    diagnostic: str


@dataclass
class Report:
    kind: str  # "dsn", "complaint", "other-report" (a report of no use here), "message"
    proofs: list[tuple[str, int, str]] = field(default_factory=list)  # (kind, row, tag)
    failures: list[Failure] = field(default_factory=list)
    feedback_type: str = ""
    complained: str = ""  # ARF Original-Rcpt-To, when the provider did not redact it
    message: Message | None = None  # the whole message, for a reply to forward


def address(text: str) -> str:
    """`rfc822; someone@example.org` or `<someone@example.org>` -> `someone@example.org`."""
    return text.split(";", 1)[-1].strip().strip("<>").strip().lower()


def _decoded(part: Message) -> bytes:
    """The body of `part`, its transfer encoding undone; for a message/* part, the message it
    carries (whose text the parser took for a headerless message when it was encoded)."""
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if not part.is_multipart():
        return part.get_payload(decode=True) or b""
    text = "".join(
        inner.as_string() if isinstance(inner, Message) else str(inner)
        for inner in part.get_payload()
    )
    try:
        if encoding == "base64":
            return base64.b64decode(text.encode("ascii", "replace"))
        if encoding == "quoted-printable":
            return quopri.decodestring(text.encode("utf-8", "surrogateescape"))
    except (binascii.Error, ValueError):
        return b""
    return text.encode("utf-8", "surrogateescape")


def _field_blocks(data: bytes) -> list[Message]:
    """The blocks of fields of a delivery-status or feedback-report part (RFC 3464: one per
    message, then one per recipient, separated by blank lines)."""
    text = data.decode("utf-8", "replace").replace("\r\n", "\n")
    return [email.message_from_string(block.strip() + "\n\n") for block in text.split("\n\n")]


def read(data: bytes, envelope_recipient: str = "") -> Report:
    """What `data` is, and what in it (or the address it came to) may prove it is ours.
    Raises on what the email package cannot take (deep nesting…): not a report of any use."""
    message = email.message_from_bytes(data, policy=policy.compat32)
    report = Report("message", message=message)
    report.proofs = PROOF.findall(envelope_recipient)
    report.proofs += PROOF.findall(str(message.get("Delivered-To", "")))
    if message.get_content_type() != "multipart/report":
        return report
    report.kind = "other-report"
    # Anywhere in the report, as sent (a mangled header must not hide it) or decoded.
    report.proofs += PROOF.findall(data.decode("latin-1"))
    for part in message.walk():
        kind = part.get_content_type()
        if part.get_content_maintype() == "multipart":
            continue
        body = _decoded(part)
        report.proofs += PROOF.findall(body.decode("latin-1"))
        if kind == "message/delivery-status":
            report.kind = "dsn"
            report.failures += _failures(_field_blocks(body)[1:])
        elif kind == "message/feedback-report":
            [fields, *_] = _field_blocks(body)
            report.feedback_type = str(fields.get("Feedback-Type", "")).strip().lower()
            report.complained = address(str(fields.get("Original-Rcpt-To", "")))
            if report.feedback_type in COMPLAINTS:
                report.kind = "complaint"
    return report


def _failures(blocks: list[Message]) -> list[Failure]:
    """The permanent failures (Action: failed, Status 5.x.x) of a report's recipient blocks;
    delays (4.x.x) do not count."""
    failures = []
    for fields in blocks:
        action = str(fields.get("Action", "")).strip().lower()
        status = str(fields.get("Status", "")).strip()[:20]
        if action == "failed" and status.startswith("5"):
            failures.append(
                Failure(
                    address(str(fields.get("Final-Recipient", "")))[:320],
                    status,
                    " ".join(str(fields.get("Diagnostic-Code", "")).split())[:300],
                )
            )
    return failures


def automatic(message: Message) -> bool:
    """An answer no person wrote (RFC 3834 Auto-Submitted, an out-of-office, a bounce without
    a report: from MAILER-DAEMON, its Return-Path empty), not worth forwarding to the team."""
    submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    writer = parseaddr(str(message.get("From", "")))[1].lower()
    return (
        submitted != "no"
        or writer.startswith(("mailer-daemon@", "postmaster@"))
        or precedence in ("bulk", "junk", "list", "auto_reply")
        or "X-Autoreply" in message
        or str(message.get("Return-Path", "x")).strip() in ("<>", "")
    )
