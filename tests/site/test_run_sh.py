"""`bash run.sh` as a newcomer meets it (issue 19 item 17): the installers' hundred lines of
warnings go to a log, not above the first account's password, and a second run does not
install again. The real run.sh runs in a folder whose .venv holds stand-in programs."""

import shutil
import subprocess
from pathlib import Path

from tests.support.site import ROOT

NOISY_PIP = """#!/bin/sh
echo "pip $*" >> "$(dirname "$0")/../calls.log"
i=0; while [ $i -lt 100 ]; do echo "Package would be ignored $i"; i=$((i+1)); done
"""
INVOKE = """#!/bin/sh
echo "mot de passe « secret-de-test »"
"""


def checkout(tmp_path: Path) -> Path:
    folder = tmp_path / "depot"
    (folder / ".venv" / "bin").mkdir(parents=True)
    shutil.copy(ROOT / "run.sh", folder / "run.sh")
    shutil.copy(ROOT / "pyproject.toml", folder / "pyproject.toml")
    for name, text in (("pip", NOISY_PIP), ("invoke", INVOKE), ("python", "#!/bin/sh\n")):
        program = folder / ".venv" / "bin" / name
        program.write_text(text)
        program.chmod(0o755)
    return folder


def run(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "run.sh"], cwd=folder, capture_output=True, text=True, timeout=60
    )


def test_issue19_item17_run_sh_is_quiet_and_installs_once(tmp_path):
    folder = checkout(tmp_path)
    first = run(folder)
    assert first.returncode == 0, first.stderr
    assert "Package would be ignored" not in first.stdout + first.stderr
    assert first.stdout.strip().splitlines()[-1] == "mot de passe « secret-de-test »"
    assert len(first.stdout.strip().splitlines()) <= 2  # « Installation… », the password
    assert "Package would be ignored 99" in (folder / ".venv" / "install.log").read_text()
    calls = (folder / ".venv" / "calls.log").read_text().splitlines()
    assert len(calls) == 2  # pip upgraded, the project installed

    second = run(folder)
    assert second.stdout.strip() == "mot de passe « secret-de-test »"
    assert (folder / ".venv" / "calls.log").read_text().splitlines() == calls  # no reinstall
