"""Helpers shared by the moderator e-mail tests (the fixtures are in tests/conftest.py)."""

import contextlib
import time

import httpx

from tests.support.comments import make_config

MODERATORS = ["moderation@caf-essonne.example", "redaction@caf-essonne.example"]


def smtp_config(tmp_path, site, smtp, **comments):
    """Settings mailing MODERATORS through `smtp`; `comments` overrides the comments'."""
    return make_config(
        tmp_path,
        site,
        smtp_host=smtp.host,
        smtp_port=smtp.port,
        site_url="https://partenaires.caf-essonne.example",
        comments={"moderator_emails": MODERATORS, **comments},
    )


def post(service, **fields):
    return httpx.post(f"{service.url}/commentaires/poster", data=service.form(**fields))


def notifications(service):
    with contextlib.closing(service.db()) as conn:
        return conn.execute("SELECT * FROM notifications ORDER BY id").fetchall()


def wait_until(condition, timeout: float = 10) -> None:
    """Poll `condition` (bounded): rows are marked sent just after the server accepts."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


def store_comment(
    service, author_name: str, body: str = "texte", created_at: str = "2026-11-23T17:45:25+00:00"
) -> int:
    """A pending comment and its notification row, stored as the writer would; its id."""
    with contextlib.closing(service.db()) as conn:
        comment_id = conn.execute(
            "INSERT INTO comments (article_slug, author_name, author_email, body, created_at)"
            " VALUES ('premier-article', ?, 'x@y.fr', ?, ?)",
            (author_name, body, created_at),
        ).lastrowid
        conn.execute(
            "INSERT INTO notifications (comment_id, next_attempt_at) VALUES (?, ?)",
            (comment_id, created_at),
        )
    service.parts.comments.notifier.wake()
    return comment_id


def end_interval(service) -> None:
    """Act as if the digest interval had passed since the last e-mail, then wake the sender."""
    with contextlib.closing(service.db()) as conn:
        conn.execute(
            "UPDATE notifications SET sent_at = '2000-01-01T00:00:00.000+00:00'"
            " WHERE sent_at IS NOT NULL"
        )
    service.parts.comments.notifier.wake()
