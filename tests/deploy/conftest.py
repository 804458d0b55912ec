"""`stack`: the whole production kit on 127.0.0.1, once for the folder's tests: the real site
built into a public folder, Debian's nginx on the shipped server block, the service started
with the shipped unit's command line and environment file (rendered by deploy/render.sh),
aiosmtpd as the mail relay, and one team account (« claire », every role) made with the
command line, as the install page makes the first one."""

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.comments import SmtpServer, free_port
from tests.support.deploy import (
    DEPLOY,
    NGINX,
    environment_file,
    render,
    running_nginx,
    running_unit,
)
from tests.support.room import PASSWORD, copy_content
from tests.support.site import ROOT, build_site


@dataclass
class Stack:
    url: str  # nginx
    env: dict[str, str]  # the rendered environment file's variables
    smtp: SmtpServer
    public: Path
    service_log: Path

    def command(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        """`python -m service <args>` as the operator runs it (the unit's environment)."""
        return subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), "-m", "service", *args],
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", **self.env},
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if not Path(NGINX).exists():
        pytest.fail("Debian's nginx is missing: test.sh installs it (apt-get install nginx)")
    from aiosmtpd.controller import Controller

    tmp = tmp_path_factory.mktemp("production")
    nginx_port, service_port, smtp_port = free_port(), free_port(), free_port()
    url = f"http://127.0.0.1:{nginx_port}"
    places = {
        "APP_DIR": str(ROOT),
        "DATA_DIR": str(tmp / "data"),
        "CONTENT_DIR": str(copy_content(tmp)),
        "WORK_DIR": str(tmp / "work"),
        "PUBLIC_ROOT": str(tmp / "public"),
        "PUBLIC_DIR": str(tmp / "public" / "site"),
        "BACKUP_DIR": str(tmp / "backups"),
        "ENV_FILE": str(tmp / "cafessonne.env"),
        "SERVICE_PORT": str(service_port),
    }
    env_text = render(
        DEPLOY / "cafessonne.env.in",
        **places,
        SECRET_KEY="une clé de test assez longue pour signer les jetons",
        SITE_URL=url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_port),
        MAIL_FROM="Caf de l’Essonne <lettre@caf-essonne.example>",
        MODERATOR_EMAILS="moderation@caf-essonne.example",
    )
    Path(places["ENV_FILE"]).write_text(env_text)
    unit = render(DEPLOY / "systemd" / "cafessonne.service.in", **places)
    (tmp / "data").mkdir()
    build_site(Path(places["PUBLIC_DIR"]), SITEURL=url)
    smtp = SmtpServer("127.0.0.1", smtp_port)
    controller = Controller(smtp, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    service_log = tmp / "service.log"
    try:
        with (
            running_unit(unit, env_text, service_log),
            running_nginx(tmp / "nginx", nginx_port, Path(places["PUBLIC_DIR"]), service_port),
        ):
            stack = Stack(url, environment_file(env_text), smtp, tmp / "public", service_log)
            made = stack.command(
                "create-moderator",
                "claire",
                "--nom",
                "Claire Martin",
                "--roles",
                "redaction,moderation,administration",
                "--mot-de-passe-stdin",
                stdin=PASSWORD + "\n",
            )
            assert made.returncode == 0, made.stderr
            yield stack
    finally:
        controller.stop()
