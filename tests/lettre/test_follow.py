"""Following a discussion by e-mail, with a real service, SMTP server and SQLite: confirmation
first (always: anyone can type an address in the comment form), an e-mail only when a reply is
approved, never to its own author, one-click unsubscription per discussion, no follow left once
its comment is rejected or deleted."""

import time

import httpx
import pytest

from service.comments import actions
from service.lettre import subscriptions
from tests.support.lettre import (
    PUBLIC,
    confirm_by_mail,
    html_part,
    link,
    local,
    moderate,
    post_comment,
    rows,
    subscribed,
    text_part,
    wait_until,
)


def to(smtp, email: str) -> list:
    return [m for m in smtp.messages if email in m.recipients]


def settle(service):
    """Let the sender go through what is due (it polls every 0.1 s in these tests)."""
    time.sleep(0.5)


def test_replies_are_mailed_once_approved_and_never_to_their_author(letter_service, smtp_server):
    claire = "claire.martin@mairie-exemple.fr"
    first = post_comment(letter_service, suivre_reponses="1", email=claire)
    [confirmation] = smtp_server.wait_for(1)
    assert confirmation["To"] == claire
    assert "Confirmez le suivi de la discussion" in confirmation["Subject"]
    assert "les réponses à votre commentaire n° " in text_part(confirmation).replace("\xa0", " ")
    url = local(letter_service, link(confirmation, "confirmer"))
    assert "Demande confirmée" in httpx.post(url).text
    moderate(letter_service, first, "approved")

    spam = post_comment(
        letter_service, parent=str(first), email="bob@exemple.fr", commentaire="Bof."
    )
    moderate(letter_service, spam, "spam")
    pending = post_comment(
        letter_service, parent=str(first), email="bob@exemple.fr", commentaire="Et ?"
    )
    rejected = post_comment(
        letter_service, parent=str(first), email="bob@exemple.fr", commentaire="Non"
    )
    moderate(letter_service, rejected, "rejected")
    settle(letter_service)
    assert len(smtp_server.messages) == 1  # nothing for spam, pending or rejected replies

    reply = post_comment(
        letter_service,
        parent=str(first),
        nom="Bob Dupont",
        email="bob@exemple.fr",
        commentaire="Bonne question : voici notre expérience.",
    )
    moderate(letter_service, reply, "approved")
    wait_until(lambda: len(to(smtp_server, claire)) == 2)
    message = to(smtp_server, claire)[1]
    assert "Nouvelle réponse à votre commentaire" in message["Subject"]
    assert message["List-Id"] == (
        "Les discussions du site des partenaires <discussions.partenaires.example.fr>"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    for part in (text_part(message), html_part(message)):
        assert "Bob Dupont" in part and "voici notre expérience" in part
        assert f"{PUBLIC}/articles/premier-article/#commentaire-{reply}" in part
    moderate(letter_service, reply, "approved")  # approving again sends nothing more

    # Claire answering in her own thread is not news to her.
    own = post_comment(letter_service, parent=str(first), email=claire, commentaire="Merci Bob !")
    moderate(letter_service, own, "approved")
    # The Caf's official reply is.
    letter_service.parts.comments.moderation.perform(actions.reply, first, "Merci à vous.", "t")
    wait_until(lambda: len(to(smtp_server, claire)) == 3)
    assert "Caf de l’Essonne" in text_part(to(smtp_server, claire)[2])

    # One click leaves this discussion; later replies are not mailed.
    unsubscribe = local(letter_service, message["List-Unsubscribe"])
    assert httpx.post(unsubscribe, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    late = post_comment(
        letter_service, parent=str(first), email="eve@exemple.fr", commentaire="Moi aussi"
    )
    moderate(letter_service, late, "approved")
    settle(letter_service)
    assert len(to(smtp_server, claire)) == 3
    assert pending  # still pending: it never sent anything


def follows(service) -> list[tuple]:
    return [
        tuple(row)
        for row in rows(
            service, "SELECT kind, status FROM subscriptions WHERE kind != 'lettre' ORDER BY id"
        )
    ]


@pytest.mark.parametrize("letter_service", [{"confirm_interval": 2}], indirect=True)
def test_issue19_item11_a_confirmed_address_is_asked_before_following(letter_service, smtp_server):
    dave = "dave@exemple.fr"
    subscribed(letter_service, smtp_server, dave)  # confirms the address through the lettre
    # Anyone can type Dave's address in the comment form and tick « suivre ».
    post_comment(letter_service, email=dave, suivre_article="1", commentaire="Signé : pas Dave.")
    # Dave was mailed less than LETTRE_CONFIRM_INTERVAL ago: this e-mail waits for its end.
    wait_until(lambda: len(to(smtp_server, dave)) == 1)
    [asked] = to(smtp_server, dave)
    assert "Confirmez le suivi de la discussion" in asked["Subject"]
    assert follows(letter_service) == [("article", "pending")]
    other = post_comment(letter_service, email="eve@exemple.fr", commentaire="Un autre avis.")
    moderate(letter_service, other, "approved")
    settle(letter_service)
    assert to(smtp_server, dave) == [asked]  # no « Nouveau commentaire » before Dave says yes
    assert confirm_by_mail(letter_service, asked).status_code == 200
    assert follows(letter_service) == [("article", "active")]
    later = post_comment(letter_service, email="eve@exemple.fr", commentaire="Encore un avis.")
    moderate(letter_service, later, "approved")
    wait_until(lambda: len(to(smtp_server, dave)) == 2)
    assert "Nouveau commentaire sur" in to(smtp_server, dave)[1]["Subject"]


@pytest.mark.parametrize("ending", ["rejected", "spam", "deleted", "thread deleted"])
def test_issue19_item11_a_follow_ends_with_its_comment(letter_service, smtp_server, ending):
    claire = "claire.martin@mairie-exemple.fr"
    first = post_comment(letter_service, email="eve@exemple.fr", commentaire="Premier avis.")
    moderate(letter_service, first, "approved")
    parent = str(first) if ending == "thread deleted" else ""
    mine = post_comment(letter_service, email=claire, parent=parent, suivre_article="1")
    [asked] = smtp_server.wait_for(1)
    assert confirm_by_mail(letter_service, asked).status_code == 200
    assert follows(letter_service) == [("article", "active")]
    moderation = letter_service.parts.comments.moderation
    if ending in ("rejected", "spam"):
        moderate(letter_service, mine, ending)
    else:
        moderation.perform(actions.delete, first if ending == "thread deleted" else mine)
    assert follows(letter_service) == [("article", "ended")]
    other = post_comment(letter_service, email="bob@exemple.fr", commentaire="Un autre avis.")
    moderate(letter_service, other, "approved")
    settle(letter_service)
    assert to(smtp_server, claire) == [asked]  # never « Nouveau commentaire »


def test_issue19_item11_a_follow_never_confirmed_leaves_nothing_once_purged(
    letter_service, smtp_server
):
    victim = "victime@exemple.fr"
    mine = post_comment(letter_service, email=victim, suivre_article="1")
    moderate(letter_service, mine, "rejected")
    assert follows(letter_service) == [("article", "ended")]
    conn = letter_service.db()
    try:
        subscriptions.purge_unconfirmed(conn, 7, now=time.time() + 8 * 86400)
    finally:
        conn.close()
    for table in ("subscriptions", "subscribers", "consent_log"):
        assert rows(letter_service, f"SELECT count(*) FROM {table}")[0][0] == 0, table


def test_issue19_item11_one_email_confirms_both_boxes(letter_service, smtp_server):
    claire = "claire.martin@mairie-exemple.fr"
    post_comment(letter_service, email=claire, suivre_reponses="1", suivre_article="1")
    [asked] = smtp_server.wait_for(1)
    settle(letter_service)
    assert len(smtp_server.messages) == 1
    text = text_part(asked).replace("\xa0", " ")
    assert "les réponses à votre commentaire n° " in text
    assert "les nouveaux commentaires sur " in text
    assert confirm_by_mail(letter_service, asked).status_code == 200
    assert follows(letter_service) == [("reponses", "active"), ("article", "active")]


def test_a_comment_caught_as_spam_follows_nothing(letter_service, smtp_server):
    post_comment(letter_service, suivre_reponses="1", suivre_article="1", reference_dossier="robot")
    settle(letter_service)
    assert smtp_server.messages == []
    assert rows(letter_service, "SELECT count(*) FROM subscriptions")[0][0] == 0
