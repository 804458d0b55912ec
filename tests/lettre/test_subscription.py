"""Subscribing to the lettre with a real service, a real SMTP server and SQLite: double opt-in,
what the form reveals, what a link does on GET and on POST."""

import io
import re
import time
from itertools import pairwise

import httpx
import pytest

from service import cli, rgpd
from service.core import tokens
from service.lettre import links as signed
from tests.support.lettre import (
    confirm_by_mail,
    html_part,
    link,
    local,
    moderate,
    post_comment,
    rows,
    subscribe,
    subscribed,
    text_part,
    values,
)


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


def settle():
    time.sleep(0.5)  # the sender polls every 0.1 s in these tests


def test_robots_get_the_same_page_and_nobody_is_mailed(letter_service, smtp_server):
    answers = [
        subscribe(letter_service, "a@exemple.fr", reference_dossier="12345"),  # honeypot
        subscribe(letter_service, "b@exemple.fr", jeton=""),  # no token
        subscribe(letter_service, "c@exemple.fr", jeton="forged.token.value.x"),
    ]
    token = tokens.issue(letter_service.config.core.secret_key, now=time.time() - 10)
    answers.append(subscribe(letter_service, "d@exemple.fr", jeton=token))
    answers.append(subscribe(letter_service, "e@exemple.fr", jeton=token))  # replayed
    assert {(r.status_code, r.headers["location"]) for r in answers} == {
        (303, answers[3].headers["location"])
    }
    smtp_server.wait_for(1)
    settle()
    assert [m["To"] for m in smtp_server.messages] == ["d@exemple.fr"]
    assert values(letter_service, "SELECT email FROM subscribers") == [("d@exemple.fr",)]


def test_one_address_gets_one_e_mail_per_interval_whatever_the_requests(
    letter_service, smtp_server
):
    for _ in range(5):
        assert subscribe(letter_service, "victime@exemple.fr").status_code == 303
    smtp_server.wait_for(1)
    settle()
    assert len(smtp_server.messages) == 1
    # The latest choices are the ones the e-mail already sent confirms.
    subscribe(letter_service, "victime@exemple.fr", rythme="weekly")
    confirm_by_mail(letter_service, smtp_server.messages[0])
    assert values(letter_service, "SELECT rhythm, status FROM subscriptions") == [
        ("weekly", "active")
    ]


@pytest.mark.parametrize("letter_service", [{"confirm_interval": 0}], indirect=True)
def test_the_answer_does_not_reveal_a_subscribed_address(letter_service, smtp_server):
    # confirm_interval 0: the second e-mail goes at once.
    subscribed(letter_service, smtp_server, "abonne@exemple.fr")
    known = subscribe(letter_service, "abonne@exemple.fr")
    unknown = subscribe(letter_service, "nouveau@exemple.fr")
    assert (known.status_code, known.headers["location"]) == (
        unknown.status_code,
        unknown.headers["location"],
    )
    page = httpx.get(letter_service.url + known.headers["location"])
    assert "Vérifiez votre boîte" in page.text and "abonne@exemple.fr" not in page.text
    smtp_server.wait_for(2)
    again = next(m for m in smtp_server.messages if m["To"] == "abonne@exemple.fr")
    assert "Votre abonnement" in again["Subject"]
    assert "/commentaires/lettre/gerer?t=" in text_part(again)
    assert "confirmer" not in text_part(again)


def test_a_wrong_address_comes_back_with_a_french_message(letter_service, smtp_server):
    response = subscribe(letter_service, "pas-une-adresse", **{"theme-solidarite": "1"})
    assert response.status_code == 422
    assert "n’est pas valide" in response.text and 'value="pas-une-adresse"' in response.text
    assert 'aria-invalid="true"' in response.text
    # The thèmes ticked are kept: « Solidarité » stays checked, the other not.
    assert re.search(r'name="theme-solidarite" value="1" checked', response.text)
    assert not re.search(r'name="theme-petite-enfance" value="1" checked', response.text)


@pytest.mark.parametrize("letter_service", [{"ip_count": 3}], indirect=True)
def test_too_many_requests_from_one_network_address_are_refused(letter_service, smtp_server):
    answers = [subscribe(letter_service, f"n{n}@exemple.fr").status_code for n in range(4)]
    assert answers == [303, 303, 303, 429]


def test_late_and_unknown_links_get_a_clear_page(letter_service, smtp_server):
    assert subscribe(letter_service, "lent@exemple.fr").status_code == 303
    [message] = smtp_server.wait_for(1)
    url = local(letter_service, link(message, "confirmer"))
    [person] = rows(letter_service, "SELECT id, link_key FROM subscribers")
    [sub] = rows(letter_service, "SELECT id FROM subscriptions")
    links = signed.Links(
        letter_service.config.core.secret_key, f"{letter_service.url}/commentaires/"
    )
    old = signed.Link(
        person["id"], person["link_key"], (sub["id"],), issued=time.time() - 49 * 3600
    )
    late = httpx.post(links.url(signed.CONFIRM, old))
    assert late.status_code == 410 and "Lien expiré" in late.text
    assert rows(letter_service, "SELECT status FROM subscriptions")[0][0] == "pending"
    assert httpx.get(url + "x").status_code == 400
    gone = signed.Link(person["id"] + 1, "inconnue", (sub["id"] + 1,), issued=time.time())
    assert "Demande introuvable" in httpx.post(links.url(signed.CONFIRM, gone)).text


def test_the_manage_page_changes_thèmes_and_ends_what_was_asked(letter_service, smtp_server):
    subscribed(letter_service, smtp_server, "gere@exemple.fr")
    [person] = rows(letter_service, "SELECT id, link_key FROM subscribers")
    links = signed.Links(
        letter_service.config.core.secret_key, f"{letter_service.url}/commentaires/"
    )
    url = links.url(signed.MANAGE, signed.Link(person["id"], person["link_key"]))
    page = httpx.get(url)
    assert page.status_code == 200 and "gere@exemple.fr" in page.text
    token = url.split("?t=")[1]
    changed = httpx.post(
        url,
        data={"t": token, "action": "lettre", "rythme": "weekly", "theme-solidarite": "1"},
        follow_redirects=True,
    )
    assert "Vos choix pour la lettre sont enregistrés" in changed.text
    assert values(letter_service, "SELECT themes, rhythm FROM subscriptions") == [
        ("solidarite", "weekly")
    ]
    done = httpx.post(url, data={"t": token, "action": "tout"}, follow_redirects=True)
    assert "Vous êtes désabonné de tout" in done.text
    assert rows(letter_service, "SELECT status FROM subscriptions")[0][0] == "ended"
    assert "S’abonner" in done.text


def mailbox(smtp, *addresses: str) -> list:
    """The e-mails that reached any of `addresses` (one mailbox's variants)."""
    wanted = {address.casefold() for address in addresses}
    return [m for m in smtp.messages if {r.casefold() for r in m.recipients} & wanted]


def test_issue19_item12_one_client_reaches_one_mailbox_once_an_hour(letter_service, smtp_server):
    """The closing note's figure: the e-mails one mailbox receives from the forms in an hour
    from one client, whatever variants of its address are typed (default settings)."""
    gmail = ["jean.dupont@gmail.com", "jeandupont+x@gmail.com", "J.e.a.n.Dupont@googlemail.com"]
    variants = [f"cible+{n}@exemple.fr" for n in range(1, 61)] + ["CIBLE@Exemple.fr"]
    started = time.monotonic()
    answers = [subscribe(letter_service, address).status_code for address in gmail + variants]
    for n in range(1, 4):  # the comment form's boxes too
        post_comment(letter_service, email=f"cible+c{n}@exemple.fr", suivre_reponses="1")
    smtp_server.wait_for(2)
    settle()
    received = mailbox(
        smtp_server, "cible@exemple.fr", *variants, *[f"cible+c{n}@exemple.fr" for n in range(1, 4)]
    )
    print(
        f"\n{len(received)} e-mail(s) to one mailbox from {len(variants) + 3} requests of one"
        f" client in {time.monotonic() - started:.1f} s (answers: {sorted(set(answers))})"
    )
    assert len(received) == 1
    assert len(mailbox(smtp_server, *gmail)) == 1


@pytest.mark.parametrize(
    "letter_service", [{"confirmations_per_hour": 3, "ip_count": 0}], indirect=True
)
def test_issue19_item12_confirmations_are_capped_per_hour_overall(letter_service, smtp_server):
    for n in range(6):
        assert subscribe(letter_service, f"personne{n}@commune{n}.fr").status_code == 303
    smtp_server.wait_for(3)
    settle()
    assert len(smtp_server.messages) == 3


@pytest.mark.parametrize("letter_service", [{"confirm_interval": 0}], indirect=True)
def test_issue19_item13_consent_history_is_kept_exported_and_erased(letter_service, smtp_server):
    email = "histoire@exemple.fr"
    subscribed(letter_service, smtp_server, email, **{"theme-solidarite": "1"})
    [person] = rows(letter_service, "SELECT id, link_key FROM subscribers")
    links = signed.Links(
        letter_service.config.core.secret_key, f"{letter_service.url}/commentaires/"
    )
    url = links.url(signed.MANAGE, signed.Link(person["id"], person["link_key"]))
    token = url.split("?t=")[1]
    form = {"t": token, "action": "lettre", "rythme": "weekly", "theme-solidarite": "1"}
    assert httpx.post(url, data=form).status_code in (200, 303)
    assert httpx.post(url, data={"t": token, "action": "tout"}).status_code in (200, 303)
    assert subscribe(letter_service, email, **{"theme-petite-enfance": "1"}).status_code == 303
    mine = post_comment(letter_service, email=email, suivre_article="1")
    moderate(letter_service, mine, "rejected")

    conn = letter_service.db()
    try:
        history = rgpd.export(conn, email)["abonnements"]["historique_des_consentements"]
    finally:
        conn.close()
    assert [(h["event"], h["how"], h["kind"]) for h in history] == [
        ("demande", "formulaire", "lettre"),
        ("confirmation", "lien", "lettre"),
        ("modification", "lien", "lettre"),
        ("desabonnement", "lien", "lettre"),
        ("demande", "formulaire", "lettre"),
        ("demande", "commentaire", "article"),
        ("fin", "equipe", "article"),
    ]
    assert all(h["at"] for h in history)
    # The first consent is still there, though the second request replaced the current one.
    assert "thème Solidarité" in history[0]["detail"]
    assert "Petite enfance" in history[4]["detail"]
    assert cli.run(letter_service.config, ["erase", email, "--oui"], io.StringIO()) == 0
    assert rows(letter_service, "SELECT count(*) FROM consent_log")[0][0] == 0


@pytest.mark.parametrize("letter_service", [{"confirm_interval": 1, "ip_count": 0}], indirect=True)
def test_issue19_item12_never_two_e_mails_to_one_mailbox_within_the_interval(
    letter_service, smtp_server
):
    """The hour scaled down to 1 s: one client asking all the time, with variants and with the
    exact address (whose confirmation then waits for the interval's end rather than being
    lost), never gets two e-mails to the mailbox queued within one interval."""
    started = time.monotonic()
    n = 0
    while time.monotonic() - started < 3.5:
        n += 1
        address = "cible@exemple.fr" if n % 3 == 0 else f"cible+{n}@exemple.fr"
        assert subscribe(letter_service, address).status_code == 303
        time.sleep(0.05)
    times = [
        row[0] for row in rows(letter_service, "SELECT next_attempt_at FROM outbox ORDER BY 1")
    ]
    print(f"\n{len(times)} e-mails queued to one mailbox from {n} requests in 3.5 s (1 s interval)")
    assert 2 <= len(times) <= 5
    assert all(later - earlier >= 1 for earlier, later in pairwise(times))
