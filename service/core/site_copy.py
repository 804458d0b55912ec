"""Copies the public site to the web server that serves it, when that is another machine.

REDACTION_PUBLISH_COPY is a command, e.g. `rsync -a --delete --delay-updates {site}/
web@serveur:/srv/site/` ({site}: the public folder). The room's setup connects it: it runs
after every publication of the writing room (event `site-swapped`), and after moderation
changed pages (`site-patched`, once the search index is rewritten too; debounced), under the
site lock, so it copies a site that no approval or publication is changing; rsync's
--delay-updates puts the new files in place together at the end. A failure is logged, written
to the team's log and, for a publication, to its page; the next change copies again.
Empty (the default): the service serves or patches the public folder itself and copies nothing.
"""

import logging
import os
import shlex
import signal
import subprocess
from pathlib import Path

from service.core import db, journal
from service.core.workers import DebouncedWorker
from site_core.locks import site_lock

log = logging.getLogger(__name__)

SYSTEM = "publication"
STAGE = "copie vers le serveur"  # the publication's step, on its page while it runs
# After moderation: seconds between the search index's rewrite and the copy.
DELAY = 2.0


class SiteCopy(DebouncedWorker):
    name = "site-copy"

    def __init__(self, database: Path, public_dir: Path, command: str, timeout: float):
        super().__init__(database, DELAY)
        self.command = command
        self.public_dir = Path(public_dir)
        self.timeout = timeout

    def after_swap(self, stage) -> str:
        """The publication's step (event `site-swapped`): what went wrong, or ""."""
        stage(STAGE)
        return self.copy()

    def refresh(self) -> None:
        self.copy()

    def copy(self) -> str:
        """Run the command; "" once done, else why not (French), also written to the log."""
        args = [part.replace("{site}", str(self.public_dir)) for part in shlex.split(self.command)]
        try:
            with site_lock(self.database):
                code, errors = self._execute(args)
            said = errors.strip()[-500:] or "sans message"
            reason = f"la copie vers le serveur a échoué (code {code}) : {said}" if code else ""
        except subprocess.TimeoutExpired:
            reason = f"la copie vers le serveur a pris plus de {self.timeout:.0f} s"
        except OSError as error:
            reason = f"la copie vers le serveur n’a pas pu commencer ({error.strerror})"
        if reason:
            log.error("site copy: %s", reason)
            with db.transaction(self.database) as conn:
                journal.record(conn, SYSTEM, "copy_failed", str(self.public_dir), reason)
        return reason

    def _execute(self, args: list[str]) -> tuple[int, str]:
        """Run the command in a session of its own, so that on timeout it and its children (an
        rsync's ssh) are killed together; no input, output discarded, errors kept (any bytes)."""
        process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            _, errors = process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
        return process.returncode, errors.decode("utf-8", "replace")
