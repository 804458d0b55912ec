"""`kill -9` of the service during a publication: readers, polling the public folder through a
real HTTP server, see the old site or the new one, never a mix; after a restart the job ends
(done, or failed with its reason) and what the room says is what readers see."""

import os
import signal
import threading
import time
from pathlib import Path

import httpx

from service.core import db
from service.room.publishing import jobs
from tests.support.comments import free_port, start_service_process, wait_until
from tests.support.room import copy_content
from tests.support.site import ROOT, serve_directory

NEW = "publie-pendant-la-panne"
OLD = "/articles/enjeux-prioritaires-2022/"


def job_state(database: Path, job: int) -> str:
    conn = db.connect(database)
    try:
        return jobs.get(conn, job)["state"]
    finally:
        conn.close()


def queue(database: Path, reason: str) -> int:
    conn = db.connect(database)
    try:
        return jobs.enqueue(conn, {"username": "essai"}, reason)
    finally:
        conn.close()


class Reader(threading.Thread):
    """Fetches the home page, then the new article, then an old one, over and over."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.rounds: list[tuple[bytes, int, int]] = []  # home, new article, old article
        self.stop = threading.Event()

    def run(self):
        with httpx.Client(base_url=self.url) as client:
            while not self.stop.is_set():
                home = client.get("/").content
                new = client.get(f"/articles/{NEW}/").status_code
                old = client.get(OLD).status_code
                self.rounds.append((home, new, old))


def test_kill_9_during_a_publication_leaves_the_old_or_the_new_site(tmp_path):
    content = copy_content(tmp_path)
    database = tmp_path / "data" / "comments.sqlite3"
    (tmp_path / "public").mkdir()
    site = tmp_path / "public" / "site"
    env = {
        "SERVICE_DATABASE": str(database),
        "SERVICE_SITE_DIR": str(site),
        "SERVICE_SECRET_KEY": "clé du test de panne de publication",
        "REDACTION_CONTENT_DIR": str(content),
        "REDACTION_BUILD_SETTINGS": str(ROOT / "publishconf.py"),
        "REDACTION_WORK_DIR": str(tmp_path / "redaction"),
        "REDACTION_CONTENT_GIT": "0",
        "REDACTION_SCHEDULE_POLL_SECONDS": "0.1",
    }
    port = free_port()
    proc = start_service_process(port, **env)
    try:
        first = queue(database, "Première publication")
        wait_until(lambda: job_state(database, first) == "done", 120)
        (content / "articles" / f"{NEW}.md").write_text(
            f"Title: Publié pendant la panne\nSlug: {NEW}\nDate: 2026-03-01 09:00\n"
            "Category: Solidarité\nAuthors: Awa Diallo\nSummary: Le chapô.\n"
            "Status: published\n\nLe texte.\n",
            encoding="utf-8",
        )
        with serve_directory(site) as url:
            before = httpx.get(url + "/").content
            reader = Reader(url)
            reader.start()
            job = queue(database, "Publication interrompue")
            wait_until(lambda: job_state(database, job) == "running", 30)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
            time.sleep(1)  # the builder, orphaned, stops at its next word to the dead service
            proc = start_service_process(port, **env)
            wait_until(lambda: job_state(database, job) in ("done", "failed"), 120)
            time.sleep(0.3)
            reader.stop.set()
            reader.join(10)
            after = httpx.get(url + "/").content
            online = httpx.get(f"{url}/articles/{NEW}/").status_code
    finally:
        proc.terminate()
        proc.wait(10)
    assert job_state(database, job) == "done" and online == 200  # the room says what is online
    homes = {home for home, _, _ in reader.rounds}
    assert homes <= {before, after}, "a home page that is neither the old nor the new one"
    # The new home then a missing new article, or a missing old one: two sites at once.
    mixed = [r for r in reader.rounds if (r[0] == after and r[1] != 200) or r[2] != 200]
    assert len(reader.rounds) >= 20 and mixed == []
