"""The service's settings (COMMENTS_* environment variables): every number is read as its type,
and a value the service cannot use stops it with a French message naming the variable, never a
traceback."""

import os
import subprocess
import sys
from dataclasses import fields

import pytest

from comment_service.config import Config, load


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
        ("LETTER_RATE", "-1", "Réglage COMMENTS_LETTER_RATE : « -1 » doit être positif ou nul."),
        ("LETTER_RATE", "nan", "Réglage COMMENTS_LETTER_RATE : « nan » doit être positif ou nul."),
        ("LETTER_DIGEST_DAY", "7", "COMMENTS_LETTER_DIGEST_DAY (0 lundi … 6 dimanche)"),
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
        [sys.executable, "-m", "comment_service", "--port", "1"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "Réglage COMMENTS_SMTP_PORT : « vingt-cinq » n’est pas un nombre entier." in done.stderr
    assert "Traceback" not in done.stderr
