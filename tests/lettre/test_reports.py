"""What the mail server pipes to `rebond` besides plain bounces (issue 19, item 14): complaints
(ARF feedback loops) unsubscribe the person, reports whose returned message is base64 are read,
bounces come to their own address (VERP) apart from the address replies go to, and a reply that
reaches the pipe anyway is forwarded to the team. Real sample messages
(tests/support/mail/reports.py) fed to the real command; e-mails counted in aiosmtpd."""

import os
import subprocess
import sys

import pytest

from service.core import db
from service.lettre import stats
from service.team import accounts
from tests.support.lettre import article, publish, received, rows, subscribed, wait_until
from tests.support.mail.reports import arf, dsn, rebond, reply

ADDRESS = "partenaire@exemple.fr"
OTHER = "autre@exemple.fr"
TEAM = "equipe@caf-essonne.example.fr"
SEPARATE = {"bounce_address": "rebonds@caf-essonne.example.fr", "verp": True, "reply_to": TEAM}


def news_to(service, smtp, count: int, address: str = ADDRESS):
    """Publish news until `address` got `count` lettres; the last one."""
    publish(service, *[article(f"nouvelle-{n}", days_ago=0.01) for n in range(1, count + 1)])
    wait_until(lambda: len(received(smtp, address)) >= count)
    return received(smtp, address)[-1]


def test_issue19_item14a_a_complaint_unsubscribes_the_person(letter_service, smtp_server):
    subscribed(letter_service, smtp_server, ADDRESS)
    subscribed(letter_service, smtp_server, OTHER)
    lettre = news_to(letter_service, smtp_server, 1)
    assert "Aucun" in rebond(letter_service, arf(lettre, feedback_type="not-spam"))
    said = rebond(letter_service, arf(lettre))
    assert f"Plainte enregistrée pour {ADDRESS}" in said, said
    [(status, reason)] = rows(
        letter_service,
        "SELECT s.status, s.end_reason FROM subscriptions s"
        " JOIN subscribers p ON p.id = s.subscriber_id WHERE p.email = ?",
        ADDRESS,
    )
    assert (status, reason) == ("ended", "plainte")
    conn = db.connect(letter_service.config.core.database)
    try:
        [week] = stats.stats(conn, {})["weeks"]
    finally:
        conn.close()
    assert week["complaints"] == 1 and week["unsubscriptions"] == 0
    assert "déjà" in rebond(letter_service, arf(lettre))  # the same report again
    news_to(letter_service, smtp_server, 2, OTHER)
    assert len(received(smtp_server, ADDRESS)) == 1  # nothing more to whoever complained


@pytest.mark.parametrize("returned", ["text/rfc822-headers", "message/rfc822"])
def test_issue19_item14b_a_report_returning_our_message_in_base64_is_read(
    letter_service, smtp_server, returned
):
    subscribed(letter_service, smtp_server, ADDRESS)
    lettre = news_to(letter_service, smtp_server, 1)
    report = dsn(lettre, ADDRESS, returned=returned, encoding="base64")
    assert lettre["Message-ID"].encode() not in report  # only the decoded part quotes it
    assert f"Rebond enregistré pour {ADDRESS} (5.1.1)." in rebond(letter_service, report)
    assert rows(letter_service, "SELECT bounces FROM subscribers WHERE email = ?", ADDRESS)[0][0]


@pytest.mark.parametrize("letter_service", [SEPARATE], indirect=True)
def test_issue19_item14c_bounces_come_to_their_own_address_replies_to_the_team(
    letter_service, smtp_server
):
    subscribed(letter_service, smtp_server, ADDRESS)
    subscribed(letter_service, smtp_server, OTHER)
    lettre = news_to(letter_service, smtp_server, 1)
    assert lettre["From"].addresses[0].addr_spec == "lettre@caf-essonne.example.fr"
    assert lettre["Reply-To"].addresses[0].addr_spec == TEAM
    envelope = lettre.envelope_from  # the Return-Path: VERP, one address per message
    assert envelope.startswith("rebonds+") and envelope.endswith("@caf-essonne.example.fr")
    wait_until(lambda: received(smtp_server, OTHER))
    other = received(smtp_server, OTHER)[-1].envelope_from
    assert other.startswith("rebonds+") and other != envelope
    # A report quoting nothing of ours, delivered at that address, is about that message.
    bare = dsn(lettre, ADDRESS, returned="", head=f"Delivered-To: {envelope}\r\n")
    assert f"Rebond enregistré pour {ADDRESS}" in rebond(letter_service, bare)
    # So is one piped by Postfix, which gives the address in ORIGINAL_RECIPIENT.
    environ = {
        **os.environ,
        "SERVICE_DATABASE": str(letter_service.config.core.database),
        "SERVICE_SITE_DIR": str(letter_service.config.core.site_dir),
        "SERVICE_SECRET_KEY": letter_service.config.core.secret_key,
        "ORIGINAL_RECIPIENT": other,
    }
    piped = subprocess.run(
        [sys.executable, "-m", "service", "rebond"],
        input=dsn(lettre, OTHER, returned=""),
        env=environ,
        capture_output=True,
        timeout=60,
    )
    assert piped.returncode == 0, piped.stderr.decode()
    assert f"Rebond enregistré pour {OTHER}" in piped.stdout.decode()


@pytest.mark.parametrize("letter_service", [SEPARATE], indirect=True)
def test_issue19_item14c_a_reply_reaching_the_bounce_pipe_is_forwarded_to_the_team(
    letter_service, smtp_server
):
    subscribed(letter_service, smtp_server, ADDRESS)
    lettre = news_to(letter_service, smtp_server, 1)
    before = len(smtp_server.messages)
    text = "Merci pour cette lettre ; une question sur l’accueil du jeune enfant."
    said = rebond(letter_service, reply(lettre, ADDRESS, text))
    assert f"Réponse de {ADDRESS} transmise à {TEAM}" in said, said
    [forwarded] = smtp_server.wait_for(before + 1)[before:]
    assert forwarded.recipients == [TEAM]
    assert forwarded["Reply-To"].addresses[0].addr_spec == ADDRESS  # « Répondre » answers them
    assert forwarded["Auto-Submitted"] == "auto-generated"  # never forwarded a second time
    [attached] = [p for p in forwarded.walk() if p.get_content_type() == "message/rfc822"]
    assert text in attached.get_payload()[0].get_content()
    # An out-of-office answer is not worth the team's time; a complaint-free reply changes
    # nothing to the subscription.
    said = rebond(letter_service, reply(lettre, ADDRESS, "Je suis absente.", auto=True))
    assert "automatique" in said
    old_style_bounce = b"From: MAILER-DAEMON@relais.example\r\nSubject: Undelivered\r\n\r\nNo.\r\n"
    assert "automatique" in rebond(letter_service, old_style_bounce)
    assert len(smtp_server.messages) == before + 1
    assert rows(letter_service, "SELECT status FROM subscriptions")[0][0] == "active"


def test_issue19_item14c_without_a_reply_address_replies_go_to_the_administrators(
    letter_service, smtp_server
):
    subscribed(letter_service, smtp_server, ADDRESS)
    lettre = news_to(letter_service, smtp_server, 1)
    answer = reply(lettre, ADDRESS, "Une question pour l’équipe.")
    # Nobody to give it to: it goes back to its writer (67, no such user), not nowhere.
    assert "LETTRE_REPLY_TO" in rebond(letter_service, answer, status=67)
    conn = db.connect(letter_service.config.core.database)
    with conn:
        accounts.create_moderator(
            conn,
            "admin-lettre",
            "mot de passe assez long",
            email="admin@caf.example.fr",
            roles=(accounts.ADMINISTRATION,),
        )
        accounts.create_moderator(
            conn, "moderatrice", "mot de passe assez long", email="modo@caf.example.fr"
        )
    conn.close()
    before = len(smtp_server.messages)
    assert "transmise à admin@caf.example.fr" in rebond(letter_service, answer)
    [forwarded] = smtp_server.wait_for(before + 1)[before:]
    assert forwarded.recipients == ["admin@caf.example.fr"]
