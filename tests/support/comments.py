"""The comment service for tests: a small site folder (`write_site`), the `Settings` on it and a
fresh database (`make_config`), the app served by uvicorn in a thread (`running_service`) or
as its own process (`start_service_process`), and a real SMTP server's handler (`SmtpServer`).
tests/conftest.py makes fixtures of them."""

import contextlib
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import uvicorn
from pelican.settings import read_settings

from service.app import create_app
from service.comments.settings import CommentsSettings
from service.core import db, tokens
from service.core.settings import CoreSettings
from service.lettre.settings import LettreSettings
from service.room import RoomSettings
from service.settings import Settings
from site_core.comments.sections import SHELL_CONTENT as CONTENT_MARK
from site_core.comments.sections import SHELL_TITLE as TITLE_MARK
from site_core.manifest import FEED_SETTINGS, ArticleEntry, Manifest
from site_core.paths import SHELL_NAME as SHELL_FILE
from tests.support.site import ROOT

ARTICLES = {
    "premier-article": {
        "title": "Premier article : l’accueil des tout-petits",
        "url": "articles/premier-article/",
        "comments_open": True,
    },
    "deuxieme-article": {
        "title": "Deuxième article",
        "url": "articles/deuxieme-article/",
        "comments_open": True,
    },
    "article-ferme": {
        "title": "Un article aux commentaires fermés",
        "url": "articles/article-ferme/",
        "comments_open": False,
    },
}

SHELL = f"""<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="robots" content="noindex">
<title>{TITLE_MARK} — Caf de l’Essonne — Partenaires</title></head>
<body><header><a href="/">Caf de l’Essonne — Partenaires</a></header>
<main id="contenu">{CONTENT_MARK}</main>
<footer>Pied de page du site</footer></body>
</html>
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, timeout: float = 10) -> None:
    """Poll `condition` until it holds; fail after `timeout` seconds (every loop is bounded)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def spaces(text: str) -> str:
    """`text` with French typography's no-break spaces read as plain ones, to compare words."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


# Settings that lift every flood limit, for load tests and benchmarks.
NO_FLOOD_LIMITS = {
    "COMMENTS_FLOOD_IP_COUNT": "0",
    "COMMENTS_FLOOD_CLIENT_COUNT": "0",
    "COMMENTS_FLOOD_EMAIL_COUNT": "0",
    "COMMENTS_FLOOD_IP_HARD": "0",
}


def start_service_process(port: int, **environment: str) -> subprocess.Popen:
    """`python -m service --sans-site` in its own process (so it can be killed -9), with
    these environment variables (SERVICE_DATABASE=…); returns once it accepts connections."""
    env = {**os.environ, **environment}
    proc = subprocess.Popen(
        [sys.executable, "-m", "service", "--sans-site", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the comment service did not start: " + proc.stderr.read().decode())


def test_manifest(articles: dict = ARTICLES) -> Manifest:
    """The manifest of a small site, as a build would write it (pelicanconf's settings)."""
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    return Manifest(
        site_url="",
        theme_templates=str(ROOT / "theme" / "templates"),
        feed_settings={name: settings[name] for name in FEED_SETTINGS},
        articles={
            slug: ArticleEntry(
                slug=slug,
                title=article["title"],
                url=article["url"],
                save_as=article["url"] + "index.html",
                comments_open=article["comments_open"],
                status="published",
                date=datetime(2026, 1, 5, 10, tzinfo=UTC),
            )
            for slug, article in articles.items()
        },
    )


def write_site(site_dir: Path, articles: dict = ARTICLES) -> Path:
    """A minimal built site: manifest, comment shell, one page per article, a 404 page."""
    site_dir.mkdir(parents=True, exist_ok=True)
    test_manifest(articles).write(site_dir)
    (site_dir / SHELL_FILE).write_text(SHELL, encoding="utf-8")
    (site_dir / "404.html").write_text("<h1>Page introuvable</h1>", encoding="utf-8")
    for slug, article in articles.items():
        page = site_dir / article["url"] / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"<h1>{article['title']}</h1><p>{slug}</p>", encoding="utf-8")
    return site_dir


def make_config(
    tmp_path: Path, site_dir: Path, *, comments=None, lettre=None, room=None, **shared
) -> Settings:
    """Settings on `site_dir` and a database in `tmp_path`; `shared` overrides the shared
    settings, the dicts `comments`, `lettre` and `room` each domain's."""
    core = {"database": tmp_path / "data" / "comments.sqlite3", "secret_key": "clé de test"}
    return Settings(
        CoreSettings(site_dir=site_dir, **{**core, **shared}),
        CommentsSettings(**{"republish": False, "notify_poll_seconds": 0.2, **(comments or {})}),
        LettreSettings(**(lettre or {})),
        RoomSettings(**(room or {})),
    )


@dataclass
class RunningService:
    url: str
    config: Settings
    app: object

    @property
    def parts(self):
        return self.app.state.parts

    @property
    def site(self):
        return self.parts.core.site

    def db(self) -> sqlite3.Connection:
        return db.connect(self.config.core.database)

    def token(self, slug: str = "premier-article", age: float = 10) -> str:
        """A token for `slug` issued `age` seconds ago (old enough to pass min_fill_seconds)."""
        return tokens.issue(self.config.core.secret_key, now=time.time() - age)

    def form(self, slug: str = "premier-article", **fields) -> dict[str, str]:
        """A valid form for `slug`; keyword arguments override fields (`jeton` too)."""
        form = {
            "article": slug,
            "parent": "",
            "jeton": self.token(slug),
            "nom": "Claire Martin",
            "email": "claire.martin@mairie-exemple.fr",
            "site": "",
            "commentaire": "Merci pour cet entretien très utile à notre relais petite enfance.",
            "reference_dossier": "",
        }
        form.update(fields)
        return form


@contextlib.contextmanager
def running_service(config: Settings, *, serve_site: bool = False):
    """Serve `config` with uvicorn in a thread on a free 127.0.0.1 port until the block ends."""
    app = create_app(config, serve_site=serve_site)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the comment service did not start")
        time.sleep(0.01)
    try:
        yield RunningService(f"http://127.0.0.1:{port}", config, app)
    finally:
        server.should_exit = True
        thread.join(10)


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list = field(default_factory=list)
    fail_next: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        with self._lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return "451 4.3.0 Temporary failure, try again later"
            message = message_from_bytes(envelope.content, policy=policy.default)
            message.recipients = list(envelope.rcpt_tos)
            message.envelope_from = envelope.mail_from
            self.messages.append(message)
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


def run_command(config: Settings, *args: str, stdin: str | None = None):
    """`python -m service <args>` as an operator runs it, in its own process, with `config`'s
    shared settings; no `stdin`: no terminal at all (a script, cron)."""
    env = {
        **os.environ,
        "SERVICE_DATABASE": str(config.core.database),
        "SERVICE_SITE_DIR": str(config.core.site_dir),
        "SERVICE_SECRET_KEY": config.core.secret_key,
        "COMMENTS_REPUBLISH": "0",
        "REDACTION_CONTENT_DIR": str(ROOT / config.room.content_dir),
    }
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
