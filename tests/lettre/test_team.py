"""The lettre for the team: the command line (announce without the service, test send, CSV),
the page of the team's area, personal data (RGPD export and erase, purge of unconfirmed
requests)."""

import io
import json
import re
import time
from dataclasses import replace

import httpx

import tasks
from service import cli
from service.core import db
from service.lettre import subscriptions
from service.lettre.sender import send_lock
from service.team import accounts
from tests.support.comments import make_config, spaces
from tests.support.lettre import (
    BACK_CATALOGUE,
    BASE,
    add_subscriber,
    article,
    letter_config,
    login,
    press_test_send,
    rows,
    subscribe,
    subscribed,
    text_part,
    values,
    wait_until,
    write_letter_site,
)


def run(config, *argv) -> str:
    out = io.StringIO()
    assert cli.run(config, list(argv), out) == 0
    return out.getvalue()


def test_announce_from_the_command_line_sends_without_the_service(tmp_path, smtp_server):
    site = write_letter_site(tmp_path / "site")
    config = letter_config(tmp_path, site, smtp_server)
    assert "Nouvelles lettres : 0." in run(config, "announce")  # the back catalogue
    add_subscriber(config.core.database, "abonne@exemple.fr")
    write_letter_site(site, [*BACK_CATALOGUE, article("nouvelle", days_ago=0.01, title="Neuf")])
    output = run(config, "announce")
    assert "Nouvelles lettres : 1." in output and "E-mails envoyés : 1 " in output
    [message] = smtp_server.messages
    assert message["To"] == "abonne@exemple.fr" and message["Subject"] == "Neuf"
    assert "Neuf" in (site / "lettres/1/index.html").read_text()
    assert "Nouvelles lettres : 0." in run(config, "announce")  # nothing twice
    assert len(smtp_server.messages) == 1

    # A test send goes to one address only, marked as such, with sample links.
    assert "Essai mis en file pour moi@caf.example.fr" in run(
        config, "lettre-essai", "moi@caf.example.fr"
    )
    test = smtp_server.messages[1]
    assert test.recipients == ["moi@caf.example.fr"]
    assert test["Subject"] == "[Essai] Neuf" and "ESSAI" in text_part(test)
    assert len(rows_of(config, "SELECT 1 FROM outbox WHERE kind = 'lettre'")) == 1


def rows_of(config, sql):
    conn = db.connect(config.core.database)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_announce_leaves_the_sending_to_a_running_sender(tmp_path, smtp_server):
    site = write_letter_site(tmp_path / "site")
    config = letter_config(tmp_path, site, smtp_server)
    run(config, "announce")
    add_subscriber(config.core.database, "abonne@exemple.fr")
    write_letter_site(site, [*BACK_CATALOGUE, article("nouvelle", days_ago=0.01)])
    with send_lock(config.core.database) as held:  # as the running service holds it
        assert held
        output = run(config, "announce")
    assert "Nouvelles lettres : 1." in output and "envoyés par le service" in output
    assert smtp_server.messages == []
    assert [r[0] for r in rows_of(config, "SELECT status FROM outbox")] == ["queued"]


def test_subscriber_list_as_csv_with_consent(tmp_path, letter_site, smtp_server):
    config = letter_config(tmp_path, letter_site, smtp_server)
    add_subscriber(config.core.database, "=HYPERLINK(1)@exemple.fr", themes="solidarite")
    add_subscriber(config.core.database, "b@exemple.fr", status="ended")
    lines = run(config, "lettre-abonnes").splitlines()
    assert lines[0].startswith("adresse;statut;")
    assert lines[1].startswith("'=HYPERLINK(1)@exemple.fr;abonné;;à chaque publication;Solidarité;")
    assert lines[1].endswith(";Le consentement donné.")
    assert lines[2].startswith("b@exemple.fr;désabonné;")


def test_team_page_counts_sends_tests_and_exports(letter_service, smtp_server):
    subscribed(letter_service, smtp_server, "tous@exemple.fr")
    subscribed(letter_service, smtp_server, "solidaire@exemple.fr", **{"theme-solidarite": "1"})
    subscribed(letter_service, smtp_server, "semaine@exemple.fr", rythme="weekly")
    assert subscribe(letter_service, "attente@exemple.fr").status_code == 303
    smtp_server.wait_for(1)
    assert httpx.get(letter_service.url + BASE + "lettre").status_code == 303  # log in first

    letter_service.site.address = letter_service.url  # http: session cookies without Secure
    admin = login(letter_service, "admin")  # the first account: an administrator
    editor = login(letter_service, "redaction")
    page = editor.get(BASE + "lettre")
    assert page.status_code == 200 and page.headers["x-robots-tag"] == "noindex, nofollow"
    text = " ".join(re.sub(r"<[^>]+>", " ", page.text).split()).replace("\u202f", " ")
    assert "3 abonnés à la lettre, 1 demande en attente de confirmation" in text
    assert "À chaque publication 2" in text and "Une fois par semaine 1" in text
    assert "Tous les thèmes 2" in text and "Solidarité 3" in text
    assert "Petite enfance et jeunesse 2" in text
    assert "Aucun essai n’a encore été envoyé" in text
    assert editor.get(BASE + "lettre/abonnes.csv").status_code == 403  # not an administrator

    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
    sent = editor.post(BASE + "lettre/essai", data={"csrf": csrf}, follow_redirects=True)
    assert "Essai mis en file" in sent.text
    wait_until(
        lambda: any("redaction@caf.example.fr" in m.recipients for m in smtp_server.messages)
    )
    wait_until(lambda: "Dernier essai envoyé le" in editor.get(BASE + "lettre").text)
    assert editor.post(BASE + "lettre/essai", data={"csrf": "0" * 64}).status_code == 403

    export = admin.get(BASE + "lettre/abonnes.csv")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert export.text.count("\r\n") == 5  # header, 3 subscribed, 1 pending


def test_rgpd_export_and_erase_cover_subscriptions_and_follows(letter_service, smtp_server):
    email = "claire.martin@mairie-exemple.fr"
    subscribed(letter_service, smtp_server, email)
    form = letter_service.form(email=email, suivre_reponses="1", suivre_article="1")
    assert httpx.post(f"{letter_service.url}/commentaires/poster", data=form).status_code == 303
    config = make_config_like(letter_service)
    exported = json.loads(run(config, "export", email.upper()))
    kinds = [s["kind"] for s in exported["abonnements"]["abonnements"]]
    assert kinds == ["lettre", "reponses", "article"]
    assert all(s["consent"] for s in exported["abonnements"]["abonnements"])
    assert exported["abonnements"]["adresse"]["confirmed_at"]
    assert {c["kind"] for c in exported["abonnements"]["courriels"]} == {"confirmation"}

    run(config, "erase", email, "--oui")
    for table in ("subscribers", "subscriptions", "outbox"):
        assert values(letter_service, f"SELECT count(*) FROM {table}") == [(0,)], table
    assert json.loads(run(config, "export", email))["abonnements"] == {}


def make_config_like(service):
    database = service.config.core.database
    return make_config(database.parent.parent, service.config.core.site_dir, database=database)


def test_unconfirmed_requests_are_purged_after_the_delay(letter_service, smtp_server):
    assert subscribe(letter_service, "jamais@exemple.fr").status_code == 303
    subscribed(letter_service, smtp_server, "oui@exemple.fr")
    conn = letter_service.db()
    later = time.time() + 8 * 86400
    with conn:
        assert subscriptions.purge_unconfirmed(conn, 7, now=time.time()) == 0
        assert subscriptions.purge_unconfirmed(conn, 7, now=later) == 1
    conn.close()
    assert values(letter_service, "SELECT email FROM subscribers") == [("oui@exemple.fr",)]
    assert rows(letter_service, "SELECT status FROM subscriptions")[0][0] == "active"


def test_invoke_publish_to_a_folder_announces_and_sends(tmp_path, smtp_server, monkeypatch, capsys):
    target = write_letter_site(tmp_path / "www")
    database = tmp_path / "data" / "comments.sqlite3"
    for name, value in {
        "SERVICE_DATABASE": str(database),
        "SERVICE_SECRET_KEY": "clé",
        "SERVICE_SITE_URL": "https://partenaires.example.fr",
        "SERVICE_SMTP_HOST": smtp_server.host,
        "SERVICE_SMTP_PORT": str(smtp_server.port),
        "LETTRE_RATE": "0",
    }.items():
        monkeypatch.setenv(name, value)
    tasks._announce(str(target))  # the first publication: the back catalogue
    add_subscriber(database, "abonne@exemple.fr")
    write_letter_site(target, [*BACK_CATALOGUE, article("nouvelle", days_ago=0.01)])
    tasks._announce(str(target))
    assert [m["To"] for m in smtp_server.messages] == ["abonne@exemple.fr"]
    assert (target / "lettres/1/index.html").exists()
    tasks._announce("serveur:/var/www/partenaires")  # a server's own service announces
    assert "service de commentaires du serveur" in capsys.readouterr().out
    assert len(smtp_server.messages) == 1


def test_the_writing_team_sees_the_lettre_page_from_its_area(letter_service):
    letter_service.site.address = letter_service.url  # http: session cookies without Secure
    login(letter_service, "admin")  # the first account: an administrator
    writer = login(letter_service, "claire", roles=(accounts.REDACTION,))
    page = writer.get(BASE + "lettre")
    assert page.status_code == 200
    assert '<a href="/redaction/">Retour aux articles</a>' in page.text
    assert "modération des commentaires</a>" not in page.text  # not a moderator
    room = writer.get("/redaction/")
    assert f'<a href="{BASE}lettre">La lettre</a>' in room.text
    assert writer.get(BASE + "lettre/abonnes.csv").status_code == 403


def test_an_administrator_without_other_roles_exports_the_list(letter_service):
    letter_service.site.address = letter_service.url  # http: session cookies without Secure
    login(letter_service, "premier")  # the first account of a machine has every role
    admin = login(letter_service, "chef", roles=(accounts.ADMINISTRATION,))
    assert admin.get(BASE + "lettre").status_code == 200
    export = admin.get(BASE + "lettre/abonnes.csv")
    assert export.status_code == 200 and export.text.lstrip("\ufeff").startswith("adresse;")


def test_issue19_item16_test_sends_are_capped_per_account(letter_service, smtp_server):
    """The button sent as many tests as it was pressed: 5 an hour per account, then a French
    message beside the button, and nothing more is queued."""
    letter_service.site.address = letter_service.url  # http: session cookies without Secure
    team = login(letter_service, "admin")
    own = "admin@caf.example.fr"
    for _ in range(5):
        assert press_test_send(team).status_code == 303
    refused = press_test_send(team)
    assert refused.status_code == 429
    section = spaces(" ".join(refused.text.split("<h2>Essai</h2>")[1].split()))
    assert re.search(r"5 essais depuis une heure.* prochain essai possible à \d\d:\d\d", section)
    wait_until(lambda: len(smtp_server.messages) >= 5)
    time.sleep(0.5)
    assert len([m for m in smtp_server.messages if own in m.recipients]) == 5
    assert rows(letter_service, "SELECT count(*) FROM outbox WHERE kind = 'essai'")[0][0] == 5


def test_issue19_item15_the_announce_command_says_what_to_set(tmp_path, smtp_server):
    site = write_letter_site(tmp_path / "site")
    config = letter_config(tmp_path, site, smtp_server)
    config = replace(config, core=replace(config.core, site_url=""))  # nor the build's SITEURL
    run(config, "announce")  # the back catalogue
    add_subscriber(config.core.database, "abonne@exemple.fr")
    write_letter_site(site, [*BACK_CATALOGUE, article("nouvelle", days_ago=0.01)])
    output = spaces(run(config, "announce"))
    assert "Nouvelles lettres : 1." in output and "E-mails envoyés : 0 " in output
    assert "La lettre n’est pas envoyée" in output and "SERVICE_SITE_URL" in output
    assert smtp_server.messages == []
