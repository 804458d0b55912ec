"""Helpers for the writing-room tests: a service over real HTTP on 127.0.0.1 with a copy of the
launch content, team accounts, and logged-in clients.

`room_config(tmp_path)` copies content/ into the temporary folder, builds it once (the site the
service serves and patches) and points the room at it; `login(url, username)` returns an httpx
client holding that account's session.
"""

import contextlib
import re
import shutil
import subprocess
from pathlib import Path

import httpx

from service.core import db
from service.team import accounts
from site_core.paths import LOGIN_PATH, MODERATION_PATH, TEAM_PATH
from tests.support.comments import make_config, running_service, spaces
from tests.support.site import ROOT

ROOM_PATH = TEAM_PATH  # the writing room's list of articles: the team area's home

PASSWORD = "une phrase de passe assez longue"


def csrf(page: httpx.Response) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)


def add_account(database: Path, username: str, roles=("redaction",), name: str = "") -> None:
    conn = db.init(database)
    try:
        accounts.create_moderator(conn, username, PASSWORD, name or username.title(), "", roles)
    finally:
        conn.close()


def login(url: str, username: str, password: str = PASSWORD, suite: str = "") -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60)
    page = client.get(LOGIN_PATH)
    response = client.post(
        LOGIN_PATH,
        data={
            "csrf": csrf(page),
            "identifiant": username,
            "mot_de_passe": password,
            "suite": suite,
        },
    )
    assert response.status_code == 303, response.text
    return client


def browser_login(
    browser, url: str, username: str, width: int = 1280, height: int = 900, **options
):
    """A Chromium context and page logged in as `username`, on the room's list of articles."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="fr-FR", **options
    )
    page = context.new_page()
    page.goto(f"{url}{LOGIN_PATH}?suite={ROOM_PATH}")
    page.fill("#identifiant", username)
    page.fill("#mot_de_passe", PASSWORD)
    page.click("button:has-text('Se connecter')")
    page.wait_for_url(f"**{ROOM_PATH}**")
    return context, page


def copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    return target


def pipeline(tmp_path: Path, public: Path, timeout: float = 600, grace: float | None = None):
    """The room's publication pipeline, without the service: a copy of content/ built with the
    production settings into `public`, its database and working folder under `tmp_path`."""
    from service.room.publishing.building import BuildPlaces
    from service.room.publishing.pipeline import GRACE, Pipeline

    places = BuildPlaces(
        ROOT / "publishconf.py",
        copy_content(tmp_path),
        tmp_path / "data" / "comments.sqlite3",
        tmp_path / "redaction",
    )
    return Pipeline(places, public, timeout, GRACE if grace is None else grace)


__all__ = [
    "LOGIN_PATH",
    "MODERATION_PATH",
    "ROOM_PATH",
    "add_account",
    "copy_content",
    "csrf",
    "pipeline",
    "login",
]


def room_config(tmp_path: Path, site_dir: Path, *, room=None, **settings):
    """Service settings whose room edits a copy of content/ with the production settings;
    `room` overrides the room's settings, the rest goes to make_config."""
    defaults = {
        "content_dir": copy_content(tmp_path),
        "build_settings": ROOT / "publishconf.py",
        "work_dir": tmp_path / "redaction",
        "content_git": "0",
    }
    return make_config(tmp_path, site_dir, room={**defaults, **(room or {})}, **settings)


def form_fields(page: httpx.Response, form_index: int = 0) -> dict[str, str]:
    """The fields a browser would send for the `form_index`-th form of `page` (the menu's
    logout form aside): inputs (checked boxes only), selects (the selected option, else the
    first), text areas (less the line break after the tag, with line ends sent as CRLF, as
    browsers do). No button."""
    from bs4 import BeautifulSoup

    forms = BeautifulSoup(page.text, "html.parser").find_all("form")
    form = [f for f in forms if "moderation-logout" not in f.get("class", [])][form_index]
    fields = {}
    for element in form.find_all(["input", "select", "textarea"]):
        name = element.get("name")
        if not name or element.name == "input" and element.get("type") in ("submit", "file"):
            continue
        if element.name == "input":
            if element.get("type") == "checkbox" and not element.has_attr("checked"):
                continue
            fields[name] = element.get("value", "")
        elif element.name == "select":
            options = element.find_all("option")
            chosen = next(
                (o for o in options if o.has_attr("selected")), options[0] if options else None
            )
            if chosen is not None:
                fields[name] = chosen.get("value", chosen.text)
        else:
            text = element.text
            text = text[1:] if text.startswith("\n") else text
            fields[name] = text.replace("\n", "\r\n")
    return fields


def editor_url(folder: str, name: str) -> str:
    return f"{ROOM_PATH}{folder}/{name}/"


def wait_job(service, job: int, timeout: float = 600) -> dict:
    """The row of publication `job` once it is done or failed."""
    import time

    from service.core import db
    from service.room.publishing import jobs

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        conn = db.connect(service.config.core.database)
        row = dict(jobs.get(conn, job))
        conn.close()
        if row["state"] in ("done", "failed"):
            return row
        time.sleep(0.05)
    raise AssertionError(f"publication {job} did not finish")


def publish_now(service, reason: str = "Première publication", timeout: float = 3600) -> dict:
    """Queue a publication of the room's site as it is, wake the publisher, wait for the end."""
    from service.core import db
    from service.room.publishing import jobs

    conn = db.connect(service.config.core.database)
    try:
        job = jobs.enqueue(conn, {"username": "essai"}, reason)
    finally:
        conn.close()
    service.parts.room.room.publishing.publisher.wake()
    return wait_job(service, job, timeout)


def new_article(client, title: str, **extra) -> dict:
    """The new-article form of the room, filled as a person would (one speaker)."""
    form = form_fields(client.get(ROOM_PATH + "nouveau"))
    form.update(
        titre=title,
        theme="Solidarité",
        chapo=f"Le chapô de « {title} ».",
        texte="## Une question ?\n\n**Awa Diallo :**{: .speaker} « Une réponse. »\n",
        **{"intervenant-1-nom": "Awa Diallo", "intervenant-1-role": "animatrice"},
    )
    form.update(extra)
    return form


def job_of(response: httpx.Response) -> int:
    assert response.status_code == 303, spaces(response.text)[:3000]
    location = response.headers["location"]
    assert location.startswith(ROOM_PATH + "publications/")
    return int(location.rsplit("/", 1)[1])


def work_text(service, relative: str) -> str | None:
    """The room's work in progress on `relative` (its latest revision): saves write no file."""
    conn = db.connect(service.config.core.database)
    try:
        row = conn.execute(
            "SELECT text FROM revisions WHERE path = ? ORDER BY number DESC LIMIT 1", (relative,)
        ).fetchone()
    finally:
        conn.close()
    return row[0] if row else None


def forget(service, relative: str) -> None:
    """An article the test created, gone from the room: its file, its revisions, its record."""
    Path(service.config.room.content_dir, relative).unlink(missing_ok=True)
    conn = db.connect(service.config.core.database)
    try:
        conn.execute("DELETE FROM revisions WHERE path = ?", (relative,))
        conn.execute("DELETE FROM room_files WHERE path = ?", (relative,))
    finally:
        conn.close()


@contextlib.contextmanager
def publishing_site(tmp_path: Path, republish: bool = False):
    """The service serving the site it publishes into `tmp_path`/public/site (first publication
    done by the room itself), with « claire » and « karim »; `republish`: comments patched into
    the built pages at once, as in production."""
    (tmp_path / "public").mkdir()
    comments = {"republish": True} if republish else None
    config = room_config(tmp_path, tmp_path / "public" / "site", comments=comments)
    add_account(config.core.database, "claire", name="Claire Martin")
    add_account(config.core.database, "karim", name="Karim Benali")
    with running_service(config, serve_site=True) as service:
        service.site.address = service.url  # links of the published site point at this server
        assert publish_now(service)["state"] == "done"
        yield service


def git_work_tree(content: Path) -> None:
    """Make `content` a git work tree with everything committed, as an operator sets up the
    room's content folder (each publication then a commit)."""
    for args in (
        ["init", "-q"],
        ["add", "."],
        ["-c", "user.name=Dev", "-c", "user.email=d@x", "commit", "-qm", "import"],
    ):
        subprocess.run(["git", "-C", str(content), *args], check=True)
