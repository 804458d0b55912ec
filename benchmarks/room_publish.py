"""The writing room's targets: save → preview shown, and publish at N articles with a reader
polling all along.

For each N (the five launch articles, and a synthetic corpus of N articles from corpus.py), the
real service (site + /redaction/, uvicorn in a thread, 127.0.0.1) edits a copy of the content
with the production settings:

1. **Save → preview shown**: a logged-in team member changes the chapô of an article and clicks
   « Enregistrer et voir l’aperçu »; timed from sending the form to having the preview page and
   the article page inside its frame (what the browser then shows). The first preview starts the
   builder process and is reported apart; the median of the next `--runs` is the figure.
2. **Publish**: « Publier » on an article, timed from the click to the new chapô on the article
   page (« online »: the incremental build into the standby tree, then the swap), median of
   `--publishes`; also the median until the job is done (the search index, the copy and the
   announce follow the swap). Two publications first warm the builder and each of the two
   trees. A reader thread fetches the home page, an article and the stylesheet over and over
   meanwhile: every answer must be a 200 whose body is one of the versions seen before or after
   a publication (never a missing page, never half of one).

    .venv/bin/python -m benchmarks.room_publish [--sizes 5,1000] [--runs 9] [--publishes 3]
"""

import argparse
import json
import re
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx

from benchmarks.corpus import CATEGORIES, write_corpus
from service.team import accounts
from tests.support.comments import make_config, running_service
from tests.support.room import (
    PASSWORD,
    add_account,
    csrf,
    form_fields,
    publish_now,
    wait_job,
)

ROOT = Path(__file__).resolve().parent.parent

ROOM = "/redaction/"


def content_for(size: int, folder: Path) -> tuple[Path, str]:
    """The content folder and the article to edit: the launch site, or a corpus of `size`."""
    if size <= 5:
        shutil.copytree(ROOT / "content", folder)
        return folder, "enjeux-prioritaires-2022"
    write_corpus(folder, size)
    return folder, sorted(p.stem for p in (folder / "articles").glob("*.md"))[size // 2]


def settings_file(base: Path, size: int) -> Path:
    """publishconf.py, with the corpus's thèmes when they are not the site's."""
    if size <= 5:
        return ROOT / "publishconf.py"
    path = ROOT / f".bench-publishconf-{base.name}.py"
    path.write_text(
        "from publishconf import *  # noqa\n"
        f"ALLOWED_CATEGORIES = {json.dumps(CATEGORIES, ensure_ascii=False)}\n",
        encoding="utf-8",
    )
    return path


def bench_config(base: Path, size: int):
    """The service's settings in `base` editing a copy of the content (content_for), with the
    account « banc »; the build's settings file (removed by the caller) and the article."""
    content, name = content_for(size, base / "content")
    settings = settings_file(base, size)
    config = make_config(
        base,
        base / "public" / "site",
        room={
            "content_dir": content,
            "build_settings": settings,
            "work_dir": base / "redaction",
            "content_git": "0",
        },
    )
    add_account(config.core.database, "banc", accounts.ROLES, "Banc d’essai")
    return config, settings, name


def remove_bench_files(base: Path, settings: Path) -> None:
    """What bench_config made: its folder, and the settings file written for a corpus."""
    if settings.name.startswith(".bench-"):
        settings.unlink()
    shutil.rmtree(base, ignore_errors=True)


def login(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=600)
    page = client.get("/redaction/connexion")
    client.post(
        "/redaction/connexion",
        data={"csrf": csrf(page), "identifiant": "banc", "mot_de_passe": PASSWORD},
    )
    return client


def preview_once(client: httpx.Client, editor: str, number: int) -> float:
    fields = {**form_fields(client.get(editor)), "chapo": f"Chapô n° {number}.", "action": "apercu"}
    started = time.perf_counter()
    answer = client.post(editor, data=fields)
    page = client.get(answer.headers["location"])
    frame = re.search(r'<iframe src="([^"]+)"', page.text).group(1)
    assert client.get(frame).status_code == 200
    return time.perf_counter() - started


def publish_once(client: httpx.Client, editor: str, service, number: int):
    """Seconds from the click to the article online, to the job done, and the job's row."""
    fields = {
        **form_fields(client.get(editor)),
        "chapo": f"Publié n° {number}.",
        "action": "publier",
    }
    article = service.url + editor.replace(ROOM, "/", 1)
    started = time.perf_counter()
    answer = client.post(editor, data=fields)
    job = int(answer.headers["location"].rsplit("/", 1)[1])
    online = None
    with httpx.Client() as poller:  # one connection: a new one per look would add to the time
        while online is None and time.perf_counter() - started < 600:
            if f"Publié n° {number}." in poller.get(article).text:
                online = time.perf_counter() - started
            else:
                time.sleep(0.002)
    row = wait_job(service, job)
    return online, time.perf_counter() - started, row


class Reader(threading.Thread):
    """Fetches a few pages in a loop; records every body and every non-200."""

    def __init__(self, url: str, pages: list[str]):
        super().__init__(daemon=True)
        self.url, self.pages = url, pages
        self.seen = {page: set() for page in pages}
        self.problems: list[str] = []
        self.requests = 0
        self.stop = threading.Event()

    def run(self):
        with httpx.Client(base_url=self.url, timeout=30) as client:
            while not self.stop.is_set():
                for page in self.pages:
                    response = client.get(page)
                    self.requests += 1
                    if response.status_code != 200:
                        self.problems.append(f"{page}: {response.status_code}")
                    self.seen[page].add(response.content)


def measure(size: int, runs: int, publishes: int) -> dict:
    base = Path(tempfile.mkdtemp(prefix="room-bench-"))
    (base / "public").mkdir()
    config, settings, name = bench_config(base, size)
    result = {"articles": size}
    try:
        with running_service(config, serve_site=True) as service:
            service.site.address = service.url
            result["first_publication_s"] = publish_now(service)["seconds"]
            publish_now(service, "Le second arbre")  # each tree built once: the next incremental
            client = login(service.url)
            editor = f"{ROOM}articles/{name}/"
            result["first_preview_s"] = round(preview_once(client, editor, 0), 3)
            previews = [preview_once(client, editor, n) for n in range(1, runs + 1)]
            result["preview_median_s"] = round(statistics.median(previews), 3)
            result["preview_max_s"] = round(max(previews), 3)
            pages = ["/", f"/articles/{name}/", "/theme/css/site.css"]
            reader = Reader(service.url, pages)
            versions = {page: {httpx.get(service.url + page).content} for page in pages}
            reader.start()
            times, done = [], []
            for number in range(1, publishes + 1):
                online, finished, row = publish_once(client, editor, service, number)
                assert row["state"] == "done", row["message"]
                times.append(online)
                done.append(finished)
                for page in pages:
                    versions[page].add(httpx.get(service.url + page).content)
            reader.stop.set()
            reader.join()
            mixed = sum(len(reader.seen[p] - versions[p]) for p in pages)
            result.update(
                publish_online_median_s=round(statistics.median(times), 2),
                publish_online_max_s=round(max(times), 2),
                publish_done_median_s=round(statistics.median(done), 2),
                reader_requests=reader.requests,
                reader_not_200=len(reader.problems),
                reader_mixed_pages=mixed,
            )
    finally:
        remove_bench_files(base, settings)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5,1000")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--publishes", type=int, default=3)
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        print(json.dumps(measure(size, args.runs, args.publishes), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
