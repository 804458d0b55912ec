"""The shipped environment file lists every setting of the service, and the systemd units
are valid, hardened and run commands that exist."""

import re
import shlex
import shutil
import subprocess
from dataclasses import fields

import pytest

from service import commands
from service.comments.settings import PREFIX as COMMENTS
from service.comments.settings import CommentsSettings
from service.core.settings import PREFIX as SERVICE
from service.core.settings import CoreSettings
from service.lettre.settings import PREFIX as LETTRE
from service.lettre.settings import LettreSettings
from service.room import PREFIX as REDACTION
from service.room import RoomSettings
from tests.support.deploy import DEPLOY, render, unit_value

SETTINGS = {
    SERVICE: CoreSettings,
    COMMENTS: CommentsSettings,
    LETTRE: LettreSettings,
    REDACTION: RoomSettings,
}
PLACES = {
    "APP_DIR": "/opt/cafessonne",
    "ENV_FILE": "/etc/cafessonne/cafessonne.env",
    "SERVICE_PORT": "8001",
    "DATA_DIR": "/srv/cafessonne/data",
    "CONTENT_DIR": "/srv/cafessonne/content",
    "WORK_DIR": "/srv/cafessonne/work",
    "PUBLIC_ROOT": "/srv/cafessonne/public",
    "BACKUP_DIR": "/var/backups/cafessonne",
}
UNITS = sorted((DEPLOY / "systemd").iterdir())


def test_the_environment_file_lists_every_setting_and_no_other():
    text = (DEPLOY / "cafessonne.env.in").read_text(encoding="utf-8")
    listed = set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", text, re.M))
    expected = {prefix + f.name.upper() for prefix, cls in SETTINGS.items() for f in fields(cls)}
    assert sorted(expected - listed) == [], "settings missing from deploy/cafessonne.env.in"
    assert sorted(listed - expected) == [], "names in deploy/cafessonne.env.in the service ignores"


def rendered(path) -> str:
    return render(path, **PLACES) if path.suffix == ".in" else path.read_text()


def test_the_service_unit_runs_behind_the_proxy_as_its_own_hardened_user():
    unit = rendered(DEPLOY / "systemd" / "cafessonne.service.in")
    command = shlex.split(unit_value(unit, "ExecStart"))
    assert command[1:3] == ["-m", "service"] and {"--sans-site", "--proxy"} <= set(command)
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert unit_value(unit, "User") == "cafessonne"
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "PrivateTmp": "yes",
        "ProtectHome": "yes",
        "EnvironmentFile": PLACES["ENV_FILE"],
    }.items():
        assert unit_value(unit, key) == value, key
    writable = unit_value(unit, "ReadWritePaths").split()
    assert writable == [PLACES[k] for k in ("DATA_DIR", "CONTENT_DIR", "WORK_DIR", "PUBLIC_ROOT")]


@pytest.mark.parametrize("path", [p for p in UNITS if ".service" in p.name], ids=str)
def test_each_job_runs_a_command_of_the_service(path):
    command = shlex.split(unit_value(rendered(path), "ExecStart"))
    assert command[0] == PLACES["APP_DIR"] + "/.venv/bin/python" and command[1:3] == [
        "-m",
        "service",
    ]
    if path.name != "cafessonne.service.in":
        assert command[3] in commands.BY_NAME


def test_each_timer_starts_its_job_daily():
    timers = [p for p in UNITS if p.suffix == ".timer"]
    assert {p.stem for p in timers} == {"cafessonne-purge-ips", "cafessonne-sauvegarde"}
    for timer in timers:
        assert (DEPLOY / "systemd" / f"{timer.stem}.service.in").exists()
        assert re.search(r"^OnCalendar=\*-\*-\* \d\d:\d\d:00$", timer.read_text(), re.M)


def test_systemd_analyze_finds_nothing_to_say(tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed")
    for path in UNITS:
        text = rendered(path).replace(PLACES["APP_DIR"], str(DEPLOY.parent))
        (tmp_path / path.name.removesuffix(".in")).write_text(text)
    units = sorted(str(p) for p in tmp_path.iterdir())
    result = subprocess.run(
        ["systemd-analyze", "verify", *units],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    security = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", str(tmp_path / "cafessonne.service")],
        capture_output=True,
        text=True,
    )
    score = float(re.search(r"exposure level for \S+: (\d+\.\d)", security.stdout).group(1))
    print(f"systemd-analyze security: {score}")
    assert score <= 2.0


def test_install_sh_gives_every_template_its_placeholders():
    """A placeholder install.sh does not set would stop it half-way (render.sh refuses)."""
    script = (DEPLOY / "install.sh").read_text(encoding="utf-8")
    given = set(re.findall(r"\b([A-Z][A-Z0-9_]*)=", script))
    for template in DEPLOY.rglob("*.in"):
        wanted = set(re.findall(r"@([A-Z][A-Z0-9_]*)@", template.read_text(encoding="utf-8")))
        assert wanted - given == set(), template


def test_render_refuses_a_missing_placeholder_in_french(tmp_path):
    template = tmp_path / "essai.in"
    template.write_text("listen @LISTEN@;\n")
    with pytest.raises(subprocess.CalledProcessError) as refused:
        render(template)
    assert "demande la variable LISTEN" in refused.value.stderr
    assert render(template, LISTEN="127.0.0.1:8080 & co|x") == "listen 127.0.0.1:8080 & co|x;\n"
