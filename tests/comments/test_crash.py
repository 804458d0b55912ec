"""Durability: kill -9 the service in the middle of a stream of posts; every post it had
acknowledged (303) must be in the database after restart."""

import asyncio
import os
import signal
import sqlite3
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from service.core import tokens
from tests.support.comments import NO_FLOOD_LIMITS, free_port, start_service_process, write_site

SECRET = "clé du test de panne"


def start(tmp_path: Path, port: int) -> subprocess.Popen:
    return start_service_process(
        port,
        SERVICE_DATABASE=str(tmp_path / "comments.sqlite3"),
        SERVICE_SITE_DIR=str(tmp_path / "site"),
        SERVICE_SECRET_KEY=SECRET,
        **NO_FLOOD_LIMITS,
    )


async def stream_posts(url: str, proc: subprocess.Popen, kill_after: int):
    """Post from 16 clients until the service dies; kill it once `kill_after` are acknowledged."""
    acknowledged: list[str] = []
    counter = iter(range(1_000_000))

    async def client(n: int):
        async with httpx.AsyncClient(base_url=url, timeout=5) as http:
            for _ in range(2000):  # bounded even if the kill never came
                body = f"Commentaire {next(counter)} du client {n}"
                form = {
                    "article": "premier-article",
                    "jeton": tokens.issue(SECRET, now=time.time() - 60),  # one per post
                    "nom": f"Client {n}",
                    "email": f"client{n}@exemple.fr",
                    "commentaire": body,
                }
                try:
                    response = await http.post("/commentaires/poster", data=form)
                except httpx.TransportError:
                    return
                if response.status_code == 303:
                    acknowledged.append(body)
                    if len(acknowledged) == kill_after:
                        os.kill(proc.pid, signal.SIGKILL)

    await asyncio.wait_for(asyncio.gather(*(client(n) for n in range(16))), timeout=60)
    return acknowledged


def test_kill_9_mid_stream_loses_no_acknowledged_post(tmp_path):
    write_site(tmp_path / "site")
    port = free_port()
    proc = start(tmp_path, port)
    try:
        # In its own thread: a session-wide Playwright browser may own this thread's event loop.
        with ThreadPoolExecutor(max_workers=1) as pool:
            stream = stream_posts(f"http://127.0.0.1:{port}", proc, 300)
            acknowledged = pool.submit(asyncio.run, stream).result()
    finally:
        proc.kill()
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    assert len(acknowledged) >= 300

    # Restart on the same files: the WAL is recovered and the service answers again.
    proc = start(tmp_path, port)
    try:
        form = {
            "article": "premier-article",
            "jeton": tokens.issue(SECRET, now=time.time() - 60),
            "nom": "Après",
            "email": "apres@exemple.fr",
            "commentaire": "Après le redémarrage",
        }
        assert (
            httpx.post(f"http://127.0.0.1:{port}/commentaires/poster", data=form).status_code == 303
        )
        conn = sqlite3.connect(tmp_path / "comments.sqlite3")
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in conn.execute("SELECT body FROM comments")}
        notified = conn.execute(
            "SELECT count(*) FROM comments c JOIN notifications n ON n.comment_id = c.id"
        ).fetchone()[0]
        conn.close()
    finally:
        proc.terminate()
        proc.wait(10)
    missing = [body for body in acknowledged if body not in stored]
    assert missing == []
    assert "Après le redémarrage" in stored
    assert notified == len(stored)  # each stored comment kept its notification row
