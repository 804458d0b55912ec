"""The sender of subscription e-mails: announces, builds digests, purges, and empties the queue.

One thread in the service (like comments/notifier.Notifier), or the foreground of
`python -m service announce`. Whoever sends holds the send lock (an flock beside the
database), so one process sends at a time and rows found « sending » when it is taken belonged
to a sender that died (outbox.py explains how they are settled, exactly once).

Transactional e-mails (confirmations, replies, test sends) go before the lettre: claimed
first, and looked for between lettre messages when new mail wakes the sender (issue 19: a
confirmation waited 36.7 s behind a 2,003-message lettre).

Per message: compose (compose.py), wait for the rate limit (LETTRE_RATE per second), hand it
to the mail server on one kept-open SMTP connection, committing « handed over » just before
the final "." of DATA (delivery.py) and « sent » after the 250. The sender's connection
commits with synchronous=NORMAL: in WAL mode a commit then survives the process being killed
(it is in the OS's file cache), without an fsync per message.

What the server answers decides: 250 sent; 4xx for this address, retried later with a
doubling delay; 5xx for this address, failed and counted as a bounce (subscribers.refused),
once it is known to be the address's and not the relay's refusal of everyone
(mail/refusals.py); the server unreachable, gone, refusing our sender address, or refusing
everyone: nothing is counted against the addresses, the batch waits and the sender pauses,
backing off (doubling from LETTRE_RETRY_BASE up to LETTRE_RETRY_MAX).
"""

import contextlib
import fcntl
import logging
import smtplib
import socket
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from service.core import clock, db
from service.core.mailer import connect_smtp, with_quit
from service.core.settings import CoreSettings
from service.core.site import Site
from service.core.workers import BackgroundWorker
from service.lettre import announce, outbox, subscribers, subscriptions
from service.lettre.mail.compose import Composer
from service.lettre.mail.delivery import transmit
from service.lettre.mail.letters import Drop
from service.lettre.mail.refusals import Refusal, RefusalWatch
from service.lettre.settings import LettreSettings

log = logging.getLogger(__name__)

BATCH = 200  # rows claimed per commit
URGENT_EVERY = 25  # lettre messages between two looks for transactional mail
PURGE_EVERY = 3600.0


@contextlib.contextmanager
def send_lock(database: Path):
    """Yield True if this process may send now (no other holds the lock), else False."""
    path = Path(database).with_name(Path(database).name + ".envoi.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass
class Report:
    """What one round did (for the command line, the tests and the benchmark)."""

    held: bool = True
    letters: list[int] = field(default_factory=list)
    sent: int = 0
    dropped: int = 0
    retried: int = 0
    failed: int = 0
    server_error: str = ""


class Sender(BackgroundWorker):
    name = "letter-sender"

    def __init__(
        self,
        settings: LettreSettings,
        shared: CoreSettings,
        site: Site,
        read_comment: subscriptions.ReadComment,
        publish_letters: Callable[[list[int]], object] | None = None,
    ):
        super().__init__(shared.database, settings.poll_seconds)
        self.settings = settings
        self.shared = shared  # the database, the SMTP server, the signing key
        self.site = site
        self.composer = Composer(settings, shared, site, read_comment)
        self.publish_letters = publish_letters
        self._next_purge = 0.0
        self._next_slot = 0.0
        self._backoff = 0.0
        self._paused_until = 0.0  # clock.now() before which nothing is sent (server trouble)
        self.refusals = RefusalWatch(settings.relay_refusals)
        self._urgent = threading.Event()  # wake(): look for transactional mail between lettres
        self._since_look = 0
        self._announced: set[str] = set()  # slugs known announced (announce's pre-check)
        self._digest_seen: str | None = "?"
        self.clock = clock.utc  # tests move it to next week's digest

    def connect(self) -> sqlite3.Connection:
        """The sender's connection; the command line may run before the service ever did, so
        it creates and migrates the database if needed."""
        return db.init(self.database, durable=False)  # see the module's docstring

    def round(self, conn: sqlite3.Connection) -> float:
        self.send_round(conn, announce=self.settings.announce)
        return self.settings.poll_seconds

    def send_round(self, conn: sqlite3.Connection, *, announce: bool = True) -> Report:
        """Announce (if asked: one idempotent transaction, whoever sends), then, if no other
        process is sending (Report.held), purge (hourly) and send every due row."""
        report = Report(letters=self.announce(conn) if announce else [])
        with send_lock(self.database) as held:
            if not held:
                report.held = False
                return report
            with db.begin(conn):
                outbox.requeue_orphans(conn, clock.now())
            if time.monotonic() >= self._next_purge:
                self._next_purge = time.monotonic() + PURGE_EVERY
                with db.begin(conn):
                    subscriptions.purge_unconfirmed(conn, self.settings.purge_days)
            return self.send_due(conn, report)

    def announce(self, conn: sqlite3.Connection) -> list[int]:
        """Announce new articles and make the digest when due (announce.py). The write
        transaction is skipped while the manifest has nothing this sender has not seen
        announced and the digest's week has not changed: a round every 2 s costs no lock."""
        now = self.clock()
        settings, manifest = self.settings, self.site.manifest
        eligible = {article.slug for article in announce.eligible(manifest, now)}
        period = announce.digest_period(now, settings.digest_day, settings.digest_hour)
        if eligible <= self._announced and period == self._digest_seen:
            return []
        with db.begin(conn):
            created = announce.announce(conn, manifest, now, settings.news_days)
            digest = announce.make_digest(conn, now, settings.digest_day, settings.digest_hour)
            self._announced = announce.announced(conn)
        self._digest_seen = period
        created += [digest] if digest else []
        if self.publish_letters:
            self.publish_letters(created)
        return created

    def _pace(self) -> None:
        """Wait for the next slot of `letter_rate` messages per second."""
        if self.settings.rate <= 0:
            return
        now = time.monotonic()
        self._next_slot = max(self._next_slot, now) + 1 / self.settings.rate
        if self._next_slot - now > 1 / self.settings.rate:
            self._stop.wait(self._next_slot - now - 1 / self.settings.rate)

    def wake(self) -> None:
        """New mail queued (or a publication): what is urgent overtakes the lettre being sent."""
        self._urgent.set()
        super().wake()

    def send_due(self, conn: sqlite3.Connection, report: Report) -> Report:
        if clock.now() < self._paused_until:
            return report
        smtp = None
        pending: deque[sqlite3.Row] = deque()
        try:
            while not self._stop.is_set():
                if not pending or self._look_for_urgent(pending[0]):
                    # List mail waits while the public address is not https (compose.py).
                    skip = (*self.composer.held_kinds(), *(("lettre",) if pending else ()))
                    claimed = outbox.claim(conn, BATCH, self.clock().timestamp(), skip)
                    pending.extendleft(reversed(claimed))
                    if not pending:
                        break
                row = pending.popleft()
                try:
                    smtp = self._send_one(conn, row, smtp, report)
                except RelayRefused as refused:
                    # The relay refuses everyone: nobody is counted a failure.
                    until = self._pause(refused.reply, report)
                    outbox.put_back(conn, refused.rows, refused.reply, until)
                    outbox.release(conn, pending, until)
                    return report
                except (OSError, smtplib.SMTPException) as error:
                    # The server, not this address: nobody is counted a failure.
                    self._release(conn, [row, *pending], self._pause(str(error), report))
                    smtp = None
                    return report
            if self._stop.is_set():
                self._release(conn, pending, clock.now())
                return report
            for refusal in self.refusals.take():  # too few to tell: the addresses'
                self._charge(conn, refusal, report)
        finally:
            if smtp is not None:
                with_quit(smtp)
        return report

    def _look_for_urgent(self, row: sqlite3.Row) -> bool:
        """Whether to claim transactional e-mails before lettre `row`: when woken by new mail,
        and every URGENT_EVERY lettre messages (mail queued by another process, or by a
        comment's transaction, wakes no one)."""
        if row["kind"] != "lettre":
            return False
        self._since_look += 1
        if not self._urgent.is_set() and self._since_look < URGENT_EVERY:
            return False
        self._urgent.clear()
        self._since_look = 0
        return True

    def _pause(self, error: str, report: Report) -> float:
        """Pause all sending, the delay doubling; returns when the next try is."""
        report.server_error = error[:300]
        self._backoff = min(
            max(self._backoff * 2, self.settings.retry_base), self.settings.retry_max
        )
        log.warning("mail server failed, retry in %.0f s: %s", self._backoff, error)
        self._paused_until = clock.now() + self._backoff
        return self._paused_until

    def _release(self, conn, rows, until: float) -> None:
        """Rows not settled go back to the queue: these, and the refusals held."""
        held = [refusal.row for refusal in self.refusals.take()]
        outbox.release(conn, held, until, refused=True)
        outbox.release(conn, rows, until)

    def _send_one(self, conn, row, smtp, report: Report):
        """Compose and send `row`; returns the SMTP connection to keep using (or None)."""
        try:
            sender, recipient, data = self.composer.message(conn, row)
        except Drop as why:
            outbox.mark_dropped(conn, row["id"], str(why))
            report.dropped += 1
            return smtp
        except Exception as error:  # a bug or a bad row must not hold the queue back
            log.exception("could not compose e-mail %s", row["id"])
            self._retry(conn, row, f"erreur de composition : {error}", report)
            return smtp
        self._pace()
        if smtp is None:
            smtp = connect_smtp(self.shared, timeout=30)
            # The final "." is written on its own (delivery.py): without this, Nagle's algorithm
            # holds it until the server's delayed ACK, 40 ms per message (20 e-mails/s).
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            transmit(smtp, sender, recipient, data, lambda: outbox.mark_handed(conn, row))
        except smtplib.SMTPRecipientsRefused as error:
            code, text = error.recipients.get(recipient, (450, b""))
            self._refused(conn, row, _reply(code, text), code, report, content=False)
            return smtp if smtp.sock else None
        except smtplib.SMTPSenderRefused:
            raise  # our address or settings: a server problem, not this recipient's
        except smtplib.SMTPResponseException as error:
            code = error.smtp_code
            content = isinstance(error, smtplib.SMTPDataError) and row["kind"] == "lettre"
            self._refused(conn, row, _reply(code, error.smtp_error), code, report, content)
            return smtp if smtp.sock else None
        outbox.mark_sent(conn, row, clock.now())
        subscribers.delivered(conn, row)
        report.sent += 1
        self._backoff = 0.0
        for refusal in self.refusals.accepted():  # the relay works: those were the addresses'
            self._charge(conn, refusal, report)
        return smtp

    def _refused(self, conn, row, reply: str, code: int, report: Report, content: bool) -> None:
        """A refusal, judged by the refusal watch (raises RelayRefused when it is the relay's):
        a relay deferring everyone (4xx: its rate limit, a quota) spent every message's
        attempts one by one when each 4xx was retried at once."""
        content = content and code >= outbox.PERMANENT
        verdict = self.refusals.refused(Refusal(row, reply), content=content)
        for refusal in verdict.theirs:
            self._charge(conn, refusal, report)
        if verdict.relays:
            raise RelayRefused(reply, [refusal.row for refusal in verdict.relays])

    def _charge(self, conn, refusal: Refusal, report: Report) -> None:
        """The address's refusal: for good (5xx), the message fails and the address counts a
        bounce; a temporary one (4xx) is tried again later."""
        row = refusal.row
        if refusal.temporary:
            self._retry(conn, row, refusal.reply, report)
            return
        if subscribers.refused(conn, row, refusal.reply, clock.now(), self.settings):
            log.warning("address of subscriber %s suspended after bounces", row["subscriber_id"])
        report.failed += 1

    def _retry(self, conn, row, error: str, report: Report) -> None:
        """A temporary failure: tried again later, or failed once out of attempts."""
        if outbox.mark_retry(conn, row, error, clock.now(), self.settings):
            report.retried += 1
        else:
            report.failed += 1


class RelayRefused(Exception):
    """The relay refused everyone (mail/refusals.py): `rows` go back to the queue."""

    def __init__(self, reply: str, rows: list):
        super().__init__(reply)
        self.reply = reply
        self.rows = rows


def _reply(code: int, text) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()
