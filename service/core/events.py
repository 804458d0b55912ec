"""The service's one event bus: named events (blinker signals), one bus per assembled service.

A domain that changed something emits an event; the domains that care connected a handler in
their own `setup()`. So no domain calls another's objects, the command line and the web pages
get the same effects (both are assembled by app.py), and the list below is every side effect
there is. The bus is never module-global: tests run several services in one process.

| event | payload | emitted by | handled by |
|---|---|---|---|
| `comment-stored` | `ids` | comments (writer.py, after the commit) | comments: the notifier wakes |
| `comment-stored-in-transaction` | `conn`, `stored` | comments (writer.py) | lettre: follows |
| `comment-changed` | `change` | comments (actions.Moderation) | comments: republish, search |
| `comment-changed-in-transaction` | `conn`, `change` | comments (Moderation) | lettre: follows |
| `site-patched` | — | comments (search_refresh.py) | room: the copy to the web server |
| `site-swapped` | `stage` | room (publishing/pipeline.py) | room: the copy to the web server |
| `site-published` | `jobs` | room (publishing/pipeline.py) | lettre: the sender wakes |
| `mail-queued` | — | lettre (subscription form, test send) | lettre: the sender wakes |

The `-in-transaction` events run inside the transaction that stores or changes the comment,
on its connection: what a handler writes (the followers' e-mails) is committed with the change
or not at all, and a handler's failure rolls the change back. A handler of another domain
reads the comment on that `conn` through a reader app.py handed it (the lettre's
`read_comment`: comments/store.snapshot, a `Comment` below), never with SQL of its own.
Every other event is emitted once the change is committed. Handlers of one event run in no
set order: a domain that needs an order connects one handler that does its steps in turn
(comments: republish, then search).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from blinker import Namespace

COMMENT_STORED = "comment-stored"
COMMENT_STORED_IN_TRANSACTION = "comment-stored-in-transaction"
COMMENT_CHANGED = "comment-changed"
COMMENT_CHANGED_IN_TRANSACTION = "comment-changed-in-transaction"
SITE_PATCHED = "site-patched"
SITE_SWAPPED = "site-swapped"
SITE_PUBLISHED = "site-published"
MAIL_QUEUED = "mail-queued"

EVENTS = {
    COMMENT_STORED: "New comments are on disk (`ids`: their numbers).",
    COMMENT_STORED_IN_TRANSACTION: "New comments are being stored: `stored` is (id, NewComment)"
    " pairs, `conn` the writer's connection, in its transaction.",
    COMMENT_CHANGED: "A moderation action is committed (`change`: a Change).",
    COMMENT_CHANGED_IN_TRANSACTION: "A moderation action is being committed on `conn`.",
    SITE_PATCHED: "The service changed the public folder outside a build: pages, feed and search"
    " index are up to date after moderation.",
    SITE_SWAPPED: "A new build is the public folder; the job is not done yet. Handlers name their"
    ' step with `stage(label)` and return what went wrong, in French, or "".',
    SITE_PUBLISHED: "Publication jobs (`jobs`: their ids) are done.",
    MAIL_QUEUED: "E-mails wait in the outbox, to send now rather than at the next poll.",
}


@dataclass(frozen=True)
class Change:
    """What an action changed: a comment (or `count` of them), the articles whose public page
    must change, and the comments it deleted (a deleted comment takes its replies with it:
    what was asked with each of them, such as following the discussion, ends)."""

    comment_id: int | None
    articles: tuple[str, ...] = ()
    count: int = 1
    deleted: tuple[int, ...] = ()


@dataclass(frozen=True)
class Comment:
    """One comment as another domain may see it: what the lettre quotes, and whom it tells.
    The comments domain makes it (comments/store.snapshot); app.py hands that reader to the
    lettre's setup, which calls it on its own connection, inside the caller's transaction."""

    id: int
    article_slug: str
    parent_id: int | None
    author_name: str
    author_email: str
    body: str
    status: str
    erased: bool
    created_at: str

    @property
    def public(self) -> bool:
        return self.status == "approved" and not self.erased


class Bus:
    """The events of one assembled service (core.setup). Handlers are held for the bus's life
    (blinker's weak references would drop the closures the setups connect)."""

    def __init__(self):
        self._signals = Namespace()
        for name, doc in EVENTS.items():
            self._signals.signal(name, doc)

    def _signal(self, name: str):
        if name not in EVENTS:
            raise KeyError(f"no event named {name!r} (see core/events.py)")
        return self._signals[name]

    def connect(self, name: str, handler: Callable[..., object]) -> None:
        """Call `handler(**payload)` at each `name` event, for the life of the bus."""
        self._signal(name).connect(lambda sender, **payload: handler(**payload), weak=False)

    def emit(self, name: str, sender: object, **payload) -> list:
        """Run every handler now, in this thread; return their results. A failure propagates
        (in a transaction: the change is rolled back)."""
        return [result for _, result in self._signal(name).send(sender, **payload)]

    def handlers(self, name: str) -> list[Callable[..., object]]:
        """The handlers of `name` as `handler(**payload)`, for an emitter that runs each on its
        own terms (the publisher: one failed step does not stop the next)."""
        return [partial(receiver, None) for receiver in self._signal(name).receivers_for(None)]
