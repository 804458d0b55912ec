"""The settings of « La lettre des partenaires » and of following a discussion (LETTRE_*
environment variables): confirmations, the subscription form's limits, the sender's pace."""

from collections.abc import Mapping
from dataclasses import dataclass

from service.core.forms import email_error
from service.core.settings import Environment, SettingsError

PREFIX = "LETTRE_"


@dataclass(frozen=True)
class LettreSettings:
    # A confirmation link is valid this many hours; unconfirmed requests are deleted after
    # `purge_days`; one mailbox (all variants of its address) gets at most one e-mail from the
    # forms per `confirm_interval` seconds, and all mailboxes together at most
    # `confirmations_per_hour` (0: no limit): the forms cannot be used to mail-bomb anyone.
    confirm_hours: float = 48.0
    purge_days: float = 7.0
    confirm_interval: float = 3600.0
    confirmations_per_hour: int = 200
    # Subscription requests from one network address per SERVICE_FLOOD_WINDOW (0: no limit); a
    # request sooner than `min_fill_seconds` after the form got its token is a robot's (the
    # footer form has one field, which a browser may fill by itself: kept short).
    ip_count: int = 20
    min_fill_seconds: float = 1.0
    # Sending: messages per second at most (0: no limit); temporary failures are retried after
    # `retry_base` seconds, doubling up to `retry_max`, `max_attempts` times; after
    # `max_bounces` permanent refusals in a row an address is suspended.
    rate: float = 50.0
    retry_base: float = 60.0
    retry_max: float = 6 * 3600.0
    max_attempts: int = 10
    max_bounces: int = 3
    # This many permanent refusals in a row, of distinct addresses, with the same reply, are
    # the relay refusing everyone: no bounce counted, the sender pauses (mail/refusals.py).
    relay_refusals: int = 5
    poll_seconds: float = 2.0
    # The weekly digest goes out on this day (0 = lundi … 6 = dimanche) from this hour, Paris.
    digest_day: int = 0
    digest_hour: int = 9
    # Only news is announced: an article dated more than `news_days` days before the round
    # that first sees it published (an import of old articles, a page back-dated by hand) is
    # recorded as announced without a lettre, nor a place in the digest.
    news_days: float = 7.0
    # Test sends from the team's page: at most this many an hour to one account's address.
    test_sends_per_hour: int = 5
    # The service announces newly published articles by itself (off: only `announce` does).
    announce: bool = True
    # Where bounces go (the envelope sender, Return-Path; the mail server pipes it to
    # `rebond`), apart from where replies go: `reply_to`, a mailbox the team reads (Reply-To;
    # empty: the team's administrators get the replies that reach the pipe). `verp`: each
    # message's bounce address carries its Message-ID's proof (rebonds+lettre.12.<tag>@…), so
    # a bounce names its message without quoting it. Empty bounce address: SERVICE_MAIL_FROM's.
    bounce_address: str = ""
    verp: bool = False
    reply_to: str = ""

    LOWEST = {
        "max_attempts": 1,
        "max_bounces": 1,
        "relay_refusals": 2,
        "test_sends_per_hour": 1,
        "poll_seconds": 0.05,
    }

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "LettreSettings":
        env = Environment(PREFIX, environ)
        addresses = {"bounce_address": env.get("BOUNCE_ADDRESS"), "reply_to": env.get("REPLY_TO")}
        for name, address in addresses.items():
            if address and (error := email_error(address)):
                raise SettingsError(f"Réglage {env.name(name.upper())} : {error}")
        settings = env.numbers(
            cls(announce=env.flag("ANNOUNCE", True), verp=env.flag("VERP", False), **addresses)
        )
        if settings.digest_day > 6 or settings.digest_hour > 23:
            raise SettingsError(
                f"Réglages {env.name('DIGEST_DAY')} (0 lundi … 6 dimanche) et "
                f"{env.name('DIGEST_HOUR')} (0 … 23) : valeur hors de ces bornes."
            )
        return settings
