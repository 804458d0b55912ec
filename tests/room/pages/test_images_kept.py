"""Images never lost and stored once: a photo sent with the form refused (its text alternative
forgotten) is kept for the next post; the same picture sent twice is one file."""

import html
import io
from pathlib import Path

from PIL import Image

from tests.support.room import ROOM_PATH, csrf, editor_url, form_fields, login

URL = editor_url("articles", "30-ans-caf-essonne")


def photo(colour=(30, 120, 200)) -> bytes:
    image = Image.new("RGB", (800, 600), colour)
    image.paste((250, 250, 250), (0, 0, 200, 100))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def library_files(room) -> list[str]:
    return sorted(p.name for p in Path(room.config.room.content_dir, "images").iterdir())


def test_a_photo_sent_without_its_alt_text_is_kept_and_added_with_the_alt_alone(room):
    client = login(room.url, "claire")
    fields = {**form_fields(client.get(URL)), "action": "image", "image_alt": " "}
    refused = client.post(
        URL, data=fields, files={"image_fichier": ("Réunion équipe.jpg", photo(), "image/jpeg")}
    )
    assert refused.status_code == 400 and 'id="image_alt-erreur"' in refused.text
    assert 'name="image_gardee" value="reunion-equipe.jpg"' in refused.text
    assert ROOM_PATH + "images/vignette/reunion-equipe.jpg" in refused.text
    thumbnail = client.get(ROOM_PATH + "images/vignette/reunion-equipe.jpg")
    assert thumbnail.status_code == 200
    # The second post sends no file: the kept one's field and the alt text only.
    again = form_fields(refused)
    assert again["image_gardee"] == "reunion-equipe.jpg"
    again.pop("image_existante", None)
    again.update(action="image", image_alt="L’équipe réunie à Évry")
    added = client.post(URL, data=again)
    assert added.status_code == 200, added.text[:2000]
    text = html.unescape(added.text)
    assert "![L’équipe réunie à Évry](/images/reunion-equipe.jpg)\n</textarea>" in text


def test_the_same_picture_sent_twice_is_stored_once(room):
    client = login(room.url, "karim")
    library = ROOM_PATH + "images/"
    data = photo((200, 40, 40))
    first = client.post(
        library,
        data={"csrf": csrf(client.get(library))},
        files={"image_fichier": ("rouge.jpg", data, "image/jpeg")},
    )
    assert first.is_redirect and "ajoutee=rouge.jpg" in first.headers["location"]
    before = library_files(room)
    second = client.post(
        library,
        data={"csrf": csrf(client.get(library))},
        files={"image_fichier": ("Autre nom.jpg", data, "image/jpeg")},
    )
    assert second.is_redirect and "ajoutee=rouge.jpg" in second.headers["location"]
    # From the editor too: the text names the first file.
    fields = {**form_fields(client.get(URL)), "action": "image", "image_alt": "Un mur rouge"}
    page = client.post(URL, data=fields, files={"image_fichier": ("rouge.jpg", data, "image/jpeg")})
    assert "![Un mur rouge](/images/rouge.jpg)\n</textarea>" in html.unescape(page.text)
    assert library_files(room) == before
    # Another picture is another file.
    other = client.post(
        library,
        data={"csrf": csrf(client.get(library))},
        files={"image_fichier": ("rouge.jpg", photo((40, 200, 40)), "image/jpeg")},
    )
    assert "ajoutee=rouge-2.jpg" in other.headers["location"]


def test_a_photo_sent_with_another_button_is_kept_for_the_image_form(room):
    """The photo chosen, then « Ajouter au texte » (a paragraph) clicked instead of « Ajouter
    l’image »: the photo used to be dropped silently."""
    client = login(room.url, "karim")
    fields = {
        **form_fields(client.get(URL)),
        "action": "ajouter",
        "bloc": "paragraphe",
        "bloc_texte": "Un paragraphe de plus.",
        "image_legende": "À Évry",
    }
    photo_file = ("Autre bouton.jpg", photo((90, 90, 20)), "image/jpeg")
    page = client.post(URL, data=fields, files={"image_fichier": photo_file})
    assert page.status_code == 200 and "Un paragraphe de plus." in page.text
    assert 'name="image_gardee" value="autre-bouton.jpg"' in page.text
    again = {**form_fields(page), "action": "image", "image_alt": "Un champ"}
    assert again["image_legende"] == "À Évry"  # what was typed for it, kept too
    added = client.post(URL, data=again)
    assert '![Un champ](/images/autre-bouton.jpg "À Évry")' in html.unescape(added.text)
