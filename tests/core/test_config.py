"""The service's settings (SERVICE_*, COMMENTS_*, LETTRE_*, REDACTION_* environment variables):
every number is read as its type, and a value the service cannot use stops it with a French
message naming the variable, never a traceback."""

import os
import subprocess
import sys
from dataclasses import fields

import pytest

from service.comments.settings import CommentsSettings
from service.core.settings import CoreSettings
from service.lettre.settings import LettreSettings
from service.room import RoomSettings
from service.settings import Settings, load

DOMAINS = {
    "SERVICE_": ("core", CoreSettings),
    "COMMENTS_": ("comments", CommentsSettings),
    "LETTRE_": ("lettre", LettreSettings),
    "REDACTION_": ("room", RoomSettings),
}


def numbers():
    """(variable, domain, field) of every number setting."""
    return [
        (prefix + f.name.upper(), domain, f)
        for prefix, (domain, settings) in DOMAINS.items()
        for f in fields(settings)
        if f.type in (int, float)
    ]


def test_every_number_reads_from_its_environment_variable(tmp_path):
    wanted = {name: 3 if f.type is int else 2.5 for name, _, f in numbers()}
    environ = {name: str(value) for name, value in wanted.items()}
    environ["SERVICE_DATABASE"] = str(tmp_path / "db.sqlite3")
    config = Settings.from_env(environ)
    read = {name: getattr(getattr(config, domain), f.name) for name, domain, f in numbers()}
    assert read == wanted
    assert "COMMENTS_NOTIFY_INTERVAL" in wanted and "LETTRE_RATE" in wanted
    assert "SERVICE_SMTP_PORT" in wanted


@pytest.mark.parametrize(
    "name, raw, message",
    [
        (
            "COMMENTS_NOTIFY_INTERVAL",
            "dix",
            "Réglage COMMENTS_NOTIFY_INTERVAL : « dix » n’est pas un nombre "
            "(décimales avec un point).",
        ),
        (
            "COMMENTS_FLOOD_IP_COUNT",
            "2.5",
            "Réglage COMMENTS_FLOOD_IP_COUNT : « 2.5 » n’est pas un nombre entier.",
        ),
        ("LETTRE_RATE", "-1", "Réglage LETTRE_RATE : « -1 » doit être entre 0 et"),
        ("LETTRE_RATE", "nan", "Réglage LETTRE_RATE : « nan » doit être entre 0 et"),
        ("LETTRE_POLL_SECONDS", "inf", "LETTRE_POLL_SECONDS : « inf » doit être entre"),
        (
            "REDACTION_SCHEDULE_POLL_SECONDS",
            "1e309",
            "« 1e309 » doit être entre 0.05 et 1000000000.",
        ),
        ("COMMENTS_NOTIFY_POLL_SECONDS", "0", "« 0 » doit être entre 0.05 et"),
        ("SERVICE_SMTP_PORT", "٣", "Réglage SERVICE_SMTP_PORT : « ٣ » n’est pas un nombre entier."),
        ("SERVICE_SMTP_PORT", "70000", "« 70000 » doit être entre 1 et 65535."),
        ("LETTRE_MAX_BOUNCES", "0", "« 0 » doit être entre 1 et"),
        ("SERVICE_FLOOD_WINDOW", "1_000", "« 1_000 » n’est pas un nombre entier."),
        ("SERVICE_FLOOD_WINDOW", "9" * 5000, "« " + "9" * 40 + "… » n’est pas un nombre entier."),
        ("LETTRE_DIGEST_DAY", "7", "LETTRE_DIGEST_DAY (0 lundi … 6 dimanche)"),
        ("LETTRE_REPLY_TO", "equipe", "Réglage LETTRE_REPLY_TO : Cette adresse e-mail n’est pas"),
        ("LETTRE_BOUNCE_ADDRESS", "a@", "Réglage LETTRE_BOUNCE_ADDRESS : Cette adresse e-mail"),
        ("LETTRE_VERP", "souvent", "LETTRE_VERP : « souvent » n’est ni oui ni non"),
        ("LETTRE_NEWS_DAYS", "-2", "Réglage LETTRE_NEWS_DAYS : « -2 » doit être entre 0 et"),
        (
            "LETTRE_ANNOUNCE",
            "peut-être",
            "LETTRE_ANNOUNCE : « peut-être » n’est ni oui ni non",
        ),
        (
            "REDACTION_CONTENT_GIT",
            "parfois",
            "REDACTION_CONTENT_GIT : « parfois » n’est ni oui ni non",
        ),
        (
            "REDACTION_PUBLISH_COPY",
            "rsync '{site}/ web:/srv",
            "REDACTION_PUBLISH_COPY : commande illisible",
        ),
    ],
)
def test_a_bad_number_is_named_in_french(tmp_path, name, raw, message):
    environ = {"SERVICE_DATABASE": str(tmp_path / "db.sqlite3"), name: raw}
    with pytest.raises(SystemExit) as stopped:
        load(environ)
    assert message in str(stopped.value)


def test_a_decimal_interval_is_accepted(tmp_path):
    """COMMENTS_NOTIFY_INTERVAL=0.5 used to stop the service (its default, 600, is an int)."""
    environ = {"SERVICE_DATABASE": str(tmp_path / "db.sqlite3"), "COMMENTS_NOTIFY_INTERVAL": "0.5"}
    assert load(environ).comments.notify_interval == 0.5


def test_the_service_stops_with_the_message_and_no_traceback(tmp_path):
    environ = {
        **os.environ,
        "SERVICE_DATABASE": str(tmp_path / "db.sqlite3"),
        "SERVICE_SITE_DIR": str(tmp_path),
        "SERVICE_SMTP_PORT": "vingt-cinq",
    }
    done = subprocess.run(
        [sys.executable, "-m", "service", "--port", "1"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "Réglage SERVICE_SMTP_PORT : « vingt-cinq » n’est pas un nombre entier." in done.stderr
    assert "Traceback" not in done.stderr


def test_yes_and_no_in_french_or_english(tmp_path):
    base = {"SERVICE_DATABASE": str(tmp_path / "db.sqlite3")}
    config = load({**base, "LETTRE_ANNOUNCE": "vrai", "COMMENTS_REPUBLISH": "Non"})
    assert config.lettre.announce is True and config.comments.republish is False
    assert load({**base, "REDACTION_CONTENT_GIT": "oui"}).room.content_git == "1"
    assert load(base).room.content_git == "auto" and load(base).lettre.announce is True
