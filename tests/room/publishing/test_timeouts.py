"""A publication past its time limit (issue 19, items 2 and 4): the build that outlives its
deadline never swaps, and a builder killed mid-build takes its forked workers with it, leaving
no process behind and the site lock free."""

import os
import threading

import pytest

from service.room.publishing.building import BuildFailed, BuildPlaces
from service.room.publishing.pipeline import Pipeline
from site_core.locks import site_lock
from tests.support.room import copy_content
from tests.support.site import ROOT


def pipeline(tmp_path, timeout: float, grace: float) -> Pipeline:
    places = BuildPlaces(
        ROOT / "publishconf.py",
        copy_content(tmp_path),
        tmp_path / "data" / "comments.sqlite3",
        tmp_path / "redaction",
    )
    public = tmp_path / "public"
    public.mkdir()
    (public / "index.html").write_text("ancien site")
    return Pipeline(places, public, timeout, grace)


def test_issue19_item2_a_build_past_its_deadline_never_swaps(tmp_path):
    publication = pipeline(tmp_path, timeout=0.01, grace=120)  # the builder stops by itself
    stages = []
    try:
        with pytest.raises(BuildFailed) as failure:
            publication.run(stages.append)
    finally:
        publication.stop()
    assert failure.value.errors == ["Construction trop longue : le site n’a pas changé."]
    assert "swap" not in stages and "build" in stages
    assert (tmp_path / "public" / "index.html").read_text() == "ancien site"
    assert os.listdir(tmp_path / "public") == ["index.html"]


def test_issue19_item4_a_killed_builder_leaves_no_process_nor_the_site_lock(tmp_path):
    publication = pipeline(tmp_path, timeout=0.5, grace=0)  # killed in the middle of its build
    # The builder up first (Pelican imported): the time limit then falls inside the build.
    publication.worker.call(publication.places.request(op="describe"), timeout=60)
    group = publication.worker._proc.pid
    try:
        with pytest.raises(BuildFailed):
            publication.run(lambda stage: None)
    finally:
        publication.stop()
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
