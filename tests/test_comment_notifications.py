"""Moderator e-mails through a real local SMTP server (aiosmtpd), including failure and retry."""

import base64
import contextlib
import time
from datetime import UTC, datetime

import httpx
import pytest
from comment_fixtures import free_port, make_config, running_service

from comment_service import mail
from comment_service.notifications import Notifier
from comment_service.site import Site
from site_core import db

pytest_plugins = ["comment_fixtures"]

MODERATORS = ["moderation@caf-essonne.example", "redaction@caf-essonne.example"]


def smtp_config(tmp_path, site, smtp, **override):
    return make_config(
        tmp_path,
        site,
        smtp_host=smtp.host,
        smtp_port=smtp.port,
        moderator_emails=MODERATORS,
        site_url="https://partenaires.caf-essonne.example",
        **override,
    )


def post(service, **fields):
    return httpx.post(f"{service.url}/commentaires/poster", data=service.form(**fields))


def notifications(service):
    with contextlib.closing(service.db()) as conn:
        return conn.execute("SELECT * FROM notifications ORDER BY id").fetchall()


def wait_until(condition, timeout: float = 10) -> None:
    """Poll `condition` (bounded): rows are marked sent just after the server accepts."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


def test_each_pending_comment_is_mailed_to_the_moderators(tmp_path, comment_site, smtp_server):
    config = smtp_config(tmp_path, comment_site, smtp_server)
    with running_service(config) as service:
        assert post(service, nom="Claire Martin").status_code == 303
        assert post(service, nom="Spammeur", commentaire="casino casino").status_code == 303
        assert (
            post(service, nom="Paul", email="paul@asso.fr", commentaire="Deux").status_code == 303
        )
        messages = smtp_server.wait_for(2)
        time.sleep(0.3)  # the spam must not follow
    assert len(messages) == 2
    first = messages[0]
    assert sorted(first.recipients) == sorted(MODERATORS)
    assert first["Subject"] == (
        "Nouveau commentaire à modérer : « Premier article : l’accueil des tout-petits »"
        " (Claire Martin)"
    )
    text = first.get_content()
    assert "Auteur : Claire Martin" in text
    assert "Merci pour cet entretien" in text
    assert "https://partenaires.caf-essonne.example/commentaires/moderation/#c1" in text
    assert "claire.martin@" not in text  # the address is for moderators' page, not e-mails
    assert all(n["sent_at"] for n in notifications(service))


def _b(text: str, charset: str = "utf-8") -> str:
    return f"=?{charset}?b?{base64.b64encode(text.encode(charset)).decode()}?="


PAYLOAD = "Eve\r\nReply-To: pirate@evil.example\r\nContent-Type: text/html\r\n\r\n<h1>Urgent</h1>"
SEPARATORS = (
    "Eve\u2028Reply-To: pirate@evil.example\u2029Content-Type: text/html\x85\x85<h1>Urgent</h1>"
)
INJECTIONS = {
    "raw CRLF": "Eve\r\nBcc: victime@exemple.fr\r\nReply-To: pirate@evil.example",
    "raw folded header": "Eve\r\n\tReply-To: pirate@evil.example\r\n Content-Type: text/html",
    "raw unicode separators": SEPARATORS,
    "b encoded word": _b(PAYLOAD),
    "q encoded word": "=?utf-8?q?Eve=0D=0AReply-To:_pirate@evil.example=0D=0AContent-Type:"
    "_text/html=0D=0A=0D=0A<h1>Urgent</h1>?=",
    "double encoded": _b(_b(PAYLOAD)),
    "encoded word split by folding": _b(PAYLOAD[:6]) + "\r\n " + _b(PAYLOAD[6:]),
    "encoded unicode separators": _b(SEPARATORS),
    "latin-1 NEL": "=?iso-8859-1?q?Eve=85Reply-To:_pirate@evil.example=85=85<h1>Urgent</h1>?=",
    "inline encoded word": "Eve" + _b("\r\nReply-To: pirate@evil.example"),
}


def store_comment(service, author_name: str) -> None:
    """A pending comment and its notification row, stored as the writer would."""
    with contextlib.closing(service.db()) as conn:
        comment_id = conn.execute(
            "INSERT INTO comments (article_slug, author_name, author_email, body, created_at)"
            " VALUES ('premier-article', ?, 'x@y.fr', 'texte', '2026-11-23T17:45:25+00:00')",
            (author_name,),
        ).lastrowid
        conn.execute(
            "INSERT INTO notifications (comment_id, next_attempt_at) VALUES (?, ?)",
            (comment_id, "2026-01-01T00:00:00+00:00"),
        )
    service.app.state.notifier.wake()


def assert_harmless(message, config) -> None:
    """The message as received: our headers only, once each, and one text/plain body."""
    for name in ("From", "To", "Subject", "Date", "Message-ID"):
        assert len(message.get_all(name, [])) == 1, name
    assert message["Reply-To"] is None and message["Bcc"] is None
    assert str(message["From"]) == config.mail_from
    assert sorted(a.addr_spec for a in message["To"].addresses) == sorted(MODERATORS)
    assert sorted(message.recipients) == sorted(MODERATORS)
    assert not message.is_multipart()
    assert message.get_content_type() == "text/plain"
    lines = message.get_content().splitlines()
    assert not [line for line in lines if line.startswith(("<", "Content-Type", "Reply-To"))]
    assert "=?" not in message["Subject"]
    # The name is still there, as harmless text.
    assert "Eve" in message["Subject"]


@pytest.mark.parametrize("name", INJECTIONS.values(), ids=INJECTIONS.keys())
def test_header_and_body_injection_is_impossible(tmp_path, comment_site, smtp_server, name):
    config = smtp_config(tmp_path, comment_site, smtp_server)
    with running_service(config) as service:
        store_comment(service, name)  # stored directly: this checks the mailer itself
        [message] = smtp_server.wait_for(1)
    assert_harmless(message, config)
    assert "Reply-To: pirate@evil.example" in message["Subject"]


def test_encoded_word_posted_through_the_form_stays_text(tmp_path, comment_site, smtp_server):
    config = smtp_config(tmp_path, comment_site, smtp_server)
    with running_service(config) as service:
        assert post(service, nom=_b(PAYLOAD)).status_code == 303
        [message] = smtp_server.wait_for(1)
    assert_harmless(message, config)
    assert (
        "Eve Reply-To: pirate@evil.example Content-Type: text/html <h1>Urgent</h1>"
        in (message["Subject"])
    )


def test_names_that_are_not_attacks_are_kept():
    assert mail.header_text("=?utf-8?q?Ren=C3=A9e_Dupr=C3=A9?=") == "Renée Dupré"
    assert mail.header_text("Jean =?x?") == "Jean = ?x?"
    assert mail.header_text("  Anne\u00a0Marie  ") == "Anne\u00a0Marie"


def test_smtp_failure_is_logged_and_retried_without_losing_the_comment(
    tmp_path, comment_site, smtp_server, caplog
):
    smtp_server.fail_next = 2
    config = smtp_config(tmp_path, comment_site, smtp_server, notify_retry_base=0.3)
    with running_service(config) as service:
        started = time.monotonic()
        assert post(service).status_code == 303  # answered at once, SMTP down or not
        assert time.monotonic() - started < 2
        messages = smtp_server.wait_for(1, timeout=15)
        assert len(messages) == 1
        wait_until(lambda: notifications(service)[0]["sent_at"])
        [row] = notifications(service)
    assert row["attempts"] == 2 and row["sent_at"]
    assert "451" in row["last_error"]  # kept for the record after the success
    failures = [r.getMessage() for r in caplog.records if "notification for" in r.getMessage()]
    assert ["attempt 1" in failures[0], "attempt 2" in failures[1]] == [True, True]


def test_unreachable_server_backs_off_and_keeps_the_row(tmp_path, comment_site):
    config = make_config(
        tmp_path,
        comment_site,
        smtp_host="127.0.0.1",
        smtp_port=free_port(),  # nobody listens
        moderator_emails=MODERATORS,
        notify_retry_base=60,
    )
    with running_service(config) as service:
        assert post(service).status_code == 303
        wait_until(lambda: notifications(service)[0]["attempts"])
        [row] = notifications(service)
        with service.db() as conn:
            assert conn.execute("SELECT status FROM comments").fetchone()[0] == "pending"
    assert row["attempts"] == 1 and row["sent_at"] is None
    assert row["last_error"]
    # Pushed about a minute into the future.
    assert row["next_attempt_at"] > datetime.now(UTC).isoformat(timespec="milliseconds")


def test_rows_already_moderated_are_not_mailed(tmp_path, comment_site, smtp_server):
    config = smtp_config(tmp_path, comment_site, smtp_server)
    conn = db.init(config.database)
    conn.execute(
        "INSERT INTO comments (id, article_slug, author_name, author_email, body, status,"
        " created_at) VALUES (7, 'premier-article', 'A', 'a@b.fr', 'x', 'approved', '2026')"
    )
    conn.execute("INSERT INTO notifications (comment_id, next_attempt_at) VALUES (7, '2026')")
    assert Notifier(config, Site(config.site_dir)).send_due(conn) == 0
    assert smtp_server.messages == []
    assert conn.execute("SELECT sent_at FROM notifications").fetchone()[0]
