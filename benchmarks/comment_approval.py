"""How long after a moderator clicks « Approuver » does the public page show the comment?

Builds a synthetic site of N articles (benchmarks/corpus.py) with a few approved comments per
article, serves it with the real comment service (site + /commentaires/ on 127.0.0.1, uvicorn in
a thread), logs in as a moderator over HTTP, then for several pending comments: sends the
approval form and polls the public article page until the comment appears. Prints the median
and extremes, and the full build time for comparison.

    .venv/bin/python -m benchmarks.comment_approval [--articles 1000] [--runs 9]
"""

import argparse
import re
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx

from benchmarks.corpus import CATEGORIES, write_corpus
from service.core import db
from service.team import accounts
from tests.support.comments import make_config, running_service
from tests.support.site import build_site

ROOT = Path(__file__).resolve().parent.parent

PASSWORD = "mot de passe du banc d’essai"
BASE = "/redaction/commentaires/"
LOGIN = "/redaction/connexion"


def seed(database: Path, slugs: list[str], runs: int) -> list[tuple[int, str]]:
    """Two approved comments per article, and `runs` pending ones to approve; returns those."""
    conn = db.init(database)
    insert = (
        "INSERT INTO comments (article_slug, author_name, author_email, body, status, created_at)"
        " VALUES (?, 'Lecteur', 'lecteur@example.org', ?, ?, '2026-01-02T10:00:00+00:00')"
    )
    conn.execute("BEGIN")
    for slug in slugs:
        for number in range(2):
            conn.execute(insert, (slug, f"Commentaire {number} sur {slug}.", "approved"))
    pending = []
    for index in range(runs):
        slug = slugs[(index * 97) % len(slugs)]
        pending.append((conn.execute(insert, (slug, "À approuver.", "pending")).lastrowid, slug))
    conn.execute("COMMIT")
    accounts.create_moderator(conn, "banc", PASSWORD)
    conn.close()
    return pending


def csrf_of(page: httpx.Response) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)


def time_approval(client: httpx.Client, csrf: str, comment_id: int, page_url: str) -> float:
    """Seconds from sending the approval to the public page showing the comment."""
    marker = f'id="commentaire-{comment_id}"'
    start = time.perf_counter()
    poster = threading.Thread(
        target=client.post, args=(f"{BASE}{comment_id}/approuver",), kwargs={"data": {"csrf": csrf}}
    )
    poster.start()
    with httpx.Client() as reader:
        while marker not in reader.get(page_url).text:
            if time.perf_counter() - start > 30:
                raise RuntimeError(f"comment {comment_id} not shown after 30 s")
            time.sleep(0.005)
    elapsed = time.perf_counter() - start
    poster.join()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = write_corpus(work / "content", args.articles)
        slugs = sorted(p.stem for p in (corpus / "articles").glob("*.md"))
        output = work / "output"
        comments = {"republish": True, "flood_ip_count": 0, "flood_email_count": 0}
        config = make_config(work, output, comments=comments)
        pending = seed(config.core.database, slugs, args.runs)
        started = time.perf_counter()
        build_site(
            output,
            PATH=str(corpus),
            ALLOWED_CATEGORIES=CATEGORIES,
            COMMENTS_DB=str(config.core.database),
            COMMENTS_SECRET_KEY=config.core.secret_key,
        )
        build_seconds = time.perf_counter() - started
        with running_service(config, serve_site=True) as service:
            client = httpx.Client(base_url=service.url, timeout=30)
            client.post(
                LOGIN,
                data={
                    "csrf": csrf_of(client.get(LOGIN)),
                    "identifiant": "banc",
                    "mot_de_passe": PASSWORD,
                },
            )
            csrf = csrf_of(client.get(BASE))  # the session's token changes at login
            timings = []
            for comment_id, slug in pending:
                page_url = f"{service.url}/articles/{slug}/"
                timings.append(time_approval(client, csrf, comment_id, page_url))
            client.close()
    first, rest = timings[0], sorted(timings[1:])
    print(f"articles: {args.articles}, full build with comments: {build_seconds:.2f} s")
    print(f"approval → public page, first (cold templates): {first * 1000:.0f} ms")
    print(
        f"approval → public page, next {len(rest)}: median {statistics.median(rest) * 1000:.0f} ms,"
        f" min {rest[0] * 1000:.0f} ms, max {rest[-1] * 1000:.0f} ms (target ≤ 1000 ms)"
    )


if __name__ == "__main__":
    main()
