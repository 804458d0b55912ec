"""Spam defences without third parties: honeypot, content rules, flood limits, duplicates."""

import httpx
import pytest
from bs4 import BeautifulSoup

from service.core.protection import spam_reason
from tests.support.comments import make_config, running_service

TWO_PER_ADDRESS = {"flood_email_count": 2, "flood_ip_count": 100}


def post(service, form):
    return httpx.post(f"{service.url}/commentaires/poster", data=form, timeout=10)


def rows(service):
    with service.db() as conn:
        return conn.execute("SELECT status, spam_reason, body FROM comments ORDER BY id").fetchall()


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"reference_dossier": "0601020304"}, "Champ piège"),
        (
            {"commentaire": "Voir https://a.example, http://b.example et www.c.example !"},
            "Trop de liens : 3",
        ),
        ({"commentaire": "Gagnez au CASINO en ligne"}, "« casino »"),
        ({"nom": "Cheap Viagra"}, "« viagra »"),
    ],
)
def test_spam_is_stored_as_spam_with_its_reason_and_answered_like_a_post(
    comment_service, fields, reason
):
    response = post(comment_service, comment_service.form(**fields))
    assert response.status_code == 303  # a robot learns nothing
    [row] = rows(comment_service)
    assert row["status"] == "spam"
    assert reason in row["spam_reason"]
    with comment_service.db() as conn:  # no moderator is bothered by spam
        assert conn.execute("SELECT count(*) FROM notifications").fetchone()[0] == 0


def test_two_links_are_allowed(comment_service):
    body = "Les horaires : https://www.caf.fr/allocataires et https://www.essonne.fr/"
    assert post(comment_service, comment_service.form(commentaire=body)).status_code == 303
    assert rows(comment_service)[0]["status"] == "pending"


def test_spam_words_come_from_the_config(tmp_path, comment_site):
    config = make_config(tmp_path, comment_site, comments={"spam_words": ["tondeuse"]})
    with running_service(config) as service:
        post(service, service.form(commentaire="Achetez une Tondeuse"))
        post(service, service.form(commentaire="Le casino municipal rouvre"))
        assert [r["status"] for r in rows(service)] == ["spam", "pending"]


def test_flood_per_email_answers_429_in_french_keeping_the_text(tmp_path, comment_site):
    config = make_config(tmp_path, comment_site, comments=TWO_PER_ADDRESS)
    with running_service(config) as service:
        for n in range(2):
            assert post(service, service.form(commentaire=f"Message {n}")).status_code == 303
        response = post(service, service.form(commentaire="Le troisième, gardé"))
        assert response.status_code == 429
        assert 0 < int(response.headers["retry-after"]) <= config.core.flood_window + 1
        doc = BeautifulSoup(response.text, "lxml")
        assert "Trop de commentaires" in doc.find(id="erreurs-commentaire").get_text()
        assert doc.find(id="champ-commentaire").get_text() == "Le troisième, gardé"
        # Another address from the same connection still gets through.
        other = service.form(email="autre@asso-exemple.fr", commentaire="Autre personne")
        assert post(service, other).status_code == 303
        assert len(rows(service)) == 3


def test_flood_per_address_goes_to_the_spam_queue_then_is_refused_far_beyond(
    tmp_path, comment_site
):
    """A town hall's staff share one address: past the generous count their comments are
    kept for a moderator (spam queue), and only an absurd volume is refused."""
    config = make_config(
        tmp_path,
        comment_site,
        comments={"flood_ip_count": 3, "flood_ip_hard": 5, "flood_email_count": 100},
    )
    with running_service(config) as service:
        statuses = [
            post(service, service.form(email=f"agent{n}@mairie.fr")).status_code for n in range(6)
        ]
        assert statuses == [303, 303, 303, 303, 303, 429]
        assert [r["status"] for r in rows(service)] == ["pending"] * 3 + ["spam"] * 2
        assert "depuis cette connexion" in rows(service)[3]["spam_reason"]


def test_flood_counts_survive_a_restart(tmp_path, comment_site):
    config = make_config(tmp_path, comment_site, comments=TWO_PER_ADDRESS)
    for _ in range(2):
        with running_service(config) as service:
            post(service, service.form(commentaire=f"Message {len(rows(service))}"))
    with running_service(config) as service:
        assert post(service, service.form(commentaire="Le troisième")).status_code == 429


def test_spam_reason_rules():
    words = ["casino"]
    assert spam_reason("Bonjour", "Paul", "", max_links=2, spam_words=words) == ""
    assert "liens" in spam_reason(
        "<a href=x>1</a> <a href=y>2</a> <a href=z>", "P", "", max_links=2, spam_words=[]
    )
    assert spam_reason("ok", "P", "https://casino.example", max_links=2, spam_words=words)


def test_double_submission_is_detected_as_duplicate(comment_service):
    form = comment_service.form(commentaire="Une seule fois, merci.")
    assert post(comment_service, form).status_code == 303
    assert post(comment_service, form).status_code == 409
    # Same text from someone else, or on another article, is not a duplicate.
    assert post(comment_service, {**form, "email": "autre@exemple.fr"}).status_code == 303
    other_article = comment_service.form("deuxieme-article", commentaire=form["commentaire"])
    assert post(comment_service, other_article).status_code == 303
    assert len(rows(comment_service)) == 3
