"""Personal data: export and erase one e-mail address's comments, purge old IP hashes."""

import io
import json
import time
from datetime import UTC, datetime

from bs4 import BeautifulSoup

from service import cli, rgpd
from service.core import db
from service.core.settings import CoreSettings
from service.settings import Settings
from tests.support.site import build_site

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


def test_erase_keeps_other_peoples_replies_under_a_placeholder_and_republishes(tmp_path):
    database = tmp_path / "c.sqlite3"
    conn = db.init(database)
    theirs = add(conn, "claire@mairie.example", "Commentaire de Claire")
    reply = add(
        conn,
        "caf@caf.example",
        "Réponse sous Claire",
        parent=theirs,
        at="2026-01-03T10:00:00+00:00",
    )
    alone = add(conn, "claire@mairie.example", "Seule", at="2026-01-04T10:00:00+00:00")
    kept = add(conn, "paul@asso.example", "Commentaire de Paul")
    output = build_site(tmp_path / "output", COMMENTS_DB=str(database))
    page = output / f"articles/{SLUG}/index.html"
    assert "Commentaire de Claire" in page.read_text(encoding="utf-8")

    config = Settings(CoreSettings(database=database, site_dir=output, secret_key="k"))
    out = io.StringIO()
    assert cli.run(config, ["erase", "CLAIRE@mairie.example", "--oui"], out=out) == 0
    assert "2 commentaire(s) effacé(s)" in out.getvalue()
    rows = {r["id"]: r for r in conn.execute("SELECT * FROM comments")}
    assert sorted(rows) == [theirs, reply, kept] and alone not in rows
    placeholder = rows[theirs]
    assert placeholder["erased"] == 1 and placeholder["ip_hash"] is None
    assert placeholder["author_name"] == placeholder["author_email"] == placeholder["body"] == ""
    html = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    text = html.select_one("#commentaires").get_text()
    assert "Commentaire de Claire" not in text and "Seule" not in text
    assert "Réponse sous Claire" in text and "Commentaire de Paul" in text
    erased = html.select_one(f"#commentaire-{theirs}")
    assert "Commentaire supprimé" in erased.h3.get_text()
    assert erased.select_one(f"#commentaire-{reply}")  # the reply stays in its thread
    assert html.select_one("#commentaires-titre").get_text() == "2 commentaires"
    conn.close()


def test_erased_data_leaves_no_byte_in_the_database_files(tmp_path):
    database = tmp_path / "c.sqlite3"
    conn = db.init(database)
    secret = "Texte-tres-personnel-7f3a9"
    theirs = add(conn, "secret.person@mairie.example", secret)
    add(conn, "autre@asso.example", "Une réponse", parent=theirs)
    for n in range(200):  # enough pages for the rows to be spread and rewritten
        add(conn, f"p{n}@asso.example", f"Commentaire {n} " + "x" * 300)
    add(conn, "secret.person@mairie.example", secret + " bis")
    # The flood counts of the comment form and of the lettre's confirmations (issue 19 item 13:
    # the address stayed there in clear up to 24 h after an erase).
    for bucket in ("email", "lettre_confirmation"):
        conn.execute(
            "INSERT INTO rate_events (bucket, key, at) VALUES (?, ?, ?)",
            (bucket, "secret.person@mairie.example", time.time()),
        )
    conn.close()
    config = Settings(CoreSettings(database=database, site_dir=tmp_path / "site", secret_key="k"))
    assert cli.run(config, ["erase", "secret.person@mairie.example", "--oui"], io.StringIO()) == 0
    for path in tmp_path.glob("c.sqlite3*"):
        data = path.read_bytes()
        for needle in (secret, "secret.person@mairie.example", f"ip-{secret}"):
            assert needle.encode() not in data, (path.name, needle)
    wal = tmp_path / "c.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0


def test_export_command_writes_a_json_file(tmp_path):
    config = Settings(
        CoreSettings(database=tmp_path / "c.sqlite3", site_dir=tmp_path / "site", secret_key="k")
    )
    conn = db.init(config.core.database)
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
