"""The library deletes a picture nothing mentions: no content file, no revision of any text
(online, in progress or past); refused in French otherwise, and only once confirmed."""

import io
from pathlib import Path

from PIL import Image

from tests.support.comments import spaces
from tests.support.room import ROOM_PATH, csrf, form_fields, login, new_article

LIBRARY = ROOM_PATH + "images/"


def send(client, filename: str, colour) -> None:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(out, "JPEG")
    sent = client.post(
        LIBRARY,
        data={"csrf": csrf(client.get(LIBRARY))},
        files={"image_fichier": (filename, out.getvalue(), "image/jpeg")},
    )
    assert f"ajoutee={filename}" in sent.headers["location"]


def delete(client, name: str, **extra):
    return client.post(
        LIBRARY + "supprimer", data={"csrf": csrf(client.get(LIBRARY)), "image": name, **extra}
    )


def test_only_a_picture_nothing_mentions_is_deleted_after_confirmation(room):
    client = login(room.url, "claire")
    images = Path(room.config.room.content_dir, "images")
    send(client, "libre.jpg", (10, 200, 90))
    send(client, "passee.jpg", (200, 10, 90))
    # Written into an article, then taken out: only a past revision mentions it.
    form = new_article(client, "Une image passée", texte="![Un mur](/images/passee.jpg)\n")
    saved = client.post(ROOM_PATH + "nouveau", data={**form, "action": "enregistrer"})
    assert saved.is_redirect, saved.text[:2000]
    editor = client.get(saved.headers["location"].split("?")[0])
    again = {**form_fields(editor), "texte": "Plus d’image.\n", "action": "enregistrer"}
    assert client.post(editor.url, data=again).is_redirect
    library = client.get(LIBRARY).text
    assert 'name="image" value="libre.jpg"' in library
    assert 'name="image" value="passee.jpg"' not in library
    refused = delete(client, "passee.jpg", confirme="1")
    assert refused.status_code == 409
    assert "L’image « passee.jpg » n’a pas été supprimée : un article ou une page" in spaces(
        refused.text
    )
    assert (images / "passee.jpg").exists()
    asked = delete(client, "libre.jpg")
    assert asked.status_code == 200 and "Supprimer cette image ?" in spaces(asked.text)
    assert (images / "libre.jpg").exists()  # not before the confirmation
    done = delete(client, "libre.jpg", confirme="1")
    assert done.is_redirect and not (images / "libre.jpg").exists()
    shown = spaces(client.get(done.headers["location"]).text)
    assert "Image « libre.jpg » supprimée de la bibliothèque." in shown
    assert delete(client, "30-ans.jpg", confirme="1").status_code == 404
