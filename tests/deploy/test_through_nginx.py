"""What readers and the team do, through the shipped nginx configuration and the service
started as its unit starts it: a comment posted, approved with the command line and seen on
the article; a lettre subscription confirmed from its e-mail; a 19 MB image uploaded in the
room; a reader polling while the room publishes sees no error and no half-published site."""

import io
import os
import re
import sqlite3
import threading
import time

import httpx
import pytest
from bs4 import BeautifulSoup
from PIL import Image

from service.room.publishing import jobs
from tests.support.comments import spaces, wait_until
from tests.support.lettre import text_part
from tests.support.room import ROOM_PATH, form_fields, job_of, login, new_article

pytestmark = pytest.mark.browser  # slow: builds the site, starts nginx and the service

ARTICLE = "/articles/30-ans-caf-essonne/"


def form_of(page: httpx.Response, action_end: str) -> dict[str, str]:
    """The fields a browser sends with the form of `page` whose action ends so."""
    forms = BeautifulSoup(page.text, "html.parser").find_all("form")
    forms = [f for f in forms if "moderation-logout" not in f.get("class", [])]
    index = next(i for i, f in enumerate(forms) if f.get("action", "").endswith(action_end))
    return form_fields(page, index)


def test_a_comment_posted_through_nginx_is_approved_and_seen_on_the_article(stack):
    text = "Un commentaire envoyé à travers nginx, approuvé en ligne de commande."
    reader = httpx.Client(base_url=stack.url, timeout=30)
    form = form_of(reader.get(ARTICLE), "poster")
    assert reader.get("/commentaires/jeton").status_code == 200  # what the stylesheet asks
    time.sleep(3.2)  # a person takes longer than COMMENTS_MIN_FILL_SECONDS
    form.update(nom="Claire Martin", email="claire@mairie.example", commentaire=text)
    posted = reader.post("/commentaires/poster", data=form)
    assert posted.status_code == 303, spaces(posted.text)[:2000]
    assert reader.get(posted.headers["location"]).status_code == 200
    queue = stack.command("list", "--statut", "pending")
    number = re.search(r"n° (\d+) .*Claire Martin", queue.stdout).group(1)
    approved = stack.command("approve", number)
    assert approved.returncode == 0, approved.stderr
    wait_until(lambda: text in httpx.get(stack.url + ARTICLE).text, timeout=20)


def test_a_lettre_subscription_is_confirmed_from_its_email(stack):
    email = "relais@commune.example"
    reader = httpx.Client(base_url=stack.url, timeout=30)
    form = form_of(reader.get("/"), "lettre/abonnement")
    assert reader.get("/commentaires/lettre/jeton").status_code == 200
    time.sleep(1.2)
    form["email"] = email
    asked = reader.post("/commentaires/lettre/abonnement", data=form)
    assert asked.status_code == 303 and asked.headers["location"].endswith("lettre/verifiez")
    wait_until(lambda: any(email in m.recipients for m in stack.smtp.messages), timeout=20)
    message = next(m for m in stack.smtp.messages if email in m.recipients)
    link = re.search(
        rf"{re.escape(stack.url)}/commentaires/lettre/confirmer\?t=\S+", text_part(message)
    ).group(0)
    assert httpx.get(link).status_code == 200  # a page asking for one click
    done = httpx.post(link, data={"t": link.split("?t=")[1]})
    assert done.status_code == 200 and "Demande confirmée" in spaces(done.text)


def big_png(size: int) -> bytes:
    """A PNG of noise (it does not compress) of about `size` bytes."""
    side = int((size / 3) ** 0.5)
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


def test_a_19_mb_image_is_uploaded_in_the_room(stack):
    data = big_png(19 * 1024 * 1024)
    assert 18_500_000 < len(data) < 20 * 1024 * 1024
    claire = login(stack.url, "claire")
    library = claire.get(ROOM_PATH + "images/")
    form = form_of(library, "images/")
    sent = claire.post(
        ROOM_PATH + "images/", data=form, files={"image_fichier": ("grande.png", data)}
    )
    assert sent.status_code == 303, spaces(sent.text)[:2000]
    name = sent.headers["location"].split("ajoutee=")[1]
    assert name in claire.get(ROOM_PATH + "images/").text
    print(f"upload: {len(data) / 1e6:.1f} MB through nginx")


def job_state(stack, job: int) -> str:
    conn = sqlite3.connect(stack.env["SERVICE_DATABASE"])
    conn.row_factory = sqlite3.Row
    try:
        return jobs.get(conn, job)["state"]
    finally:
        conn.close()


def test_a_reader_polling_during_a_publication_sees_no_error_and_no_mixed_site(stack):
    """Every poll: the home page whole, each article it lists online, an older article and
    the stylesheet; until the new article is online and the job done (bounded)."""
    reader = httpx.Client(base_url=stack.url, timeout=30)
    claire = login(stack.url, "claire")
    title = "Un article publié pendant la lecture"
    errors, polls, stop = [], [0], threading.Event()

    def poll():
        while not stop.is_set():
            home = reader.get("/")
            pages = [home, reader.get(ARTICLE), reader.get("/theme/css/site.css")]
            links = set(re.findall(r'href="(?:https?://[^/"]+)?(/articles/[^"#]+/)"', home.text))
            pages += [reader.get(link) for link in sorted(links)]
            for page in pages:
                html = "text/html" in page.headers.get("content-type", "")
                if page.status_code != 200 or html and "</html>" not in page.text[-200:]:
                    errors.append(f"{page.url}: {page.status_code}")
            polls[0] += 1

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        form = {**new_article(claire, title), "action": "publier"}
        job = job_of(claire.post(ROOM_PATH + "nouveau", data=form))
        deadline = time.monotonic() + 600
        while job_state(stack, job) not in ("done", "failed"):
            assert time.monotonic() < deadline, "the publication did not end"
            time.sleep(0.2)
        time.sleep(0.5)  # a few polls of the new site
    finally:
        stop.set()
        thread.join(60)
    assert job_state(stack, job) == "done"
    assert title in spaces(reader.get("/").text)
    print(f"publication: {polls[0]} polls, {len(errors)} errors")
    assert polls[0] >= 3 and errors == []
