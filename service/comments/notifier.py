"""E-mails to moderators about new pending comments, sent by a background thread.

The writer inserts a `notifications` row in the same transaction as each pending comment; this
worker e-mails them as digests and marks them sent, and on failure records the error and retries
the whole digest later with a doubling delay. A failing mail server never loses or delays a
comment.

A spam wave used to mean one e-mail per comment (3,403 sent of 34,945 queued after a load run).
Now moderators get at most one e-mail per `notify_interval`, listing every pending comment that
arrived since the previous one: the first comment after a quiet period goes out at once, later
ones wait for the interval. The time of the previous e-mail is the latest `sent_at` of a row that
was e-mailed (rows dropped because their comment was moderated first carry MODERATED_FIRST).
"""

import logging
import smtplib
import sqlite3
from datetime import datetime, timedelta

from service.comments import store
from service.comments.moderator_mail import DIGEST_LIMIT, digest
from service.comments.settings import CommentsSettings
from service.core import clock, db
from service.core.mailer import connect_smtp, with_quit
from service.core.settings import CoreSettings
from service.core.site import Site
from service.core.workers import BackgroundWorker

log = logging.getLogger(__name__)

MODERATED_FIRST = "déjà modéré avant l’envoi"


def _iso(moment: datetime) -> str:
    """The notifications' times are stored to the millisecond (see clock.py)."""
    return clock.iso(moment, milliseconds=True)


class Notifier(BackgroundWorker):
    """Background sender; `wake()` is called after each commit of new comments."""

    name = "comment-notifier"

    def __init__(self, settings: CommentsSettings, shared: CoreSettings, site: Site):
        super().__init__(shared.database, settings.notify_poll_seconds)
        self.settings = settings
        self.shared = shared  # the SMTP server and the sender's address
        self.site = site

    @property
    def enabled(self) -> bool:
        # Without recipients rows simply wait: they go out once moderators are configured.
        return bool(self.settings.moderator_emails and self.shared.smtp_host)

    def start(self) -> None:
        if self.enabled:
            super().start()

    def round(self, conn: sqlite3.Connection) -> float:
        self.send_due(conn)
        return self.settings.notify_poll_seconds

    def send_due(self, conn: sqlite3.Connection) -> int:
        """Send the digest if one is due; return how many comments it listed."""
        now = clock.utc()
        last = self._last_sent(conn)
        if last and now < last + timedelta(seconds=self.settings.notify_interval):
            return 0
        # Rows whose comment was moderated before any e-mail leave the queue, unsent.
        store.close_moderated(conn, _iso(now), MODERATED_FIRST)
        queue = store.notification_queue(conn, self.settings.notify_max_attempts)
        # A digest waiting after a failure keeps waiting, even if new comments joined it.
        if not queue or max(row["next_attempt_at"] for row in queue) > _iso(now):
            return 0
        shown = [row["comment_id"] for row in queue[:DIGEST_LIMIT]]
        rows = store.for_digest(conn, shown)
        try:
            message = digest(
                self.shared.mail_from,
                self.settings.moderator_emails,
                self.site.public_url(),
                self.site.manifest.articles,
                rows,
                len(queue),
                clock.utc(),
            )
            smtp = self._connect()
            try:
                smtp.send_message(message)
            finally:
                with_quit(smtp)
        # ValueError: a message the email package refuses to build is retried like a refused
        # one, then given up, instead of failing every round and holding back later comments.
        except (OSError, smtplib.SMTPException, ValueError) as error:
            self._mark_failed(conn, queue, error)
            return 0
        with db.begin(conn):
            store.notified(conn, [row["id"] for row in queue], _iso(clock.utc()))
        return len(queue)

    @staticmethod
    def _last_sent(conn: sqlite3.Connection) -> datetime | None:
        last = store.last_notified(conn, unless=MODERATED_FIRST)
        return clock.parse(last) if last else None

    def _connect(self) -> smtplib.SMTP:
        return connect_smtp(self.shared)

    def _mark_failed(self, conn: sqlite3.Connection, queue: list, error: Exception) -> None:
        """The whole digest waits for the next attempt; the error stays for an operator."""
        attempts = max(row["attempts"] for row in queue) + 1
        delay = min(
            self.settings.notify_retry_base * 2 ** (attempts - 1), self.settings.notify_retry_max
        )
        log.warning(
            "notification digest of %d comment(s) failed (attempt %d), retry in %.0f s: %s",
            len(queue),
            attempts,
            delay,
            error,
        )
        with db.begin(conn):
            store.notify_later(
                conn,
                [row["id"] for row in queue],
                _iso(clock.utc() + timedelta(seconds=delay)),
                str(error)[:500],
            )
