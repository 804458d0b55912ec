"""« python -m service sante »: one line and an exit status an external monitor can use, on
the database, the sender's queue, the last publication and the disk."""

import time

from service import health
from service.app import assemble
from service.core import db
from service.lettre import outbox
from service.room.publishing import jobs
from tests.support.comments import make_config, run_command, write_site


def config(tmp_path):
    settings = make_config(tmp_path, write_site(tmp_path / "site"))
    db.init(settings.core.database).close()
    return settings


def test_a_healthy_service_says_ok_in_one_line_and_exits_0(tmp_path):
    result = run_command(config(tmp_path), "sante")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("OK : base saine ; aucun e-mail en retard")
    assert "aucune publication" in lines[0] and "% libre" in lines[0]


def test_an_email_due_for_two_hours_is_reported_and_exits_1(tmp_path):
    settings = config(tmp_path)
    with db.connection(settings.core.database) as conn:
        outbox.enqueue(conn, "essai", recipient="a@example.org", now=time.time() - 7200)
    result = run_command(settings, "sante")
    assert result.returncode == 1
    assert result.stdout.startswith("PROBLÈME : un e-mail attend depuis 120 min")


def test_an_email_just_queued_is_no_problem(tmp_path):
    settings = config(tmp_path)
    with db.connection(settings.core.database) as conn:
        outbox.enqueue(conn, "essai", recipient="a@example.org", now=time.time() - 60)
    ok, line = health.report(assemble(settings))
    assert ok and "aucun e-mail en retard" in line


def test_a_failed_publication_is_reported(tmp_path):
    settings = config(tmp_path)
    with db.connection(settings.core.database) as conn:
        job = jobs.enqueue(conn, {"username": "claire"}, "Essai")
        conn.execute("UPDATE publish_jobs SET state = 'failed' WHERE id = ?", (job,))
    ok, line = health.report(assemble(settings))
    assert not ok and line.startswith(f"PROBLÈME : publication n° {job} échouée")


def test_a_publication_running_past_its_time_limit_is_reported(tmp_path):
    settings = config(tmp_path)
    with db.connection(settings.core.database) as conn:
        job = jobs.enqueue(conn, {"username": "claire"}, "Essai")
        conn.execute(
            "UPDATE publish_jobs SET state = 'running', started_at = ? WHERE id = ?",
            ("2020-01-01T00:00:00+00:00", job),
        )
    ok, line = health.report(assemble(settings))
    assert not ok and f"publication n° {job} bloquée" in line


def test_a_nearly_full_disk_is_reported(tmp_path, monkeypatch):
    settings = config(tmp_path)
    monkeypatch.setattr(health, "DISK_MIN_BYTES", 1024**6)  # more than any disk has free
    ok, line = health.report(assemble(settings))
    assert not ok and line.startswith("PROBLÈME : disque de ")


def test_a_damaged_database_is_reported_not_a_traceback(tmp_path):
    settings = config(tmp_path)
    path = settings.core.database
    data = bytearray(path.read_bytes())
    data[4096 : 4096 * 3] = b"\xff" * (4096 * 2)  # pages 2 and 3: tables' pages
    path.write_bytes(bytes(data))
    result = run_command(settings, "sante")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout.startswith("PROBLÈME : base ")


def test_a_database_that_does_not_open_is_reported_in_french_not_a_traceback(tmp_path):
    settings = config(tmp_path)
    path = settings.core.database
    data = bytearray(path.read_bytes())
    data[:100] = bytes(100)  # the header: SQLite no longer recognises the file
    path.write_bytes(bytes(data))
    result = run_command(settings, "sante")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "base de données illisible" in result.stderr
