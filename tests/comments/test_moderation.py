"""The moderation pages over real HTTP (uvicorn on 127.0.0.1, real SQLite), the CLI and the
invoke tasks."""

import io
import re

import httpx
import pytest

from service import cli
from service.core import db
from service.team import accounts
from service.team.sessions import LoginThrottle
from tests.support.comments import make_config, run_command, running_service, spaces

BASE = "/redaction/commentaires/"
LOGIN = "/redaction/connexion"
LOGOUT = "/redaction/deconnexion"
PASSWORD = "un mot de passe assez long"


def add(conn, *, status="pending", parent=None, body="Un commentaire à modérer.") -> int:
    return conn.execute(
        "INSERT INTO comments (article_slug, parent_id, author_name, author_email, body, status,"
        " ip_hash, created_at) VALUES ('premier-article', ?, 'Claire Martin',"
        " 'claire@mairie.example', ?, ?, 'empreinte', '2026-01-02T10:00:00+00:00')",
        (parent, body, status),
    ).lastrowid


def row_of(config, comment_id):
    conn = db.connect(config.core.database)
    try:
        return conn.execute("SELECT * FROM comments WHERE id = ?", (comment_id,)).fetchone()
    finally:
        conn.close()


def csrf(page: httpx.Response) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)


@pytest.fixture
def moderator(comment_service):
    conn = comment_service.db()
    accounts.create_moderator(conn, "sophie", PASSWORD, "Sophie Caf")
    conn.close()
    return "sophie"


def login(
    service, username="sophie", password=PASSWORD, address="192.0.2.1"
) -> tuple[httpx.Client, httpx.Response]:
    """Log in from `address` (uvicorn trusts X-Forwarded-For from 127.0.0.1, as behind the
    site's proxy)."""
    client = httpx.Client(base_url=service.url, headers={"X-Forwarded-For": address})
    page = client.get(LOGIN)
    response = client.post(
        LOGIN,
        data={"csrf": csrf(page), "identifiant": username, "mot_de_passe": password},
    )
    return client, response


def test_login_sets_a_lax_httponly_session_and_shows_the_queue(comment_service, moderator):
    conn = comment_service.db()
    comment_id = add(conn)
    conn.close()
    anonymous = httpx.get(comment_service.url + BASE)
    assert anonymous.status_code == 303 and anonymous.headers["location"].endswith("/connexion")
    client, response = login(comment_service)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/redaction" in cookie
    assert "secure" not in cookie  # site_url is not https here
    queue = client.get(BASE)
    assert queue.status_code == 200 and "Sophie Caf" in queue.text
    assert f"N° {comment_id} — Claire Martin" in queue.text
    assert "Premier article : l’accueil des tout-petits" in spaces(queue.text)
    assert queue.headers["cache-control"] == "no-store"


def test_secure_cookie_when_the_site_is_https(tmp_path, comment_site):
    config = make_config(tmp_path, comment_site, site_url="https://partenaires.example")
    with running_service(config) as service:
        assert "secure" in httpx.get(service.url + LOGIN).headers["set-cookie"].lower()


def test_wrong_password_is_refused_and_the_username_kept(comment_service, moderator):
    client, response = login(comment_service, password="mauvais mot de passe")
    assert response.status_code == 401
    assert "Identifiant ou mot de passe incorrect." in response.text
    assert 'value="sophie"' in response.text
    assert client.get(BASE).status_code == 303


def test_post_without_a_valid_csrf_token_is_refused(comment_service, moderator):
    client = httpx.Client(base_url=comment_service.url)
    client.get(LOGIN)
    refused = client.post(
        LOGIN,
        data={"csrf": "0" * 64, "identifiant": "sophie", "mot_de_passe": PASSWORD},
    )
    assert refused.status_code == 403 and "Ce formulaire a expiré" in refused.text
    conn = comment_service.db()
    comment_id = add(conn)
    conn.close()
    client, _ = login(comment_service)
    for data in ({}, {"csrf": "f" * 64}):
        response = client.post(BASE + f"{comment_id}/approuver", data=data)
        assert response.status_code == 403
    # A token from another session does not work either.
    other, _ = login(comment_service)
    stolen = csrf(other.get(BASE))
    assert client.post(BASE + f"{comment_id}/approuver", data={"csrf": stolen}).status_code == 403
    assert row_of(comment_service.config, comment_id)["status"] == "pending"


def test_wrong_passwords_elsewhere_never_lock_the_moderator_out(comment_service, moderator):
    for _ in range(5):
        attempt = login(comment_service, password="essai incorrect", address="203.0.113.9")
        assert attempt[1].status_code == 401
    _, response = login(comment_service, address="203.0.113.9")  # even the right password
    assert response.status_code == 429 and "Trop de tentatives" in response.text
    assert int(response.headers["retry-after"]) > 0
    # Sophie, from her office, gets in; another account from the guesser's address too.
    assert login(comment_service, address="192.0.2.1")[1].status_code == 303
    conn = comment_service.db()
    accounts.create_moderator(conn, "karim", PASSWORD)
    conn.close()
    assert login(comment_service, "karim", address="203.0.113.9")[1].status_code == 303


def test_login_is_throttled_per_address_and_the_counts_are_stored(tmp_path):
    conn = db.init(tmp_path / "c.sqlite3")
    throttle = LoginThrottle("clé", per_user_ip=5, per_ip=30, window=900)
    for number in range(30):
        throttle.failure(conn, f"nom-{number}", "192.0.2.7", now=1000.0)
    conn.close()
    conn = db.connect(tmp_path / "c.sqlite3")  # another connection: another process, a restart
    assert throttle.retry_after(conn, "autre", "192.0.2.7", now=1001.0) == pytest.approx(899)
    assert throttle.retry_after(conn, "autre", "192.0.2.8", now=1001.0) == 0
    assert throttle.retry_after(conn, "autre", "192.0.2.7", now=1901.0) == 0


def test_logout_revokes_even_a_copied_cookie_and_sessions_survive_a_restart(
    comment_config, moderator
):
    with running_service(comment_config) as service:
        client, _ = login(service)
        copied = dict(client.cookies)
    with running_service(comment_config) as service:  # a restart keeps the session
        client = httpx.Client(base_url=service.url, cookies=copied)
        token = csrf(client.get(BASE))
        assert client.get(BASE).status_code == 200
        assert client.post(LOGOUT, data={"csrf": token}).status_code == 303
        thief = httpx.Client(base_url=service.url, cookies=copied)
        assert thief.get(BASE).status_code == 303  # sent to the login page


def test_a_link_from_a_webmail_does_not_end_the_session(comment_service, moderator):
    """Opening the e-mail's link to the moderation pages: the Lax cookie comes along, and the
    login page, if reached, sends a logged-in moderator to the queue instead of replacing the
    session."""
    client, _ = login(comment_service)
    assert client.get(BASE).status_code == 200
    page = client.get(LOGIN)
    assert page.status_code == 303 and "set-cookie" not in page.headers
    assert client.get(BASE).status_code == 200


@pytest.mark.parametrize(
    ("action", "status"),
    [("approuver", "approved"), ("rejeter", "rejected"), ("indesirable", "spam")],
)
def test_status_actions(comment_service, moderator, action, status):
    conn = comment_service.db()
    comment_id = add(conn)
    conn.close()
    client, _ = login(comment_service)
    token = csrf(client.get(BASE))
    response = client.post(
        BASE + f"{comment_id}/{action}", data={"csrf": token, "retour": "attente"}
    )
    assert response.status_code == 303
    row = row_of(comment_service.config, comment_id)
    assert row["status"] == status and row["moderated_by"] == "sophie"
    page = client.get(response.headers["location"])
    assert f"Commentaire n° {comment_id}" in page.text


def test_delete_edit_and_official_reply(comment_service, moderator):
    conn = comment_service.db()
    gone, kept = add(conn), add(conn, body="Texte avec une adresse perso.")
    reply_to = add(conn)
    conn.close()
    client, _ = login(comment_service)
    token = csrf(client.get(BASE))
    assert client.post(BASE + f"{gone}/supprimer", data={"csrf": token}).status_code == 303
    assert row_of(comment_service.config, gone) is None

    form = client.get(BASE + f"{kept}/modifier")
    assert "Texte avec une adresse perso." in form.text
    empty = client.post(BASE + f"{kept}/modifier", data={"csrf": token, "texte": "  "})
    assert empty.status_code == 400 and "Le texte est vide" in empty.text
    done = client.post(BASE + f"{kept}/modifier", data={"csrf": token, "texte": "Texte corrigé."})
    assert done.status_code == 303
    row = row_of(comment_service.config, kept)
    assert row["body"] == "Texte corrigé." and row["updated_at"]

    done = client.post(BASE + f"{reply_to}/repondre", data={"csrf": token, "texte": "Merci !"})
    assert done.status_code == 303
    assert row_of(comment_service.config, reply_to)["status"] == "approved"
    conn = comment_service.db()
    reply = conn.execute("SELECT * FROM comments WHERE parent_id = ?", (reply_to,)).fetchone()
    conn.close()
    assert (reply["status"], reply["is_official"], reply["body"]) == ("approved", 1, "Merci !")
    assert reply["author_name"] == "Caf de l’Essonne" and reply["author_email"] == ""


def test_unknown_comment_and_logout(comment_service, moderator):
    client, _ = login(comment_service)
    token = csrf(client.get(BASE))
    missing = client.post(BASE + "999/approuver", data={"csrf": token})
    assert missing.status_code == 404 and "n° 999 n’existe pas" in missing.text
    out = client.post(LOGOUT, data={"csrf": token})
    assert out.status_code == 303
    assert client.get(BASE).status_code == 303


def test_spam_tab_lists_spam_with_its_reason(comment_service, moderator):
    conn = comment_service.db()
    spam = add(conn, status="spam", body="Casino en ligne")
    conn.execute("UPDATE comments SET spam_reason = 'mot interdit : casino' WHERE id = ?", (spam,))
    conn.close()
    client, _ = login(comment_service)
    page = client.get(BASE, params={"file": "indesirables"})
    assert "Casino en ligne" in page.text and "mot interdit : casino" in spaces(page.text)
    assert 'aria-current="page">Indésirables (1)' in page.text


def test_cli_actions_and_moderator_account(comment_config):
    conn = db.init(comment_config.core.database)
    first, second, third = add(conn), add(conn), add(conn)
    conn.close()
    # The real entry point once; the other commands in-process (same code, faster).
    made = run_command(
        comment_config, "create-moderator", "amina", "--mot-de-passe-stdin", stdin=PASSWORD + "\n"
    )
    assert made.returncode == 0, made.stderr
    assert "Compte de modération « amina » créé." in made.stdout

    def command(*args):
        out = io.StringIO()
        return cli.run(comment_config, list(args), out=out), out.getvalue()

    status, listed = command("list")
    assert status == 0 and f"n° {first}" in listed and "3 commentaire(s) en attente" in listed
    assert command("approve", str(first), str(second))[0] == 0
    assert command("spam", str(third))[0] == 0
    assert command("reply", str(first), "--texte", "Réponse officielle")[0] == 0
    assert command("edit", str(second), "--texte", "Nouveau texte")[0] == 0
    assert command("delete", str(third))[0] == 0
    conn = db.connect(comment_config.core.database)
    assert accounts.authenticate(conn, "amina", PASSWORD) is not None
    rows = {r["id"]: r for r in conn.execute("SELECT * FROM comments")}
    conn.close()
    assert rows[first]["status"] == rows[second]["status"] == "approved"
    assert rows[second]["body"] == "Nouveau texte" and third not in rows
    assert any(r["is_official"] and r["parent_id"] == first for r in rows.values())
    failed = run_command(comment_config, "approve", "424242")
    assert failed.returncode == 1 and "n° 424242 n’existe pas" in failed.stderr


def test_invoke_tasks_run_the_same_commands(comment_config, monkeypatch):
    from invoke import Context

    from service.tasks import namespace

    conn = db.init(comment_config.core.database)
    comment_id = add(conn)
    conn.close()
    for name, value in {
        "SERVICE_DATABASE": str(comment_config.core.database),
        "SERVICE_SITE_DIR": str(comment_config.core.site_dir),
        "SERVICE_SECRET_KEY": comment_config.core.secret_key,
        "COMMENTS_REPUBLISH": "0",
    }.items():
        monkeypatch.setenv(name, value)
    namespace["approve"](Context(), str(comment_id))
    assert row_of(comment_config, comment_id)["status"] == "approved"
    namespace["reject"](Context(), str(comment_id))
    assert row_of(comment_config, comment_id)["status"] == "rejected"
