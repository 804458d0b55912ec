"""Team accounts and roles: the migration, the first administrator, roles enforced on every
area, accounts managed in the browser with one-time password links, and the team's log."""

import io
import re
import sqlite3

import httpx
import pytest

from service import cli
from service.core import db
from service.team import accounts, accounts_admin
from tests.support.comments import spaces
from tests.support.room import (
    LOGIN_PATH,
    MODERATION_PATH,
    PASSWORD,
    ROOM_PATH,
    add_account,
    csrf,
    login,
)

TEAM = ROOM_PATH + "equipe/"


def test_migration_gives_existing_moderators_roles_and_the_oldest_administration(tmp_path):
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for script in db.MIGRATIONS[:2]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 2")
    for name in ("premiere", "seconde"):
        conn.execute(
            "INSERT INTO moderators (username, password_hash, created_at) VALUES (?, 'x', 'now')",
            (name,),
        )
    conn.close()
    conn = db.init(path)
    roles = dict(conn.execute("SELECT username, roles FROM moderators"))
    conn.close()
    assert roles == {
        "premiere": "administration moderation redaction",
        "seconde": "moderation redaction",
    }


def test_first_account_is_an_administrator_and_the_cli_takes_roles(comment_config, monkeypatch):
    conn = db.init(comment_config.core.database)
    assert accounts.ensure_first_account(conn, "Équipe") is not None
    first = conn.execute("SELECT roles FROM moderators").fetchone()["roles"]
    conn.close()
    assert first == "redaction moderation administration"
    for argv in (["karim"], ["nadia", "--roles", "redaction"]):
        monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
        out = io.StringIO()
        status = cli.run(comment_config, ["create-moderator", *argv, "--mot-de-passe-stdin"], out)
        assert status == 0, out.getvalue()
    conn = db.connect(comment_config.core.database)
    roles = dict(conn.execute("SELECT username, roles FROM moderators"))
    conn.close()
    assert roles["karim"] == "moderation" and roles["nadia"] == "redaction"


def test_each_area_needs_its_role(comment_service):
    database = comment_service.config.core.database
    add_account(database, "admin", accounts.ROLES)
    add_account(database, "modo", ("moderation",))
    add_account(database, "plume", ("redaction",))
    url = comment_service.url
    anonymous = httpx.get(url + TEAM)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == LOGIN_PATH + "?suite=%2Fredaction%2Fequipe%2F"
    modo = login(url, "modo")
    assert modo.get(TEAM).status_code == 403
    assert "« administration »" in spaces(modo.get(TEAM).text)
    assert modo.get(MODERATION_PATH).status_code == 200
    plume = login(url, "plume")
    assert plume.get(MODERATION_PATH).status_code == 403
    assert plume.get(TEAM).status_code == 403
    admin = login(url, "admin")
    assert admin.get(TEAM).status_code == 200
    # After login, a team member lands where they were going, or in their own area.
    client = httpx.Client(base_url=url)
    page = client.get(LOGIN_PATH + f"?suite={TEAM}")
    assert 'name="suite" value="/redaction/equipe/"' in page.text
    landed = client.post(
        LOGIN_PATH,
        data={"csrf": csrf(page), "identifiant": "admin", "mot_de_passe": PASSWORD, "suite": TEAM},
    )
    assert landed.headers["location"] == TEAM
    elsewhere = login(url, "plume", suite="https://ailleurs.example/")
    assert elsewhere.get(TEAM).status_code == 403
    page = httpx.Client(base_url=url)
    form = page.get(LOGIN_PATH)
    away = page.post(
        LOGIN_PATH,
        data={
            "csrf": csrf(form),
            "identifiant": "plume",
            "mot_de_passe": PASSWORD,
            "suite": "//ailleurs.example/",
        },
    )
    assert away.headers["location"] == ROOM_PATH  # not another site; her area


def _link(page: httpx.Response) -> str:
    return re.search(r'id="lien" type="text" readonly value="([^"]+)"', page.text).group(1)


def test_an_administrator_creates_an_account_and_the_person_chooses_the_password(
    comment_service,
):
    url = comment_service.url
    add_account(comment_service.config.core.database, "admin", accounts.ROLES, "Aline Admin")
    admin = login(url, "admin")
    token = csrf(admin.get(TEAM))
    bad = admin.post(TEAM, data={"csrf": token, "identifiant": "Claire Martin", "nom": "Claire"})
    assert bad.status_code == 400 and "L’identifiant doit compter" in bad.text
    assert 'value="Claire"' in bad.text  # what was typed stays
    made = admin.post(
        TEAM,
        data={
            "csrf": token,
            "identifiant": "claire.martin",
            "nom": "Claire Martin",
            "email": "claire@caf.example",
            "role_redaction": "1",
        },
    )
    assert made.status_code == 200 and "Compte « claire.martin » créé" in spaces(made.text)
    link = _link(made)
    assert link.startswith(url + ROOM_PATH + "mot-de-passe/")
    # Nobody can log in before the link is used: the stored password is random.
    with pytest.raises(AssertionError):
        login(url, "claire.martin")
    person = httpx.Client(base_url=url)
    page = person.get(link)
    assert page.status_code == 200 and "claire.martin" in page.text
    differ = person.post(
        link,
        data={"csrf": csrf(page), "mot_de_passe": PASSWORD, "confirmation": PASSWORD + "!"},
    )
    assert differ.status_code == 400 and "diffèrent" in differ.text
    done = person.post(
        link, data={"csrf": csrf(page), "mot_de_passe": PASSWORD, "confirmation": PASSWORD}
    )
    assert done.status_code == 303  # logged in (tests/team/test_password_links.py)
    assert person.get(link).status_code == 404  # once only
    claire = login(url, "claire.martin")
    assert claire.get(MODERATION_PATH).status_code == 403  # rédaction only
    # A reset link ends her sessions as soon as she uses it; disabling ends them at once.
    page = admin.get(TEAM + "claire.martin")
    reset = admin.post(TEAM + "claire.martin", data={"csrf": csrf(page), "action": "lien"})
    fresh = httpx.Client(base_url=url)
    form = fresh.get(_link(reset))
    fresh.post(
        _link(reset),
        data={
            "csrf": csrf(form),
            "mot_de_passe": "nouvelle phrase secrète",
            "confirmation": "nouvelle phrase secrète",
        },
    )
    assert claire.get(ROOM_PATH + "equipe/").status_code == 303  # logged out
    claire = login(url, "claire.martin", "nouvelle phrase secrète")
    off = admin.post(TEAM + "claire.martin", data={"csrf": csrf(page), "action": "desactiver"})
    assert off.status_code == 303
    assert "désactivé" in admin.get(off.headers["location"]).text
    assert claire.get(MODERATION_PATH).status_code == 303
    with pytest.raises(AssertionError):
        login(url, "claire.martin", "nouvelle phrase secrète")
    log = admin.get(ROOM_PATH + "journal").text
    for label in (
        "Compte créé",
        "Mot de passe choisi",
        "Lien de mot de passe créé",
        "Compte désactivé",
    ):
        assert label in log


def test_the_last_administrator_stays(comment_service):
    add_account(comment_service.config.core.database, "admin", accounts.ROLES)
    admin = login(comment_service.url, "admin")
    page = admin.get(TEAM + "admin")
    token = csrf(page)
    kept = admin.post(TEAM + "admin", data={"csrf": token, "nom": "A", "role_redaction": "1"})
    assert kept.status_code == 400 and "dernier administrateur" in kept.text
    refused = admin.post(TEAM + "admin", data={"csrf": token, "action": "desactiver"})
    assert refused.status_code == 400 and "dernier administrateur" in refused.text
    assert admin.post(TEAM + "admin", data={"action": "desactiver"}).status_code == 403  # CSRF
    conn = db.connect(comment_service.config.core.database)
    assert accounts_admin.get(conn, "admin")["disabled_at"] is None
    conn.close()
