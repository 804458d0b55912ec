"""Subscribing to the lettre with a real service, a real SMTP server and SQLite: double opt-in,
what the form reveals, what a link does on GET and on POST."""

import httpx
from letter_fixtures import (
    confirm_by_mail,
    html_part,
    link,
    local,
    rows,
    subscribe,
    text_part,
)

pytest_plugins = ["comment_fixtures", "letter_fixtures"]


def test_double_opt_in_sends_nothing_before_the_link_is_followed(letter_service, smtp_server):
    response = subscribe(letter_service, "claire@mairie.example.fr", **{"theme-solidarite": "1"})
    assert response.status_code == 303
    assert response.headers["location"].endswith("/commentaires/lettre/verifiez")
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "claire@mairie.example.fr"
    assert message.recipients == ["claire@mairie.example.fr"]
    assert "Confirmez votre abonnement" in message["Subject"]
    assert message.get_content_type() == "multipart/alternative"
    assert "Solidarité" in text_part(message) and "Solidarité" in html_part(message)
    assert "List-Unsubscribe" not in message  # not a list message: nothing to leave yet
    [pending] = rows(letter_service, "SELECT status, themes, consent FROM subscriptions")
    assert (pending["status"], pending["themes"]) == ("pending", "solidarite")
    assert "La lettre des partenaires" in pending["consent"]

    # Opening the link (as a webmail's link checker does) confirms nothing.
    url = local(letter_service, link(message, "confirmer"))
    page = httpx.get(url)
    assert page.status_code == 200 and "Confirmer votre demande" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert rows(letter_service, "SELECT status FROM subscriptions")[0][0] == "pending"

    done = confirm_by_mail(letter_service, message)
    assert done.status_code == 200 and "Demande confirmée" in done.text
    [active] = rows(letter_service, "SELECT status, confirmed_at, consent FROM subscriptions")
    assert active["status"] == "active" and active["confirmed_at"]
    again = confirm_by_mail(letter_service, message)
    assert again.status_code == 200 and "Demande déjà confirmée" in again.text
    assert len(smtp_server.messages) == 1
