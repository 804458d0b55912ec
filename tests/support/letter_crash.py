"""The lettre's crash scenario, shared by tests/lettre/test_crash.py and
benchmarks/letter_send.py: N confirmed subscribers, a new article, `kill -9` of the service in
the middle of the send, a restart, and what each subscriber's mailbox got.

The mail server is tests/support/mail/smtp_sink.py (aiosmtpd) in its own process, so it keeps every
message it accepted across the service's death.
"""

import os
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from service.core import db
from service.lettre import outbox
from tests.support.comments import free_port, start_service_process
from tests.support.lettre import BACK_CATALOGUE, PUBLIC, article, write_letter_site

SECRET = "clé du test de panne de la lettre"
HERE = Path(__file__).resolve().parent


@dataclass
class Mailbox:
    """What the sink received: (recipient, Message-ID, time accepted) per message."""

    path: Path

    def lines(self) -> list[tuple[str, str, float]]:
        if not self.path.exists():
            return []
        text = self.path.read_text()
        rows = (line.split("\t") for line in text.splitlines() if line.count("\t") == 2)
        return [(rcpt, mid, float(at)) for rcpt, mid, at in rows]

    def count(self) -> int:
        return len(self.lines())


def start_sink(tmp: Path) -> tuple[subprocess.Popen, int, Mailbox]:
    port = free_port()
    mailbox = Mailbox(tmp / "boite.tsv")
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "mail" / "smtp_sink.py"), str(port), str(mailbox.path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    return proc, port, mailbox


def seed(database: Path, count: int) -> None:
    """`count` confirmed subscribers to the lettre (every thème, each publication)."""
    conn = db.init(database)
    try:
        with db.begin(conn):
            conn.executemany(
                "INSERT INTO subscribers (email, link_key, created_at, confirmed_at)"
                " VALUES (?, ?, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')",
                [(f"abonne{n:05d}@exemple.fr", secrets.token_urlsafe(6)) for n in range(count)],
            )
            conn.execute(
                "INSERT INTO subscriptions (subscriber_id, kind, status, consent, created_at,"
                " confirmed_at) SELECT id, 'lettre', 'active', 'test', created_at, created_at"
                " FROM subscribers"
            )
    finally:
        conn.close()


def settings(tmp: Path, smtp_port: int, **extra) -> dict:
    return {
        "SERVICE_DATABASE": str(tmp / "comments.sqlite3"),
        "SERVICE_SITE_DIR": str(tmp / "site"),
        "SERVICE_SECRET_KEY": SECRET,
        "SERVICE_SITE_URL": PUBLIC,
        "SERVICE_SMTP_HOST": "127.0.0.1",
        "SERVICE_SMTP_PORT": str(smtp_port),
        "SERVICE_MAIL_FROM": "Caf de l’Essonne <lettre@caf-essonne.example.fr>",
        "LETTRE_RATE": "0",
        "LETTRE_POLL_SECONDS": "0.2",
        **extra,
    }


def query(database: Path, sql: str):
    conn = db.connect(database)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.05)


@dataclass
class CrashResult:
    subscribers: int
    at_kill: int  # messages the sink had when the service was killed
    missing: list[str]  # subscribers who got nothing
    duplicated: dict[str, list[str]]  # subscriber -> Message-IDs of their copies (2 or more)
    returncode: int
    unconfirmed: list[str]  # subscribers whose message was handed over when the service died


def crash_and_restart(tmp: Path, subscribers: int, kill_after: int) -> CrashResult:
    """Send a lettre to `subscribers`, kill -9 the service once `kill_after` are received,
    restart it, and wait for the queue to be empty."""
    sink, smtp_port, mailbox = start_sink(tmp)
    write_letter_site(tmp / "site")
    database = tmp / "comments.sqlite3"
    service_port = free_port()
    env = settings(tmp, smtp_port)
    proc = None
    try:
        proc = start_service_process(service_port, **env)
        wait(lambda: query(database, "SELECT count(*) FROM announced") == 2, 30, "first run")
        seed(database, subscribers)
        write_letter_site(tmp / "site", [*BACK_CATALOGUE, article("nouvelle", days_ago=0.01)])
        wait(lambda: mailbox.count() >= kill_after, 120, "sending")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        returncode, at_kill = proc.returncode, mailbox.count()
        proc = start_service_process(service_port, **env)
        wait(
            lambda: (
                query(database, "SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')")
                == 0
            ),
            180,
            "sending after the restart",
        )
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
        sink.terminate()
        sink.wait(10)
    conn = db.connect(database)
    try:
        unconfirmed = [
            row[0]
            for row in conn.execute(
                "SELECT p.email FROM outbox o JOIN subscribers p ON p.id = o.subscriber_id"
                " WHERE o.last_error = ?",
                (outbox.UNCONFIRMED,),
            )
        ]
    finally:
        conn.close()
    copies: dict[str, list[str]] = {}
    for rcpt, mid, _ in mailbox.lines():
        copies.setdefault(rcpt, []).append(mid)
    expected = [f"abonne{n:05d}@exemple.fr" for n in range(subscribers)]
    return CrashResult(
        subscribers=subscribers,
        at_kill=at_kill,
        missing=[email for email in expected if email not in copies],
        duplicated={email: ids for email, ids in copies.items() if len(ids) > 1},
        returncode=returncode,
        unconfirmed=unconfirmed,
    )


def duplicate_kinds(result: CrashResult) -> Counter:
    """How many duplicated recipients got identical Message-IDs (one message sent twice)."""
    return Counter(
        "same id" if len(set(ids)) == 1 else "distinct ids" for ids in result.duplicated.values()
    )
