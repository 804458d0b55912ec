"""Bounces that come back after the send (RFC 3464 reports, bounces.py): read from the mail
server's pipe, counted only when they quote one of our messages to that address, and the
address suspended after `letter_max_bounces` in a row, even though the relay said 250 each time."""

import io
import os
import subprocess
import sys

from service import commands
from service.app import assemble
from tests.support.lettre import article, publish, received, rows, subscribed, wait_until
from tests.support.mail.reports import dsn
from tests.support.mail.reports import rebond as bounce

ADDRESS = "perdu@exemple.fr"


def report(original, recipient: str = ADDRESS, **fields) -> bytes:
    return dsn(original, recipient, **fields)


def lettre_to(service, smtp, slug: str):
    publish(service, *[article(f"nouveau-{n}", days_ago=0.01) for n in range(1, int(slug) + 1)])
    wait_until(lambda: len(received(smtp, ADDRESS)) >= int(slug))
    return received(smtp, ADDRESS)[-1]


def test_a_report_piped_by_the_mail_server_counts_a_bounce_once(letter_service, smtp_server):
    subscribed(letter_service, smtp_server, ADDRESS)
    lettre = lettre_to(letter_service, smtp_server, "1")
    environ = {
        **os.environ,
        "SERVICE_DATABASE": str(letter_service.config.core.database),
        "SERVICE_SITE_DIR": str(letter_service.config.core.site_dir),
        "SERVICE_SECRET_KEY": letter_service.config.core.secret_key,
    }
    piped = subprocess.run(
        [sys.executable, "-m", "service", "rebond"],
        input=report(lettre),
        env=environ,
        capture_output=True,
        timeout=60,
    )
    assert piped.returncode == 0, piped.stderr.decode()
    assert f"Rebond enregistré pour {ADDRESS} (5.1.1)." in piped.stdout.decode()
    [(status, error)] = rows(
        letter_service,
        "SELECT status, last_error FROM outbox WHERE recipient = ? OR id IN "
        "(SELECT o.id FROM outbox o JOIN subscribers s ON s.id = o.subscriber_id "
        "WHERE s.email = ? AND o.kind = 'lettre')",
        ADDRESS,
        ADDRESS,
    )
    assert status == "failed" and error.startswith("rebond 5.1.1 smtp; 550 5.1.1")
    assert (
        rows(letter_service, "SELECT bounces FROM subscribers WHERE email = ?", ADDRESS)[0][0] == 1
    )
    assert "Rebond déjà compté" in bounce(letter_service, report(lettre))


def test_forged_or_temporary_reports_change_nothing(letter_service, smtp_server):
    subscribed(letter_service, smtp_server, ADDRESS)
    lettre = lettre_to(letter_service, smtp_server, "1")
    kind, number, rest = lettre["Message-ID"].strip("<>").split(".", 2)
    forged = f"<{kind}.{number}.{'0' * 16}@{rest.split('@')[1]}>"
    forged_report = report(lettre, message_id=forged)
    assert "ne cite aucun de nos envois" in bounce(letter_service, forged_report)
    other = report(lettre, recipient="quelqu-un@exemple.fr")  # our message, not that address
    assert "ne cite aucun de nos envois" in bounce(letter_service, other)
    assert "Aucun rebond définitif" in bounce(letter_service, report(lettre, status="4.4.1"))
    assert "Aucun rebond définitif" in bounce(letter_service, b"Subject: bonjour\r\n\r\nSalut\r\n")
    assert (
        rows(letter_service, "SELECT bounces FROM subscribers WHERE email = ?", ADDRESS)[0][0] == 0
    )


def test_three_late_bounces_in_a_row_suspend_the_address(letter_service, smtp_server):
    subscribed(letter_service, smtp_server, ADDRESS)
    for count in ("1", "2", "3"):
        lettre = lettre_to(letter_service, smtp_server, count)
        said = bounce(letter_service, report(lettre))
        assert ("adresse suspendue" in said) == (count == "3"), said
    [(suspended,)] = rows(
        letter_service, "SELECT suspended_at FROM subscribers WHERE email = ?", ADDRESS
    )
    assert suspended
    publish(letter_service, *[article(f"nouveau-{n}", days_ago=0.01) for n in range(1, 5)])
    subscribed(letter_service, smtp_server, "autre@exemple.fr")
    publish(letter_service, *[article(f"nouveau-{n}", days_ago=0.01) for n in range(1, 6)])
    wait_until(lambda: received(smtp_server, "autre@exemple.fr"))
    assert len(received(smtp_server, ADDRESS)) == 3  # nothing more to a suspended address


def test_mangled_reports_are_ignored_without_a_traceback(letter_service, smtp_server, tmp_path):
    """Reports come from any mail server: a broken Message-ID header (which stops Python's
    header parser), an unknown charset, deep nesting, a huge message, a missing file."""
    subscribed(letter_service, smtp_server, ADDRESS)
    lettre = lettre_to(letter_service, smtp_server, "1")
    good = report(lettre)
    broken_id = good.replace(b"Message-ID: <lettre.", b"Message-ID: <@>\r\nX-Id: <lettre.")
    assert "Rebond enregistré" in bounce(letter_service, broken_id)  # still proven, and read
    charset = good.replace(b"text/rfc822-headers", b"text/rfc822-headers; charset=x-bogus")
    assert "Rebond déjà compté" in bounce(letter_service, charset)
    nested = b"Content-Type: message/rfc822\r\n\r\n" * 3000 + b"Subject: x\r\n\r\nfin\r\n"
    assert "Aucun rebond définitif" in bounce(letter_service, nested)
    huge = tmp_path / "enorme.eml"
    huge.write_bytes(b"Subject: x\r\n\r\n" + b"a" * (11 * 1024 * 1024))
    out = io.StringIO()
    parts = assemble(letter_service.config)
    rebond = commands.BY_NAME["rebond"]
    assert commands.execute(parts, rebond, {"fichier": huge}, out) == 0
    assert "trop gros" in out.getvalue()
    missing = commands.execute(parts, rebond, {"fichier": tmp_path / "absent.eml"}, out)
    assert missing == 1
