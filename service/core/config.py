"""Settings of the comment service, read from COMMENTS_* environment variables.

Every setting has a development default so `python -m service` works from a checkout
(paths are relative to the folder it runs from); production sets at least COMMENTS_SECRET_KEY,
COMMENTS_SITE_DIR, COMMENTS_DATABASE, the SMTP settings and COMMENTS_MODERATOR_EMAILS. What the
service knows of the site (its address, theme, articles) comes from the build's manifest in
COMMENTS_SITE_DIR, never from Pelican's settings files.
"""

import os
import secrets
import shlex
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path

from service.core.forms import MAX_FORM_BYTES
from site_core.paths import DEFAULT_DATABASE

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


class ConfigError(ValueError):
    """A COMMENTS_* variable the service cannot use; the message names it, in French."""


# Every number is at most this (seconds: 31 years; bytes: 1 GB), so no setting can overflow a
# timer; and some have their own floor (a poll of 0 s would be a busy loop).
LARGEST = 1_000_000_000
LOWEST = {
    "smtp_port": 1,
    "publish_timeout": 1,
    "publish_copy_timeout": 1,
    "notify_max_attempts": 1,
    "letter_max_attempts": 1,
    "letter_max_bounces": 1,
    "notify_poll_seconds": 0.05,
    "letter_poll_seconds": 0.05,
    "schedule_poll_seconds": 0.05,
}
HIGHEST = {"smtp_port": 65535}


def number(name: str, raw: str, kind: type) -> int | float:
    """`raw`, the value of COMMENTS_`name`, as a `kind` (int or float) within its bounds."""
    key, shown = name.lower(), raw if len(raw) <= 40 else raw[:40] + "…"
    try:
        if not raw.isascii() or "_" in raw:
            raise ValueError(raw)
        value = kind(raw)
    except ValueError:
        what = "un nombre entier" if kind is int else "un nombre (décimales avec un point)"
        raise ConfigError(f"Réglage COMMENTS_{name} : « {shown} » n’est pas {what}.") from None
    low, high = LOWEST.get(key, 0), HIGHEST.get(key, LARGEST)
    if not low <= value <= high:  # also refuses nan and inf
        raise ConfigError(f"Réglage COMMENTS_{name} : « {shown} » doit être entre {low} et {high}.")
    return value


YES, NO = {"1", "true", "yes", "oui", "vrai"}, {"0", "false", "no", "non", "faux"}


def flag(name: str, raw: str, default: bool) -> bool:
    """A yes/no COMMENTS_`name` (oui/non, 1/0, true/false…); anything else is refused."""
    value = raw.strip().lower()
    if not value:
        return default
    if value in YES | NO:
        return value in YES
    raise ConfigError(f"Réglage COMMENTS_{name} : « {raw[:40]} » n’est ni oui ni non (1 ou 0).")


@dataclass
class Config:
    database: Path
    site_dir: Path
    secret_key: str = ""
    # The public address for links in e-mails; empty: the SITEURL the site was built with.
    site_url: str = ""
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "Commentaires Caf de l’Essonne <ne-pas-repondre@localhost>"
    moderator_emails: list[str] = field(default_factory=list)
    # A post sooner than this after the reader started writing goes to the spam queue.
    min_fill_seconds: float = 3
    # How long a form token (and its cookie) stays valid: a reader may write for hours.
    token_max_age: int = 86400
    # Flood limits per `flood_window` seconds (0 disables a limit, for benchmarks). Beyond the
    # per-address and per-reader counts of accepted comments, comments go to the spam queue (a
    # town hall's staff share one address); beyond `flood_ip_hard` posts of any kind from one
    # address, or `flood_email_count` from one e-mail address, posts are refused (429).
    flood_window: int = 600
    flood_ip_count: int = 20
    flood_client_count: int = 5
    flood_email_count: int = 5
    flood_ip_hard: int = 300
    spam_words: list[str] = field(default_factory=lambda: list(DEFAULT_SPAM_WORDS))
    max_links: int = 2
    ip_retention_days: int = 30
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
    # Writing room (service/room): the Markdown files it edits, the settings file its
    # previews and publications build with (the production settings), its working folder
    # (previews, build cache and log; empty: "redaction" beside the database), the public
    # folder a publication replaces (empty: site_dir, the folder served and patched), whether
    # saves are committed when the content folder is a git work tree ("auto", "1", "0"), the
    # largest image upload, and how often scheduled articles are looked for.
    content_dir: Path = Path("content")
    build_settings: Path = Path("publishconf.py")
    room_dir: Path | None = None
    publish_dir: Path | None = None
    content_git: str = "auto"
    # A command that copies the public folder to the web server when that is another machine
    # ({site}: the folder; e.g. rsync …), run after publications and moderation (site_copy.py).
    publish_copy: str = ""
    # The copy holds the site lock (approvals wait): it is stopped after this many seconds.
    publish_copy_timeout: float = 600
    upload_max_bytes: int = 20 * 1024 * 1024
    schedule_poll_seconds: float = 30
    publish_timeout: float = 1800

    # Seconds between a moderation action and the rewrite of the search index (one rewrite for
    # a burst of approvals).
    search_refresh_delay: float = 5.0

    # ---- E-mail subscriptions (« La lettre des partenaires », following a discussion) ----
    # A confirmation link is valid this many hours; unconfirmed requests are deleted after
    # `letter_purge_days`; one address gets at most one confirmation e-mail per
    # `letter_confirm_interval` seconds (the form cannot be used to mail-bomb anyone).
    letter_confirm_hours: float = 48.0
    letter_purge_days: float = 7.0
    letter_confirm_interval: float = 3600.0
    # Subscription requests from one network address per `flood_window` (0: no limit); a
    # request sooner than `letter_min_fill_seconds` after the form got its token is a robot's
    # (the footer form has one field, which a browser may fill by itself: kept short).
    letter_ip_count: int = 20
    letter_min_fill_seconds: float = 1.0
    # Sending: messages per second at most (0: no limit); temporary failures are retried after
    # `letter_retry_base` seconds, doubling up to `letter_retry_max`, `letter_max_attempts`
    # times; after `letter_max_bounces` permanent refusals in a row an address is suspended.
    letter_rate: float = 50.0
    letter_retry_base: float = 60.0
    letter_retry_max: float = 6 * 3600.0
    letter_max_attempts: int = 10
    letter_max_bounces: int = 3
    letter_poll_seconds: float = 2.0
    # The weekly digest goes out on this day (0 = lundi … 6 = dimanche) from this hour, Paris.
    letter_digest_day: int = 0
    letter_digest_hour: int = 9
    # The service announces newly published articles by itself (off: only `announce` does).
    letter_announce: bool = True

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Config":
        env = os.environ if environ is None else environ

        def get(name: str, default: str = "") -> str:
            return env.get(f"COMMENTS_{name}", default).strip()

        def as_list(name: str) -> list[str] | None:
            raw = get(name)
            return [item.strip() for item in raw.split(",") if item.strip()] if raw else None

        database = Path(get("DATABASE", str(DEFAULT_DATABASE))).absolute()
        config = cls(
            database=database,
            site_dir=Path(get("SITE_DIR", "output")).absolute(),
            secret_key=signing_key(get("SECRET_KEY"), database),
            site_url=get("SITE_URL").rstrip("/"),
            smtp_host=get("SMTP_HOST", "localhost"),
            smtp_user=get("SMTP_USER"),
            smtp_password=get("SMTP_PASSWORD"),
            smtp_starttls=flag("SMTP_STARTTLS", get("SMTP_STARTTLS"), False),
            moderator_emails=as_list("MODERATOR_EMAILS") or [],
            republish=flag("REPUBLISH", get("REPUBLISH"), True),
        )
        if get("MAIL_FROM"):
            config.mail_from = get("MAIL_FROM")
        if (words := as_list("SPAM_WORDS")) is not None:
            config.spam_words = words
        for setting in fields(cls):  # every number, as its type: COMMENTS_NOTIFY_INTERVAL…
            if setting.type in (int, float) and (raw := get(setting.name.upper())):
                setattr(config, setting.name, number(setting.name.upper(), raw, setting.type))
        config.content_dir = Path(get("CONTENT_DIR", "content")).absolute()
        config.build_settings = Path(get("BUILD_SETTINGS", "publishconf.py")).absolute()
        for name in ("room_dir", "publish_dir"):
            if raw := get(name.upper()):
                setattr(config, name, Path(raw).absolute())
        git = get("CONTENT_GIT", "auto").lower()
        config.content_git = git if git == "auto" else ("1" if flag("CONTENT_GIT", git, 0) else "0")
        config.publish_copy = get("PUBLISH_COPY")
        try:
            shlex.split(config.publish_copy)
        except ValueError as error:
            raise ConfigError(
                f"Réglage COMMENTS_PUBLISH_COPY : commande illisible ({error}) : vérifiez les "
                "guillemets."
            ) from None
        config.letter_announce = flag("LETTER_ANNOUNCE", get("LETTER_ANNOUNCE"), True)
        if config.letter_digest_day > 6 or config.letter_digest_hour > 23:
            raise ConfigError(
                "Réglages COMMENTS_LETTER_DIGEST_DAY (0 lundi … 6 dimanche) et "
                "COMMENTS_LETTER_DIGEST_HOUR (0 … 23) : valeur hors de ces bornes."
            )
        return config


def load(environ: dict[str, str] | None = None) -> Config:
    """Config.from_env for the command line and the server: a bad setting ends the program
    with its French message (status 1), not a traceback."""
    try:
        return Config.from_env(environ)
    except ConfigError as error:
        sys.exit(str(error))


def signing_key(explicit: str, database: Path) -> str:
    """`explicit` (production: COMMENTS_SECRET_KEY), else the development key kept beside the
    database, generated once so tokens and sessions survive restarts."""
    if explicit:
        return explicit
    path = Path(database).parent / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    path.write_text(key + "\n")
    path.chmod(0o600)
    return key
