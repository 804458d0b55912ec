"""Helpers for the lettre tests: a site whose manifest has thèmes and chapôs, a service
configured to send to the test SMTP server, and helpers to subscribe, confirm, publish and
read the e-mails (the fixtures made of them are in tests/lettre/conftest.py)."""

import re
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from service.comments import actions
from service.core import db, tokens
from service.team import accounts
from site_core.comments.sections import SHELL_CONTENT
from site_core.manifest import ArticleEntry, Manifest
from site_core.paths import SHELL_NAME
from tests.support.comments import SHELL, make_config, wait_until
from tests.support.site import ROOT

PUBLIC = "https://partenaires.example.fr"
PASSWORD = "mot de passe de test"
BASE = "/redaction/"
THEMES = {"petite-enfance": "Petite enfance et jeunesse", "solidarite": "Solidarité"}


def article(slug: str, theme: str = "petite-enfance", days_ago: float = 10, **fields):
    return ArticleEntry(
        slug=slug,
        title=fields.pop("title", f"Entretien : {slug}"),
        url=f"articles/{slug}/",
        save_as=f"articles/{slug}/index.html",
        comments_open=True,
        status=fields.pop("status", "published"),
        date=datetime.now(UTC) - timedelta(days=days_ago),
        category=THEMES[theme],
        category_slug=theme,
        summary=fields.pop("summary", f"Le chapô de {slug}, en une phrase."),
        **fields,
    )


BACK_CATALOGUE = [article("premier-article"), article("article-solidaire", "solidarite")]


def write_letter_site(site_dir: Path, articles=BACK_CATALOGUE) -> Path:
    """A built site as far as the service cares: manifest (with thèmes), shell, article pages.
    Writing it again with more articles is what a new build does."""
    site_dir.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(
        site_url="",
        theme_templates=str(ROOT / "theme" / "templates"),
        articles={a.slug: a for a in articles},
        categories=dict(THEMES),
    )
    manifest.write(site_dir)
    (site_dir / SHELL_NAME).write_text(SHELL, encoding="utf-8")
    for entry in articles:
        page = site_dir / entry.save_as
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"<h1>{entry.title}</h1>", encoding="utf-8")
    assert SHELL_CONTENT in SHELL
    return site_dir


def letter_config(tmp_path: Path, site_dir: Path, smtp, **lettre):
    """Settings sending through `smtp` at once; `lettre` overrides the lettre's."""
    return make_config(
        tmp_path,
        site_dir,
        site_url=PUBLIC,
        smtp_host=smtp.host,
        smtp_port=smtp.port,
        mail_from="Caf de l’Essonne <lettre@caf-essonne.example.fr>",
        lettre={
            "poll_seconds": 0.1,
            "rate": 0,
            "retry_base": 0.2,
            "min_fill_seconds": 0,
            **lettre,
        },
    )


def announced(service) -> int:
    conn = service.db()
    try:
        return conn.execute("SELECT count(*) FROM announced").fetchone()[0]
    finally:
        conn.close()


def subscribe(service, email: str, **fields) -> httpx.Response:
    form = {
        "email": email,
        "origine": "page",
        "jeton": tokens.issue(service.config.core.secret_key, now=time.time() - 10),
        "reference_dossier": "",
        "rythme": "each",
        **fields,
    }
    return httpx.post(f"{service.url}/commentaires/lettre/abonnement", data=form)


def local(service, url) -> str:
    """A link from an e-mail (public address; in <…> in a header) pointed at the test
    service."""
    url = str(url).removeprefix("<").removesuffix(">")
    assert url.startswith(PUBLIC + "/commentaires/"), url
    return service.url + url[len(PUBLIC) :]


def text_part(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_part(message) -> str:
    return message.get_body(("html",)).get_content()


def link(message, path: str) -> str:
    """The first link of `message`'s text part to /commentaires/lettre/<path>."""
    found = re.search(rf"{re.escape(PUBLIC)}/commentaires/lettre/{path}\?t=\S+", text_part(message))
    assert found, text_part(message)
    return found.group(0)


def confirm_by_mail(service, message) -> httpx.Response:
    url = local(service, link(message, "confirmer"))
    return httpx.post(url, data={"t": url.split("?t=")[1]})


def rows(service, sql: str, *args) -> list[sqlite3.Row]:
    conn = service.db()
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def subscribed(service, smtp, email: str, **fields) -> None:
    """Subscribe `email` and follow its confirmation link (the e-mail is taken off the list)."""
    before = len(smtp.messages)
    assert subscribe(service, email, **fields).status_code == 303
    wait_until(lambda: any(m["To"] == email for m in smtp.messages[before:]))
    message = next(m for m in smtp.messages[before:] if m["To"] == email)
    assert confirm_by_mail(service, message).status_code == 200
    smtp.messages.remove(message)


def publish(service, *new_articles) -> None:
    """A new build with `new_articles` added to the back catalogue; the sender is woken."""
    write_letter_site(service.config.core.site_dir, [*BACK_CATALOGUE, *new_articles])
    service.parts.lettre.sender.wake()


def received(smtp, email: str) -> list:
    return [m for m in smtp.messages if email in m.recipients]


def values(service, sql: str, *args) -> list[tuple]:
    """`rows` as plain tuples, to compare."""
    return [tuple(row) for row in rows(service, sql, *args)]


def post_comment(service, **fields) -> int:
    """Post the comment form (valid fields, `fields` overriding); the new comment's number."""
    response = httpx.post(f"{service.url}/commentaires/poster", data=service.form(**fields))
    assert response.status_code == 303, response.text
    return rows(service, "SELECT max(id) FROM comments")[0][0]


def moderate(service, comment_id: int, status: str) -> None:
    """A moderator's action, as the moderation pages perform it (hooks included)."""
    service.parts.comments.moderation.perform(actions.set_status, comment_id, status, "test")


def add_subscriber(database, email: str, themes: str = "", status: str = "active") -> None:
    add_subscribers(database, [email], themes, status)


def add_subscribers(database, emails, themes: str = "", status: str = "active") -> None:
    """Confirmed lettre subscribers, written straight into the database (one transaction)."""
    conn = db.init(database)
    with conn:
        for email in emails:
            person = conn.execute(
                "INSERT INTO subscribers (email, link_key, created_at, confirmed_at)"
                " VALUES (?, 'cle', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')",
                (email,),
            ).lastrowid
            conn.execute(
                "INSERT INTO subscriptions (subscriber_id, kind, themes, status, consent,"
                " created_at) VALUES (?, 'lettre', ?, ?, 'Le consentement donné.',"
                " '2026-01-01T00:00:00+00:00')",
                (person, themes, status),
            )
    conn.close()


def login(service, username: str, roles=(accounts.MODERATION,)) -> httpx.Client:
    conn = service.db()
    accounts.create_moderator(
        conn, username, PASSWORD, "Équipe", f"{username}@caf.example.fr", roles
    )
    conn.close()
    client = httpx.Client(base_url=service.url, headers={"X-Forwarded-For": "192.0.2.7"})
    page = client.get(BASE + "connexion")
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
    client.post(
        BASE + "connexion",
        data={"csrf": token, "identifiant": username, "mot_de_passe": PASSWORD},
    )
    return client


def team_page_text(client) -> str:
    """The team's lettre page as text, spaces plain (a logged-in `login` client)."""
    page = client.get(BASE + "lettre")
    assert page.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", page.text).split()).replace("\u202f", " ")


def press_test_send(client) -> httpx.Response:
    """« M’envoyer un essai » pressed on the team's lettre page (a logged-in `login` client)."""
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get(BASE + "lettre").text)
    return client.post(BASE + "lettre/essai", data={"csrf": csrf.group(1)})
