"""Live preview: an incremental rebuild on every save, then the browser reloads.

livereload serves the output folder and reloads the browsers; it polls for changes every 0.8 s
and only once a browser is connected, so files are watched here instead, with inotify
(watchfiles): a save is seen within `STEP_MS`, and the rebuild runs in the server's loop (the
process that may fork workers is then its main thread). A change to Python code (plugins,
site_core, settings) cannot be taken in by a running process: the preview restarts itself.
"""

import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import watchfiles
from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher
from tornado.ioloop import IOLoop

from site_core.build import build

logger = logging.getLogger(__name__)

STEP_MS = 20  # a batch of changes ends after this long without another one


class _Rebuilder(Watcher):
    """Watches `paths` from a thread; rebuilds and reloads from the server's loop."""

    def __init__(self, settings: Callable[[], dict], paths: list[Path], report: Callable):
        super().__init__()
        self.settings, self.paths, self.report = settings, paths, report
        self.stop = threading.Event()
        self.loop: IOLoop | None = None
        self.deferred = _Deferred(report)

    def start(self, callback) -> bool:  # called by livereload in its loop, before it runs
        self.loop = IOLoop.current()
        threading.Thread(target=self._watch, name="preview-watcher", daemon=True).start()
        return True  # livereload must not poll

    def examine(self):
        return None, None

    def _watch(self) -> None:
        for changes in watchfiles.watch(*self.paths, step=STEP_MS, stop_event=self.stop):
            names = sorted(path for _, path in changes)
            self.loop.add_callback(self.rebuild, names)

    def rebuild(self, names: list[str]) -> None:
        if any(name.endswith(".py") for name in names):
            print("Code modifié : l’aperçu redémarre.", flush=True)
            os.execv(sys.executable, [sys.executable, *sys.argv])
        start = time.perf_counter()
        try:
            report = build(self.settings(), later=True)
        except Exception as error:  # the editor fixes the file and saves again
            self.report(error, None)
            return
        self.report(None, report, time.perf_counter() - start)
        LiveReloadHandler.reload_waiters(names[0])
        self.deferred.submit(report.deferred)


class _Deferred:
    """What builds deferred (the search index: 3 s at 1,000 articles), run by one thread once
    the browsers reload: the page is shown first, the search finds it a moment later, and a
    save meanwhile is rebuilt at once. Only the newest build's tasks run: each index covers the
    whole site, so it replaces any older one still waiting."""

    def __init__(self, report: Callable):
        self.report = report
        self.changed = threading.Condition()
        self.pending: list | None = None
        self.busy = False
        threading.Thread(target=self._loop, name="preview-deferred", daemon=True).start()

    def submit(self, tasks: list) -> None:
        with self.changed:
            self.pending = tasks
            self.changed.notify_all()

    def idle(self, timeout: float = 120.0) -> bool:
        """Wait until nothing is waiting or running (for tests and benchmarks)."""
        with self.changed:
            return self.changed.wait_for(lambda: self.pending is None and not self.busy, timeout)

    def _loop(self) -> None:
        while True:
            with self.changed:
                self.changed.wait_for(lambda: self.pending is not None)
                tasks, self.pending, self.busy = self.pending, None, True
            for task in tasks:
                try:
                    task()
                except Exception as error:
                    self.report(error, None)
            with self.changed:
                self.busy = False
                self.changed.notify_all()


def serve(settings: Callable[[], dict], paths: list[Path], host: str, port: int, report):
    """Build, then serve OUTPUT_PATH on host:port and rebuild on every change under `paths`.

    `settings()` gives fresh settings for each build; `report(error, report, seconds=0)` is
    told how each build went."""
    first = settings()
    report(None, build(first))
    watcher = _Rebuilder(settings, paths, report)
    Server(watcher=watcher).serve(host=host, port=port, root=first["OUTPUT_PATH"])
    watcher.stop.set()
