"""The lettre's commands (entries of commands.COMMANDS, each handed the lettre's part: its
settings, the core, its sender): announce what was published, send a test to oneself, export
the subscriber list.

`python -m service announce` is what `invoke publish` runs after copying the site to
a local folder, and what the writing room's publish calls: it announces the new articles (one
idempotent transaction, whoever runs it), then sends the queue itself unless the running
service is already sending (then the service sends it).
"""

from service.core import db
from service.core.forms import clean_email, email_error
from service.lettre import stats
from service.lettre.mail.compose import list_address_problem
from service.lettre.sender import Report


class LetterCommandError(ValueError):
    """A lettre command cannot run as asked; the message is French."""


def _report(report: Report, sender, out) -> None:
    if problem := list_address_problem(sender.site.public_url()):
        print(problem, file=out)
    if not report.held:
        print("Les e-mails sont envoyés par le service de commentaires en cours.", file=out)
        return
    print(
        f"E-mails envoyés : {report.sent} ; à réessayer plus tard : {report.retried} ;"
        f" refusés : {report.failed} ; sans destinataire : {report.dropped}.",
        file=out,
    )
    if report.server_error:
        print(
            f"Le serveur d’envoi ne prend pas les e-mails ({report.server_error}) : ils "
            "restent en file et partiront au prochain envoi.",
            file=out,
        )


def announce(lettre, values, out) -> None:
    sender = lettre.sender
    conn = sender.connect()
    try:
        if values["sans_envoi"]:
            report = Report(letters=sender.announce(conn), held=False)
        else:
            report = sender.send_round(conn)
    finally:
        conn.close()
    count = len(report.letters)
    print(f"Nouvelles lettres : {count}.", file=out)
    _report(report, sender, out)


def test_send(lettre, values, out) -> None:
    email = clean_email(values["email"])
    if error := email_error(email):
        raise LetterCommandError(error)
    sender = lettre.sender
    conn = sender.connect()
    try:
        with db.begin(conn):
            stats.queue_test_send(conn, email)
        report = sender.send_round(conn, announce=False)
    finally:
        conn.close()
    print(f"Essai mis en file pour {email}.", file=out)
    _report(report, sender, out)


def export(lettre, values, out) -> None:
    with db.connection(lettre.core.database, readonly=True) as conn:
        text = stats.subscribers_csv(conn, lettre.core.site.manifest.categories)
    if values["sortie"]:
        values["sortie"].write_text(text, encoding="utf-8")
        print(f"Liste écrite dans {values['sortie']}.", file=out)
    else:
        out.write(text.lstrip("\ufeff"))
