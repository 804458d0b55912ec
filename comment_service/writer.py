"""The single writer of new comments, committing them in groups.

Each commit with synchronous=FULL costs one fsync. Instead of one per post, a dedicated thread
takes every post queued while the previous commit was flushing, writes them in ONE transaction,
commits, and only then wakes the requests waiting on them: a post is acknowledged only once it
is on disk, and the fsync cost is shared by the whole group.
"""

import asyncio
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import db

log = logging.getLogger(__name__)

# Upper bound on one transaction, so a burst cannot delay its first posts for long.
MAX_GROUP = 512


@dataclass(frozen=True)
class NewComment:
    article_slug: str
    parent_id: int | None
    author_name: str
    author_email: str
    author_url: str
    body: str
    status: str  # 'pending' or 'spam'
    spam_reason: str
    ip_hash: str
    created_at: str


@dataclass(frozen=True)
class Outcome:
    """What became of a submitted comment: 'stored' (with its id), 'duplicate', 'bad_parent'."""

    kind: str
    comment_id: int | None = None


class CommentWriter:
    def __init__(self, database: Path, on_commit: Callable[[], None] | None = None):
        self._database = database
        self._on_commit = on_commit
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        conn = db.init(self._database)
        self._thread = threading.Thread(
            target=self._run, args=(conn,), name="comment-writer", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Write what is queued, then end the thread."""
        if self._thread:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    async def submit(self, comment: NewComment) -> Outcome:
        """Queue `comment` and return once its transaction is committed (or has failed)."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._queue.put((comment, future, loop))
        return await future

    def _run(self, conn: sqlite3.Connection) -> None:
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    return
                group = [item]
                stopping = False
                while len(group) < MAX_GROUP:
                    try:
                        item = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if item is None:
                        stopping = True
                        break
                    group.append(item)
                self._write_group(conn, group)
                if stopping:
                    return
        finally:
            conn.close()

    def _write_group(self, conn: sqlite3.Connection, group: list) -> None:
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                outcomes = [_insert(conn, comment) for comment, _, _ in group]
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except Exception as error:
            log.exception("could not store %d comment(s)", len(group))
            _resolve(group, [error] * len(group))
            return
        _resolve(group, outcomes)
        if self._on_commit and any(o.kind == "stored" for o in outcomes):
            self._on_commit()


def _insert(conn: sqlite3.Connection, c: NewComment) -> Outcome:
    if c.parent_id is not None:
        parent = conn.execute(
            "SELECT article_slug, status FROM comments WHERE id = ?", (c.parent_id,)
        ).fetchone()
        if parent is None or parent[0] != c.article_slug or parent[1] != "approved":
            return Outcome("bad_parent")
    duplicate = conn.execute(
        "SELECT 1 FROM comments WHERE author_email = ? AND article_slug = ? AND body = ? LIMIT 1",
        (c.author_email, c.article_slug, c.body),
    ).fetchone()
    if duplicate:
        return Outcome("duplicate")
    comment_id = conn.execute(
        "INSERT INTO comments (article_slug, parent_id, author_name, author_email, author_url,"
        " body, status, spam_reason, ip_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            c.article_slug,
            c.parent_id,
            c.author_name,
            c.author_email,
            c.author_url,
            c.body,
            c.status,
            c.spam_reason,
            c.ip_hash,
            c.created_at,
        ),
    ).lastrowid
    if c.status == "pending":
        # Same transaction: a stored pending comment always has its notification to send.
        conn.execute(
            "INSERT INTO notifications (comment_id, next_attempt_at) VALUES (?, ?)",
            (comment_id, c.created_at),
        )
    return Outcome("stored", comment_id)


def _resolve(group: list, results: list) -> None:
    """Hand each result to its request, one wake-up per event loop for the whole group."""
    by_loop: dict = {}
    for (_, future, loop), result in zip(group, results, strict=True):
        by_loop.setdefault(loop, []).append((future, result))

    def settle(pairs):
        for future, result in pairs:
            if future.done():  # the client went away; its comment is stored all the same
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)

    for loop, pairs in by_loop.items():
        loop.call_soon_threadsafe(settle, pairs)
