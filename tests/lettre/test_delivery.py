"""The SMTP transaction of the lettre (delivery.py) and how a dead sender's rows are settled
(outbox.requeue_orphans), with a real SMTP server (aiosmtpd) and SQLite."""

import smtplib

import pytest

from service.core import db
from service.lettre import outbox
from service.lettre.mail.delivery import transmit
from tests.support.comments import make_config

MESSAGE = (
    b"From: a@exemple.fr\r\nTo: b@exemple.fr\r\nSubject: essai\r\n\r\n"
    b".une ligne qui commence par un point\r\nfin\r\n"
)


def test_the_message_is_recorded_handed_over_before_the_server_can_have_it(smtp_server):
    seen_by_server_when_handed = []
    smtp = smtplib.SMTP(smtp_server.host, smtp_server.port)
    try:
        transmit(
            smtp,
            "a@exemple.fr",
            "b@exemple.fr",
            MESSAGE,
            lambda: seen_by_server_when_handed.append(len(smtp_server.messages)),
        )
    finally:
        smtp.quit()
    assert seen_by_server_when_handed == [0]  # without its final ".", no message yet
    [message] = smtp_server.messages
    assert message.get_content().startswith(".une ligne")  # dot-stuffing undone by the server


def test_a_refused_recipient_is_never_handed_over(refusing_smtp):
    refusing_smtp.refused.add("parti@exemple.fr")
    handed = []
    smtp = smtplib.SMTP(refusing_smtp.host, refusing_smtp.port)
    try:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            transmit(smtp, "a@exemple.fr", "parti@exemple.fr", MESSAGE, lambda: handed.append(1))
        assert refused.value.recipients["parti@exemple.fr"][0] == 550
        transmit(smtp, "a@exemple.fr", "b@exemple.fr", MESSAGE, lambda: handed.append(2))
    finally:
        smtp.quit()
    assert handed == [2] and len(refusing_smtp.messages) == 1  # the connection went on


def test_a_temporary_refusal_of_the_message_raises_a_4xx(smtp_server):
    smtp_server.fail_next = 1
    smtp = smtplib.SMTP(smtp_server.host, smtp_server.port)
    try:
        with pytest.raises(smtplib.SMTPDataError) as failed:
            transmit(smtp, "a@exemple.fr", "b@exemple.fr", MESSAGE, lambda: None)
    finally:
        smtp.quit()
    assert failed.value.smtp_code == 451


def test_a_dead_senders_rows_are_sent_again_only_if_never_handed_over(tmp_path):
    conn = db.init(make_config(tmp_path, tmp_path).core.database)
    for status in ("sending", "handed", "sent", "queued"):
        outbox.enqueue(conn, "essai", recipient=f"{status}@exemple.fr")
        conn.execute("UPDATE outbox SET status = ? WHERE id = last_insert_rowid()", (status,))
    with db.begin(conn):
        assert outbox.requeue_orphans(conn, 0) == 1
    settled = dict(conn.execute("SELECT recipient, status FROM outbox").fetchall())
    assert settled == {
        "sending@exemple.fr": "queued",  # no final ".": the server dropped it, send again
        "handed@exemple.fr": "sent",  # may have been accepted: never twice
        "sent@exemple.fr": "sent",
        "queued@exemple.fr": "queued",
    }
    [note] = conn.execute("SELECT last_error FROM outbox WHERE recipient LIKE 'handed%'").fetchone()
    assert note == outbox.UNCONFIRMED
    conn.close()
