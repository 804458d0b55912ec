"""The single writer of new comments, committing them in groups.

Each commit with synchronous=FULL costs one fsync. Instead of one per post, a dedicated thread
takes every post queued while the previous commit was flushing, writes them in ONE transaction,
commits, and only then wakes the requests waiting on them: a post is acknowledged only once it
is on disk, and the fsync cost is shared by the whole group.

Checkpoints (copying the WAL into the database file, with its own slow fsync of a growing file)
run in a second thread, so they never stall a commit that readers are waiting on. Passive ones
every half second; when the WAL outgrows `WAL_RESTART_BYTES` (readers kept it from starting
over) a RESTART checkpoint waits for them, so the WAL stays bounded under load. The same thread
purges old flood counts and used tokens once a minute.

Single-use tokens are enforced here, in the transaction that stores the comment: a nonce
already in `used_tokens` (or twice in one group) sends the comment to the spam queue.
"""

import asyncio
import logging
import queue
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from service.comments import store
from service.core import clock, db, protection, tokens
from service.core.events import COMMENT_STORED, COMMENT_STORED_IN_TRANSACTION, Bus

log = logging.getLogger(__name__)

# Upper bound on one transaction, so a burst cannot delay its first posts for long.
MAX_GROUP = 512
CHECKPOINT_EVERY = 0.5  # seconds between passive checkpoints while posts keep coming
WAL_RESTART_BYTES = 8 * 1024 * 1024
PURGE_EVERY = 60.0
REPLAY_REASON = "Jeton de formulaire déjà utilisé : envoi rejoué."


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
    nonce: str | None = None  # the form token's, used once
    # (bucket, key) flood counts this post adds to once stored as pending (see core/protection.py).
    rate_keys: tuple = ()
    # The follow boxes ticked (validation.FOLLOW_BOXES); the lettre records them (follows.py).
    follow: tuple = ()


@dataclass(frozen=True)
class Outcome:
    """What became of a submitted comment: 'stored' (with its id), 'duplicate', 'bad_parent'."""

    kind: str
    comment_id: int | None = None


class CommentWriter:
    def __init__(self, database: Path, bus: Bus):
        self._database = database
        self._bus = bus  # comment-stored-in-transaction before each commit, comment-stored after
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._checkpointer: threading.Thread | None = None
        self._dirty = threading.Event()
        self._stopping = threading.Event()

    def start(self) -> None:
        conn = db.init(self._database, autocheckpoint=False)  # the checkpointer thread does it
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._run, args=(conn,), name="comment-writer", daemon=True
        )
        self._checkpointer = threading.Thread(
            target=self._checkpoint_loop, name="comment-checkpointer", daemon=True
        )
        self._thread.start()
        self._checkpointer.start()

    def stop(self) -> None:
        """Write what is queued, then end the threads."""
        if self._thread:
            self._queue.put(None)
            self._thread.join()
            self._stopping.set()
            self._dirty.set()
            self._checkpointer.join()
            self._thread = self._checkpointer = None

    def _checkpoint_loop(self) -> None:
        conn = db.connect(self._database)
        wal = Path(f"{self._database}-wal")
        next_purge = 0.0
        try:
            while not self._stopping.is_set():
                self._dirty.wait(PURGE_EVERY)
                self._dirty.clear()
                try:
                    db.checkpoint(conn)
                    if wal.exists() and wal.stat().st_size > WAL_RESTART_BYTES:
                        db.checkpoint(conn, "RESTART")
                    if time.monotonic() >= next_purge:
                        next_purge = time.monotonic() + PURGE_EVERY
                        with db.begin(conn):
                            protection.purge(conn)
                            tokens.purge(conn)
                except sqlite3.Error:
                    log.exception("checkpoint or purge failed (will retry)")
                self._stopping.wait(CHECKPOINT_EVERY)
            db.checkpoint(conn, "TRUNCATE")
        except sqlite3.Error:
            log.exception("final checkpoint failed")
        finally:
            conn.close()

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
            with db.begin(conn):
                comments = [comment for comment, _, _ in group]
                outcomes = _store(conn, comments)
                pairs = zip(outcomes, comments, strict=True)
                stored = [(o.comment_id, c) for o, c in pairs if o.kind == "stored"]
                self._bus.emit(COMMENT_STORED_IN_TRANSACTION, self, conn=conn, stored=stored)
        except Exception as error:
            log.exception("could not store %d comment(s)", len(group))
            _resolve(group, [error] * len(group))
            return
        _resolve(group, outcomes)
        self._dirty.set()
        if stored:
            self._bus.emit(COMMENT_STORED, self, ids=[comment_id for comment_id, _ in stored])


def _store(conn: sqlite3.Connection, comments: list[NewComment]) -> list[Outcome]:
    """Insert a group with a handful of statements, whatever its size.

    Every SQLite call releases and re-takes the GIL, which costs up to a switch interval while
    the event loop is busy; so the checks and inserts are done for the whole group at once.
    """
    seen = store.known(conn, [c.author_email for c in comments])
    parents = store.parents(conn, [c.parent_id for c in comments if c.parent_id is not None])
    used = tokens.used(conn, [c.nonce for c in comments if c.nonce])
    next_id = store.next_id(conn)  # we hold the write lock
    now = clock.now()
    outcomes, rows, notifications, events, new_nonces = [], [], [], [], []
    for c in comments:
        key = (c.author_email, c.article_slug, c.body)
        if c.parent_id is not None and parents.get(c.parent_id) != (c.article_slug, "approved"):
            outcomes.append(Outcome("bad_parent"))
            continue
        if key in seen:
            outcomes.append(Outcome("duplicate"))
            continue
        seen.add(key)
        status, reason = c.status, c.spam_reason
        if c.nonce:
            if c.nonce in used:
                status, reason = "spam", f"{reason} {REPLAY_REASON}".strip()
            else:
                used.add(c.nonce)
                new_nonces.append(c.nonce)
        events.append(("ip_all", c.ip_hash))
        if status == "pending":
            events += [(bucket, k) for bucket, k in c.rate_keys if k]
        rows += (
            next_id,
            c.article_slug,
            c.parent_id,
            c.author_name,
            c.author_email,
            c.author_url,
            c.body,
            status,
            reason,
            c.ip_hash,
            c.created_at,
        )
        if status == "pending":
            # Same transaction: a stored pending comment always has its notification to send.
            notifications += (next_id, c.created_at)
        outcomes.append(Outcome("stored", next_id))
        next_id += 1
    store.insert(conn, rows, notifications)
    tokens.use(conn, new_nonces, now)
    protection.record(conn, events, now)
    return outcomes


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
