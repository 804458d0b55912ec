"""A person's reply that reached the bounce pipe: forwarded to the team, never discarded.

Replies go to LETTRE_REPLY_TO (the Reply-To of every e-mail), a mailbox the team reads; some
mail programs answer the Return-Path or From anyway, and those land in `rebond`. Such a message
goes to LETTRE_REPLY_TO (else the team's administrators), attached whole, with its writer as
Reply-To so « Répondre » answers them. Marked Auto-Submitted, so if it ever came back to the
pipe it would not be forwarded again; answers no person wrote (out-of-office, bounces without
a report: reports.automatic) are not forwarded.
"""

import email
from email import policy
from email.message import EmailMessage, Message
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from service.core.mailer import connect_smtp, header_text, with_quit
from service.core.settings import CoreSettings
from service.lettre.mail.letters import LETTRE_NAME
from service.lettre.settings import LettreSettings
from service.team import accounts

EXPLANATION = (
    "Cette réponse à un e-mail de « {name} » est arrivée à l’adresse des avis de non-remise "
    "({address} l’a envoyée). Elle est jointe telle quelle ; « Répondre » lui écrit.\n"
)


def team(conn, settings: LettreSettings) -> list[str]:
    """Who reads the replies: LETTRE_REPLY_TO, else the enabled administrators' addresses."""
    if settings.reply_to:
        return [settings.reply_to]
    return [
        row["email"]
        for row in accounts.listing(conn)
        if row["email"] and accounts.ADMINISTRATION in accounts.roles_of(row)
    ]


def forward(shared: CoreSettings, to: list[str], message: Message, data: bytes) -> None:
    """Send `message` (`data`, as received) to `to`; raises OSError or SMTPException when the
    mail server cannot take it (the pipe then asks the mail server to try again later)."""
    writer = parseaddr(str(message.get("From", "")))[1]
    ours = parseaddr(shared.mail_from)[1] or "ne-pas-repondre@localhost"
    subject = header_text(str(message.get("Subject", "")))[:200]
    out = EmailMessage(policy=policy.SMTP)
    out["From"] = formataddr((f"{LETTRE_NAME} – Caf de l’Essonne", ours))
    out["To"] = ", ".join(to)
    out["Reply-To"] = writer
    out["Subject"] = f"Réponse de {writer} : {subject}"
    out["Date"] = formatdate(localtime=True)
    out["Message-ID"] = make_msgid(domain=ours.rpartition("@")[2])
    out["Auto-Submitted"] = "auto-generated"  # RFC 3834: never forwarded nor answered again
    out.set_content(EXPLANATION.format(name=LETTRE_NAME, address=writer))
    try:
        out.add_attachment(email.message_from_bytes(data, policy=policy.default))
        wire = out.as_bytes()
    except Exception:  # headers the email package cannot write again: the bytes as they came
        out.clear_content()
        out.set_content(EXPLANATION.format(name=LETTRE_NAME, address=writer))
        out.add_attachment(data, "application", "octet-stream", filename="reponse.eml")
        wire = out.as_bytes()
    smtp = connect_smtp(shared, timeout=30)
    try:
        smtp.sendmail(ours, to, wire)
    finally:
        with_quit(smtp)
