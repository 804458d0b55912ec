"""The visual editor's files load on the editor page only (the room's other pages and the
public site never pay for them), and are served."""

from tests.support.room import ROOM_PATH, editor_url, login


def test_the_editor_s_script_and_styles_load_on_the_editor_page_only(room):
    client = login(room.url, "claire")
    editor = client.get(ROOM_PATH + "nouveau").text
    article = client.get(editor_url("articles", "30-ans-caf-essonne")).text
    for page in (editor, article):
        assert f'<script src="{ROOM_PATH}static/editeur.js" defer></script>' in page
        assert f'<link rel="stylesheet" href="{ROOM_PATH}static/editeur.css">' in page
    for other in (ROOM_PATH, ROOM_PATH + "images/", ROOM_PATH + "publications/"):
        assert "editeur." not in client.get(other).text, other
    for name, kind in (("editeur.js", "javascript"), ("editeur.css", "text/css")):
        served = client.get(f"{ROOM_PATH}static/{name}")
        assert served.status_code == 200 and kind in served.headers["content-type"], name
