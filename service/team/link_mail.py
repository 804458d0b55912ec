"""The e-mail that carries a one-time password link to the address the administrator typed.

The page still shows the link (accounts_pages.py): the e-mail saves passing it on by hand, it
is not the only way. So a mail server that is down or refuses never stops the account from
being made; `send` returns, in French, why the e-mail did not leave, for the page to say it
(the administrator can then check the server, or pass the link on themselves).
"""

import smtplib
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from service.core import clock
from service.core.mailer import body_text, connect_smtp, header_text, with_quit
from service.core.settings import CoreSettings
from site_core.dates import format_datetime

SENDER_NAME = "Espace équipe – Caf de l’Essonne"
# Slow enough for a busy relay, short enough for an administrator waiting on the page.
TIMEOUT = 15

INTRO = {
    True: "{admin} vous a créé un compte « {username} » dans l’espace équipe du site de la Caf "
    "de l’Essonne.",
    False: "{admin} vous envoie un nouveau lien pour choisir le mot de passe de votre compte "
    "« {username} » dans l’espace équipe du site de la Caf de l’Essonne.",
}
# One line per paragraph: the mail reader wraps them to its width.
BODY = (
    "Bonjour{name},",
    "{intro}",
    "Pour choisir votre mot de passe, ouvrez ce lien :",
    "{link}",
    "Ce lien ne sert qu’une fois et reste valable {hours} heures, jusqu’au {until}. Passé ce "
    "délai, demandez-en un nouveau à un administrateur de l’équipe. Une fois le mot de passe "
    "choisi, vous êtes connecté ; ensuite, votre identifiant est « {username} ».",
    "Si vous n’attendiez pas ce message, ignorez-le : sans ce lien, personne ne peut choisir "
    "votre mot de passe.",
    "Message automatique : n’y répondez pas.",
)


def message(
    shared: CoreSettings, account, admin: str, link: str, hours: int, created: bool
) -> EmailMessage:
    """The e-mail for `account` (a moderators row with an e-mail address)."""
    ours = parseaddr(shared.mail_from)[1] or "ne-pas-repondre@localhost"
    name = header_text(account["display_name"] or "")
    out = EmailMessage(policy=policy.SMTP)
    out["From"] = formataddr((SENDER_NAME, ours))
    out["To"] = formataddr((name, account["email"]))
    out["Subject"] = (
        "Votre compte de l’espace équipe : choisissez votre mot de passe"
        if created
        else "Nouveau lien pour choisir votre mot de passe"
    )
    out["Date"] = formatdate(localtime=True)
    out["Message-ID"] = make_msgid(domain=ours.rpartition("@")[2])
    out["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office reply to us
    intro = INTRO[created].format(admin=admin, username=account["username"])
    text = "\n\n".join(BODY).format(
        name=f" {name}" if name else "",
        intro=intro,
        link=link,
        hours=hours,
        until=format_datetime(clock.utc(clock.now() + hours * 3600)),
        username=account["username"],
    )
    out.set_content(body_text(text))
    return out


def send(shared: CoreSettings, mail: EmailMessage) -> str:
    """Send `mail`; "" once the mail server took it, else why not, in French (blocking: run it
    in a thread)."""
    server = f"{shared.smtp_host}:{shared.smtp_port}"
    try:
        smtp = connect_smtp(shared, timeout=TIMEOUT)
        try:
            smtp.send_message(mail)
        finally:
            with_quit(smtp)
    except smtplib.SMTPRecipientsRefused:
        return f"le serveur de messagerie ({server}) refuse l’adresse {parseaddr(mail['To'])[1]}"
    except smtplib.SMTPAuthenticationError:
        return f"le serveur de messagerie ({server}) refuse l’identifiant SMTP des réglages"
    except smtplib.SMTPResponseException as error:
        return f"le serveur de messagerie ({server}) a répondu « {error.smtp_code} »"
    except TimeoutError:
        return f"le serveur de messagerie ({server}) ne répond pas"
    except ConnectionRefusedError:
        return f"le serveur de messagerie ({server}) refuse la connexion (est-il démarré ?)"
    except (OSError, smtplib.SMTPException) as error:
        return f"le serveur de messagerie ({server}) est injoignable ({error})"
    return ""
