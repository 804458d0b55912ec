"""Side effects of changes, connected once by the app factory (see app.py).

Actions only change the database and return what they changed (a `Change`); whoever performs
them emits it here, and the handlers do the rest (republishing the pages, later e-mails to
people following a discussion). So no action calls a side effect by itself, and the command
line and the web pages get the same effects.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    """What an action changed: a comment (or `count` of them), and the articles whose public
    page must change."""

    comment_id: int | None
    articles: tuple[str, ...] = ()
    count: int = 1


class Hooks:
    def __init__(self):
        self._handlers: list[Callable[[Change], object]] = []
        self._in_transaction: list[Callable] = []

    def connect(self, handler: Callable[[Change], object]) -> None:
        self._handlers.append(handler)

    def connect_in_transaction(self, handler: Callable) -> None:
        """`handler(conn, change)` runs inside the action's transaction: what it writes (an
        e-mail to queue) is committed with the change, or not at all."""
        self._in_transaction.append(handler)

    def emit_in_transaction(self, conn, change: Change) -> None:
        for handler in self._in_transaction:
            handler(conn, change)

    def emit(self, change: Change) -> None:
        """Run every handler once the change is committed (never inside its transaction)."""
        for handler in self._handlers:
            handler(change)
