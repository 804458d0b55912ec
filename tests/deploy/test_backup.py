"""The daily backup (« python -m service sauvegarde », deploy/systemd/cafessonne-sauvegarde):
taken while readers post comments, it restores into a fresh service: the database passes
SQLite's integrity check, holds every comment acknowledged before the backup started, and the
site builds again from it; the rotation keeps the last N."""

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import httpx

from service import backup
from tests.support.comments import NO_FLOOD_LIMITS, make_config, run_command, running_service
from tests.support.images import jpeg_bytes, photo
from tests.support.room import copy_content
from tests.support.site import build_site

ARTICLE = "30-ans-caf-essonne"
APPROVED = "Un commentaire approuvé avant la sauvegarde, à retrouver après."
# The posters are one address: without this, the flood counts (restored too) would refuse them.
NO_LIMITS = {key.removeprefix("COMMENTS_").lower(): 0 for key in NO_FLOOD_LIMITS}


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_a_backup_taken_under_load_restores_into_a_fresh_service(tmp_path):
    content = copy_content(tmp_path)
    (content / "images").mkdir(exist_ok=True)  # the room's image library
    library_image = jpeg_bytes(photo(1600, 900))
    (content / "images" / "photo-de-la-bibliotheque.jpg").write_bytes(library_image)
    config = make_config(
        tmp_path,
        build_site(tmp_path / "site"),
        room={"content_dir": content},
        comments=NO_LIMITS,
    )
    acknowledged, stop = [], threading.Event()
    with running_service(config) as service:

        def post(reader: int):
            client = httpx.Client(base_url=service.url, timeout=30)
            while not stop.is_set():
                form = service.form(ARTICLE, commentaire=f"Lecteur {reader}, message {time.time()}")
                if client.post("/commentaires/poster", data=form).status_code == 303:
                    acknowledged.append(time.monotonic())

        first = httpx.post(
            f"{service.url}/commentaires/poster", data=service.form(ARTICLE, commentaire=APPROVED)
        )
        assert first.status_code == 303
        assert run_command(config, "approve", "1").returncode == 0
        posters = [threading.Thread(target=post, args=(n,)) for n in range(4)]
        for thread in posters:
            thread.start()
        while len(acknowledged) < 40:
            time.sleep(0.05)
        before = len(acknowledged) + 1  # the approved one
        taken = run_command(config, "sauvegarde", str(tmp_path / "sauvegardes"))
        during = len(acknowledged) + 1 - before
        time.sleep(0.3)
        stop.set()
        for thread in posters:
            thread.join(30)
    assert taken.returncode == 0, taken.stderr
    assert during > 0, "no comment arrived while the backup ran: not a backup under load"
    (saved,) = (tmp_path / "sauvegardes").iterdir()

    # Restore into a fresh place, as deploy/README.md says: copy the two folders back.
    fresh = tmp_path / "restauration"
    shutil.copytree(saved / "content", fresh / "content")
    (fresh / "data").mkdir()
    shutil.copy(saved / backup.DATABASE_NAME, fresh / "data" / "comments.sqlite3")
    conn = sqlite3.connect(fresh / "data" / "comments.sqlite3")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        restored = conn.execute("SELECT count(*) FROM comments").fetchone()[0]
    finally:
        conn.close()
    print(f"restore: {before} acknowledged before, {during} during, {restored} restored")
    assert before <= restored <= before + during
    assert files(fresh / "content") == files(content)
    assert "images/photo-de-la-bibliotheque.jpg" in files(fresh / "content")

    site = build_site(
        fresh / "site",
        PATH=str(fresh / "content"),
        COMMENTS_DB=str(fresh / "data" / "comments.sqlite3"),
    )
    assert APPROVED in (site / "articles" / ARTICLE / "index.html").read_text(encoding="utf-8")
    again = make_config(fresh, site, room={"content_dir": fresh / "content"}, comments=NO_LIMITS)
    with running_service(again) as service:
        assert httpx.get(f"{service.url}/commentaires/lettre/verifiez").status_code == 200
        form = service.form(ARTICLE, email="apres.restauration@mairie.example")
        posted = httpx.post(f"{service.url}/commentaires/poster", data=form)
        assert posted.status_code == 303
        with service.db() as conn:
            assert conn.execute("SELECT count(*) FROM comments").fetchone()[0] == restored + 1


def test_the_rotation_keeps_the_last_n_backups(tmp_path):
    config = make_config(
        tmp_path, build_site(tmp_path / "site"), room={"content_dir": copy_content(tmp_path)}
    )
    target = tmp_path / "sauvegardes"
    (target / (backup.PARTIAL + "sauvegarde-crash")).mkdir(parents=True)  # a crashed run's
    made = []
    for _ in range(4):
        result = run_command(config, "sauvegarde", str(target), "--garder", "2")
        assert result.returncode == 0, result.stderr
        made.append(Path(result.stdout.split("dans ")[1].strip().rstrip(".")))
    assert sorted(target.iterdir()) == made[-2:]


def test_keeping_no_backup_is_refused_in_french(tmp_path):
    config = make_config(
        tmp_path, build_site(tmp_path / "site"), room={"content_dir": copy_content(tmp_path)}
    )
    result = run_command(config, "sauvegarde", str(tmp_path / "s"), "--garder", "0")
    assert result.returncode == 1 and "au moins 1 sauvegarde" in result.stderr
