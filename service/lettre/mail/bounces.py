"""What comes back after the send, piped in by the mail server: bounces (RFC 3464 delivery
status notifications), complaints (ARF feedback loops, RFC 5965) and replies.

Most SMTP relays accept every message (250) and report a failed delivery later, by e-mail to
the envelope sender: LETTRE_BOUNCE_ADDRESS (else SERVICE_MAIL_FROM's), with LETTRE_VERP one
address per message (`envelope_sender`). The mail server hands each e-mail arriving there to
`python -m service rebond` (a pipe alias, see the README); reports.py reads it, this module
acts on it:

- a bounce counts only if it proves it is about one of our messages (its Message-ID quoted,
  or the VERP address it came to: a tag that is the HMAC of the outbox row under the service's
  secret key) and the failed recipient is that row's address; so nobody can suspend someone
  else's subscription by mailing a forged report. Only permanent failures count (Action:
  failed, Status 5.x.x); delays (4.x.x) are ignored;
- a complaint (the person clicked « spam »: Feedback-Type abuse or fraud) about one of our
  messages ends every subscription of its address, counted on the team's page;
- a person's reply is forwarded to the team (replies.py), never discarded.
"""

import hashlib
import hmac
import os
import smtplib
import sys
from email.utils import parseaddr

from service.core import clock, db
from service.lettre import outbox, subscribers, subscriptions
from service.lettre.mail import replies, reports
from service.lettre.settings import LettreSettings

# A report is a few kilobytes; anything much larger is not one (and is not read whole).
MAX_REPORT = 10 * 1024 * 1024
# Exit statuses the mail server understands (sysexits.h): try again later; no such recipient
# (the reply goes back to its writer rather than nowhere).
TEMPFAIL, NOUSER = 75, 67
NOTHING = "Aucun rebond définitif dans ce message."


def message_tag(secret_key: str, kind: str, row_id: int) -> str:
    """The part of a Message-ID that proves the service made it for outbox row `row_id`."""
    data = f"{kind}.{row_id}".encode()
    return hmac.new(secret_key.encode(), data, hashlib.sha256).hexdigest()[:16]


def envelope_sender(settings: LettreSettings, mail_from: str, token: str) -> str:
    """The bounce address of a message (`token`: its Message-ID's `kind.row.tag`), apart from
    the address replies go to; with VERP, `local+token@domain`."""
    address = settings.bounce_address or parseaddr(mail_from)[1]
    local, at, domain = address.rpartition("@")
    return f"{local}+{token}@{domain}" if settings.verp and at else address


def _proven_row(report: reports.Report, secret_key: str) -> int | None:
    for kind, number, tag in report.proofs:
        if hmac.compare_digest(tag, message_tag(secret_key, kind, int(number))):
            return int(number)
    return None


def _bounces(conn, report, row_id, settings: LettreSettings) -> list[str]:
    lines = []
    for failure in report.failures:
        address = "" if row_id is None else outbox.recipient(conn, row_id)
        if not address or address != failure.recipient:
            lines.append(
                f"Rebond ignoré pour {failure.recipient} : il ne cite aucun de nos envois."
            )
            continue
        error = f"rebond {failure.status} {failure.diagnostic}".strip()
        suspended = subscribers.bounced(conn, row_id, error, clock.now(), settings)
        if suspended is None:
            lines.append(f"Rebond déjà compté pour {address}.")
        else:
            after = " ; adresse suspendue" if suspended else ""
            lines.append(f"Rebond enregistré pour {address} ({failure.status}){after}.")
    return lines


def _complaint(conn, report: reports.Report, row_id: int | None) -> str:
    address = "" if row_id is None else outbox.recipient(conn, row_id)
    if not address or ("@" in report.complained and report.complained != address):
        return "Plainte ignorée : elle ne cite aucun de nos envois à cette adresse."
    person = subscribers.find(conn, address)
    if person is None:
        return f"Plainte pour {address} : adresse inconnue (effacée), rien à arrêter."
    with db.begin(conn):
        ended = subscriptions.unsubscribe(conn, person, reason=subscriptions.COMPLAINED)
    if not ended:
        return f"Plainte déjà prise en compte pour {address} : plus aucun abonnement."
    return f"Plainte enregistrée pour {address} : abonnements arrêtés ({ended})."


def record(conn, lettre, data: bytes, recipient: str = "") -> tuple[int, list[str]]:
    """Act on `data`, which came to `recipient` (the envelope recipient, "" if unknown): the
    exit status, and French lines saying what was done, for the command's output."""
    try:
        report = reports.read(data, recipient)
    except Exception:  # recursion, odd encodings: not a report we can use
        return 0, [NOTHING]
    row_id = _proven_row(report, lettre.core.settings.secret_key)
    if report.kind == "complaint":
        return 0, [_complaint(conn, report, row_id)]
    if report.kind == "message":
        return _reply(lettre, conn, report.message, data)
    return 0, _bounces(conn, report, row_id, lettre.settings) or [NOTHING]


def _reply(lettre, conn, message, data: bytes) -> tuple[int, list[str]]:
    """Forward `message` (`data`) to the team if a person wrote it."""
    writer = parseaddr(str(message.get("From", "")))[1]
    if "@" not in writer:
        return 0, [NOTHING]
    if reports.automatic(message):
        return 0, [f"Réponse automatique de {writer} : ignorée."]
    team = replies.team(conn, lettre.settings)
    if not team:
        return NOUSER, [
            f"Réponse de {writer} : aucune adresse où la transmettre (réglez LETTRE_REPLY_TO)"
            " ; elle est rendue à son expéditeur."
        ]
    try:
        replies.forward(lettre.core.settings, team, message, data)
    except (OSError, smtplib.SMTPException) as error:
        return TEMPFAIL, [
            f"Réponse de {writer} : le serveur de messagerie ne la prend pas ({error}) ;"
            " elle sera redonnée plus tard."
        ]
    return 0, [f"Réponse de {writer} transmise à {', '.join(team)}."]


def command(lettre, values, out) -> int:
    """`rebond [--fichier F]`: one e-mail from the mail server's pipe (stdin), which gives the
    address it came to in ORIGINAL_RECIPIENT (Postfix). Exit 0 for anything read (a failure
    would bounce the bounce), 75 to have a reply given again later, 1 for a file that cannot be
    read."""
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
    recipient = os.environ.get("ORIGINAL_RECIPIENT") or os.environ.get("RECIPIENT", "")
    conn = db.init(lettre.core.database)
    try:
        status, lines = record(conn, lettre, data, recipient)
    finally:
        conn.close()
    for line in lines:
        print(line, file=out)
    return status
