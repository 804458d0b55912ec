"""A local SMTP server that accepts everything and records, for each message, its recipient,
Message-ID and the time it accepted it on one line of a file (written before the 250, flushed
per message, so it survives its client's crash).

Run in its own process by the kill -9 test and benchmarks/letter_send.py (letter_crash.py), so
it outlives the service it receives from and does not share its CPU time slices:
`python tests/support/mail/smtp_sink.py PORT FILE`. Prints « ready » once listening.
"""

import re
import sys
import threading
import time

from aiosmtpd.controller import Controller

_MESSAGE_ID = re.compile(rb"^Message-ID: (<[^>]+>)", re.MULTILINE | re.IGNORECASE)


class Sink:
    def __init__(self, path: str):
        self.out = open(path, "a", buffering=1)  # noqa: SIM115 - kept for the process's life

    async def handle_DATA(self, server, session, envelope):
        found = _MESSAGE_ID.search(envelope.content)
        mid = found.group(1).decode() if found else "-"
        for rcpt in envelope.rcpt_tos:
            self.out.write(f"{rcpt}\t{mid}\t{time.time():.6f}\n")
        return "250 2.0.0 OK"


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Sink(path), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        threading.Event().wait()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
