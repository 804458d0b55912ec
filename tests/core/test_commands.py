"""The command line as an operator meets it: a new machine (no database yet), no terminal (a
cron job, a script): French answers and an exit status, never a traceback (issue 19 items 13
and 16)."""

import os
import subprocess
import sys
from pathlib import Path

from tests.support.site import ROOT


def command(tmp_path: Path, *argv: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "SERVICE_DATABASE": str(tmp_path / "data" / "base.sqlite3"),
        "SERVICE_SITE_DIR": str(tmp_path / "site"),
        "SERVICE_SECRET_KEY": "clé de test",
    }
    return subprocess.run(
        [sys.executable, "-m", "service", *argv],
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


def test_issue19_item16_create_moderator_on_a_new_database(tmp_path):
    done = command(
        tmp_path,
        "create-moderator",
        "alice",
        "--roles",
        "redaction",
        "--mot-de-passe-stdin",
        stdin="une phrase de passe assez longue\n",
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "« alice »" in done.stdout


def test_issue19_item13_erase_without_a_terminal_asks_for_oui(tmp_path):
    refused = command(tmp_path, "erase", "personne@exemple.fr")
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr and "--oui" in refused.stderr
    assert "Rien n’a été effacé" in refused.stderr


def test_create_moderator_without_a_terminal_asks_for_the_stdin_option(tmp_path):
    refused = command(tmp_path, "create-moderator", "bruno")
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr and "--mot-de-passe-stdin" in refused.stderr
