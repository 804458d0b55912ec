"""Helpers for the writing-room tests: a service over real HTTP on 127.0.0.1 with a copy of the
launch content, team accounts, and logged-in clients.

`room_config(tmp_path)` copies content/ into the temporary folder, builds it once (the site the
service serves and patches) and points the room at it; `login(url, username)` returns an httpx
client holding that account's session.
"""

import re
import shutil
from pathlib import Path

import httpx

from comment_service import accounts
from site_core import db
from site_core.paths import MODERATION_PATH, ROOM_PATH

PASSWORD = "une phrase de passe assez longue"
ROOT = Path(__file__).resolve().parent.parent


def csrf(page: httpx.Response) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)


def add_account(database: Path, username: str, roles=("redaction",), name: str = "") -> None:
    conn = db.init(database)
    try:
        accounts.create_moderator(conn, username, PASSWORD, name or username.title(), "", roles)
    finally:
        conn.close()


def login(url: str, username: str, password: str = PASSWORD, suite: str = "") -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60)
    page = client.get(MODERATION_PATH + "connexion")
    response = client.post(
        MODERATION_PATH + "connexion",
        data={
            "csrf": csrf(page),
            "identifiant": username,
            "mot_de_passe": password,
            "suite": suite,
        },
    )
    assert response.status_code == 303, response.text
    return client


def copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    return target


__all__ = ["MODERATION_PATH", "ROOM_PATH", "add_account", "copy_content", "csrf", "login"]
