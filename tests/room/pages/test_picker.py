"""The editor's image picker endpoints (issue 20, deliverable 4): the library as JSON, searched
by file name, alt text and caption, paginated, with thumbnails served; an upload by `fetch`
that requires its text alternative, checked like the library's form, answered with the
Markdown-ready {src, alt, title} or a French 400 naming the field, nothing stored."""

from pathlib import Path

import httpx
from PIL import Image

from service.core import db
from tests.support.comments import spaces
from tests.support.images import bomb_png, picture_bytes
from tests.support.room import ROOM_PATH, csrf, login

LIST = ROOM_PATH + "images/choix"
SEND = ROOM_PATH + "images/envoi"
ALT_MISSING = "Texte alternatif manquant ; décrivez l’image entre les crochets"


def library_folder(room) -> Path:
    return Path(room.config.room.content_dir, "images")


def stored(room) -> set[str]:
    folder = library_folder(room)
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def image_log_lines(room) -> int:
    with db.connection(room.config.core.database, readonly=True) as conn:
        return conn.execute("SELECT COUNT(*) FROM team_log WHERE action = 'image'").fetchone()[0]


def send(client, data, filename="photo.jpg", **fields):
    token = csrf(client.get(ROOM_PATH + "images/"))
    return client.post(
        SEND,
        data={"csrf": token, **fields},
        files={"image_fichier": (filename, data, "image/jpeg")} if data is not None else None,
    )


def test_picker_upload_without_alt_is_refused_in_french_and_stores_nothing(room):
    client = login(room.url, "claire")
    before, logged = stored(room), image_log_lines(room)
    for alt in ("", "   "):
        answer = send(client, picture_bytes("navy"), "sans-alt.jpg", alt=alt, legende="Une légende")
        assert answer.status_code == 400
        assert answer.json()["field"] == "alt"
        assert answer.json()["error"].startswith(ALT_MISSING)
        assert "/images/sans-alt.jpg" in answer.json()["error"]
    assert stored(room) == before and image_log_lines(room) == logged


def test_picker_upload_answers_markdown_ready_src_alt_title(room):
    client = login(room.url, "claire")
    answer = send(
        client,
        picture_bytes("darkgreen"),
        "Fête du quartier.JPG",
        alt="Des enfants [qui] dansent",
        legende="La fête à Évry",
        credit="Caf de l’Essonne",
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "src": "/images/fete-du-quartier.jpg",
        "alt": "Des enfants (qui) dansent",
        "title": "La fête à Évry © Caf de l’Essonne",
        "name": "fete-du-quartier.jpg",
    }
    with Image.open(library_folder(room) / "fete-du-quartier.jpg") as image:
        assert image.size == (640, 400)
    thumbnail = client.get(ROOM_PATH + "images/vignette/fete-du-quartier.jpg")
    assert thumbnail.status_code == 200 and thumbnail.headers["content-type"] == "image/jpeg"


def test_picker_upload_refuses_what_the_library_form_refuses_naming_the_file_field(room):
    client = login(room.url, "claire")
    before = stored(room)
    cases = {
        "page.jpg": (b"<html><script>alert(1)</script></html>", "page.jpg"),
        "petite.jpg": (picture_bytes("red", (100, 80)), "100 × 80"),
        "bombe.png": (bomb_png(), "L’image « bombe.png » est trop grande"),
        "lourde.jpg": (b"\xff" * (20 * 1024 * 1024 + 1), "Image trop lourde (20 Mo) : 20 Mo"),
    }
    for filename, (data, said) in cases.items():
        answer = send(client, data, filename, alt="Une image")
        assert answer.status_code == 400, answer.text
        assert answer.json()["field"] == "image_fichier"
        assert said in answer.json()["error"]
    nothing = send(client, None, alt="Une image")
    assert nothing.status_code == 400 and nothing.json() == {
        "field": "image_fichier",
        "error": "Choisissez une image à envoyer.",
    }
    assert stored(room) == before


def test_picker_upload_needs_this_sessions_csrf_token(room):
    client = login(room.url, "claire")
    before = stored(room)
    answer = client.post(
        SEND,
        data={"csrf": "0" * 32, "alt": "Une image"},
        files={"image_fichier": ("jeton.jpg", picture_bytes("teal"), "image/jpeg")},
    )
    assert answer.status_code == 403 and "Formulaire expiré" in answer.text
    assert stored(room) == before


def test_picker_listing_is_for_the_team_only(room):
    anonymous = httpx.get(room.url + LIST)
    assert anonymous.status_code == 303 and "connexion" in anonymous.headers["location"]


def test_picker_listing_searches_file_names_and_recorded_alt_and_caption(room):
    client = login(room.url, "claire")
    for colour, name in (("olive", "atelier-couture.jpg"), ("maroon", "portrait-rue.jpg")):
        assert send(client, picture_bytes(colour), name, alt="Une image").status_code == 200
    article = Path(room.config.room.content_dir, "articles", "30-ans-caf-essonne.md")
    article.write_text(
        article.read_text(encoding="utf-8")
        + '\n![Marché de Noël à Étampes](/images/portrait-rue.jpg "Les bénévoles © Ville")\n',
        encoding="utf-8",
    )
    by_name = client.get(LIST, params={"q": "Couture"}).json()
    assert [i["name"] for i in by_name["images"]] == ["atelier-couture.jpg"]
    assert by_name["images"][0]["used_by"] == 0
    for words in ("benevoles", "étampes marche", "VILLE"):
        found = client.get(LIST, params={"q": words}).json()
        assert [i["name"] for i in found["images"]] == ["portrait-rue.jpg"], words
    hinted = found["images"][0]
    assert hinted["used_by"] == 1
    assert (hinted["alt"], hinted["caption"], hinted["credit"]) == (
        "Marché de Noël à Étampes",
        "Les bénévoles",
        "Ville",
    )
    assert hinted["src"] == "/images/portrait-rue.jpg"
    assert hinted["size"] == (library_folder(room) / "portrait-rue.jpg").stat().st_size
    assert client.get(hinted["thumbnail"]).headers["content-type"] == "image/jpeg"
    assert (
        client.get(hinted["url"]).content
        == (library_folder(room) / "portrait-rue.jpg").read_bytes()
    )
    assert client.get(LIST, params={"q": "couture étampes"}).json()["images"] == []
    everything = client.get(LIST).json()
    assert {"atelier-couture.jpg", "portrait-rue.jpg"} <= {i["name"] for i in everything["images"]}
    assert everything["alt_missing"].startswith(ALT_MISSING)
    assert everything["min_size"] == [320, 120]


def test_picker_listing_is_paginated(room):
    folder = library_folder(room)
    folder.mkdir(exist_ok=True)
    for number in range(30):
        Image.new("RGB", (400, 200), (number * 8, 90, 90)).save(folder / f"serie-{number}.png")
    client = login(room.url, "karim")
    first = client.get(LIST, params={"q": "serie"}).json()
    assert (first["total"], first["page"], first["pages"], len(first["images"])) == (30, 1, 2, 24)
    second = client.get(LIST, params={"q": "serie", "page": "2"}).json()
    assert (second["page"], len(second["images"])) == (2, 6)
    names = {i["name"] for i in first["images"]} | {i["name"] for i in second["images"]}
    assert names == {f"serie-{number}.png" for number in range(30)}
    for wrong in ("99", "0", "-1", "deux"):
        answer = client.get(LIST, params={"q": "serie", "page": wrong}).json()
        assert answer["page"] == (2 if wrong == "99" else 1), wrong
    # A thumbnail made on request for a file stored by other means (not an upload).
    thumbnail = client.get(first["images"][0]["thumbnail"])
    assert thumbnail.status_code == 200 and thumbnail.headers["content-type"] == "image/png"


def test_library_page_searches_without_javascript(room):
    client = login(room.url, "claire")
    assert (
        send(client, picture_bytes("orange"), "kermesse-ecole.jpg", alt="Une image").status_code
        == 200
    )
    page = client.get(ROOM_PATH + "images/", params={"q": "kermesse"})
    assert page.status_code == 200
    assert 'id="q" name="q" type="search" value="kermesse"' in page.text
    assert "kermesse-ecole.jpg" in page.text and "fete-du-quartier.jpg" not in page.text
    assert "pour « kermesse »" in spaces(page.text)
    none = client.get(ROOM_PATH + "images/", params={"q": "introuvable"})
    assert "Aucune image ne correspond à « introuvable »." in spaces(none.text)
    assert "fete-du-quartier.jpg" in client.get(ROOM_PATH + "images/").text
