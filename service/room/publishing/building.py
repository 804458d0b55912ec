"""The service's side of the room's builds (builder.py runs them): warm worker processes, one
for descriptions and previews, one for publications (so a preview never waits for a build).

A worker and the processes its builds fork run in a process group of their own: stopping it
(a timed-out build, a changed settings file) kills them all, so no orphan keeps building or
holds the site lock. A build that outlives its deadline does not swap (trees.py checks it
before the swap); the worker is killed a little later.

`SiteRules` is what the editor offers, as the build's settings say it (`ALLOWED_CATEGORIES`,
`SLUG_REGEX_SUBSTITUTIONS`, …): asked once from the worker and kept until a settings file
changes. They come from the settings through Pelican rather than through the manifest because
the manifest is the build → service contract of published sites: a first run has no site yet,
and the editor must offer the thèmes of the settings being edited against, not of the last
publication. Imports stay one-way: the service imports neither pelicanconf nor the plugins.
"""

import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from starlette.concurrency import run_in_threadpool

log = logging.getLogger(__name__)

WORKER = [sys.executable, "-m", "service.room.publishing.builder"]
# A worker is replaced after this many builds, so whatever a build leaves in memory is bounded.
MAX_BUILDS = 200
LATE = (
    "Le programme de construction du site n’a pas répondu dans le temps limite ; il a été "
    "arrêté. Réessayez ; si cela recommence, le journal builder.log du dossier de l’espace "
    "rédaction dit pourquoi."
)


class BuildFailed(Exception):
    """The build could not run or stopped; `errors` are the build's own French messages."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class BuildTimedOut(BuildFailed):
    """The builder did not answer within its time limit: it was stopped with its workers."""


@dataclass(frozen=True)
class SiteRules:
    categories: list[str]
    statuses: list[str]
    slug_subs: list[tuple[str, str]]
    timezone: str
    summary_length: int
    image_min_size: tuple[int, int]
    portrait_min_size: int
    # Per kind, the slugs the build refuses (site_core.content.rules, from the settings).
    reserved_slugs: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class BuildPlaces:
    """Where the room's builds read and write (the room's settings, RoomSettings)."""

    settings: Path
    content: Path
    database: Path
    room_dir: Path

    def request(self, **extra) -> dict:
        return {
            "settings": str(self.settings),
            "content": str(self.content),
            "cache": str(self.room_dir / "cache"),
            **extra,
        }

    def stamp(self) -> tuple:
        """Changes when a settings file of the build's folder changes."""
        return tuple(
            (path.name, path.stat().st_mtime_ns)
            for path in sorted(self.settings.parent.glob("*.py"))
        )


class BuildWorker:
    """One warm builder process, used by one caller at a time."""

    def __init__(self, places: BuildPlaces, timeout: float = 300):
        self.places = places
        self.timeout = timeout
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._lines: Lines | None = None
        self._builds = 0
        self._stamp: tuple = ()
        self._rules: SiteRules | None = None

    def _start(self) -> subprocess.Popen:
        self.places.room_dir.mkdir(parents=True, exist_ok=True)
        with open(self.places.room_dir / "builder.log", "ab") as errors:
            return subprocess.Popen(
                [*WORKER, "serve"],
                cwd=self.places.settings.parent,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
                encoding="utf-8",
                start_new_session=True,  # its own process group: killed with its workers
            )

    def stop(self) -> None:
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        if self._proc is not None:
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._proc.wait()
            self._proc = None

    def call(self, request: dict, on_stage=None, timeout: float | None = None) -> dict:
        """Send one request, return its answer; lines naming a stage before it go to
        `on_stage(name)`. Past `timeout` (default: the worker's), the worker is stopped."""
        deadline = time.monotonic() + (timeout or self.timeout)
        with self._lock:
            stamp = self.places.stamp()
            if stamp != self._stamp or self._builds >= MAX_BUILDS:
                self._stop()
                self._stamp, self._builds, self._rules = stamp, 0, None
            if self._proc is None or self._proc.poll() is not None:
                self._proc = self._start()
                self._lines = Lines(self._proc)
            self._builds += 1
            try:
                self._proc.stdin.write(json.dumps(request) + "\n")
                self._proc.stdin.flush()
                while True:
                    answer = json.loads(self._lines.read(deadline))
                    if "stage" not in answer:
                        return answer
                    if on_stage is not None:
                        on_stage(answer["stage"])
            except TimeoutError:
                self._stop()
                raise BuildTimedOut([LATE]) from None
            except OSError as error:
                self._stop()
                raise BuildFailed([_broken(error)]) from None

    def rules(self) -> SiteRules:
        if self._rules is None or self._stamp != self.places.stamp():
            answer = self.call(self.places.request(op="describe"))
            if not answer.get("ok"):
                raise BuildFailed(answer.get("errors", []))
            answer.pop("ok")
            answer["slug_subs"] = [tuple(pair) for pair in answer["slug_subs"]]
            answer["image_min_size"] = tuple(answer["image_min_size"])
            self._rules = SiteRules(**answer)
        return self._rules

    async def ready(self) -> SiteRules:
        """`rules()` from a request: asking the builder (when a settings file changed) happens
        off the event loop."""
        return await run_in_threadpool(self.rules)

    def preview(self, source: str, output: Path, siteurl: str, others=()) -> dict:
        """Build the preview of `source` (relative to the content folder), with the articles
        `others`, into `output`."""
        request = self.places.request(op="preview", source=source, output=str(output))
        request.update(siteurl=siteurl, **{"with": list(others)})
        answer = self.call(request)
        if not answer.get("ok"):
            raise BuildFailed(answer.get("errors", []))
        return answer


class Lines:
    """The builder's answers, one per line, read from its pipe with a time limit. Read from the
    file descriptor with a buffer of our own: a buffered reader would hold lines that arrived
    together where `select` cannot see them, and wait for the time limit on an answer it has."""

    def __init__(self, proc: subprocess.Popen):
        self.fd = proc.stdout.fileno()
        self.buffer = b""

    def read(self, deadline: float) -> str:
        while b"\n" not in self.buffer:
            ready, _, _ = select.select([self.fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError("no answer")
            chunk = os.read(self.fd, 65536)
            if not chunk:
                raise BuilderGone()
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode("utf-8")


class BuilderGone(OSError):
    """The builder's end of the pipe closed: it stopped (killed, out of memory…)."""


def _broken(error: OSError) -> str:
    detail = "" if isinstance(error, BuilderGone) else f" Détail technique : {error}"
    return (
        "Le programme de construction du site s’est arrêté sans répondre : réessayez ; si cela "
        "recommence, le journal builder.log du dossier de l’espace rédaction dit pourquoi." + detail
    )
