"""The two trees: a page the comment service patched while its tree was public is not trusted
by the tree's next incremental build; the trees' states follow the trees through swaps."""

import os
import time

from service.room.publishing.trees import Trees
from site_core.build.state import FILE_NAME
from tests.support.room import pipeline


def test_pages_patched_after_the_trees_build_are_dropped_before_the_next(tmp_path):
    trees = Trees(tmp_path / "site", tmp_path / "redaction")
    trees.standby.mkdir(parents=True)
    built = trees.standby / "articles" / "a" / "index.html"
    patched = trees.standby / "articles" / "b" / "index.html"
    for page in (built, patched):
        page.parent.mkdir(parents=True)
        page.write_text("page")
    (trees.standby / "flux.xml").write_text("flux")
    cache = trees.cache_of(trees.standby)
    cache.mkdir(parents=True)
    (cache / FILE_NAME).write_bytes(b"")
    later = time.time() + 5
    os.utime(patched, (later, later))  # patched by the comment service after the build
    os.utime(trees.standby / "flux.xml", (later, later))
    assert trees.prepare() == cache
    assert built.is_file() and not patched.exists()
    assert (trees.standby / "flux.xml").is_file()  # files a build always rewrites stay


def test_each_trees_state_follows_it_through_a_swap(tmp_path):
    trees = Trees(tmp_path / "site", tmp_path / "redaction")
    trees.public.mkdir()
    first = trees.prepare()
    (trees.standby / "index.html").write_text("nouveau")
    public_cache = trees.cache_of(trees.public)
    trees.swap()
    assert (trees.public / "index.html").read_text() == "nouveau"
    assert trees.cache_of(trees.public) == first
    assert trees.cache_of(trees.standby) == public_cache
    gone = tmp_path / "redaction" / "publication" / "arbre-1"
    gone.mkdir(parents=True)  # the cache of a tree deleted long ago
    assert trees.prepare() == public_cache
    assert not gone.exists()


def test_both_trees_share_one_cache_of_pictures(tmp_path):
    """The standby's first build finds the share cards the public tree's build drew."""
    (tmp_path / "public").mkdir()
    publication = pipeline(tmp_path, tmp_path / "public" / "site")
    try:
        publication.run(lambda stage: None)
        cards = sorted((tmp_path / "redaction" / "publication").rglob("*.png"))
        publication.run(lambda stage: None)  # into the other tree, built for the first time
    finally:
        publication.stop()
    assert cards  # the share cards, drawn once
    assert sorted((tmp_path / "redaction" / "publication").rglob("*.png")) == cards
