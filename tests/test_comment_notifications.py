"""Moderator e-mails through a real local SMTP server (aiosmtpd), including failure and retry."""

import time
from datetime import UTC, datetime

import httpx
from comment_fixtures import free_port, make_config, running_service

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
    with service.db() as conn:
        return conn.execute("SELECT * FROM notifications ORDER BY id").fetchall()


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


def test_header_injection_is_impossible(tmp_path, comment_site, smtp_server):
    config = smtp_config(tmp_path, comment_site, smtp_server)
    with running_service(config) as service:
        service_db = service.db()
        # Stored directly: the form already folds whitespace in names, this checks the mailer.
        db_id = service_db.execute(
            "INSERT INTO comments (article_slug, author_name, author_email, body, created_at)"
            " VALUES ('premier-article', ?, 'x@y.fr', 'texte', '2026-01-01T00:00:00+00:00')",
            ("Eve\r\nBcc: victime@exemple.fr\r\nX-Injecte: oui",),
        ).lastrowid
        service_db.execute(
            "INSERT INTO notifications (comment_id, next_attempt_at) VALUES (?, ?)",
            (db_id, "2026-01-01T00:00:00+00:00"),
        )
        service_db.close()
        service.app.state.notifier.wake()
        [message] = smtp_server.wait_for(1)
    assert message["X-Injecte"] is None and message["Bcc"] is None
    assert "victime@exemple.fr" not in message.recipients
    assert "Eve Bcc: victime@exemple.fr X-Injecte: oui" in message["Subject"]


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
        deadline = time.monotonic() + 10
        while not notifications(service)[0]["attempts"] and time.monotonic() < deadline:
            time.sleep(0.05)
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
