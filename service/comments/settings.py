"""The comments' settings (COMMENTS_* environment variables): spam and flood rules, the
moderators' e-mails, republishing after moderation."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from service.core.forms import MAX_FORM_BYTES
from service.core.settings import Environment

PREFIX = "COMMENTS_"
DEFAULT_SPAM_WORDS = [
    "viagra",
    "cialis",
    "casino",
    "crypto-monnaie",
    "bitcoin",
    "prêt rapide",
    "forex",
    "escort",
    "payday loan",
    "seo services",
]


@dataclass(frozen=True)
class CommentsSettings:
    moderator_emails: list[str] = field(default_factory=list)
    # A post sooner than this after the reader started writing goes to the spam queue.
    min_fill_seconds: float = 3
    # Flood limits per SERVICE_FLOOD_WINDOW seconds (0 disables a limit, for benchmarks). Beyond
    # the per-address and per-reader counts of accepted comments, comments go to the spam queue
    # (a town hall's staff share one address); beyond `flood_ip_hard` posts of any kind from
    # one address, or `flood_email_count` from one e-mail address, posts are refused (429).
    flood_ip_count: int = 20
    flood_client_count: int = 5
    flood_email_count: int = 5
    flood_ip_hard: int = 300
    spam_words: list[str] = field(default_factory=lambda: list(DEFAULT_SPAM_WORDS))
    max_links: int = 2
    ip_retention_days: int = 30
    # Patch the built pages after moderation (off: only the next build shows it).
    republish: bool = True
    # Request bodies above this are refused with 413 before being read.
    max_request_bytes: int = MAX_FORM_BYTES
    # Notification retries: delay doubles from the first value up to the second, then gives up
    # after the given number of attempts (the row stays, with its last error, for an operator).
    notify_retry_base: float = 30
    notify_retry_max: float = 3600
    notify_max_attempts: int = 12
    notify_poll_seconds: float = 2
    # Moderators get at most one e-mail per this many seconds, listing what arrived since the
    # last one; the first comment after a quiet period goes out at once.
    notify_interval: float = 600
    # Seconds between a moderation action and the rewrite of the search index (one rewrite for
    # a burst of approvals).
    search_refresh_delay: float = 5.0

    LOWEST = {"notify_max_attempts": 1, "notify_poll_seconds": 0.05}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "CommentsSettings":
        env = Environment(PREFIX, environ)
        words = env.words("SPAM_WORDS")  # set but empty (",") : no word at all
        settings = cls(
            moderator_emails=env.words("MODERATOR_EMAILS") or [],
            spam_words=list(DEFAULT_SPAM_WORDS) if words is None else words,
            republish=env.flag("REPUBLISH", True),
        )
        return env.numbers(settings)
