"""Safe by construction: every form of the room refuses a post without this session's CSRF
token, every page its role, nothing changes when a post is refused, and no address reaches a
file outside the content folder's articles and pages."""

import hashlib
from pathlib import Path

import httpx
import pytest

from service.core import db
from tests.support.room import ROOM_PATH, add_account, csrf, login

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
