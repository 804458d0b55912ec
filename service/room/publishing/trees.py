"""The publication's two output trees, in the builder process: the public one and a standby
one (the previous public), each with its own incremental build state.

A publication builds incrementally into the standby tree (only what changed since that tree
was last built: about 1 s at 1,000 articles, instead of a whole site into a fresh folder),
checks it, and exchanges it with the public tree in one system call (swap.py). The old public
tree becomes the standby, ready for the next publication. The site lock is held from the
build's first read of the comments to the swap, so an approval waits, then patches the new
pages. The search index (Pagefind, deferred by the build: site_core.build.defer) is written
into the public tree after the swap: readers get the new pages at once, the search a moment
later, and never a mix of two versions of a page.

A tree's build state follows the tree, not its path: it is kept in a cache folder named by the
tree's inode, which a rename keeps. The comment service patches pages of the public tree
between publications (comments/republish.py); when that tree comes back as the standby, its
HTML files newer than its state are deleted first, so the build writes them again from the
database instead of trusting the fingerprints of pages it did not write. The encoded pictures
and share cards (keyed by their content) are one cache for both trees: the standby's first
build does not draw every card again (70 ms each, a minute at 1,000 articles).
"""

import os
import shutil
import time
from functools import partial
from pathlib import Path

from service.room.publishing.swap import swap_in
from site_core.build import build
from site_core.build.state import FILE_NAME as STATE_FILE
from site_core.locks import site_lock
from site_core.paths import MANIFEST_NAME

IMAGES = "images"  # the pictures' cache both trees share, beside their own caches


class Trees:
    def __init__(self, public: Path, room_dir: Path):
        self.public = Path(public).absolute()
        self.standby = self.public.with_name(f".{self.public.name}.standby")
        self.caches = Path(room_dir) / "publication"

    def cache_of(self, tree: Path) -> Path:
        return self.caches / f"arbre-{os.stat(tree).st_ino}"

    def prepare(self) -> Path:
        """The standby tree ready for an incremental build; returns its build cache folder."""
        self.standby.mkdir(parents=True, exist_ok=True)
        cache = self.cache_of(self.standby)
        keep = {cache.name, IMAGES}
        if self.public.is_dir():
            keep.add(self.cache_of(self.public).name)
        if self.caches.is_dir():  # caches of trees that no longer exist
            for folder in self.caches.iterdir():
                if folder.name not in keep:
                    shutil.rmtree(folder, ignore_errors=True)
        state = cache / STATE_FILE
        built = state.stat().st_mtime_ns if state.is_file() else 0
        for page in self.standby.rglob("*.html"):
            if page.stat().st_mtime_ns > built:  # patched since its build (or unknown)
                page.unlink()
        return cache

    def swap(self) -> None:
        """The standby tree becomes the public one, and the public one the standby."""
        old = swap_in(self.standby, self.public)
        if old is not None and old != self.standby:  # a symbolic link was replaced
            os.rename(old, self.standby)


def publish(request: dict, say, settings: dict, failure) -> dict:
    """Build, check, swap, index; `say` reports each stage; the answer is the outcome.
    `failure(error)` turns a build's exception into its French messages."""
    trees = Trees(Path(request["public"]), Path(request["room_dir"]))
    deadline = request.get("deadline")  # wall clock: past it, the service gave up: no swap
    started = time.monotonic()
    with site_lock(Path(request["database"])):
        say({"stage": "build"})
        cache = trees.prepare()
        settings = {**settings, "OUTPUT_PATH": str(trees.standby), "CACHE_PATH": str(cache)}
        if not settings.get("IMAGES_CACHE_PATH"):
            settings["IMAGES_CACHE_PATH"] = str(trees.caches / IMAGES)
        try:
            report = build(settings, later=True)
        except Exception as error:
            return {"ok": False, "errors": failure(error)}
        say({"stage": "check"})
        if not all((trees.standby / name).is_file() for name in ("index.html", MANIFEST_NAME)):
            return {"ok": False, "errors": ["La construction n’a pas écrit la page d’accueil."]}
        if deadline is not None and time.time() > deadline:
            return {"ok": False, "late": True}  # the pipeline says so, with its time limit
        say({"stage": "swap"})
        try:
            trees.swap()
        except OSError as error:  # SwapError says what to do, in French
            return {"ok": False, "errors": [error.strerror or str(error)]}
    online = time.monotonic() - started
    if report.deferred:
        say({"stage": "index"})
        for task in report.deferred:
            moved(task, trees.standby, trees.public)()
    return {"ok": True, "seconds": round(time.monotonic() - started, 3), "online": online}


def moved(task, old: Path, new: Path):
    """A deferred task (a partial) aimed at the tree that was at `old` and is now at `new`."""
    if not isinstance(task, partial):
        return task

    def follow(value):
        if isinstance(value, list | tuple):
            return type(value)(follow(item) for item in value)
        if isinstance(value, str | Path) and Path(value).is_relative_to(old):
            return type(value)(new / Path(value).relative_to(old))
        return value

    args = [follow(value) for value in task.args]
    keywords = {name: follow(value) for name, value in task.keywords.items()}
    return partial(task.func, *args, **keywords)
