"""The comment service under hostile input: a parameter fuzz of every route, robots, and the
errors that used to lose or alter what a reader typed (issue 8)."""

import itertools
import logging
import re
import socket
import time
from urllib.parse import quote, urlencode

import httpx
import pytest

from service.core import tokens
from service.team import accounts
from tests.support.comments import make_config, running_service

BASE = "/redaction/commentaires/"
LOGIN = "/redaction/connexion"
PASSWORD = "un mot de passe assez long"
# Values that broke routes before: unicode digits, huge numbers, signs, empty, words, NUL, CRLF,
# an encoded word, invalid UTF-8 (percent-encoded as the bytes a Latin-1 browser sends).
HOSTILE = [
    "²",
    "٣",
    "9" * 30,
    "99999999999999999999",
    "-1",
    "0",
    "",
    " ",
    "abc",
    "1.5",
    "1e9",
    "\x00",
    "a\r\nX-Injecte: 1",
    "=?utf-8?b?QQ0KQg==?=",
    "é" * 300,
]
RAW_HOSTILE = ["%FF%FE", "%C3", "%E9t%E9"]  # not UTF-8
FORM_FIELDS = ["article", "parent", "jeton", "nom", "email", "site", "reference_dossier"]
FORM_TYPE = {"Content-Type": "application/x-www-form-urlencoded"}


def encoded(fields: dict[str, str], raw: dict[str, str] | None = None) -> bytes:
    body = urlencode(fields)
    for name, value in (raw or {}).items():
        body += f"&{name}={value}"
    return body.encode()


def test_fuzz_public_routes_never_5xx_and_always_keep_the_text(comment_service):
    """Every field of the comment form, and every query parameter, with every hostile value:
    no 5xx, and whenever the comment is not accepted the text comes back to the reader."""
    url = comment_service.url + "/commentaires/"
    count = 0
    with httpx.Client(timeout=10) as client:
        for n, (name, value) in enumerate(itertools.product(FORM_FIELDS, HOSTILE + RAW_HOSTILE)):
            typed = f"Texte à garder {n}"
            form = comment_service.form(commentaire=typed)
            raw = {}
            if value in RAW_HOSTILE:
                form.pop(name)
                raw[name] = value
            else:
                form[name] = value
            response = client.post(url + "poster", content=encoded(form, raw), headers=FORM_TYPE)
            count += 1
            assert response.status_code < 500, (name, value, response.status_code)
            if response.status_code != 303:
                assert typed in response.text, (name, value, response.status_code)
        for path, parameter in [
            ("merci", "article"),
            ("repondre", "article"),
            ("repondre", "parent"),
        ]:
            for value in HOSTILE + ["premier-article"]:
                query = {"article": "premier-article", "parent": "1", parameter: value}
                response = client.get(url + path, params=query)
                count += 1
                assert response.status_code < 500, (path, parameter, value)
            for value in RAW_HOSTILE:
                response = client.get(f"{url}{path}?{parameter}={value}")
                count += 1
                assert response.status_code < 500, (path, parameter, value)
        # Arrays (repeated fields) and a field with no value at all.
        body = encode_repeated(comment_service.form(), "parent", ["1", "²"]) + b"&nom"
        assert client.post(url + "poster", content=body, headers=FORM_TYPE).status_code < 500
    assert count > 150


def encode_repeated(form: dict, name: str, values: list[str]) -> bytes:
    return (urlencode(form) + "".join(f"&{name}={quote(v)}" for v in values)).encode()


@pytest.fixture
def moderator_client(comment_service):
    conn = comment_service.db()
    accounts.create_moderator(conn, "sophie", PASSWORD, "Sophie")
    comment_id = conn.execute(
        "INSERT INTO comments (article_slug, author_name, author_email, body, created_at)"
        " VALUES ('premier-article', 'A', 'a@b.fr', 'texte', '2026-01-02T10:00:00+00:00')"
    ).lastrowid
    conn.close()
    client = httpx.Client(base_url=comment_service.url, timeout=10)
    page = client.get(LOGIN)
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
    client.post(LOGIN, data={"csrf": token, "identifiant": "sophie",
                                          "mot_de_passe": PASSWORD})  # fmt: skip
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get(BASE).text).group(1)
    yield client, token, comment_id
    client.close()


def test_fuzz_moderation_routes_never_5xx(moderator_client):
    client, csrf, comment_id = moderator_client
    count = 0
    for value in HOSTILE:
        for parameter in ("file", "page", "fait", "n"):
            response = client.get(BASE, params={"fait": "approuver", "n": "1", parameter: value})
            assert response.status_code < 500, (parameter, value)
            count += 1
        for action in ("approuver", "rejeter", "indesirable", "supprimer", "modifier", "repondre"):
            path = f"{BASE}{quote(value, safe='') or '%20'}/{action}"
            for method in ("GET", "POST"):
                response = client.request(method, path, data={"csrf": csrf, "texte": "x"})
                assert response.status_code < 500, (path, method)
                count += 1
        for field in ("texte", "retour", "csrf"):
            data = {"csrf": csrf, "texte": "Un texte", "retour": "attente", field: value}
            response = client.post(f"{BASE}{comment_id}/modifier", data=data)
            assert response.status_code < 500, (field, value)
            count += 1
        response = client.post(LOGIN, data={"identifiant": value, "csrf": value})
        assert response.status_code < 500
        count += 1
    for raw in RAW_HOSTILE:
        body = f"csrf={csrf}&texte={raw}".encode()
        response = client.post(f"{BASE}{comment_id}/modifier", content=body, headers=FORM_TYPE)
        assert response.status_code < 500
        count += 1
    assert count > 250


def test_the_banner_shows_only_what_the_service_wrote(moderator_client):
    client, _, _ = moderator_client
    page = client.get(BASE, params={"fait": "approuver", "n": "<b>Votre compte est bloqué</b>"})
    assert "Votre compte est bloqué" not in page.text
    assert "Commentaire n° 12 approuvé" in client.get(BASE + "?fait=approuver&n=12").text


def test_moderation_errors_are_french(moderator_client):
    client, csrf, comment_id = moderator_client
    huge = client.post(
        f"{BASE}{comment_id}/modifier",
        content=b"csrf=" + csrf.encode() + b"&texte=" + b"x" * (2 * 1024 * 1024),
        headers=FORM_TYPE,
    )
    assert huge.status_code == 413 and "Envoi trop volumineux" in huge.text
    assert "Field exceeded" not in huge.text and "maximum size" not in huge.text


def test_a_long_accented_comment_comes_back_whole(comment_service):
    typed = "é" * 65_000  # 130,000 bytes: over the limit, and three times that percent-encoded
    response = httpx.post(
        comment_service.url + "/commentaires/poster", data=comment_service.form(commentaire=typed)
    )
    assert response.status_code == 422
    assert typed in response.text and "trop long" in response.text


def test_latin1_bytes_come_back_to_be_checked_not_stored_as_garbage(comment_service):
    form = comment_service.form()
    form.pop("commentaire")
    body = encoded(form, {"commentaire": "Tr%E8s%20bon%20article%2C%20merci"})
    response = httpx.post(
        comment_service.url + "/commentaires/poster", content=body, headers=FORM_TYPE
    )
    assert response.status_code == 400
    assert "Très bon article, merci" in response.text and "codage" in response.text
    with comment_service.db() as conn:
        assert conn.execute("SELECT count(*) FROM comments").fetchone()[0] == 0


def test_a_client_leaving_mid_upload_is_no_server_error(comment_service, caplog):
    host, port = comment_service.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(
            b"POST /commentaires/poster HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\n"
            b"commentaire=debut"
        )
    time.sleep(0.5)
    assert httpx.get(comment_service.url + "/commentaires/merci?article=premier-article")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]


def test_robots_are_caught_and_a_real_reader_after_them_is_accepted(tmp_path, comment_site):
    """The bot simulation of issue 8: an instant post, a replayed token, the hidden field, and
    30 posts from one address are each caught (spam queue or refused); then a real reader on
    the same address is accepted."""
    config = make_config(tmp_path, comment_site, comments={"min_fill_seconds": 1})
    address = {"X-Forwarded-For": "198.51.100.20"}  # the town hall's one public address
    with running_service(config) as service:
        url = service.url + "/commentaires/"

        def bot_post(client, **fields):
            form = service.form(jeton="", **fields)
            return client.post(url + "poster", data=form, headers=address)

        with httpx.Client(timeout=10) as bot:
            bot.get(url + "jeton", headers=address)
            assert bot_post(bot, commentaire="Instantané").status_code == 303  # caught: too fast
            time.sleep(1.1)
            assert bot_post(bot, commentaire="Premier, légitime en apparence").status_code == 303
            assert bot_post(bot, commentaire="Rejoué").status_code == 303  # same cookie: replay
            honeypot = service.form(reference_dossier="12345", commentaire="Piège")
            bot.post(url + "poster", data=honeypot, headers=address)
        with httpx.Client(timeout=10) as scraper:  # never renders the page: no token at all
            codes = {
                bot_post(scraper, commentaire=f"Pub {n}", email=f"bot{n}@spam.example").status_code
                for n in range(30)
            }
        assert codes <= {303, 429}
        with httpx.Client(timeout=10) as reader:  # a real reader, right after, same address
            reader.get(url + "jeton", headers=address)
            time.sleep(1.1)
            form = service.form(jeton="", nom="Agent d’accueil", email="accueil@mairie.example",
                                commentaire="Merci pour cet entretien.")  # fmt: skip
            assert reader.post(url + "poster", data=form, headers=address).status_code == 303
        with service.db() as conn:
            rows = conn.execute("SELECT body, status, spam_reason FROM comments").fetchall()
    by_body = {row["body"]: row for row in rows}
    assert by_body["Merci pour cet entretien."]["status"] == "pending"
    caught = [row for row in rows if row["body"] != "Merci pour cet entretien."]
    assert all(
        row["status"] == "spam" for row in caught if row["body"] != "Premier, légitime en apparence"
    )
    assert "s après l’ouverture" in by_body["Instantané"]["spam_reason"]
    assert "rejoué" in by_body["Rejoué"]["spam_reason"]
    assert "Champ piège" in by_body["Piège"]["spam_reason"]
    assert sum(row["body"].startswith("Pub ") for row in caught) == 30
    assert len(tokens.COOKIE) > 0
