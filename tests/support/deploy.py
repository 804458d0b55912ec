"""The production kit (deploy/) run as an operator installs it: templates rendered by the
shipped deploy/render.sh, Debian's nginx started on the rendered server block, the service
started with its systemd unit's own command line and environment file."""

import contextlib
import os
import shlex
import shutil
import socket
import subprocess
import time
from pathlib import Path

from tests.support.site import ROOT

DEPLOY = ROOT / "deploy"
NGINX = "/usr/sbin/nginx"


def render(template: Path, **values: str) -> str:
    """`template` rendered by deploy/render.sh with `values` as its variables."""
    result = subprocess.run(
        ["bash", str(DEPLOY / "render.sh"), str(template)],
        env={"PATH": os.environ["PATH"], **values},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def environment_file(text: str) -> dict[str, str]:
    """The variables of a systemd EnvironmentFile (KEY=VALUE lines, # comments, quotes)."""
    variables = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            variables[name.strip()] = value
    return variables


def unit_value(unit: str, key: str) -> str:
    """The value of `key` (ExecStart, WorkingDirectory…) in a rendered unit file."""
    found = [line.split("=", 1)[1] for line in unit.splitlines() if line.startswith(key + "=")]
    assert len(found) == 1, f"{key} appears {len(found)} times"
    return found[0]


def wait_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} stopped: {log.read_text()}")
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


MAIN_CONFIG = """\
{user}worker_processes 1;
pid nginx.pid;
error_log logs/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path tmp/body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    include sites-enabled/cafessonne.conf;
}}
"""


@contextlib.contextmanager
def running_nginx(prefix: Path, port: int, public_dir: Path, service_port: int):
    """Debian's nginx on 127.0.0.1:`port` with the shipped server block and snippets laid out
    as on Debian (/etc/nginx/snippets, sites-enabled), under a minimal main configuration
    like Debian's own (mime.types, default type)."""
    for folder in ("snippets", "sites-enabled", "logs", "tmp"):
        (prefix / folder).mkdir(parents=True, exist_ok=True)
    for snippet in (DEPLOY / "nginx").glob("*.conf"):
        shutil.copy(snippet, prefix / "snippets" / snippet.name)
    server = render(
        DEPLOY / "nginx" / "cafessonne.conf.in",
        LISTEN=f"127.0.0.1:{port}",
        SERVER_NAME="localhost",
        PUBLIC_DIR=str(public_dir),
        SERVICE_PORT=str(service_port),
        TLS="",
    )
    (prefix / "sites-enabled" / "cafessonne.conf").write_text(server)
    # As root, nginx's workers would run as « nobody », who cannot read pytest's folders.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(MAIN_CONFIG.format(user=user))
    command = [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf")]
    subprocess.run([*command, "-t", "-q"], check=True, capture_output=True)
    log = prefix / "logs" / "stderr.log"
    with log.open("w") as stderr:
        process = subprocess.Popen([*command, "-g", "daemon off;"], stderr=stderr)
    try:
        wait_port(port, process, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


@contextlib.contextmanager
def running_unit(unit: str, env_file: str, log: Path):
    """The service as systemd starts it: the unit's ExecStart in its WorkingDirectory, with
    the variables of its EnvironmentFile (and PATH), its output in `log`; yields the
    process."""
    command = shlex.split(unit_value(unit, "ExecStart"))
    port = int(command[command.index("--port") + 1])
    env = {"PATH": os.environ["PATH"], **environment_file(env_file)}
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=unit_value(unit, "WorkingDirectory"),
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_port(port, process, log, timeout=60)
        yield process
    finally:
        stop(process)
