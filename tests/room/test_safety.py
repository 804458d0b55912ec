"""Safe by construction: every form of the room refuses a post without this session's CSRF
token, every page its role, nothing changes when a post is refused, and no address reaches a
file outside the content folder's articles and pages."""

import hashlib
import html
from pathlib import Path

import httpx
import pytest

from service.core import db
from tests.support.comments import running_service, spaces, write_site
from tests.support.room import ROOM_PATH, add_account, csrf, login, room_config

POSTS = [
    "equipe/",
    "equipe/karim",
    "nouveau",
    "articles/enjeux-prioritaires-2022/",
    "articles/enjeux-prioritaires-2022/revisions/1/restaurer",
    "articles/enjeux-prioritaires-2022/publier",
    "articles/enjeux-prioritaires-2022/retirer",
    "images/",
]
FIELDS = {
    "identifiant": "intrus",
    "role_administration": "1",
    "action": "desactiver",
    "titre": "Piraté",
    "chapo": "Piraté",
    "theme": "Solidarité",
    "intervenant-1-nom": "X",
    "intervenants": "1",
    "statut": "draft",
    "revision": "1",
}


def state(service) -> tuple:
    """Everything a refused post must leave as it was: files and the room's tables."""
    content = Path(service.config.room.content_dir)
    files = hashlib.sha256(
        b"".join(p.read_bytes() for p in sorted(content.rglob("*")) if p.is_file())
    ).hexdigest()
    conn = db.connect(service.config.core.database)
    try:
        tables = tuple(
            conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("revisions", "publish_jobs", "moderators", "password_links")
        )
        disabled = conn.execute("SELECT count(*) FROM moderators WHERE disabled_at").fetchone()
    finally:
        conn.close()
    return files, tables, disabled[0]


@pytest.mark.parametrize("path", POSTS)
def test_a_post_without_this_sessions_token_changes_nothing(room, path):
    client = login(room.url, "claire")  # every role
    client.get(ROOM_PATH + "articles/enjeux-prioritaires-2022/")  # its first revision exists
    before = state(room)
    for token in ("", "0" * 64, "é²"):
        response = client.post(ROOM_PATH + path, data={**FIELDS, "csrf": token})
        assert response.status_code in (403, 409), (path, response.status_code)
        assert state(room) == before, path


@pytest.fixture(scope="module")
def moderator_only(room):
    add_account(room.config.core.database, "lecteur-modo", ("moderation",))
    return "lecteur-modo"


@pytest.mark.parametrize("path", POSTS)
def test_each_post_needs_its_role_and_a_session(room, moderator_only, path):
    modo = login(room.url, moderator_only)
    before = state(room)
    assert modo.post(ROOM_PATH + path, data=FIELDS).status_code == 403
    anonymous = httpx.post(room.url + ROOM_PATH + path, data=FIELDS)
    # The editor answers with the login form holding the text; the others send to log in.
    assert anonymous.status_code in (303, 401), (path, anonymous.status_code)
    assert state(room) == before


@pytest.mark.parametrize(
    "path",
    [
        "articles/..%2F..%2Fpelicanconf/",
        "articles/.hidden/",
        "images/photo/",
        "articles/30-ans-caf-essonne.md/",
        "..%2Fcontent/x/",
    ],
)
def test_no_other_file_can_be_reached(room, path):
    client = login(room.url, "claire")
    token = csrf(client.get(ROOM_PATH + "nouveau"))
    for response in (
        client.get(ROOM_PATH + path, follow_redirects=True),
        client.post(
            ROOM_PATH + path,
            data={"csrf": token, "action": "enregistrer"},
            follow_redirects=True,
        ),
    ):
        assert response.status_code in (404, 405), response.status_code
        assert "SITENAME" not in response.text and "Title:" not in response.text


def test_issue19_item8_an_unexpected_error_in_the_room_speaks_of_no_comment(tmp_path):
    """The last-resort error page is the whole service's: it must not tell a writer that a
    comment was lost."""
    config = room_config(tmp_path, write_site(tmp_path / "site"))
    add_account(config.core.database, "claire")
    with running_service(config) as service:
        client = login(service.url, "claire")
        conn = db.connect(config.core.database)
        conn.execute("ALTER TABLE publish_jobs RENAME TO publish_jobs_lost")  # a real fault
        conn.close()
        page = client.get(ROOM_PATH + "publications/")
    assert page.status_code == 500
    text = spaces(html.unescape(page.text))
    assert "commentaire" not in text.split("<main", 1)[1].lower()
    assert "erreur imprévue" in text and "bouton Retour" in text
