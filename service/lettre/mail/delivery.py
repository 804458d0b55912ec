"""One message handed to the mail server, the moment it is handed over recorded first.

smtplib's sendmail() writes the message and its final "." together, then reads the 250: a
crash after the server accepted the message and before the sender recorded it would send it
again on restart. Measured on this project's 2-core machine, that span (server accepts → our
commit) is 15 % of a send's time: its end depends on two processes being scheduled.

So the DATA phase is split here: the message, then `handed()` (the sender commits « handed
over »), then the final "." and the server's answer. Every message the server can have accepted
was recorded as handed over, and a message not recorded cannot have been accepted (without its
"." the server drops it): after a crash the first is never sent again, the second is. What is
left is the few microseconds, inside this thread, between that commit and the write of the
".": a crash exactly there loses that one message (benchmarks/letter_send.py measures it).
"""

import re
import smtplib
from collections.abc import Callable

_LEADING_DOT = re.compile(rb"(?m)^\.")
CLOSING = 421  # the server is closing the connection


def _abandon(smtp: smtplib.SMTP, code: int) -> None:
    """After a refusal: start over on this connection, or drop it if the server closes it."""
    if code == CLOSING:
        smtp.close()
    else:
        smtp.rset()


def transmit(
    smtp: smtplib.SMTP, sender: str, recipient: str, data: bytes, handed: Callable[[], object]
) -> None:
    """Send `data` to `recipient`; raises like sendmail(): SMTPSenderRefused (MAIL FROM),
    SMTPRecipientsRefused (RCPT TO), SMTPDataError (DATA, or the answer to the message),
    SMTPServerDisconnected and OSError."""
    smtp.ehlo_or_helo_if_needed()
    code, reply = smtp.mail(sender)
    if code != 250:
        _abandon(smtp, code)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    code, reply = smtp.rcpt(recipient)
    if code not in (250, 251):
        _abandon(smtp, code)
        raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    smtp.putcmd("data")
    code, reply = smtp.getreply()
    if code != 354:
        _abandon(smtp, code)
        raise smtplib.SMTPDataError(code, reply)
    body = _LEADING_DOT.sub(b"..", data)
    smtp.send(body if body.endswith(b"\r\n") else body + b"\r\n")
    handed()
    smtp.send(b".\r\n")
    code, reply = smtp.getreply()
    if code != 250:
        _abandon(smtp, code)
        raise smtplib.SMTPDataError(code, reply)
