"""Moderator e-mails through a real local SMTP server (aiosmtpd): digests, failure and retry."""

import contextlib
import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from service.comments.notifier import Notifier
from service.core import db
from service.core.site import Site
from tests.support.comments import free_port, make_config, running_service, spaces
from tests.support.mail.comment_mail import (
    MODERATORS,
    end_interval,
    notifications,
    post,
    smtp_config,
    store_comment,
    wait_until,
)

SITE = "https://partenaires.caf-essonne.example"
TITLE = "«\u202fPremier article\u00a0: l’accueil des tout-petits\u202f»"
NO_SPAM_LIMITS = {"flood_ip_count": 0, "flood_email_count": 0}


def test_first_comment_after_a_quiet_period_is_mailed_at_once(tmp_path, comment_site, smtp_server):
    config = smtp_config(tmp_path, comment_site, smtp_server)
    with running_service(config) as service:
        assert post(service, nom="Claire Martin").status_code == 303
        assert post(service, nom="Spammeur", commentaire="casino casino").status_code == 303
        [message] = smtp_server.wait_for(1)
        wait_until(lambda: notifications(service)[0]["sent_at"])
        time.sleep(0.5)  # the spam must not follow
        assert len(smtp_server.messages) == 1
        assert [bool(n["sent_at"]) for n in notifications(service)] == [True]
    assert sorted(message.recipients) == sorted(MODERATORS)
    assert message["Subject"] == f"1 commentaire à modérer\u00a0: {TITLE} (Claire Martin)"
    text = message.get_content()
    assert "Auteur\u00a0: Claire Martin" in text
    assert "Merci pour cet entretien" in text
    assert f"{SITE}/redaction/commentaires/#c1" in text
    assert "claire.martin@" not in text  # the address is for moderators' page, not e-mails


def test_a_burst_of_comments_makes_one_email_per_interval(tmp_path, comment_site, smtp_server):
    config = smtp_config(tmp_path, comment_site, smtp_server, **NO_SPAM_LIMITS)
    assert config.comments.notify_interval == 600  # the default
    with running_service(config) as service:
        assert post(service, nom="Première lectrice").status_code == 303
        smtp_server.wait_for(1)
        with ThreadPoolExecutor(8) as pool:  # 50 posts at once, as in a spam wave
            statuses = pool.map(
                lambda n: post(service, nom=f"Lecteur {n}", commentaire=f"Avis n° {n}").status_code,
                range(1, 51),
            )
            assert set(statuses) == {303}
        time.sleep(1)  # five polls of the sender
        assert len(smtp_server.messages) == 1  # the others wait for the interval
        end_interval(service)
        [_, digest] = smtp_server.wait_for(2)
        wait_until(lambda: all(n["sent_at"] for n in notifications(service)))
        time.sleep(0.5)
        assert len(smtp_server.messages) == 2
        rows = notifications(service)
    assert digest["Subject"].startswith("50 commentaires à modérer\u00a0: ")
    text = digest.get_content()
    # The 20 oldest are listed, with the article, author and moderation link of each.
    assert text.count(f"Article\u00a0: {TITLE}") == 20
    assert text.count("Auteur\u00a0: Lecteur ") == 20
    links = re.findall(f"Modérer\u00a0: {SITE}/redaction/commentaires/#c(\\d+)", text)
    assert links == [str(n) for n in range(2, 22)]
    assert "et 30 autres commentaires en attente" in text
    # The whole digest is marked sent at once, after the server accepted it.
    assert len({row["sent_at"] for row in rows[1:]}) == 1


def test_what_arrives_during_the_interval_goes_out_when_it_ends(
    tmp_path, comment_site, smtp_server
):
    config = smtp_config(tmp_path, comment_site, smtp_server, notify_interval=2)
    with running_service(config) as service:
        store_comment(service, "Anne")
        smtp_server.wait_for(1)
        sent = time.monotonic()
        store_comment(service, "Bruno", "Deuxième avis")
        store_comment(service, "Chloé", "Troisième avis")
        time.sleep(0.5)
        assert len(smtp_server.messages) == 1
        [_, digest] = smtp_server.wait_for(2)
        waited = time.monotonic() - sent
    assert 1.5 < waited < 5
    assert digest["Subject"].startswith("2 commentaires à modérer")
    assert "Auteur\u00a0: Bruno" in digest.get_content()
    assert "Auteur\u00a0: Chloé" in digest.get_content()


def test_comments_moderated_before_the_send_are_left_out(tmp_path, comment_site, smtp_server):
    config = smtp_config(tmp_path, comment_site, smtp_server)
    with running_service(config) as service:
        store_comment(service, "Anne")
        smtp_server.wait_for(1)
        approved = store_comment(service, "Bruno", "Deuxième avis")
        store_comment(service, "Chloé", "Troisième avis")
        with contextlib.closing(service.db()) as conn:
            conn.execute("UPDATE comments SET status = 'approved' WHERE id = ?", (approved,))
        end_interval(service)
        [_, digest] = smtp_server.wait_for(2)
        wait_until(lambda: all(n["sent_at"] for n in notifications(service)))
    assert digest["Subject"].startswith("1 commentaire à modérer")
    assert "Bruno" not in digest.get_content() and "Chloé" in digest.get_content()


def test_the_email_has_a_date_and_french_text(tmp_path, comment_site, smtp_server):
    config = smtp_config(tmp_path, comment_site, smtp_server)
    with running_service(config) as service:
        before = datetime.now(UTC).replace(microsecond=0)  # the header has whole seconds
        store_comment(service, "Anne", created_at="2026-11-23T17:45:25+00:00")
        [message] = smtp_server.wait_for(1)
    assert before <= parsedate_to_datetime(message["Date"]) <= datetime.now(UTC)
    assert message["Message-ID"].endswith("@localhost>")  # SERVICE_MAIL_FROM's domain
    text = message.get_content()
    assert "Reçu le 23 novembre 2026 à 18 h 45" in spaces(text)  # Paris time
    assert "2026-11-23T" not in text
    assert "Un commentaire attend votre modération." in text


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
    failures = [r.getMessage() for r in caplog.records if "notification digest" in r.getMessage()]
    assert ["attempt 1" in failures[0], "attempt 2" in failures[1]] == [True, True]


def test_unreachable_server_backs_off_and_keeps_the_row(tmp_path, comment_site):
    config = make_config(
        tmp_path,
        comment_site,
        smtp_host="127.0.0.1",
        smtp_port=free_port(),  # nobody listens
        comments={"moderator_emails": MODERATORS, "notify_retry_base": 60},
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
    conn = db.init(config.core.database)
    conn.execute(
        "INSERT INTO comments (id, article_slug, author_name, author_email, body, status,"
        " created_at) VALUES (7, 'premier-article', 'A', 'a@b.fr', 'x', 'approved', '2026')"
    )
    conn.execute("INSERT INTO notifications (comment_id, next_attempt_at) VALUES (7, '2026')")
    site = Site(config.core.site_dir, config.core.site_url)
    assert Notifier(config.comments, config.core, site).send_due(conn) == 0
    assert smtp_server.messages == []
    assert conn.execute("SELECT sent_at FROM notifications").fetchone()[0]


def _queue_comment(conn, comment_id: int) -> None:
    conn.execute(
        "INSERT INTO comments (id, article_slug, author_name, author_email, body, created_at)"
        " VALUES (?, 'premier-article', ?, 'a@b.fr', 'x', '2026-11-23T17:45:25+00:00')",
        (comment_id, f"Lecteur {comment_id}"),
    )
    conn.execute(
        "INSERT INTO notifications (comment_id, next_attempt_at) VALUES (?, '2026-01-01')",
        (comment_id,),
    )


def test_a_failed_digest_is_retried_whole_after_its_delay(tmp_path, comment_site, smtp_server):
    config = smtp_config(tmp_path, comment_site, smtp_server, notify_retry_base=60)
    conn = db.init(config.core.database)
    site = Site(config.core.site_dir, config.core.site_url)
    notifier = Notifier(config.comments, config.core, site)
    _queue_comment(conn, 1)
    _queue_comment(conn, 2)
    smtp_server.fail_next = 1
    assert notifier.send_due(conn) == 0
    rows = conn.execute("SELECT attempts, next_attempt_at, sent_at FROM notifications").fetchall()
    assert [tuple(row) for row in rows] == [(1, rows[0][1], None)] * 2
    assert rows[0][1] > datetime.now(UTC).isoformat()  # about a minute from now
    _queue_comment(conn, 3)  # a newcomer does not cut the delay short
    assert notifier.send_due(conn) == 0 and smtp_server.messages == []
    conn.execute("UPDATE notifications SET next_attempt_at = '2026-01-01'")  # the delay is over
    assert notifier.send_due(conn) == 3
    [message] = smtp_server.messages
    assert message["Subject"].startswith("3 commentaires à modérer")
    sent = conn.execute("SELECT DISTINCT sent_at FROM notifications").fetchall()
    assert len(sent) == 1 and sent[0][0]
    assert notifier.send_due(conn) == 0  # nothing left, and the interval has begun
