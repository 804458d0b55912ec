"""`invoke publish` for real: the command line a developer types, in a copy of the project
(tasks.py, the settings, the content; theme and plugins linked), into a local folder, through
the room's pipeline: each stage printed in French, the site written, the lettre announced, and
the comments and the lock those of the service's database (SERVICE_DATABASE)."""

import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from service.core import db
from tests.support.lettre import add_subscribers
from tests.support.room import copy_content
from tests.support.site import ROOT

INVOKE = Path(sys.executable).with_name("invoke")
STAGES = [
    "… construction du site",
    "… vérification",
    "… mise en ligne",
    "… index de recherche",
    "… annonce à la lettre",
]
SLUG = "enjeux-prioritaires-2022"


def project(tmp_path: Path) -> Path:
    """A copy of the project a developer publishes from; its own data/ folder stays empty."""
    site = tmp_path / "projet"
    site.mkdir()
    copy_content(site)
    for name in ("tasks.py", "pelicanconf.py", "publishconf.py"):
        shutil.copy(ROOT / name, site / name)
    for name in ("theme", "plugins"):
        (site / name).symlink_to(ROOT / name)
    return site


def invoke_publish(site: Path, target: Path, env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(INVOKE), "publish", "--target", str(target)],
        cwd=site,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def stages(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("… ")]


def approved_comment(database: Path, body: str) -> None:
    conn = db.init(database)
    with conn:
        conn.execute(
            "INSERT INTO comments (article_slug, author_name, author_email, body, status,"
            " created_at) VALUES (?, 'Léa Morel', 'lea@example.org', ?, 'approved',"
            " '2026-01-02T10:00:00+00:00')",
            (SLUG, body),
        )
    conn.close()


def new_article(site: Path, slug: str) -> None:
    (site / "content" / "articles" / f"{slug}.md").write_text(
        f"Title: Un article tout neuf\nSlug: {slug}\nDate: {datetime.now():%Y-%m-%d %H:%M}\n"
        "Category: Solidarité\nAuthors: Awa Diallo\nSummary: Le chapô tout neuf.\n"
        "Status: published\n\nLe texte.\n",
        encoding="utf-8",
    )


def test_invoke_publish_goes_through_the_pipeline_with_the_services_database(tmp_path, smtp_server):
    site, target = project(tmp_path), tmp_path / "www"
    database = tmp_path / "service" / "comments.sqlite3"  # not the project's data/ folder
    env = {
        "SERVICE_DATABASE": str(database),
        "SERVICE_SECRET_KEY": "clé du test d’invoke publish",
        "SERVICE_SITE_URL": "https://partenaires.example.fr",
        "SERVICE_SMTP_HOST": smtp_server.host,
        "SERVICE_SMTP_PORT": str(smtp_server.port),
        "LETTRE_RATE": "0",
    }
    approved_comment(database, "Un commentaire approuvé dans la base du service.")
    first = invoke_publish(site, target, env)
    assert stages(first.stdout) == STAGES
    assert f"Site publié vers {target} en " in first.stdout
    assert (target / "index.html").is_file() and (target / "pagefind").is_dir()
    page = (target / "articles" / SLUG / "index.html").read_text(encoding="utf-8")
    assert "Un commentaire approuvé dans la base du service." in page
    assert not (site / "data").exists()  # the build read no other database, locked no other

    add_subscribers(database, ["abonne@exemple.fr"])
    new_article(site, "un-article-tout-neuf")
    second = invoke_publish(site, target, env)
    assert stages(second.stdout) == STAGES
    assert (target / "articles" / "un-article-tout-neuf" / "index.html").is_file()
    assert [message["To"] for message in smtp_server.messages] == ["abonne@exemple.fr"]
    conn = db.connect(database)
    assert conn.execute("SELECT count(*) FROM letters").fetchone()[0] == 1
    conn.close()
