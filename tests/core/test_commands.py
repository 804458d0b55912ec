"""The command line as an operator meets it: a new machine (no database yet), no terminal (a
cron job, a script): French answers and an exit status, never a traceback (issue 19 items 13
and 16)."""

from pathlib import Path

from tests.support.comments import make_config, run_command


def command(tmp_path: Path, *argv: str, stdin: str | None = None):
    return run_command(make_config(tmp_path, tmp_path / "site"), *argv, stdin=stdin)


def test_issue19_item16_create_moderator_on_a_new_database(tmp_path):
    done = command(
        tmp_path,
        "create-moderator",
        "alice",
        "--roles",
        "redaction",
        "--mot-de-passe-stdin",
        stdin="une phrase de passe assez longue\n",
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "« alice »" in done.stdout


def test_issue19_item13_erase_without_a_terminal_asks_for_oui(tmp_path):
    refused = command(tmp_path, "erase", "personne@exemple.fr")
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr and "--oui" in refused.stderr
    assert "Rien n’a été effacé" in refused.stderr


def test_create_moderator_without_a_terminal_asks_for_the_stdin_option(tmp_path):
    refused = command(tmp_path, "create-moderator", "bruno")
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr and "--mot-de-passe-stdin" in refused.stderr
