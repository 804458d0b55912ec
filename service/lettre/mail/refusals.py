"""Whose problem a refusal is (5xx, or 4xx: a rate limit, a quota): the address's, or the relay's.

A relay that refuses the lettre itself (its content filter, a quota, a wrong setting) answers
550 to every recipient, or to every message: counted as bounces, a 3-second window once failed
151 messages and three such lettres suspended every subscriber (issue 19). So the sender does
not count a refusal at once; it holds it until it knows whose it is:

- the relay accepts a later message: it works, so the refusals held were the addresses';
- `streak` refusals in a row (LETTRE_RELAY_REFUSALS) of distinct addresses with the same
  reply, nothing accepted in between, or a lettre refused at DATA (every subscriber gets the
  same message): the relay's. The sender puts them back in the queue, counts nothing against
  anyone and pauses (sender.py);
- the queue runs dry first: too few to tell, the held refusals are the addresses'.

Unknown mailboxes can give the same reply several in a row too. A row put back by the relay's
refusal is tried after the rows never tried (outbox.claim); once the relay has accepted mail
since its last pause, such a row refused again is the address's at once: dead addresses
cannot pause the sender for ever.
"""

import sqlite3
from dataclasses import dataclass, field

from service.lettre import outbox


@dataclass(frozen=True)
class Refusal:
    row: sqlite3.Row  # the claimed outbox row
    reply: str  # the relay's answer, "550 5.7.1 …"

    @property
    def temporary(self) -> bool:
        """A 4xx: the address's, it is tried again; the relay's, nobody's attempt is spent."""
        return int(self.reply[:3]) < outbox.PERMANENT


@dataclass
class Verdict:
    theirs: list[Refusal] = field(default_factory=list)  # count against the addresses now
    relays: list[Refusal] = field(default_factory=list)  # the relay's: put back, pause


class RefusalWatch:
    """The sender's held refusals (one sender thread uses it)."""

    def __init__(self, streak: int):
        self.streak = streak
        self.held: list[Refusal] = []
        self.accepted_since_pause = False

    def take(self) -> list[Refusal]:
        """The held refusals, no longer held (the queue ran dry: they are the addresses')."""
        held, self.held = self.held, []
        return held

    def accepted(self) -> list[Refusal]:
        """The relay accepted a message: the refusals held were the addresses'."""
        self.accepted_since_pause = True
        return self.take()

    def refused(self, refusal: Refusal, *, content: bool) -> Verdict:
        """A refusal of `refusal.row`; `content`: the relay refused a lettre's message itself."""
        if outbox.put_back_by_relay(refusal.row) and self.accepted_since_pause:
            return Verdict(theirs=[refusal])
        if content:
            return self._relays(refusal)
        theirs = self.take() if self.held and self.held[-1].reply != refusal.reply else []
        self.held.append(refusal)
        if len({outbox.address(held.row) for held in self.held}) >= self.streak:
            return Verdict(theirs=theirs, relays=self._relays().relays)
        return Verdict(theirs=theirs)

    def _relays(self, *more: Refusal) -> Verdict:
        self.accepted_since_pause = False
        return Verdict(relays=[*self.take(), *more])
