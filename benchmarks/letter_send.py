"""The lettre's send: 10,000 confirmed subscribers, one new article, every e-mail handed to a
local SMTP server; time, rate, memory, and the exactly-once window.

1. Throughput (`--repeat` runs, medians quoted): a fresh database with N confirmed subscribers
   (every thème, each publication), a site whose new manifest has one new article, and the
   service's sender (service.lettre.sender.Sender) run in this process for one round:
   announce (the lettre and N outbox rows in one transaction), then compose and send every
   row over one SMTP connection, committing each « sent » after its 250. The server is
   aiosmtpd (tests/support/mail/smtp_sink.py) in its own process. Reported: the round's wall time,
   e-mails per second, the time to the first message (announce + enqueue), the resident memory
   the round added (sampled every 10 ms), and the only span in which a crash loses a message
   (delivery.py): from the « handed over » commit returning to the final "." written; the
   sum of those spans over the send's time is the chance that a kill -9 at a random moment
   loses one message. `--sizes 10000,40000` shows memory does not grow with N.
2. Crash runs (`--kill-runs`): the service as a process (`python -m service`),
   `kill -9` once 30 % of the N messages were received, a restart, and per subscriber the
   copies the server got (tests/support/letter_crash.py, like the kill -9 test): missing ones,
   and duplicates (same Message-ID or not).

    .venv/bin/python -m benchmarks.letter_send [--sizes 10000] [--repeat 3] [--kill-runs 5]
"""

import argparse
import os
import smtplib
import statistics
import tempfile
import threading
import time
from pathlib import Path

from service.comments import store
from service.core import db
from service.core.settings import CoreSettings
from service.core.site import Site
from service.lettre import outbox
from service.lettre.sender import Sender
from service.lettre.settings import LettreSettings
from tests.support.letter_crash import SECRET, crash_and_restart, duplicate_kinds, seed, start_sink
from tests.support.lettre import BACK_CATALOGUE, PUBLIC, article, write_letter_site

ROOT = Path(__file__).resolve().parent.parent

PAGE = os.sysconf("SC_PAGE_SIZE")


def resident() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


class PeakMemory:
    """The largest resident size seen while the block runs, sampled every 10 ms."""

    def __enter__(self):
        self.start = self.peak = resident()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._done.wait(0.01):
            self.peak = max(self.peak, resident())

    def __exit__(self, *exc):
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, resident())


class Window:
    """Per message, the only span in which a crash loses it (delivery.py, outbox.py): from
    the « handed over » commit returning to the final "." written to the socket."""

    def __init__(self):
        self.samples: list[float] = []
        self.first_sent: float | None = None
        self._handed_at = 0.0
        self._send, self._mark_handed = smtplib.SMTP.send, outbox.mark_handed

    def __enter__(self):
        window = self

        def mark_handed(*args, **kwargs):
            window._mark_handed(*args, **kwargs)
            window._handed_at = time.perf_counter()

        def send(smtp, data):
            window._send(smtp, data)
            if data == b".\r\n":
                now = time.perf_counter()
                window.samples.append(now - window._handed_at)
                window.first_sent = window.first_sent or now

        smtplib.SMTP.send, outbox.mark_handed = send, mark_handed
        return self

    def __exit__(self, *exc):
        smtplib.SMTP.send, outbox.mark_handed = self._send, self._mark_handed


def one_send(tmp: Path, subscribers: int) -> dict:
    sink, port, mailbox = start_sink(tmp)
    try:
        site_dir = write_letter_site(tmp / "site")
        config = CoreSettings(
            database=tmp / "comments.sqlite3",
            site_dir=site_dir,
            secret_key=SECRET,
            site_url=PUBLIC,
            smtp_host="127.0.0.1",
            smtp_port=port,
        )
        db.init(config.database).close()
        sender = Sender(LettreSettings(rate=0), config, Site(site_dir, PUBLIC), store.snapshot)
        conn = sender.connect()
        sender.send_round(conn)  # the first run records the back catalogue
        seed(config.database, subscribers)
        write_letter_site(site_dir, [*BACK_CATALOGUE, article("nouvelle", days_ago=0.01)])
        with PeakMemory() as memory, Window() as window:
            started = time.perf_counter()
            report = sender.send_round(conn)
            elapsed = time.perf_counter() - started
        conn.close()
        deadline = time.monotonic() + 10
        while mailbox.count() < subscribers and time.monotonic() < deadline:
            time.sleep(0.05)
        received = mailbox.count()
    finally:
        sink.terminate()
        sink.wait(10)
    samples = sorted(window.samples)
    return {
        "sent": report.sent,
        "received": received,
        "seconds": elapsed,
        "rate": report.sent / elapsed,
        "first": window.first_sent - started,
        "memory_mb": (memory.peak - memory.start) / 2**20,
        "window_p50_us": samples[len(samples) // 2] * 1e6,
        "window_p99_us": samples[int(len(samples) * 0.99)] * 1e6,
        "window_share": sum(samples) / elapsed,
        "cycle_us": elapsed / max(report.sent, 1) * 1e6,
    }


def median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000", help="numbers of subscribers, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--kill-runs", type=int, default=5)
    parser.add_argument("--kill-size", type=int, default=10_000)
    args = parser.parse_args()
    for size in (int(n) for n in args.sizes.split(",")):
        runs = []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                runs.append(one_send(Path(tmp), size))
        assert all(run["received"] == size == run["sent"] for run in runs), runs
        print(
            f"{size} subscribers, {args.repeat} runs (medians): {median(runs, 'seconds'):.2f} s, "
            f"{median(runs, 'rate'):.0f} e-mails/s, first e-mail after "
            f"{median(runs, 'first') * 1000:.0f} ms, memory +{median(runs, 'memory_mb'):.1f} MiB; "
            f"per message {median(runs, 'cycle_us'):.0f} µs"
        )
        print(
            f"  « handed over » committed → final « . » written: p50 "
            f"{median(runs, 'window_p50_us'):.1f} µs, p99 {median(runs, 'window_p99_us'):.1f} µs;"
            f" {median(runs, 'window_share'):.3%} of the send's time: the chance that a kill -9"
            " at a random moment loses one message (none can go twice)"
        )
        print(f"  runs: {[round(run['rate']) for run in runs]} e-mails/s")
    if args.kill_runs:
        missing = duplicates = 0
        kinds = {}
        for run in range(args.kill_runs):
            with tempfile.TemporaryDirectory() as tmp:
                result = crash_and_restart(
                    Path(tmp), args.kill_size, kill_after=int(args.kill_size * 0.3)
                )
            missing += len(result.missing)
            duplicates += len(result.duplicated)
            for kind, count in duplicate_kinds(result).items():
                kinds[kind] = kinds.get(kind, 0) + count
            print(
                f"  kill -9 run {run + 1}: killed after {result.at_kill} received; "
                f"missing {len(result.missing)}, duplicated {len(result.duplicated)}, "
                f"handed over when killed {len(result.unconfirmed)}"
            )
        print(
            f"kill -9 during the send of {args.kill_size}, {args.kill_runs} runs: "
            f"{missing} missing, {duplicates} duplicated {kinds or ''}"
        )


if __name__ == "__main__":
    main()
