"""When the content folder is a git work tree of its own, each change of a file (a publication,
a withdrawal: saves are revisions and write no file) is also a commit by its author, so
`git log content/…` tells what went online, by whom.

"auto" (the default) commits only when the content folder is the top of a work tree, not a
sub-folder of the project's checkout: a developer trying the room locally does not find
commits by « Claire Martin » in the code's history. The committer is the room itself, the
author the team member. A failing git never loses anything: the file and its revision are
written first; the failure is logged and reported, never raised (a NUL, which no process
argument may hold, is dropped from the message and the author).
"""

import logging
import subprocess
import threading
from pathlib import Path

log = logging.getLogger(__name__)

COMMITTER = ("Espace rédaction", "redaction@localhost")


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            "git",
            "-C",
            str(folder),
            "-c",
            f"user.name={COMMITTER[0]}",
            "-c",
            f"user.email={COMMITTER[1]}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


class ContentGit:
    def __init__(self, content_dir: Path, mode: str = "auto"):
        self.folder = Path(content_dir).resolve()
        self._lock = threading.Lock()
        if mode in ("0", "non", "no", "false"):
            self.enabled = False
        else:
            try:
                top = _git(self.folder, "rev-parse", "--show-toplevel")
            except (OSError, subprocess.SubprocessError):
                top = None
            inside = top is not None and top.returncode == 0
            self.enabled = inside and (
                mode in ("1", "oui", "yes", "true") or Path(top.stdout.strip()) == self.folder
            )

    def commit(self, paths: list[str], message: str, name: str, email: str) -> bool:
        """Commit `paths` (relative to the content folder, removed ones included) alone; True
        when committed."""
        if not self.enabled:
            return False
        author = f"{name or 'Équipe'} <{email or 'redaction@localhost'}>".replace("\0", "")
        message = message.replace("\0", "")  # no argument of a process may hold one
        with self._lock:
            try:
                added = _git(self.folder, "add", "--", *paths)
                done = _git(
                    self.folder, "commit", "-q", "-m", message, f"--author={author}", "--", *paths
                )
            except (OSError, ValueError, subprocess.SubprocessError) as error:
                log.warning("git commit of %s failed: %s", paths, error)
                return False
        if added.returncode or done.returncode:
            log.warning("git commit of %s failed: %s%s", paths, added.stderr, done.stderr)
            return False
        return True
