"""What happens on publish: the one pipeline of the room's « Publier », the scheduler and
`invoke publish`.

The Markdown files of the content folder are what readers see (or will see at their date); a
publication puts the folder as it is online, in five stages, each reported to the caller (the
job's `stage` on the publication page, a line of `invoke publish`'s output):

1. build (« construction du site »): an incremental build with the production settings into
   the standby tree, in a warm builder process (trees.py, builder.py, building.py), under the
   site lock so an approved comment is never lost;
2. check (« vérification »): the build wrote the home page and the manifest;
3. swap (« mise en ligne »): the standby tree and the public one exchanged in one system call
   (swap.py): readers see the old site or the new one, never a mix. Then the search index
   follows (« index de recherche », a few seconds at 1,000 articles);
4. copy (« copie vers le serveur »): to the web server when it is another machine
   (REDACTION_PUBLISH_COPY in the service: the `site-swapped` handlers; rsync for
   `invoke publish`); a failed copy leaves the publication done, with the reason on its page;
5. announce (« annonce à la lettre »): the lettre's sender learns of the new articles (the
   `site-published` event in the service; `python -m service announce` for `invoke publish`).

A failed build, check or swap leaves the public site as it was: the caller gets `BuildFailed`
with the build's French messages (jobs.py then puts the article back: `ArticleStore.put_back`).
A build past its time limit never swaps, and its builder is killed with the processes it forked
`grace` seconds later; the team is told that the limit was passed and that readers still see
the previous site. Killed after the swap (the search index is written after it), the
publication is done, the search index reported unfinished: the message is what happened.
"""

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from service.room.publishing.building import (
    BuildFailed,
    BuildPlaces,
    BuildTimedOut,
    BuildWorker,
)

log = logging.getLogger(__name__)

STAGES = {
    "build": "construction du site",
    "check": "vérification",
    "swap": "mise en ligne",
    "index": "index de recherche",
    "copy": "copie vers le serveur",
    "announce": "annonce à la lettre",
}
GRACE = 10  # seconds the builder has, past its deadline, to stop by itself before it is killed

Stage = Callable[[str], None]


@dataclass
class Outcome:
    seconds: float  # the whole publication
    online: float  # until the swap: when readers see it
    problems: list[str] = field(default_factory=list)  # of the steps after the swap (French)


@dataclass
class Pipeline:
    """One public folder, published from one content folder by one warm builder."""

    places: BuildPlaces
    public: Path
    timeout: float
    grace: float = GRACE
    worker: BuildWorker = field(init=False)

    def __post_init__(self):
        self.worker = BuildWorker(self.places, self.timeout + self.grace)

    def run(self, stage: Stage, site_url: str = "", copy=(), announce=None) -> Outcome:
        """Publish; `copy`: steps after the swap, each `step(stage=…)` returning what went
        wrong or ""; `announce()` last. Raises BuildFailed (the site unchanged)."""
        started = time.monotonic()
        request = self.places.request(
            op="publish",
            public=str(self.public),
            database=str(self.places.database),
            room_dir=str(self.places.room_dir),
            siteurl=site_url,  # empty: the settings' SITEURL
            deadline=time.time() + self.timeout,
        )
        before = _identity(self.public)
        try:
            answer = self.worker.call(request, on_stage=stage, timeout=self.timeout + self.grace)
        except BuildTimedOut:
            if _identity(self.public) == before:  # killed before the swap
                raise BuildFailed([self.late()]) from None
            answer = {"ok": True, "online": time.monotonic() - started, "unindexed": True}
        if answer.get("late"):  # the builder saw the time limit passed before the swap
            raise BuildFailed([self.late()])
        if not answer.get("ok"):
            raise BuildFailed(answer.get("errors", []))
        outcome = Outcome(0.0, answer["online"])
        if answer.get("unindexed"):
            outcome.problems.append(
                f"l’index de recherche n’a pas été fini dans le temps limite de "
                f"{_seconds(self.timeout)} s : la recherche du site peut montrer l’ancienne "
                "version jusqu’à la prochaine publication"
            )
        for step in copy:
            outcome.problems.append(_step(step, stage))
        if announce is not None:
            stage("announce")
            try:
                announce()
            except Exception:
                log.exception("the announce to the lettre failed")
                outcome.problems.append("l’annonce à la lettre a échoué (voir le journal)")
        outcome.problems = [problem for problem in outcome.problems if problem]
        outcome.seconds = time.monotonic() - started
        return outcome

    def late(self) -> str:
        return (
            f"La publication a dépassé le temps limite de {_seconds(self.timeout)} s ; le site "
            "public n’a pas changé. Réessayez ; si cela recommence, l’administrateur peut "
            "allonger le temps limite (réglage REDACTION_PUBLISH_TIMEOUT) ou chercher la cause "
            "dans le journal builder.log du dossier de l’espace rédaction."
        )

    def stop(self) -> None:
        self.worker.stop()


def _seconds(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _identity(folder: Path) -> tuple | None:
    """Which tree is at `folder` (a swap changes it, a symbolic link followed); None: none."""
    try:
        stat = os.stat(folder)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _step(step, stage: Stage) -> str:
    """One step after the swap (the copy), reported as « copy »; its failure is logged and
    stops no other."""
    stage("copy")
    try:
        return step(stage=lambda _label: None)
    except Exception:
        log.exception("after-swap step %r failed", step)
        return "une étape après la mise en ligne a échoué (voir le journal du service)"
