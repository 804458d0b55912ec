"""Publishing from the room over real HTTP: publish, withdraw, schedule, a failed build that
leaves the site as it was, and a reader polling during publications who never sees a missing
or mixed page."""

import re
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from service.core import db
from tests.support.comments import spaces
from tests.support.room import (
    ROOM_PATH,
    csrf,
    editor_url,
    form_fields,
    job_of,
    login,
    new_article,
    wait_job,
    work_text,
)


def test_publish_then_withdraw_a_new_article(site):
    client = login(site.url, "claire")
    job = job_of(
        client.post(
            ROOM_PATH + "nouveau",
            data={**new_article(client, "Un article publié"), "action": "publier"},
        )
    )
    page = client.get(f"{ROOM_PATH}publications/{job}")
    assert page.status_code == 200 and "Publication de « Un article publié »" in spaces(page.text)
    assert wait_job(site, job)["state"] == "done"
    article = httpx.get(site.url + "/articles/un-article-publie/")
    assert article.status_code == 200 and "Un article publié" in article.text
    assert "Un article publié" in httpx.get(site.url + "/").text
    assert "un-article-publie" in httpx.get(site.url + "/flux/tous.atom.xml").text
    assert "/articles/un-article-publie/" in httpx.get(site.url + "/sitemap.xml").text
    assert (
        "Status: published\n"
        in Path(site.config.room.content_dir, "articles", "un-article-publie.md").read_text()
    )
    done = spaces(client.get(f"{ROOM_PATH}publications/{job}").text)
    assert "Publiée le" in done and re.search(r"mise en ligne en \d+,\d s\)", done)
    assert f'href="{site.url}/articles/un-article-publie/" id="voir-en-ligne"' in done
    # Withdrawn after a confirmation: gone from the site and its feeds, its text kept.
    url = editor_url("articles", "un-article-publie")
    editor = client.get(url)
    assert "Retirer du site" in editor.text and 'id="voir-en-ligne"' in editor.text
    withdraw = form_fields(editor, 1)
    asked = client.post(url + "retirer", data={**withdraw, "statut": "draft"})
    assert asked.status_code == 200
    assert "L’article quitte le site ; son texte reste ici" in spaces(asked.text)
    job = job_of(client.post(url + "retirer", data=form_fields(asked)))
    assert wait_job(site, job)["state"] == "done"
    result = spaces(client.get(f"{ROOM_PATH}publications/{job}").text)
    assert "Retiré du site le" in result and "Publiée" not in result
    assert "l’article n’est plus en ligne ; son texte reste dans l’espace rédaction" in result
    assert not Path(site.config.room.content_dir, "articles", "un-article-publie.md").exists()
    assert 'status--retire">retiré</span>' in client.get(url).text
    assert httpx.get(site.url + "/articles/un-article-publie/").status_code == 404
    assert "un-article-publie" not in httpx.get(site.url + "/flux/tous.atom.xml").text
    assert "un-article-publie" not in httpx.get(site.url + "/sitemap.xml").text
    log = login(site.url, "claire").get(ROOM_PATH + "journal").text
    assert "Publication demandée" in log and "Retrait demandé" in log and "Site publié" in log


def test_a_failed_build_leaves_the_site_and_the_status_as_they_were(site):
    broken = Path(site.config.room.content_dir, "articles", "casse.md")
    broken.write_text("Title: Cassé\nDate: 2024-01-01\n\nSans thème ni chapô.\n", encoding="utf-8")
    home_before = httpx.get(site.url + "/").content
    client = login(site.url, "claire")
    try:
        job = job_of(
            client.post(
                ROOM_PATH + "nouveau",
                data={**new_article(client, "Jamais en ligne"), "action": "publier"},
            )
        )
        row = wait_job(site, job)
    finally:
        broken.unlink()
    assert row["state"] == "failed"
    assert "casse.md : champ « Category » manquant" in row["message"]
    page = spaces(client.get(f"{ROOM_PATH}publications/{job}").text)
    assert "le site public n’a pas changé" in page and "casse.md" in page
    assert httpx.get(site.url + "/").content == home_before
    assert httpx.get(site.url + "/articles/jamais-en-ligne/").status_code == 404
    # Put back (store.put_back): no file, as before; the text stays in the room.
    assert not Path(site.config.room.content_dir, "articles", "jamais-en-ligne.md").exists()
    conn = db.connect(site.config.core.database)
    kinds = [
        r[0]
        for r in conn.execute(
            "SELECT kind FROM revisions WHERE path = 'articles/jamais-en-ligne.md' ORDER BY number"
        )
    ]
    conn.close()
    assert kinds == ["creation", "publication"]


def test_a_future_date_publishes_itself_on_time(site):
    when = datetime.now(ZoneInfo("Europe/Paris")) + timedelta(seconds=4)
    path = Path(site.config.room.content_dir, "articles", "a-paraitre.md")
    path.write_text(
        f"Title: À paraître\nDate: {when:%Y-%m-%d %H:%M:%S}\nCategory: Solidarité\n"
        "Authors: Awa Diallo\nSummary: Bientôt.\nStatus: draft\n\nTexte.\n",
        encoding="utf-8",
    )
    client = login(site.url, "claire")
    url = editor_url("articles", "a-paraitre")
    preview_form = {
        "csrf": csrf(client.get(url)),
        "revision": form_fields(client.get(url))["revision"],
    }
    job = job_of(client.post(url + "publier", data=preview_form))
    page = spaces(client.get(f"{ROOM_PATH}publications/{job}").text)
    assert "Programmée : la publication se fera seule le" in page
    assert "status--programme" in client.get(ROOM_PATH + "?q=paraitre").text
    assert httpx.get(site.url + "/articles/a-paraitre/").status_code == 404
    row = wait_job(site, job, timeout=120)
    assert row["state"] == "done"
    assert datetime.fromisoformat(row["started_at"]) >= when - timedelta(seconds=1)
    assert httpx.get(site.url + "/articles/a-paraitre/").status_code == 200


def test_a_reader_polling_during_publications_never_sees_a_missing_or_mixed_page(site):
    """Home and article pages fetched over and over while two publications change them: every
    answer is complete and is the page before or the page after, never a 404 nor a mix."""
    pages = ["/", "/articles/enjeux-prioritaires-2022/", "/theme/css/site.css"]
    seen: dict[str, set[bytes]] = {page: set() for page in pages}
    problems: list[str] = []
    requests = [0]
    stop = threading.Event()

    def reader():
        with httpx.Client(base_url=site.url) as client:
            deadline = time.monotonic() + 300
            while not stop.is_set() and time.monotonic() < deadline:
                for page in pages:
                    response = client.get(page)
                    requests[0] += 1
                    if response.status_code != 200:
                        problems.append(f"{page}: {response.status_code}")
                    seen[page].add(response.content)

    versions = {page: {httpx.get(site.url + page).content} for page in pages}
    thread = threading.Thread(target=reader)
    thread.start()
    try:
        client = login(site.url, "claire")
        for title in ("Premier pendant la lecture", "Second pendant la lecture"):
            job = job_of(
                client.post(
                    ROOM_PATH + "nouveau", data={**new_article(client, title), "action": "publier"}
                )
            )
            assert wait_job(site, job)["state"] == "done"
            for page in pages:
                versions[page].add(httpx.get(site.url + page).content)
    finally:
        stop.set()
        thread.join()
    assert problems == []
    assert requests[0] >= 30
    for page in pages:
        assert seen[page] <= versions[page], f"{page}: a page that is neither before nor after"
    assert len(versions["/"]) == 3  # the home page did change twice


def test_hidden_stays_at_its_address_unlisted_and_comments_follow(site):
    conn = db.connect(site.config.core.database)
    conn.execute(
        "INSERT INTO comments (article_slug, author_name, author_email, body, status, created_at)"
        " VALUES ('territorialisation-se-concretise', 'Léa Morel', 'lea@example.org',"
        " 'Un commentaire approuvé avant la publication.', 'approved', '2026-01-02T10:00:00+00:00')"
    )
    conn.close()
    client = login(site.url, "claire")
    url = editor_url("articles", "territorialisation-se-concretise")
    form = form_fields(client.get(url), 1)
    asked = client.post(url + "retirer", data={**form, "statut": "hidden"})
    assert "reste à son adresse mais n’est plus listé nulle part" in spaces(asked.text)
    job = job_of(client.post(url + "retirer", data=form_fields(asked)))
    assert wait_job(site, job)["state"] == "done"
    page = httpx.get(site.url + "/articles/territorialisation-se-concretise/")
    assert page.status_code == 200
    assert "Un commentaire approuvé avant la publication." in page.text  # baked in by the build
    assert "territorialisation-se-concretise" not in httpx.get(site.url + "/").text
    assert (
        "territorialisation-se-concretise" not in httpx.get(site.url + "/flux/tous.atom.xml").text
    )
    assert "status--masque" in client.get(ROOM_PATH + "?q=territorialisation").text


def test_a_published_article_keeps_its_slug(room):
    url = editor_url("articles", "territorialisation-se-concretise")
    client = login(room.url, "claire")
    page = client.get(url)
    assert 'id="slug"' in page.text and " readonly" in page.text.split('id="slug"')[1].split(">")[0]
    client.post(url, data={**form_fields(page), "slug": "autre-adresse"})
    text = work_text(room, "articles/territorialisation-se-concretise.md")
    assert "Slug: territorialisation-se-concretise\n" in text


def test_a_page_has_its_see_online_link_in_the_list_the_editor_and_its_publication(site):
    claire = login(site.url, "claire")
    online = f'href="{site.url}/a-propos/"'
    assert f"{online}>Voir en ligne" in claire.get(ROOM_PATH + "?q=propos").text
    url = editor_url("pages", "a-propos")
    assert f'{online} id="voir-en-ligne"' in claire.get(url).text
    form = {**form_fields(claire.get(url)), "action": "publier"}
    form["texte"] += "\r\nUne phrase ajoutée à la page.\r\n"
    job = job_of(claire.post(url, data=form))
    assert wait_job(site, job)["state"] == "done"
    assert "Une phrase ajoutée à la page." in httpx.get(site.url + "/a-propos/").text
    assert f'{online} id="voir-en-ligne"' in claire.get(f"{ROOM_PATH}publications/{job}").text
