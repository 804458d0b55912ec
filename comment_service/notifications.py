"""E-mails to moderators about new pending comments, sent by a background thread.

The writer inserts a `notifications` row in the same transaction as each pending comment; this
worker sends what is due, marks it sent, and on failure records the error and retries later with
a doubling delay. A failing mail server never loses or delays a comment.
"""

import logging
import re
import smtplib
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from site_core import db
from site_core.paths import MODERATION_PATH

from .config import Config
from .site import Site

log = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
EXCERPT_CHARS = 500


def one_line(text: str) -> str:
    """Text made safe for a header: no CR, LF or other control character can split it."""
    return _UNSAFE.sub(" ", text).strip()


def _now() -> datetime:
    return datetime.now(UTC)


def build_message(config: Config, site: Site, row: sqlite3.Row) -> EmailMessage:
    article = site.manifest.articles.get(row["article_slug"])
    title = article.title if article else row["article_slug"]
    author = one_line(row["author_name"])
    body = row["body"]
    excerpt = body if len(body) <= EXCERPT_CHARS else body[:EXCERPT_CHARS].rstrip() + " […]"
    moderation = f"{config.site_url or site.url}{MODERATION_PATH}#c{row['id']}"
    msg = EmailMessage()
    msg["Subject"] = one_line(f"Nouveau commentaire à modérer : « {title} » ({author})")
    msg["From"] = config.mail_from
    msg["To"] = ", ".join(config.moderator_emails)
    msg["Message-ID"] = make_msgid(domain="commentaires.local")
    msg.set_content(
        f"Un nouveau commentaire attend votre modération.\n\n"
        f"Article : {one_line(title)}\n"
        f"Auteur : {author}\n"
        f"Reçu le : {row['created_at']}\n"
        + (f"En réponse au commentaire n° {row['parent_id']}\n" if row["parent_id"] else "")
        + f"\nExtrait :\n{excerpt}\n\n"
        f"Pour le publier ou le refuser : {moderation}\n"
    )
    return msg


class Notifier:
    """Background sender; `wake()` is called after each commit of new comments."""

    def __init__(self, config: Config, site: Site):
        self.config = config
        self.site = site
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def enabled(self) -> bool:
        # Without recipients rows simply wait: they go out once moderators are configured.
        return bool(self.config.moderator_emails and self.config.smtp_host)

    def start(self) -> None:
        if self.enabled:
            self._thread = threading.Thread(target=self._run, name="comment-notifier", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread:
            self._stop.set()
            self._wake.set()
            self._thread.join()
            self._thread = None

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        conn = db.connect(self.config.database)
        try:
            while not self._stop.is_set():
                try:
                    self.send_due(conn)
                except Exception:  # a bug or a locked database must not kill the worker
                    log.exception("notification round failed")
                self._wake.wait(self.config.notify_poll_seconds)
                self._wake.clear()
        finally:
            conn.close()

    def send_due(self, conn: sqlite3.Connection) -> int:
        """Send every due notification over one SMTP connection; return how many were sent."""
        now = _now()
        rows = conn.execute(
            "SELECT n.id AS notification_id, n.attempts, c.id, c.article_slug, c.parent_id,"
            " c.author_name, c.body, c.created_at, c.status FROM notifications n"
            " JOIN comments c ON c.id = n.comment_id"
            " WHERE n.sent_at IS NULL AND n.next_attempt_at <= ? AND n.attempts < ?"
            " ORDER BY n.id LIMIT 100",
            (now.isoformat(timespec="milliseconds"), self.config.notify_max_attempts),
        ).fetchall()
        if not rows:
            return 0
        sent = 0
        smtp = None
        try:
            for row in rows:
                if row["status"] != "pending":  # already moderated: nothing to ask any more
                    self._mark_sent(conn, row, "déjà modéré avant l’envoi")
                    continue
                try:
                    if smtp is None:
                        smtp = self._connect()
                    smtp.send_message(build_message(self.config, self.site, row))
                except (OSError, smtplib.SMTPException) as error:
                    self._mark_failed(conn, row, error)
                    if smtp is not None:
                        with_quit(smtp)
                        smtp = None
                    continue
                self._mark_sent(conn, row)
                sent += 1
        finally:
            if smtp is not None:
                with_quit(smtp)
        return sent

    def _connect(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.config.smtp_host, self.config.smtp_port, timeout=20)
        if self.config.smtp_starttls:
            smtp.starttls()
        if self.config.smtp_user:
            smtp.login(self.config.smtp_user, self.config.smtp_password)
        return smtp

    @staticmethod
    def _mark_sent(conn: sqlite3.Connection, row, note: str = "") -> None:
        # The last failure, if any, stays recorded next to the success.
        conn.execute(
            "UPDATE notifications SET sent_at = ?, last_error = coalesce(nullif(?, ''), last_error)"
            " WHERE id = ?",
            (_now().isoformat(timespec="seconds"), note, row["notification_id"]),
        )

    def _mark_failed(self, conn: sqlite3.Connection, row, error: Exception) -> None:
        attempts = row["attempts"] + 1
        delay = min(
            self.config.notify_retry_base * 2 ** (attempts - 1), self.config.notify_retry_max
        )
        retry_at = _now() + timedelta(seconds=delay)
        log.warning(
            "notification for comment %s failed (attempt %d), retry in %.0f s: %s",
            row["id"],
            attempts,
            delay,
            error,
        )
        conn.execute(
            "UPDATE notifications SET attempts = ?, next_attempt_at = ?, last_error = ?"
            " WHERE id = ?",
            (
                attempts,
                retry_at.isoformat(timespec="milliseconds"),
                str(error)[:500],
                row["notification_id"],
            ),
        )


def with_quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()
