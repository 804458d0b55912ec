"""Bounces that come back after the send: delivery status notifications (RFC 3464).

Most SMTP relays accept every message (250) and report a failed delivery later, by e-mail to
the envelope sender (SERVICE_MAIL_FROM). The mail server hands each such e-mail to
`python -m service rebond` (a pipe alias, see the README); this module reads it.

A bounce counts only if it proves it is about one of our messages: the returned headers must
quote a Message-ID we made (compose.py: `<kind.row.tag@host>`) whose tag is the HMAC of the row
under the service's secret key, and the failed recipient must be that row's address. So nobody
can suspend someone else's subscription by mailing a forged report. Only permanent failures
count (Action: failed, Status 5.x.x); delays (4.x.x) are ignored.
"""

import email
import hashlib
import hmac
import re
import sys
from dataclasses import dataclass
from email import policy
from email.message import Message

from service.core import clock, db
from service.lettre import outbox, subscribers
from service.lettre.settings import LettreSettings

# A report is a few kilobytes; anything much larger is not one (and is not read whole).
MAX_REPORT = 10 * 1024 * 1024
MESSAGE_ID = re.compile(r"<([a-z-]+)\.(\d{1,18})\.([0-9a-f]{16})@[^<>\s]+>")


def message_tag(secret_key: str, kind: str, row_id: int) -> str:
    """The part of a Message-ID that proves the service made it for outbox row `row_id`."""
    data = f"{kind}.{row_id}".encode()
    return hmac.new(secret_key.encode(), data, hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class Failure:
    recipient: str
    status: str
    diagnostic: str
    row_id: int | None  # the outbox row the report is about, if proven


def _address(field: str) -> str:
    """`rfc822; someone@example.org` -> `someone@example.org`."""
    return field.split(";", 1)[-1].strip().strip("<>").lower()


def _proven_row(data: bytes, secret_key: str) -> int | None:
    """The outbox row of a Message-ID of ours quoted anywhere in the report (the returned
    headers), if its tag is right. Read from the raw text: a mangled header must not stop it."""
    for kind, number, tag in MESSAGE_ID.findall(data.decode("latin-1")):
        if hmac.compare_digest(tag, message_tag(secret_key, kind, int(number))):
            return int(number)
    return None


def read(data: bytes, secret_key: str) -> list[Failure]:
    """The permanent failures a delivery report tells of (none if it is not one, or not one
    that can be read: reports come from any mail server, mangled ones too)."""
    row_id = _proven_row(data, secret_key)
    try:
        report = email.message_from_bytes(data, policy=policy.compat32)
        parts = [p for p in report.walk() if p.get_content_type() == "message/delivery-status"]
        blocks = [block for part in parts for block in (part.get_payload() or [])[1:]]
    except Exception:  # recursion, odd encodings: not a report we can use
        return []
    failures = []
    for fields in blocks:
        if not isinstance(fields, Message):
            continue
        action = str(fields.get("Action", "")).strip().lower()
        status = str(fields.get("Status", "")).strip()[:20]
        if action == "failed" and status.startswith("5"):
            failures.append(
                Failure(
                    _address(str(fields.get("Final-Recipient", "")))[:320],
                    status,
                    " ".join(str(fields.get("Diagnostic-Code", "")).split())[:300],
                    row_id,
                )
            )
    return failures


def record(conn, secret_key: str, settings: LettreSettings, data: bytes) -> list[str]:
    """Count each proven permanent failure of `data` against its address; French lines saying
    what was done, for the command's output (LETTRE_MAX_BOUNCES in a row suspend it)."""
    lines = []
    for failure in read(data, secret_key):
        address = "" if failure.row_id is None else outbox.recipient(conn, failure.row_id)
        if not address or address != failure.recipient:
            lines.append(
                f"Rebond ignoré pour {failure.recipient} : il ne cite aucun de nos envois."
            )
            continue
        error = f"rebond {failure.status} {failure.diagnostic}".strip()
        suspended = subscribers.bounced(conn, failure.row_id, error, clock.now(), settings)
        if suspended is None:
            lines.append(f"Rebond déjà compté pour {address}.")
        else:
            after = " ; adresse suspendue" if suspended else ""
            lines.append(f"Rebond enregistré pour {address} ({failure.status}){after}.")
    return lines or ["Aucun rebond définitif dans ce message."]


def command(lettre, values, out) -> int:
    """`rebond [--fichier F]`: one delivery report, from the mail server's pipe (stdin). Exit 0
    for anything piped in (a failure would bounce the bounce); 1 for a file that cannot be read."""
    source = values.get("fichier")
    try:
        with open(source, "rb") if source else sys.stdin.buffer as stream:
            data = stream.read(MAX_REPORT + 1)
    except OSError as error:
        print(
            f"Erreur : le fichier {source} ne peut pas être lu ({error.strerror}).", file=sys.stderr
        )
        return 1
    if len(data) > MAX_REPORT:
        print("Message trop gros pour un avis de non-remise : ignoré.", file=out)
        return 0
    conn = db.init(lettre.core.database)
    try:
        for line in record(conn, lettre.core.settings.secret_key, lettre.settings, data):
            print(line, file=out)
    finally:
        conn.close()
    return 0
