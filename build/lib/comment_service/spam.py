"""Spam defences that need no third party: content rules and in-process flood limits.

The honeypot and the signed token are checked by the posting route; here are the rules that
mark a comment as spam (it is stored for a moderator to see, with the reason) and the sliding
windows that refuse bursts with 429.
"""

import hashlib
import hmac
import re
import time
from collections import deque

_LINK = re.compile(r"(?:https?://|www\.)\S+|<a\s", re.IGNORECASE)


def hash_ip(secret_key: str, ip: str) -> str:
    """A keyed hash: rows can be grouped by sender without the address being stored."""
    return hmac.new(secret_key.encode(), ip.encode(), hashlib.sha256).hexdigest()[:32]


def spam_reason(
    body: str, name: str, url: str, *, max_links: int, spam_words: list[str], honeypot: str = ""
) -> str:
    """Return why this comment is spam (in French, for moderators), or "" if it is not."""
    if honeypot:
        return "Champ piège rempli (robot)."
    links = len(_LINK.findall(body))
    if links > max_links:
        return f"Trop de liens : {links} (au plus {max_links})."
    text = f"{name}\n{body}\n{url}".casefold()
    for word in spam_words:
        if word and word.casefold() in text:
            return f"Mot interdit : « {word} »."
    return ""


class SlidingWindow:
    """At most `limit` events per key in any `window` seconds (limit 0 = unlimited).

    Kept in memory: after a restart the counts start again, which is acceptable for a limit.
    """

    def __init__(self, limit: int, window: float):
        self.limit = limit
        self.window = window
        self._events: dict[str, deque[float]] = {}
        self._next_sweep = 0.0

    def retry_after(self, key: str, now: float | None = None) -> float:
        """Seconds before `key` may act again; 0 if it may act now."""
        if not self.limit:
            return 0.0
        now = time.monotonic() if now is None else now
        events = self._events.get(key)
        if not events:
            return 0.0
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) < self.limit:
            return 0.0
        return events[0] + self.window - now

    def record(self, key: str, now: float | None = None) -> None:
        if not self.limit:
            return
        now = time.monotonic() if now is None else now
        self._events.setdefault(key, deque()).append(now)
        if now >= self._next_sweep:
            # Forget idle keys so memory stays proportional to recent senders.
            self._next_sweep = now + self.window
            horizon = now - self.window
            for stale in [k for k, ev in self._events.items() if ev[-1] <= horizon]:
                del self._events[stale]
