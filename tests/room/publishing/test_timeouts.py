"""A publication past its time limit (issue 19, items 2 and 4): the build that outlives its
deadline never swaps, and a builder killed mid-build takes its forked workers with it, leaving
no process behind and the site lock free. Either way the team reads, in French, that the time
limit was passed and that the public site did not change."""

import os
import signal
import threading

import pytest

from service.room.publishing.building import BuildFailed
from service.room.publishing.pipeline import Pipeline
from site_core.locks import site_lock
from tests.support.comments import running_service, spaces
from tests.support.room import add_account, login, publish_now, room_config
from tests.support.room import pipeline as room_pipeline

LATE = "La publication a dépassé le temps limite de {} s ; le site public n’a pas changé."


def pipeline(tmp_path, timeout: float, grace: float) -> Pipeline:
    public = tmp_path / "public"
    public.mkdir()
    (public / "index.html").write_text("ancien site")
    return room_pipeline(tmp_path, public, timeout, grace)


def test_issue19_item2_a_build_past_its_deadline_never_swaps(tmp_path):
    publication = pipeline(tmp_path, timeout=0.01, grace=120)  # the builder stops by itself
    stages = []
    try:
        with pytest.raises(BuildFailed) as failure:
            publication.run(stages.append)
    finally:
        publication.stop()
    assert failure.value.errors[0].startswith(LATE.format("0,01"))
    assert "swap" not in stages and "build" in stages
    assert (tmp_path / "public" / "index.html").read_text() == "ancien site"
    assert os.listdir(tmp_path / "public") == ["index.html"]


def test_issue19_item4_a_killed_builder_leaves_no_process_nor_the_site_lock(tmp_path):
    publication = pipeline(tmp_path, timeout=0.5, grace=0)  # killed in the middle of its build
    # The builder up first (Pelican imported): the time limit then falls inside the build.
    publication.worker.call(publication.places.request(op="describe"), timeout=60)
    group = publication.worker._proc.pid
    try:
        with pytest.raises(BuildFailed) as failure:
            publication.run(lambda stage: None)
    finally:
        publication.stop()
    assert failure.value.errors[0].startswith(LATE.format("0,5"))
    with pytest.raises(ProcessLookupError):
        os.killpg(group, 0)  # nothing left of the group: no builder, no forked worker
    locked = threading.Event()

    def take_the_lock():
        with site_lock(tmp_path / "data" / "comments.sqlite3"):
            locked.set()

    taker = threading.Thread(target=take_the_lock, daemon=True)
    taker.start()
    assert locked.wait(5), "the site lock is still held"
    assert (tmp_path / "public" / "index.html").read_text() == "ancien site"


def test_a_publication_past_its_time_limit_says_so_on_its_page(tmp_path):
    (tmp_path / "public" / "site").mkdir(parents=True)
    (tmp_path / "public" / "site" / "index.html").write_text("ancien site")
    config = room_config(tmp_path, tmp_path / "public" / "site", room={"publish_timeout": 1})
    add_account(config.core.database, "claire")
    with running_service(config, serve_site=True) as service:
        job = publish_now(service)  # a first build, Pelican started: well over a second
        assert job["state"] == "failed"
        page = spaces(login(service.url, "claire").get(f"/redaction/publications/{job['id']}").text)
    assert LATE.format(1) in page
    assert "REDACTION_PUBLISH_TIMEOUT" in page  # what to do about it
    assert (tmp_path / "public" / "site" / "index.html").read_text() == "ancien site"


def test_a_publication_stopped_after_its_swap_is_online_with_its_index_unfinished(tmp_path):
    """Past the limit once the swap is made, readers see the new site: the publication is done,
    and what is unfinished (the search index) is said."""
    publication = pipeline(tmp_path, timeout=600, grace=0)
    new = tmp_path / "content" / "articles" / "apres-la-mise-en-ligne.md"

    def freeze_the_index(stage: str) -> None:
        if stage == "index":  # as a builder stuck in Pagefind: stopped, then killed at the limit
            os.killpg(publication.worker._proc.pid, signal.SIGSTOP)

    try:
        publication.run(lambda stage: None)  # the builder warm, both trees known
        new.write_text(
            "Title: Après la mise en ligne\nDate: 2026-03-01 09:00\nCategory: Solidarité\n"
            "Authors: Awa Diallo\nSummary: Le chapô.\nStatus: published\n\nLe texte.\n",
            encoding="utf-8",
        )
        publication.timeout = 5
        outcome = publication.run(freeze_the_index)
    finally:
        publication.stop()
    assert outcome.problems == [
        "l’index de recherche n’a pas été fini dans le temps limite de 5 s : la recherche du "
        "site peut montrer l’ancienne version jusqu’à la prochaine publication"
    ]
    assert (tmp_path / "public" / "articles" / "apres-la-mise-en-ligne" / "index.html").is_file()
