"""Sending the lettre, with a real service, SMTP server (aiosmtpd) and SQLite: who gets what,
the headers (RFC 2369, RFC 8058) parsed and checked, both parts, the digest, one-click
unsubscription, retries, bounces and the rate limit."""

import sqlite3
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx
import pytest

from service.comments import store
from service.core import db
from service.core.site import Site
from service.lettre.sender import Sender
from tests.support.comments import running_service, spaces
from tests.support.hostile import executable_markup
from tests.support.lettre import (
    BACK_CATALOGUE,
    PUBLIC,
    article,
    html_part,
    letter_config,
    local,
    publish,
    received,
    rows,
    subscribed,
    text_part,
    wait_until,
    write_letter_site,
)


def test_a_withdrawn_article_leaves_the_archive_the_service_rewrites(letter_service, smtp_server):
    """Between two builds the service rewrites « Lettres précédentes » when it makes a lettre:
    an article withdrawn since its lettre (no longer in the built site) is in none of them."""
    subscribed(letter_service, smtp_server, "tous@exemple.fr")
    withdrawn = article("retire-depuis", days_ago=0.01, title="Un entretien retiré depuis")
    publish(letter_service, withdrawn)
    wait_until(lambda: rows(letter_service, "SELECT count(*) FROM letters")[0][0] == 1)
    later = article("publie-ensuite", days_ago=0.005, title="Un entretien publié ensuite")
    publish(letter_service, later)  # the site no longer has the first one
    wait_until(lambda: rows(letter_service, "SELECT count(*) FROM letters")[0][0] == 2)
    site = letter_service.config.core.site_dir
    wait_until(lambda: "publié ensuite" in (site / "lettres/index.html").read_text())
    index = (site / "lettres/index.html").read_text()
    assert "retiré depuis" not in index and "retire-depuis" not in index


def test_a_new_article_goes_once_to_each_matching_subscriber(letter_service, smtp_server):
    assert rows(letter_service, "SELECT count(*) FROM letters")[0][0] == 0  # back catalogue
    subscribed(letter_service, smtp_server, "tous@exemple.fr")
    subscribed(letter_service, smtp_server, "solidarite@exemple.fr", **{"theme-solidarite": "1"})
    subscribed(letter_service, smtp_server, "semaine@exemple.fr", rythme="weekly")
    new = article("accueil-du-jeune-enfant", days_ago=0.01, title="L’accueil du jeune enfant")
    publish(letter_service, new)
    wait_until(lambda: received(smtp_server, "tous@exemple.fr"))
    time.sleep(0.5)  # time for any wrong extra message to arrive
    assert [m["To"] for m in smtp_server.messages] == ["tous@exemple.fr"]

    [message] = smtp_server.messages
    assert message["Subject"] == "L’accueil du jeune enfant"
    assert message["From"].addresses[0].addr_spec == "lettre@caf-essonne.example.fr"
    assert "La lettre des partenaires" in message["From"].addresses[0].display_name
    assert message["List-Id"] == "La lettre des partenaires <lettre.partenaires.example.fr>"
    unsubscribe = str(message["List-Unsubscribe"])
    assert unsubscribe.startswith(f"<{PUBLIC}/commentaires/lettre/desabonnement?t=")
    assert unsubscribe.endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"].endswith("@partenaires.example.fr>")
    assert abs(parsedate_to_datetime(message["Date"]).timestamp() - time.time()) < 60
    assert not message.defects and not any(part.defects for part in message.walk())
    assert message.get_content_type() == "multipart/alternative"
    text, html = text_part(message), html_part(message)
    for part in (text, html):
        assert "L’accueil du jeune enfant" in part
        assert "Le chapô de accueil-du-jeune-enfant" in part
        assert f"{PUBLIC}/articles/accueil-du-jeune-enfant/" in part
        assert "/commentaires/lettre/gerer?t=" in part
        assert unsubscribe[1:-1].replace("&", "&amp;") in part
    assert '<html lang="fr">' in html and "Lire l’article" in html

    # The lettre is a page of the site too.
    [letter] = rows(letter_service, "SELECT id FROM letters")
    page = letter_service.config.core.site_dir / f"lettres/{letter['id']}/index.html"
    assert "L’accueil du jeune enfant" in page.read_text()
    index = (letter_service.config.core.site_dir / "lettres/index.html").read_text()
    assert f'href="/lettres/{letter["id"]}/"' in index and "L’accueil du jeune enfant" in index

    # A second build with the same article announces nothing more.
    publish(letter_service, new)
    time.sleep(0.5)
    assert len(smtp_server.messages) == 1


def first_lettre(service, smtp):
    """Subscribe someone and publish an article: the lettre they get."""
    subscribed(service, smtp, "partenaire@exemple.fr")
    publish(service, article("premiere-nouvelle", days_ago=0.01))
    wait_until(lambda: received(smtp, "partenaire@exemple.fr"))
    return smtp.messages[0]


@pytest.mark.parametrize(
    "body",
    [
        {"files": {"List-Unsubscribe": (None, "One-Click")}},  # RFC 8058's preferred form
        {"content": b"List-Unsubscribe=One-Click"},  # no Content-Type at all
    ],
    ids=["multipart", "no-content-type"],
)
def test_issue19_item9_one_click_in_any_encoding_unsubscribes(letter_service, smtp_server, body):
    """Mail programs send RFC 8058's one-click POST as multipart/form-data, or without a
    Content-Type: it used to get 415 and the person stayed subscribed."""
    url = local(letter_service, first_lettre(letter_service, smtp_server)["List-Unsubscribe"])
    response = httpx.post(url, **body)
    assert response.status_code == 200 and "Vous êtes désabonné" in response.text
    assert rows(letter_service, "SELECT status FROM subscriptions")[0][0] == "ended"


def test_issue19_item15_the_lettre_says_it_is_automatic(letter_service, smtp_server):
    message = first_lettre(letter_service, smtp_server)
    assert message["Auto-Submitted"] == "auto-generated"  # RFC 3834: no auto-reply loops
    for part in message.walk():  # RFC 2045: a text part's canonical line break is CRLF
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True)
            assert b"\n" in payload and payload.count(b"\n") == payload.count(b"\r\n")


def test_one_click_unsubscribe_is_a_post_without_cookies(letter_service, smtp_server):
    url = local(letter_service, first_lettre(letter_service, smtp_server)["List-Unsubscribe"])

    assert httpx.get(url).status_code == 200  # shows the button, unsubscribes nobody
    assert rows(letter_service, "SELECT status FROM subscriptions")[0][0] == "active"
    response = httpx.post(
        url,
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200 and "Vous êtes désabonné" in response.text
    assert rows(letter_service, "SELECT status FROM subscriptions")[0][0] == "ended"
    again = httpx.post(url, data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200 and "Déjà désabonné" in again.text

    publish(letter_service, article("deuxieme-nouvelle", days_ago=0.005))
    wait_until(lambda: rows(letter_service, "SELECT count(*) FROM letters")[0][0] == 2)
    time.sleep(0.5)
    assert len(smtp_server.messages) == 1


def test_a_tampered_link_changes_nothing(letter_service, smtp_server):
    url = local(letter_service, first_lettre(letter_service, smtp_server)["List-Unsubscribe"])
    response = httpx.post(url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB"))
    assert response.status_code == 400 and "Lien incomplet" in response.text
    assert rows(letter_service, "SELECT status FROM subscriptions")[0][0] == "active"


def test_weekly_digest_lists_the_weeks_articles_of_each_subscribers_themes(
    tmp_path, letter_site, smtp_server
):
    today = datetime.now().weekday()
    config = letter_config(tmp_path, letter_site, smtp_server, digest_day=today, digest_hour=0)
    with running_service(config) as service:
        wait_until(lambda: rows(service, "SELECT count(*) FROM announced")[0][0] == 2)
        subscribed(service, smtp_server, "tout@exemple.fr", rythme="weekly")
        subscribed(
            service,
            smtp_server,
            "enfance@exemple.fr",
            rythme="weekly",
            **{"theme-petite-enfance": "1"},
        )
        publish(
            service,
            article("creches", days_ago=0.02, title="Les crèches"),
            article("aide-alimentaire", "solidarite", days_ago=0.01, title="L’aide alimentaire"),
        )
        wait_until(lambda: rows(service, "SELECT count(*) FROM announced")[0][0] == 4)
        time.sleep(0.3)
        assert smtp_server.messages == []  # this week's digest time was before them
        sender = service.parts.lettre.sender
        sender.clock = lambda: datetime.now(UTC) + timedelta(days=7)
        sender.wake()
        wait_until(lambda: len(smtp_server.messages) == 2)
        everything = received(smtp_server, "tout@exemple.fr")[0]
        childhood = received(smtp_server, "enfance@exemple.fr")[0]
        assert spaces(everything["Subject"]).endswith(" : 2 nouveaux articles")
        assert spaces(childhood["Subject"]).endswith(" : 1 nouvel article")
        assert everything["Subject"].startswith("La lettre des partenaires du ")
        for part in (text_part(everything), html_part(everything)):
            assert "Les crèches" in part and "L’aide alimentaire" in part
            assert part.index("L’aide alimentaire") < part.index("Les crèches")  # newest first
        for part in (text_part(childhood), html_part(childhood)):
            assert "Les crèches" in part and "L’aide alimentaire" not in part
        assert "La lettre des partenaires de la semaine" in html_part(everything)
        assert len(rows(service, "SELECT 1 FROM letters WHERE kind = 'digest'")) == 1
        # One digest per week: an article published now waits for the week after.
        publish(service, article("plus-tard", days_ago=0.001))
        time.sleep(0.5)
        assert len(smtp_server.messages) == 2


def test_a_scheduled_article_is_announced_when_its_date_passes(letter_service, smtp_server):
    subscribed(letter_service, smtp_server, "partenaire@exemple.fr")
    publish(letter_service, article("programme", days_ago=-1.5 / 86400))
    time.sleep(0.3)
    assert smtp_server.messages == []
    wait_until(lambda: received(smtp_server, "partenaire@exemple.fr"), timeout=5)


def test_temporary_failures_are_retried_and_the_message_arrives_once(letter_service, smtp_server):
    subscribed(letter_service, smtp_server, "partenaire@exemple.fr")
    smtp_server.fail_next = 2
    publish(letter_service, article("nouvelle", days_ago=0.01))
    wait_until(lambda: received(smtp_server, "partenaire@exemple.fr"))
    time.sleep(0.5)
    assert len(smtp_server.messages) == 1
    [row] = rows(
        letter_service, "SELECT status, attempts, last_error FROM outbox WHERE kind = 'lettre'"
    )
    assert (row["status"], row["attempts"]) == ("sent", 3)
    assert row["last_error"].startswith("451")


def test_repeated_bounces_suspend_the_address(tmp_path, letter_site, refusing_smtp):
    config = letter_config(tmp_path, letter_site, refusing_smtp, max_bounces=2)
    with running_service(config) as service:
        wait_until(lambda: rows(service, "SELECT count(*) FROM announced")[0][0] == 2)
        subscribed(service, refusing_smtp, "parti@exemple.fr")
        subscribed(service, refusing_smtp, "present@exemple.fr")
        refusing_smtp.refused.add("parti@exemple.fr")
        for n in range(3):
            publish(
                service, *(article(f"nouvelle-{i}", days_ago=0.01 - i / 1000) for i in range(n + 1))
            )
            wait_until(lambda n=n: len(received(refusing_smtp, "present@exemple.fr")) == n + 1)
        statuses = rows(
            service,
            "SELECT o.status FROM outbox o JOIN subscribers p ON p.id = o.subscriber_id"
            " WHERE p.email = 'parti@exemple.fr' AND o.kind = 'lettre' ORDER BY o.id",
        )
        # Two refusals, then the third lettre is not even queued: the address is suspended.
        assert [r[0] for r in statuses] == ["failed", "failed"]
        [person] = rows(
            service,
            "SELECT bounces, suspended_at, last_error FROM subscribers"
            " WHERE email = 'parti@exemple.fr'",
        )
        assert person["bounces"] == 2 and person["suspended_at"]
        assert person["last_error"].startswith("550")
        assert received(refusing_smtp, "parti@exemple.fr") == []


def test_the_rate_limit_spaces_the_messages(tmp_path, letter_site, smtp_server):
    config = letter_config(tmp_path, letter_site, smtp_server, rate=20)
    with running_service(config) as service:
        wait_until(lambda: rows(service, "SELECT count(*) FROM announced")[0][0] == 2)
        conn = service.db()
        with conn:
            for n in range(10):
                conn.execute(
                    "INSERT INTO subscribers (email, link_key, created_at, confirmed_at)"
                    " VALUES (?, 'k', '2026-01-01', '2026-01-01')",
                    (f"abonne{n}@exemple.fr",),
                )
            conn.execute(
                "INSERT INTO subscriptions (subscriber_id, kind, consent, status, created_at)"
                " SELECT id, 'lettre', 'test', 'active', '2026-01-01' FROM subscribers"
            )
        conn.close()
        started = time.monotonic()
        publish(service, article("nouvelle", days_ago=0.01))
        wait_until(lambda: len(smtp_server.messages) == 10)
        # 10 messages at 20 per second cannot take less than 9 intervals of 50 ms.
        assert time.monotonic() - started >= 9 / 20


def test_an_idle_round_takes_no_write_lock(tmp_path, letter_site, smtp_server):
    config = letter_config(tmp_path, letter_site, smtp_server, poll_seconds=60)
    site = Site(letter_site, config.core.site_url)
    sender = Sender(config.lettre, config.core, site, store.snapshot)
    conn = sender.connect()
    sender.send_round(conn)  # the back catalogue
    other = db.connect(config.core.database)
    other.execute("PRAGMA busy_timeout=100")
    conn.execute("PRAGMA busy_timeout=100")
    other.execute("BEGIN IMMEDIATE")  # someone else writing for a long time
    try:
        started = time.monotonic()
        assert sender.announce(conn) == []  # nothing new: no transaction attempted
        assert time.monotonic() - started < 0.05
        write_letter_site(letter_site, [*BACK_CATALOGUE, article("nouvelle", days_ago=0.01)])
        with pytest.raises(sqlite3.OperationalError):  # now it must write, and waits
            sender.announce(conn)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert len(sender.announce(conn)) == 1
    conn.close()


def test_issue19_item1_an_article_s_text_runs_nothing_in_the_lettre(letter_service, smtp_server):
    """The manifest gives the lettre an article's title and chapô as plain text, whatever the
    writer typed: the e-mail and the archive page show them as text, never as markup."""
    subscribed(letter_service, smtp_server, "tous@exemple.fr")
    hostile = '<img src=x onerror="alert(1)"><a href="javascript:alert(1)">ici</a>'
    new = article("piege", days_ago=0.01, title=f"Titre {hostile}", summary=f"Chapô {hostile}")
    publish(letter_service, new)
    wait_until(lambda: received(smtp_server, "tous@exemple.fr"))
    html = html_part(smtp_server.messages[0])
    [letter] = rows(letter_service, "SELECT id FROM letters WHERE period = 'piege'")
    page = letter_service.config.core.site_dir / f"lettres/{letter['id']}/index.html"
    for markup in (html, page.read_text()):
        assert executable_markup(markup) == []
        assert "Chapô &lt;img src=x" in markup
