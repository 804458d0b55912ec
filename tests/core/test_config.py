"""The service's settings (COMMENTS_* environment variables): every number is read as its type,
and a value the service cannot use stops it with a French message naming the variable, never a
traceback."""

import os
import subprocess
import sys
from dataclasses import fields

import pytest

from service.core.config import Config, load


def numbers():
    return [f for f in fields(Config) if f.type in (int, float)]


def test_every_number_reads_from_its_environment_variable(tmp_path):
    wanted = {f.name: 3 if f.type is int else 2.5 for f in numbers()}
    environ = {f"COMMENTS_{name.upper()}": str(value) for name, value in wanted.items()}
    environ["COMMENTS_DATABASE"] = str(tmp_path / "db.sqlite3")
    config = Config.from_env(environ)
    assert {name: getattr(config, name) for name in wanted} == wanted
    assert "notify_interval" in wanted and "letter_rate" in wanted and "smtp_port" in wanted


@pytest.mark.parametrize(
    "name, raw, message",
    [
        (
            "NOTIFY_INTERVAL",
            "dix",
            "Réglage COMMENTS_NOTIFY_INTERVAL : « dix » n’est pas un nombre "
            "(décimales avec un point).",
        ),
        (
            "FLOOD_IP_COUNT",
            "2.5",
            "Réglage COMMENTS_FLOOD_IP_COUNT : « 2.5 » n’est pas un nombre entier.",
        ),
        ("LETTER_RATE", "-1", "Réglage COMMENTS_LETTER_RATE : « -1 » doit être entre 0 et"),
        ("LETTER_RATE", "nan", "Réglage COMMENTS_LETTER_RATE : « nan » doit être entre 0 et"),
        ("LETTER_POLL_SECONDS", "inf", "COMMENTS_LETTER_POLL_SECONDS : « inf » doit être entre"),
        ("SCHEDULE_POLL_SECONDS", "1e309", "« 1e309 » doit être entre 0.05 et 1000000000."),
        ("NOTIFY_POLL_SECONDS", "0", "« 0 » doit être entre 0.05 et"),
        ("SMTP_PORT", "٣", "Réglage COMMENTS_SMTP_PORT : « ٣ » n’est pas un nombre entier."),
        ("SMTP_PORT", "70000", "« 70000 » doit être entre 1 et 65535."),
        ("LETTER_MAX_BOUNCES", "0", "« 0 » doit être entre 1 et"),
        ("FLOOD_WINDOW", "1_000", "« 1_000 » n’est pas un nombre entier."),
        ("FLOOD_WINDOW", "9" * 5000, "« " + "9" * 40 + "… » n’est pas un nombre entier."),
        ("LETTER_DIGEST_DAY", "7", "COMMENTS_LETTER_DIGEST_DAY (0 lundi … 6 dimanche)"),
        (
            "SMTP_STARTTLS",
            "peut-être",
            "COMMENTS_SMTP_STARTTLS : « peut-être » n’est ni oui ni non",
        ),
        ("CONTENT_GIT", "parfois", "COMMENTS_CONTENT_GIT : « parfois » n’est ni oui ni non"),
        ("PUBLISH_COPY", "rsync '{site}/ web:/srv", "COMMENTS_PUBLISH_COPY : commande illisible"),
    ],
)
def test_a_bad_number_is_named_in_french(tmp_path, name, raw, message):
    environ = {"COMMENTS_DATABASE": str(tmp_path / "db.sqlite3"), f"COMMENTS_{name}": raw}
    with pytest.raises(SystemExit) as stopped:
        load(environ)
    assert message in str(stopped.value)


def test_a_decimal_interval_is_accepted(tmp_path):
    """COMMENTS_NOTIFY_INTERVAL=0.5 used to stop the service (its default, 600, is an int)."""
    environ = {"COMMENTS_DATABASE": str(tmp_path / "db.sqlite3"), "COMMENTS_NOTIFY_INTERVAL": "0.5"}
    assert load(environ).notify_interval == 0.5


def test_the_service_stops_with_the_message_and_no_traceback(tmp_path):
    environ = {
        **os.environ,
        "COMMENTS_DATABASE": str(tmp_path / "db.sqlite3"),
        "COMMENTS_SITE_DIR": str(tmp_path),
        "COMMENTS_SMTP_PORT": "vingt-cinq",
    }
    done = subprocess.run(
        [sys.executable, "-m", "service", "--port", "1"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "Réglage COMMENTS_SMTP_PORT : « vingt-cinq » n’est pas un nombre entier." in done.stderr
    assert "Traceback" not in done.stderr


def test_yes_and_no_in_french_or_english(tmp_path):
    base = {"COMMENTS_DATABASE": str(tmp_path / "db.sqlite3")}
    config = load({**base, "COMMENTS_SMTP_STARTTLS": "vrai", "COMMENTS_REPUBLISH": "Non"})
    assert config.smtp_starttls is True and config.republish is False
    assert load({**base, "COMMENTS_CONTENT_GIT": "oui"}).content_git == "1"
    assert load(base).content_git == "auto" and load(base).letter_announce is True
