"""The live preview: the editor's fields built unsaved into the account's preview folder, as
JSON; no revision, no file written, a stale token refused, one build per account at a time,
and never a word of it in the public site."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image

from service.room.pages.live import Latest
from tests.support.comments import wait_until
from tests.support.room import ROOM_PATH, editor_url, forget, form_fields, login, publish_now

ARTICLE = "enjeux-prioritaires-2022"
RELATIVE = f"articles/{ARTICLE}.md"


def revisions_of(service, relative: str) -> int:
    conn = service.db()
    try:
        query = "SELECT count(*) FROM revisions WHERE path = ?"
        return conn.execute(query, (relative,)).fetchone()[0]
    finally:
        conn.close()


def live_form(client, name: str = ARTICLE, **changes) -> dict[str, str]:
    form = form_fields(client.get(editor_url("articles", name)))
    form.update(changes)
    return form


def live_url(name: str = ARTICLE) -> str:
    return editor_url("articles", name) + "apercu-direct"


def test_live_preview_builds_the_form_without_a_revision_or_touching_the_file(room):
    client = login(room.url, "claire")
    path = Path(room.config.room.content_dir, RELATIVE)
    form = live_form(client)  # the room records the file as its first revision
    before, count = path.read_bytes(), revisions_of(room, RELATIVE)
    form["texte"] += "\r\n\r\nUn mot tapé en direct : zanzibarique.\r\n"
    answer = client.post(live_url(), data=form)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["ok"] is True
    assert result["url"].startswith(ROOM_PATH + "apercu/")
    assert result["url"].endswith(f"/articles/{ARTICLE}/")
    assert "zanzibarique" in client.get(result["url"]).text
    assert path.read_bytes() == before
    assert revisions_of(room, RELATIVE) == count
    # « Aperçu » afterwards builds the saved text again: the folder held the live one.
    assert client.get(editor_url("articles", ARTICLE) + "apercu").status_code == 200
    assert "zanzibarique" not in client.get(result["url"]).text


def test_a_preview_writes_no_search_index(room):
    """A third of a preview's build was Pagefind indexing a site whose frame runs no script."""
    client = login(room.url, "claire")
    assert client.post(live_url(), data=live_form(client)).json()["ok"]
    previews = room.parts.room.room.previews
    folder = previews.folder(previews.key({"username": "claire"}))
    assert (folder / "recherche" / "index.html").is_file()  # the page, without its index
    assert not (folder / "pagefind").exists()
    # The previous tree, swapped out, is removed once the answer is sent: none piles up.
    wait_until(lambda: not folder.with_name(folder.name + ".new").exists())


def test_live_preview_refuses_a_stale_csrf_token_and_builds_nothing(room):
    client = login(room.url, "karim")
    form = live_form(client, csrf="un-jeton-perime")
    form["texte"] += "\r\n\r\nPérimé : quetzalcoatlesque.\r\n"
    answer = client.post(live_url(), data=form)
    assert answer.status_code == 403
    assert "La page a expiré" in answer.json()["message"]
    folder = room.parts.room.room.previews.folder(
        room.parts.room.room.previews.key({"username": "karim"})
    )
    assert not any("quetzalcoatlesque" in p.read_text() for p in folder.rglob("*.html"))


def test_live_preview_gives_the_builds_problems_by_field(room):
    tiny = Path(room.config.room.content_dir, "images", "minuscule-direct.png")
    tiny.parent.mkdir(exist_ok=True)
    Image.new("RGB", (20, 20), "white").save(tiny)
    try:
        client = login(room.url, "claire")
        form = live_form(client, **{"intervenant-1-portrait": "/images/minuscule-direct.png"})
        answer = client.post(live_url(), data=form)
    finally:
        tiny.unlink()
    assert answer.status_code == 422, answer.text
    result = answer.json()
    assert result["ok"] is False
    assert "intervenant-1-portrait" in result["problemes"], result


def test_live_preview_coalesces_so_only_the_latest_request_waits(room):
    """While one build runs, a second request waits; a third replaces it (answered at once),
    and is built once the first is done: typing never queues builds."""
    client = login(room.url, "claire")
    form = live_form(client)
    assert client.post(live_url(), data=form).status_code == 200  # the builder warm
    live, worker = room.parts.room.room.live, room.parts.room.room.worker
    key = room.parts.room.room.previews.key({"username": "claire"})
    answers: dict[str, dict] = {}

    def send(word: str) -> None:
        changed = {**form, "texte": form["texte"] + f"\r\n\r\nMot : {word}.\r\n"}
        answers[word] = client.post(live_url(), data=changed).json()

    with worker._lock:  # the first build cannot finish before the others arrive
        first = threading.Thread(target=send, args=("premierement",))
        first.start()
        wait_until(lambda: live.latest.busy(key))
        second = threading.Thread(target=send, args=("deuxiemement",))
        second.start()
        wait_until(lambda: key in live.latest._waiting)
        waiting = live.latest._waiting[key]
        third = threading.Thread(target=send, args=("troisiemement",))
        third.start()
        second.join(10)
        assert answers["deuxiemement"] == {
            "ok": False,
            "remplace": True,
            "message": "Remplacé par une demande plus récente.",
        }
        assert live.latest._waiting[key] is not waiting
    first.join(30)
    third.join(30)
    assert answers["premierement"]["ok"] and answers["troisiemement"]["ok"]
    assert "troisiemement" in client.get(answers["troisiemement"]["url"]).text
    assert not live.latest.busy(key)


def test_latest_hands_the_turn_to_the_newest_request_only():
    async def scenario():
        latest, order = Latest(), []

        async def ask(name):
            turn = await latest.turn("k")
            order.append((name, turn))
            if turn:
                await asyncio.sleep(0.01)
                latest.done("k")

        first = asyncio.create_task(ask("a"))
        await asyncio.sleep(0)
        rest = [asyncio.create_task(ask(name)) for name in "bcd"]
        await asyncio.gather(first, *rest)
        return order, latest.busy("k")

    # A thread of its own: Playwright's sync API may keep a loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        order, busy = pool.submit(asyncio.run, scenario()).result(10)
    assert order == [("a", True), ("b", False), ("c", False), ("d", True)]
    assert not busy


def test_a_live_preview_never_reaches_the_public_site(site):
    client = login(site.url, "claire")
    name = "bilan-conventions-territoriales-globales"
    form = live_form(client, name)
    form["chapo"] = "Chapô jamais enregistré : ornithorynquesque."
    form["texte"] += "\r\n\r\nTexte jamais enregistré : ornithorynquesque.\r\n"
    result = client.post(live_url(name), data=form).json()
    assert result["ok"], result
    assert "ornithorynquesque" in client.get(result["url"]).text
    assert publish_now(site, "Après un aperçu en direct")["state"] == "done"
    public = Path(site.config.core.site_dir)
    assert (public / "articles" / name / "index.html").is_file()
    built = [p for p in public.rglob("*") if p.is_file() and b"ornithorynquesque" in p.read_bytes()]
    assert built == [], built


def test_live_preview_links_to_a_neighbour_published_while_typing(room):
    """The neighbours are kept between keystrokes (costly at 1,000 articles), but asked again
    once a file of the folder changed."""
    client = login(room.url, "claire")
    form = live_form(client)
    first = client.post(live_url(), data=form).json()
    link = "/articles/un-voisin-tout-neuf/"
    assert link not in client.get(first["url"]).text
    content = Path(room.config.room.content_dir)
    text = (content / RELATIVE).read_text(encoding="utf-8")
    newer = text.replace("Les enjeux prioritaires de 2022", "Un voisin tout neuf", 1)
    newer = newer.replace("Date: 2022-01-10 09:00", "Date: 2022-01-10 10:00", 1)
    newer = newer.replace(f"Slug: {ARTICLE}", "Slug: un-voisin-tout-neuf", 1)
    staged = content / "articles" / ".un-voisin-tout-neuf.tmp"
    staged.write_text(newer, encoding="utf-8")
    staged.replace(content / "articles" / "un-voisin-tout-neuf.md")  # as the room writes
    try:
        second = client.post(live_url(), data=form).json()
        assert link in client.get(second["url"]).text
    finally:
        forget(room, "articles/un-voisin-tout-neuf.md")
