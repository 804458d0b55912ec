"""Throughput and latency of comment posting, as a reader's browser posts the form.

Starts the service (`python -m service --sans-site`, uvloop + httptools) on a free
127.0.0.1 port with a temp database and site, flood limits off, then for each concurrency:

- closed loop: N keep-alive connections post back to back (bounded in count and time);
  reports accepted posts/s (303 answers) and p50/p99 latency;
- open loop: the same N connections together offer a fixed rate (default 1,000 posts/s);
  latency counts from each post's scheduled time, so a stall is not hidden.

Finally checks every accepted post is in the database. The client is raw asyncio sockets on
uvloop in this process (it shares the 2 cores with the server), and builds each request in a
few microseconds so it is not the bottleneck.

    .venv/bin/python -m benchmarks.comment_posts [--duration 5] [--clients 10 50] [--rate 1000]
"""

import argparse
import asyncio
import os
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import uvloop

from service.core import tokens
from tests.support.comments import NO_FLOOD_LIMITS, free_port, start_service_process, write_site

ROOT = Path(__file__).resolve().parent.parent

SECRET = "bench-secret"
SLUG = "article-de-test"


def start_service(tmp: Path) -> tuple[subprocess.Popen, int]:
    """The service on loopback with flood limits and republishing off, as the target asks."""
    article = {"title": "Article de test", "url": f"articles/{SLUG}/", "comments_open": True}
    site = write_site(tmp / "site", {SLUG: article})
    port = free_port()
    proc = start_service_process(
        port,
        SERVICE_DATABASE=str(tmp / "comments.sqlite3"),
        SERVICE_SITE_DIR=str(site),
        SERVICE_SECRET_KEY=SECRET,
        **NO_FLOOD_LIMITS,
        COMMENTS_REPUBLISH="0",
    )
    return proc, port


class Client:
    """One keep-alive connection posting distinct comments."""

    counter = 0

    def __init__(self, port: int, token: str):
        self.port = port
        self.token = token

    async def connect(self):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    def request(self) -> bytes:
        Client.counter += 1
        n = Client.counter
        body = urlencode(
            {
                "article": SLUG,
                "parent": "",
                "jeton": tokens.issue(SECRET, now=time.time() - 60),  # single use: one per post
                "nom": f"Lecteur {n}",
                "email": f"lecteur{n}@exemple.fr",
                "site": "",
                "commentaire": f"Commentaire numéro {n} : merci pour cet entretien éclairant.",
                "reference_dossier": "",
            }
        ).encode()
        return (
            b"POST /commentaires/poster HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )

    async def post(self) -> int:
        self.writer.write(self.request())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        if length:
            await self.reader.readexactly(length)
        return status

    def close(self):
        self.writer.close()


async def closed_loop(port, token, clients, duration, max_posts):
    conns = [Client(port, token) for _ in range(clients)]
    await asyncio.gather(*(c.connect() for c in conns))
    latencies, statuses = [], {}
    end = time.perf_counter() + duration

    async def run(client):
        while time.perf_counter() < end and len(latencies) < max_posts:
            start = time.perf_counter()
            status = await client.post()
            latencies.append(time.perf_counter() - start)
            statuses[status] = statuses.get(status, 0) + 1

    began = time.perf_counter()
    await asyncio.gather(*(run(c) for c in conns))
    elapsed = time.perf_counter() - began
    for c in conns:
        c.close()
    return latencies, statuses, elapsed


async def open_loop(port, token, clients, duration, rate):
    conns = [Client(port, token) for _ in range(clients)]
    await asyncio.gather(*(c.connect() for c in conns))
    latencies, statuses = [], {}
    interval = clients / rate  # each connection's share of the offered rate
    began = time.perf_counter()

    async def run(index, client):
        scheduled = began + index * interval / clients
        while scheduled < began + duration:
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            status = await client.post()
            latencies.append(time.perf_counter() - scheduled)
            statuses[status] = statuses.get(status, 0) + 1
            scheduled += interval

    await asyncio.gather(*(run(i, c) for i, c in enumerate(conns)))
    elapsed = time.perf_counter() - began
    for c in conns:
        c.close()
    return latencies, statuses, elapsed


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the server process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def report(label, latencies, statuses, elapsed, cpu):
    accepted = statuses.get(303, 0)
    print(
        f"{label:<34} accepted {accepted:>6} in {elapsed:4.1f} s"
        f" = {accepted / elapsed:7.0f} posts/s"
        f"   p50 {percentile(latencies, 0.5) * 1000:6.1f} ms"
        f"   p99 {percentile(latencies, 0.99) * 1000:6.1f} ms"
        f"   server CPU {cpu / max(accepted, 1) * 1e6:4.0f} µs/post"
        f"   statuses {dict(sorted(statuses.items()))}"
    )
    return accepted


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per run")
    parser.add_argument("--max-posts", type=int, default=30_000, help="cap per closed-loop run")
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--rate", type=float, default=1000.0, help="open-loop offered posts/s")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        proc, port = start_service(Path(tmp))
        try:
            # Old enough to pass the minimum fill time, young enough for the maximum age.
            token = tokens.issue(SECRET, now=time.time() - 60)
            accepted = 0
            for clients in args.clients:
                cpu = cpu_seconds(proc.pid)
                run = uvloop.run(closed_loop(port, token, clients, args.duration, args.max_posts))
                cpu, used = cpu_seconds(proc.pid), cpu_seconds(proc.pid) - cpu
                accepted += report(f"closed loop, {clients} clients", *run, used)
                run = uvloop.run(open_loop(port, token, clients, args.duration, args.rate))
                used = cpu_seconds(proc.pid) - cpu
                accepted += report(f"open loop {args.rate:.0f}/s, {clients} clients", *run, used)
        finally:
            proc.terminate()
            proc.wait(10)
        stored = sqlite3.connect(Path(tmp) / "comments.sqlite3").execute(
            "SELECT count(*) FROM comments WHERE status = 'pending'"
        )
        stored = stored.fetchone()[0]
        print(
            f"accepted {accepted}, stored {stored}: {'OK' if stored >= accepted else 'LOST POSTS'}"
        )


if __name__ == "__main__":
    main()
