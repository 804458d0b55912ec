"""The publication pipeline over a real service: incremental publications into a standby tree
swapped with the public one end as a clean build would; comments approved between or during
publications stay; two people publishing at once, or a scheduled publication during a manual
one, lose nothing."""

import threading
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from pelican.settings import read_settings

from benchmarks.site_tree import differences
from service.comments import actions
from service.core import db
from service.room.publishing import jobs
from site_core.build import build
from tests.room.test_publish import job_of
from tests.support.comments import wait_until
from tests.support.room import ROOM_PATH, login, new_article, publish_now, wait_job
from tests.support.site import ROOT

SLUG = "enjeux-prioritaires-2022"


def write_article(site, slug: str, title: str, when: datetime | None = None) -> None:
    """A published article written by hand in the content folder, as a developer would."""
    when = when or datetime(2026, 3, 1, 9, 0)
    Path(site.config.room.content_dir, "articles", f"{slug}.md").write_text(
        f"Title: {title}\nSlug: {slug}\nDate: {when:%Y-%m-%d %H:%M:%S}\nCategory: Solidarité\n"
        f"Authors: Awa Diallo\nSummary: Le chapô de « {title} ».\nStatus: published\n\n"
        "Le texte.\n",
        encoding="utf-8",
    )


def queue(site, reason: str, due: datetime | None = None) -> int:
    conn = db.connect(site.config.core.database)
    try:
        return jobs.enqueue(conn, {"username": "claire"}, reason, due=due)
    finally:
        conn.close()


def approve(site, body: str) -> int:
    """A reader's comment on SLUG, approved by a moderator through the service."""
    conn = db.connect(site.config.core.database)
    number = conn.execute(
        "INSERT INTO comments (article_slug, author_name, author_email, body, status, created_at)"
        " VALUES (?, 'Léa Morel', 'lea@example.org', ?, 'pending', '2026-01-02T10:00:00+00:00')",
        (SLUG, body),
    ).lastrowid
    conn.close()
    site.parts.comments.moderation.perform(actions.set_status, number, "approved", "test")
    return number


def page(site, path: str) -> httpx.Response:
    return httpx.get(site.url + path)


def test_a_comment_approved_between_publications_stays_after_the_next(site):
    approve(site, "Approuvé entre deux publications.")
    assert "Approuvé entre deux publications." in page(site, f"/articles/{SLUG}/").text
    for number in (1, 2):  # each tree of the two takes its turn as the public one
        write_article(site, f"autre-{number}", f"Un autre article {number}")
        assert publish_now(site, f"Autre {number}")["state"] == "done"
        assert page(site, f"/articles/autre-{number}/").status_code == 200
        assert "Approuvé entre deux publications." in page(site, f"/articles/{SLUG}/").text


def test_a_comment_removed_between_publications_stays_removed(site):
    """The tree patched while public comes back as the standby: its patched page must not be
    trusted by the next incremental build (its fingerprint predates the patch)."""
    number = approve(site, "Bientôt retiré.")  # patched into the public tree
    write_article(site, "avant-retrait", "Avant le retrait")
    assert publish_now(site, "Avant le retrait")["state"] == "done"  # now the standby
    site.parts.comments.moderation.perform(actions.delete, number)
    assert "Bientôt retiré." not in page(site, f"/articles/{SLUG}/").text
    for number in (1, 2):  # nothing else changes: only the comment tells the pages apart
        assert publish_now(site, f"Après le retrait {number}")["state"] == "done"
        assert "Bientôt retiré." not in page(site, f"/articles/{SLUG}/").text


def test_a_comment_approved_during_a_publication_is_on_the_page_after(site):
    """Approved while the build runs (it holds the site lock): the approval waits, then patches
    the new pages; approved just before, the build reads it. Either way it is online after."""
    write_article(site, "pendant-un-commentaire", "Pendant un commentaire")
    job = queue(site, "Pendant un commentaire")
    site.parts.room.room.publisher.wake()
    wait_until(lambda: jobs.get(site.db(), job)["state"] != "queued", timeout=30)
    approve(site, "Approuvé pendant la publication.")
    assert wait_job(site, job)["state"] == "done"
    assert page(site, "/articles/pendant-un-commentaire/").status_code == 200
    assert "Approuvé pendant la publication." in page(site, f"/articles/{SLUG}/").text


def test_two_people_publishing_at_once_are_both_online(site):
    claire, karim = login(site.url, "claire"), login(site.url, "karim")
    forms = {
        claire: {**new_article(claire, "Publié par Claire"), "action": "publier"},
        karim: {**new_article(karim, "Publié par Karim"), "action": "publier"},
    }
    found: list[int] = []

    def click(client):
        found.append(job_of(client.post(ROOM_PATH + "nouveau", data=forms[client])))

    clicks = [threading.Thread(target=click, args=(client,)) for client in forms]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    assert [wait_job(site, job)["state"] for job in found] == ["done", "done"]
    for slug in ("publie-par-claire", "publie-par-karim"):
        assert page(site, f"/articles/{slug}/").status_code == 200
        assert slug in page(site, "/").text


def test_a_scheduled_publication_during_a_manual_one(site):
    when = datetime.now(ZoneInfo("Europe/Paris")) + timedelta(seconds=2)
    write_article(site, "programme-pendant", "Programmé pendant", when)
    scheduled = queue(site, "Programmé pendant", due=when)
    write_article(site, "manuel-pendant", "Manuel pendant")
    manual = queue(site, "Manuel pendant")
    site.parts.room.room.publisher.wake()
    assert wait_job(site, manual)["state"] == "done"
    assert page(site, "/articles/manuel-pendant/").status_code == 200
    assert wait_job(site, scheduled, timeout=120)["state"] == "done"
    assert page(site, "/articles/programme-pendant/").status_code == 200
    assert page(site, "/articles/manuel-pendant/").status_code == 200


def letters(site) -> int:
    conn = db.connect(site.config.core.database)
    try:
        return conn.execute("SELECT count(*) FROM letters").fetchone()[0]
    finally:
        conn.close()


def test_once_settled_the_public_site_is_what_a_clean_build_writes(site, tmp_path):
    """Settled: the lettre announced the new article (its archive page is written at once in
    a page shell, rewritten by the next build) and the search index is written."""
    before = letters(site)
    # News (issue 19 item 6: an article dated months ago is not announced): dated just now.
    just_now = datetime.now(ZoneInfo("Europe/Paris")).replace(tzinfo=None) - timedelta(minutes=5)
    write_article(site, "avant-comparaison", "Avant la comparaison", just_now)
    assert publish_now(site, "Avant la comparaison")["state"] == "done"
    wait_until(lambda: letters(site) > before)
    assert publish_now(site, "Rien de nouveau")["state"] == "done"
    settings = read_settings(
        str(ROOT / "publishconf.py"),
        override={
            "PATH": str(site.config.room.content_dir),
            "OUTPUT_PATH": str(tmp_path / "propre"),
            "CACHE_PATH": str(tmp_path / "cache"),
            "COMMENTS_DB": str(site.config.core.database),
            "SITEURL": site.url,
        },
    )
    build(settings, incremental=False)
    public = Path(site.config.core.site_dir)
    assert (public / "articles" / "avant-comparaison" / "index.html").is_file()
    assert differences(public, tmp_path / "propre") == []
