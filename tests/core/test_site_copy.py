"""The public site copied to another web server (REDACTION_PUBLISH_COPY, site_copy.py): after a
publication of the room, after a moderator approves a comment, and a failed copy said on the
publication's page and in the team's log."""

import os
import sys
from pathlib import Path

from service.comments import actions
from service.core import db
from service.core.site_copy import SiteCopy
from tests.support.comments import make_config, running_service, wait_until
from tests.support.room import ROOM_PATH, add_account, login, publish_now, room_config

ARTICLE = "articles/30-ans-caf-essonne/index.html"


def test_the_site_is_copied_after_publications_and_approvals(tmp_path):
    remote = tmp_path / "serveur-web"
    remote.mkdir()
    config = room_config(
        tmp_path,
        tmp_path / "public" / "site",
        room={"publish_copy": f"cp -a {{site}}/. {remote}/"},
        comments={"search_refresh_delay": 0.1, "republish": True},
    )
    (tmp_path / "public").mkdir()
    add_account(config.core.database, "claire")
    with running_service(config) as service:
        assert publish_now(service)["state"] == "done"
        public = Path(config.core.site_dir)
        assert (remote / ARTICLE).read_bytes() == (public / ARTICLE).read_bytes()
        assert (remote / "index.html").read_bytes() == (public / "index.html").read_bytes()

        conn = db.connect(config.core.database)
        comment = conn.execute(
            "INSERT INTO comments (article_slug, author_name, author_email, body, created_at)"
            " VALUES ('30-ans-caf-essonne', 'Mairie de Massy', 'mairie@exemple.fr',"
            " 'Un commentaire recopié sur le serveur web.', '2026-11-20T10:00:00+00:00')"
        ).lastrowid
        conn.commit()
        conn.close()
        parts = service.parts
        parts.comments.moderation.perform(actions.set_status, comment, "approved", "claire")
        wait_until(lambda: "recopié sur le serveur web" in (remote / ARTICLE).read_text(), 60)
        assert (remote / ARTICLE).read_bytes() == (public / ARTICLE).read_bytes()

        parts.room.copy.command = "false"  # the copy fails: the publication says so
        job = publish_now(service, "Deuxième publication")
        assert job["state"] == "done"
        assert job["message"].startswith(
            "Publiée sur ce serveur, mais la copie vers le serveur a échoué (code 1)"
        )
        conn = db.connect(config.core.database)
        service.site.address = service.url  # log in over http: session cookies without Secure
        page = login(service.url, "claire").get(f"{ROOM_PATH}publications/{job['id']}")
        assert "mais la copie vers le serveur a échoué (code 1)" in page.text
        logged = conn.execute("SELECT detail FROM team_log WHERE action = 'copy_failed'").fetchall()
        conn.close()
        assert logged and "code 1" in logged[-1][0]


def test_a_hanging_copy_is_killed_with_its_children_and_any_bytes_are_reported(tmp_path):
    database = make_config(tmp_path, tmp_path / "site").core.database
    db.init(database).close()
    child = tmp_path / "enfant.pid"
    command = f"sh -c 'sleep 60 & echo $! > {child}; wait'"
    copy = SiteCopy(database, tmp_path / "site", command, timeout=1)
    assert copy.copy() == "la copie vers le serveur a pris plus de 1 s"
    pid = int(child.read_text())

    def gone() -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"  # killed, not reaped

    wait_until(gone, timeout=10)
    script = "import sys; sys.stderr.buffer.write(b'refus \\xe9\\xff'); sys.exit(2)"
    command = f'{sys.executable} -c "{script}"'
    said = SiteCopy(database, tmp_path / "site", command, timeout=1).copy()
    assert said.startswith("la copie vers le serveur a échoué (code 2) : refus \ufffd")
