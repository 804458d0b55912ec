"""The settings every domain shares (SERVICE_* environment variables), and how any domain's
settings are read: numbers within bounds, yes/no words, French messages naming the variable.

Each domain has its own frozen dataclass (comments/settings.py, lettre/settings.py, the room's
in room/__init__.py), read from its own prefix (COMMENTS_, LETTRE_, REDACTION_); service/
settings.py gathers them. Every setting has a development default so `python -m service`
works from a checkout (paths are relative to the folder it runs from); production sets at least
SERVICE_SECRET_KEY, SERVICE_SITE_DIR, SERVICE_DATABASE, the SMTP settings and
COMMENTS_MODERATOR_EMAILS. What the service knows of the site (its address, theme, articles)
comes from the build's manifest in SERVICE_SITE_DIR, never from Pelican's settings files.
"""

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from site_core.paths import DEFAULT_DATABASE

PREFIX = "SERVICE_"

# Every number is at most this (seconds: 31 years; bytes: 1 GB), so no setting can overflow a
# timer; some have their own bounds (a poll of 0 s would be a busy loop), in their class's
# LOWEST and HIGHEST, by field name.
LARGEST = 1_000_000_000
TLS_MODES = ("starttls", "implicit", "none")
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}  # a relay there: nothing crosses a network
YES, NO = {"1", "true", "yes", "oui", "vrai"}, {"0", "false", "no", "non", "faux"}


class SettingsError(ValueError):
    """A variable the service cannot use; the message names it, in French."""


def number(variable: str, raw: str, kind: type, low: float = 0, high: float = LARGEST):
    """`raw`, the value of `variable`, as a `kind` (int or float) between `low` and `high`."""
    shown = raw if len(raw) <= 40 else raw[:40] + "…"
    try:
        if not raw.isascii() or "_" in raw:
            raise ValueError(raw)
        value = kind(raw)
    except ValueError:
        what = "un nombre entier" if kind is int else "un nombre (décimales avec un point)"
        raise SettingsError(f"Réglage {variable} : « {shown} » n’est pas {what}.") from None
    if not low <= value <= high:  # also refuses nan and inf
        raise SettingsError(f"Réglage {variable} : « {shown} » doit être entre {low} et {high}.")
    return value


def flag(variable: str, raw: str, default: bool) -> bool:
    """A yes/no `variable` (oui/non, 1/0, true/false…); anything else is refused."""
    value = raw.strip().lower()
    if not value:
        return default
    if value in YES | NO:
        return value in YES
    raise SettingsError(f"Réglage {variable} : « {raw[:40]} » n’est ni oui ni non (1 ou 0).")


class Environment:
    """The variables of one prefix: `get("RATE")` is the stripped value of LETTRE_RATE."""

    def __init__(self, prefix: str, environ: Mapping[str, str] | None = None):
        self.prefix = prefix
        self.environ = os.environ if environ is None else environ

    def name(self, name: str) -> str:
        return self.prefix + name

    def get(self, name: str, default: str = "") -> str:
        return self.environ.get(self.name(name), default).strip()

    def words(self, name: str) -> list[str] | None:
        """A comma-separated list; None when the variable is not set."""
        raw = self.get(name)
        return [item.strip() for item in raw.split(",") if item.strip()] if raw else None

    def flag(self, name: str, default: bool) -> bool:
        return flag(self.name(name), self.get(name), default)

    def path(self, name: str, default: str | None = None) -> Path | None:
        """An absolute path (relative ones from the current folder); without a default, None
        when the variable is unset or empty."""
        raw = self.get(name, default or "")
        return None if default is None and not raw else Path(raw).absolute()

    def numbers(self, settings: Any) -> Any:
        """`settings` with every int or float field read from its variable, when set."""
        low, high = getattr(settings, "LOWEST", {}), getattr(settings, "HIGHEST", {})
        read = {
            field.name: number(
                self.name(field.name.upper()),
                raw,
                field.type,
                low.get(field.name, 0),
                high.get(field.name, LARGEST),
            )
            for field in fields(settings)
            if field.type in (int, float) and (raw := self.get(field.name.upper()))
        }
        return replace(settings, **read)


@dataclass(frozen=True)
class CoreSettings:
    database: Path
    site_dir: Path
    secret_key: str = ""
    # The public address for links that leave the site (e-mails, cookies); empty: the SITEURL
    # the site was built with (core.site.Site.public_url is the one place that decides).
    site_url: str = ""
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    # "starttls", "implicit" (TLS from the first byte, port 465) or "none"; empty: "none" for a
    # relay on this machine, else "starttls" (smtp_security). The relay's certificate is
    # checked against the system's authorities, or only those of `smtp_ca_file`.
    smtp_tls: str = ""
    smtp_ca_file: Path | None = None
    mail_from: str = "Commentaires Caf de l’Essonne <ne-pas-repondre@localhost>"
    # How long a form token (and its cookie) stays valid: a reader may write for hours. Both
    # forms use it (comments, the lettre's subscription).
    token_max_age: int = 86400
    # The window of every limit per network address (comments, subscription requests).
    flood_window: int = 600

    LOWEST = {"smtp_port": 1}
    HIGHEST = {"smtp_port": 65535}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "CoreSettings":
        env = Environment(PREFIX, environ)
        database = env.path("DATABASE", str(DEFAULT_DATABASE))
        settings = cls(
            database=database,
            site_dir=env.path("SITE_DIR", "output"),
            secret_key=signing_key(env.get("SECRET_KEY"), database),
            site_url=env.get("SITE_URL").rstrip("/"),
            smtp_host=env.get("SMTP_HOST", "localhost"),
            smtp_user=env.get("SMTP_USER"),
            smtp_password=env.get("SMTP_PASSWORD"),
            smtp_tls=env.get("SMTP_TLS").lower(),
            smtp_ca_file=env.path("SMTP_CA_FILE"),
            mail_from=env.get("MAIL_FROM") or cls.mail_from,
        )
        if settings.smtp_tls == "implicit":
            settings = replace(settings, smtp_port=465)  # unless SERVICE_SMTP_PORT says
        settings = env.numbers(settings)
        settings.smtp_security()
        if settings.smtp_ca_file and not settings.smtp_ca_file.is_file():
            raise SettingsError(
                f"Réglage {env.name('SMTP_CA_FILE')} : le fichier {settings.smtp_ca_file} "
                "(les autorités de certification du serveur d’envoi) est introuvable."
            )
        return settings

    def smtp_security(self) -> str:
        """How the connection to the relay is protected: "starttls", "implicit" or "none".
        Without TLS, the relay's login, its password and every e-mail cross the network in
        clear, and anyone on the way can pose as the relay: allowed only to this machine."""
        mode = self.smtp_tls or ("none" if self.smtp_host in LOCAL_HOSTS else "starttls")
        if mode not in TLS_MODES:
            raise SettingsError(
                f"Réglage {PREFIX}SMTP_TLS : « {mode[:40]} » n’est ni starttls, ni implicit "
                "(TLS dès la connexion, port 465), ni none."
            )
        if mode == "none" and self.smtp_host not in LOCAL_HOSTS:
            raise SettingsError(
                f"Réglage {PREFIX}SMTP_TLS : « none » n’est permis que pour un serveur d’envoi "
                f"sur cette machine (localhost), pas pour {self.smtp_host} : l’identifiant, le "
                "mot de passe et les e-mails passeraient en clair sur le réseau. Utilisez "
                "starttls ou implicit."
            )
        return mode


def signing_key(explicit: str, database: Path) -> str:
    """`explicit` (production: SERVICE_SECRET_KEY), else the development key kept beside the
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
