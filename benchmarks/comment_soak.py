"""Issue 8's load targets: posts and approvals together, then a kill -9, on the real service.

1. Builds the real site into a temp folder and starts `python -m service --sans-site`
   on it (republishing on, flood limits off) on a free 127.0.0.1 port.
2. For `--duration` seconds (default 20), 50 clients post comments back to back (each with its
   own single-use token) while a moderator, logged in over HTTP, approves pending comments one
   after another (each approval re-renders the article's page and the comments feed).
3. Reports every status code seen (target: no 5xx), posts/s, approvals/s, and the database and
   WAL sizes at the end of the load (target: WAL ≤ 2× the database).
4. Streams posts again and kills the service with SIGKILL after 300 acknowledgements, restarts
   it, and counts acknowledged posts missing from the database (target: 0).

    .venv/bin/python -m benchmarks.comment_soak [--duration 20] [--clients 50]
"""

import argparse
import asyncio
import os
import re
import signal
import sqlite3
import tempfile
import time
from pathlib import Path

import httpx

from service.core import db, tokens
from service.team import accounts
from tests.support.comments import NO_FLOOD_LIMITS, free_port, start_service_process
from tests.support.site import build_site

ROOT = Path(__file__).resolve().parent.parent

SECRET = "soak-secret"
PASSWORD = "un mot de passe de test assez long"
MODERATION = "/redaction/commentaires/"
LOGIN = "/redaction/connexion"


def start(tmp: Path, site: Path, port: int):
    return start_service_process(
        port,
        SERVICE_DATABASE=str(tmp / "comments.sqlite3"),
        SERVICE_SITE_DIR=str(site),
        SERVICE_SECRET_KEY=SECRET,
        **NO_FLOOD_LIMITS,
    )


def form(slug: str, n: int, client: int) -> dict:
    return {
        "article": slug,
        "jeton": tokens.issue(SECRET, now=time.time() - 60),
        "nom": f"Lecteur {client}",
        "email": f"lecteur{client}@exemple.fr",
        "commentaire": f"Commentaire {n} du lecteur {client} : merci pour cet entretien.",
    }


async def posters(url, slugs, clients, seconds, statuses, acknowledged, kill=None):
    counter = iter(range(10**9))
    deadline = time.monotonic() + seconds

    async def client(c):
        async with httpx.AsyncClient(base_url=url, timeout=10) as http:
            while time.monotonic() < deadline:
                n = next(counter)
                data = form(slugs[n % len(slugs)], n, c)
                try:
                    response = await http.post("/commentaires/poster", data=data)
                except httpx.TransportError:
                    statuses["transport"] = statuses.get("transport", 0) + 1
                    if kill:
                        return
                    continue
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code == 303:
                    acknowledged.append(data["commentaire"])
                    if kill and len(acknowledged) == kill[1]:
                        os.kill(kill[0], signal.SIGKILL)

    await asyncio.gather(*(client(c) for c in range(clients)))


async def approver(url, database, seconds, statuses):
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        page = await http.get(LOGIN)
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
        data = {"csrf": csrf, "identifiant": "soak", "mot_de_passe": PASSWORD}
        await http.post(LOGIN, data=data)
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', (await http.get(MODERATION)).text)
        csrf = csrf.group(1)
        reader = db.connect(database, readonly=True)
        done, deadline = 0, time.monotonic() + seconds
        while time.monotonic() < deadline:
            row = reader.execute(
                "SELECT id FROM comments WHERE status = 'pending' ORDER BY id LIMIT 1"
            ).fetchone()
            if row is None:
                await asyncio.sleep(0.05)
                continue
            response = await http.post(f"{MODERATION}{row[0]}/approuver", data={"csrf": csrf})
            key = f"approval {response.status_code}"
            statuses[key] = statuses.get(key, 0) + 1
            done += 1
        reader.close()
        return done


def sizes(database: Path) -> tuple[int, int]:
    wal = Path(f"{database}-wal")
    return database.stat().st_size, wal.stat().st_size if wal.exists() else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        database = tmp / "comments.sqlite3"
        conn = db.init(database)
        accounts.create_moderator(conn, "soak", PASSWORD)
        conn.close()
        site = build_site(tmp / "site", COMMENTS_DB=str(database))
        slugs = [p.stem for p in (ROOT / "content" / "articles").glob("*.md")]
        slugs = [
            s
            for s in re.findall(
                r'"slug": "([^"]+)"', (site / "_articles-commentaires.json").read_text()
            )
        ]
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = start(tmp, site, port)
        statuses, acknowledged = {}, []

        async def load():
            return await asyncio.gather(
                posters(url, slugs, args.clients, args.duration, statuses, acknowledged),
                approver(url, database, args.duration, statuses),
            )

        began = time.monotonic()
        _, approvals = asyncio.run(load())
        elapsed = time.monotonic() - began
        db_size, wal_size = sizes(database)
        server_errors = sum(n for k, n in statuses.items() if str(k).split()[-1].startswith("5"))
        print(f"{args.clients} clients, {elapsed:.1f} s: statuses {statuses}")
        print(
            f"  posts acknowledged {len(acknowledged)} ({len(acknowledged) / elapsed:.0f}/s),"
            f" approvals {approvals} ({approvals / elapsed:.1f}/s), 5xx: {server_errors}"
        )
        print(
            f"  database {db_size / 1e6:.1f} MB, WAL {wal_size / 1e6:.1f} MB"
            f" ({wal_size / max(db_size, 1):.2f}× the database; target ≤ 2×)"
        )
        proc.terminate()
        proc.wait(20)
        print(f"  after a clean stop: WAL {sizes(database)[1] / 1e6:.1f} MB")

        proc = start(tmp, site, port)
        acknowledged = []
        asyncio.run(posters(url, slugs, 16, 60, {}, acknowledged, kill=(proc.pid, 300)))
        proc.wait(10)
        proc = start(tmp, site, port)  # recovers the WAL
        stored = {r[0] for r in sqlite3.connect(database).execute("SELECT body FROM comments")}
        proc.terminate()
        proc.wait(20)
        lost = [body for body in acknowledged if body not in stored]
        print(f"kill -9 after {len(acknowledged)} acknowledged posts: {len(lost)} lost")


if __name__ == "__main__":
    main()
