"""Personal data: export and erase one e-mail address's comments, purge old IP hashes."""

import io
import json
from datetime import UTC, datetime

from conftest import build_site

from comment_service import cli, rgpd
from comment_service.config import Config
from site_core import db

SLUG = "30-ans-caf-essonne"
INSERT = (
    "INSERT INTO comments (article_slug, parent_id, author_name, author_email, body, status,"
    " ip_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def add(conn, email, body, *, parent=None, status="approved", at="2026-01-02T10:00:00+00:00"):
    row = (SLUG, parent, "Nom", email, body, status, f"ip-{body}", at)
    return conn.execute(INSERT, row).lastrowid


def test_export_has_all_of_one_address_and_nothing_else(tmp_path):
    conn = db.init(tmp_path / "c.sqlite3")
    mine = [
        add(conn, "Claire@Mairie.example", "premier"),
        add(conn, "claire@mairie.example", "x", status="spam"),
    ]
    add(conn, "autre@asso.example", "pas à moi")
    data = rgpd.export(conn, "claire@MAIRIE.example")
    assert [c["id"] for c in data["commentaires"]] == mine
    assert {c["body"] for c in data["commentaires"]} == {"premier", "x"}
    assert data["commentaires"][0]["ip_hash"] == "ip-premier"
    json.dumps(data)  # JSON-ready


def test_erase_deletes_and_republishes_the_article(tmp_path):
    database = tmp_path / "c.sqlite3"
    conn = db.init(database)
    theirs = add(conn, "claire@mairie.example", "Commentaire de Claire")
    add(
        conn,
        "caf@caf.example",
        "Réponse sous Claire",
        parent=theirs,
        at="2026-01-03T10:00:00+00:00",
    )
    kept = add(conn, "paul@asso.example", "Commentaire de Paul")
    output = build_site(tmp_path / "output", COMMENTS_DB=str(database))
    page = output / f"articles/{SLUG}/index.html"
    assert "Commentaire de Claire" in page.read_text(encoding="utf-8")

    config = Config(database=database, site_dir=output, secret_key="k")
    out = io.StringIO()
    assert cli.run(config, ["erase", "CLAIRE@mairie.example", "--oui"], out=out) == 0
    assert "2 commentaire(s) effacé(s)" in out.getvalue()
    assert [r[0] for r in conn.execute("SELECT id FROM comments")] == [kept]
    html = page.read_text(encoding="utf-8")
    assert "Commentaire de Claire" not in html and "Réponse sous Claire" not in html
    assert "Commentaire de Paul" in html
    conn.close()


def test_export_command_writes_a_json_file(tmp_path):
    config = Config(database=tmp_path / "c.sqlite3", site_dir=tmp_path / "site", secret_key="k")
    conn = db.init(config.database)
    add(conn, "claire@mairie.example", "texte")
    conn.close()
    target = tmp_path / "export.json"
    assert (
        cli.run(
            config, ["export", "claire@mairie.example", "--sortie", str(target)], out=io.StringIO()
        )
        == 0
    )
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["adresse_e_mail"] == "claire@mairie.example" and len(data["commentaires"]) == 1


def test_purge_forgets_only_old_ip_hashes(tmp_path):
    conn = db.init(tmp_path / "c.sqlite3")
    old = add(conn, "a@x.example", "vieux", at="2026-01-01T10:00:00+00:00")
    recent = add(conn, "b@x.example", "récent", at="2026-01-25T10:00:00+00:00")
    now = datetime(2026, 2, 5, tzinfo=UTC)
    assert rgpd.purge_ips(conn, 30, now=now) == 1
    hashes = dict(conn.execute("SELECT id, ip_hash FROM comments"))
    assert hashes == {old: None, recent: "ip-récent"}
    assert rgpd.purge_ips(conn, 30, now=now) == 0
