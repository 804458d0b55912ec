"""Nothing typed lost (issue 20): autosaves kept on the server, never a revision nor a file,
a crashed tab's every field offered back without JavaScript, and who else has a file open."""

from pathlib import Path

from service.core import db
from tests.support.comments import spaces
from tests.support.room import (
    ROOM_PATH,
    editor_url,
    form_fields,
    login,
    new_article,
    publish_now,
    work_text,
)

ARTICLE = "territorialisation-se-concretise"
RELATIVE = f"articles/{ARTICLE}.md"


def autosave_rows(service, path: str) -> list:
    conn = db.connect(service.config.core.database)
    try:
        return conn.execute(
            "SELECT username, base, fields FROM autosaves WHERE path = ? AND fields IS NOT NULL",
            (path,),
        ).fetchall()
    finally:
        conn.close()


def revision_count(service, path: str) -> int:
    conn = db.connect(service.config.core.database)
    try:
        return conn.execute("SELECT count(*) FROM revisions WHERE path = ?", (path,)).fetchone()[0]
    finally:
        conn.close()


def typed(fields: dict) -> dict:
    """Every field of the form changed as a person would, people and their roles included."""
    return {
        **fields,
        "titre": "Un titre tapé puis perdu",
        "date": "2031-05-06",
        "heure": "14:45",
        "theme": "Solidarité",
        "mots_cles": "relais, accueil",
        "date_estimee": "Une date estimée, tapée.",
        "chapo": "Un chapô tapé avant la panne.",
        "commentaires_fermes": "1",
        "intervenants": "2",
        "intervenant-1-nom": "Awa Diallo",
        "intervenant-1-role": "animatrice du relais",
        "intervenant-1-portrait": "/images/awa-diallo.jpg",
        "intervenant-2-nom": "Marc Petit",
        "intervenant-2-role": "directeur de la crèche",
        "intervenant-2-portrait": "",
        "texte": "## Une question tapée ?\r\n\r\nUne réponse tapée.\r\n",
    }


def test_an_autosave_is_kept_but_never_in_the_file_nor_the_revisions(room):
    url = editor_url("articles", ARTICLE)
    path = Path(room.config.room.content_dir, RELATIVE)
    client = login(room.url, "claire")
    fields = typed(form_fields(client.get(url)))  # the file's « origine » recorded
    before, count = path.read_bytes(), revision_count(room, RELATIVE)
    answer = client.post(url + "brouillon", data=fields)
    assert answer.status_code == 200, answer.text
    assert spaces(answer.json()["message"]).startswith("Brouillon enregistré à ")
    assert path.read_bytes() == before
    assert revision_count(room, RELATIVE) == count
    assert "Un chapô tapé avant la panne." not in (work_text(room, RELATIVE) or "")
    [row] = autosave_rows(room, RELATIVE)
    assert row["username"] == "claire" and "Un chapô tapé avant la panne." in row["fields"]
    client.post(url + "brouillon/ignorer", data={"csrf": fields["csrf"]})


def test_a_crashed_tab_is_restored_with_every_field_without_javascript(room):
    url = editor_url("articles", ARTICLE)
    client = login(room.url, "claire")
    fields = typed(form_fields(client.get(url)))
    assert client.post(url + "brouillon", data=fields).status_code == 200
    page = client.get(url)  # the tab crashed; the editor is opened again
    assert "Reprendre le brouillon du" in spaces(page.text)
    assert "(non enregistré)" in spaces(page.text)
    restored = client.get(url + "?brouillon=reprendre")
    shown = form_fields(restored)
    for name in (
        "titre", "date", "heure", "theme", "mots_cles", "date_estimee", "chapo",
        "commentaires_fermes", "intervenants", "intervenant-1-nom", "intervenant-1-role",
        "intervenant-1-portrait", "intervenant-2-nom", "intervenant-2-role", "texte",
    ):  # fmt: skip
        assert shown.get(name) == fields[name], name
    # Saved: the autosave is gone, and the page offers nothing any more.
    shown["intervenant-1-portrait"] = ""  # no such image in the library: the build would refuse
    saved = client.post(url, data={**shown, "action": "enregistrer"})
    assert saved.status_code == 303, spaces(saved.text)
    assert autosave_rows(room, RELATIVE) == []
    assert "Reprendre le brouillon" not in client.get(url).text
    assert "Un chapô tapé avant la panne." in work_text(room, RELATIVE)


def test_ignore_forgets_the_autosave(room):
    url = editor_url("pages", "a-propos")
    client = login(room.url, "karim")
    fields = form_fields(client.get(url))
    client.post(url + "brouillon", data={**fields, "chapo": "Tapé puis ignoré."})
    offered = form_fields(client.get(url), 0)  # the offer's « Ignorer » form comes first
    ignored = client.post(url + "brouillon/ignorer", data=offered)
    assert ignored.status_code == 303 and ignored.headers["location"] == url
    assert autosave_rows(room, "pages/a-propos.md") == []
    assert "Reprendre le brouillon" not in client.get(url).text


def test_a_new_article_never_saved_is_offered_back_with_its_key(room):
    client = login(room.url, "karim")
    fields = form_fields(client.get(ROOM_PATH + "nouveau"))
    key = fields["cle"]
    fields.update(
        titre="Un nouvel article jamais enregistré", chapo="Son chapô.", date="2031-01-02"
    )
    assert client.post(ROOM_PATH + "nouveau/brouillon", data=fields).status_code == 200
    offer = client.get(ROOM_PATH + "nouveau")
    assert "Reprendre le brouillon du" in spaces(offer.text)
    shown = form_fields(client.get(ROOM_PATH + "nouveau?brouillon=reprendre"))
    assert shown["titre"] == "Un nouvel article jamais enregistré"
    assert shown["cle"] == key  # later autosaves go on in the same place
    assert shown["date"] == "2031-01-02"
    assert shown["date_auto"] == fields["date_auto"]  # the date chosen stays chosen
    assert autosave_rows(room, f"nouveau/{key}") != []
    client.post(ROOM_PATH + "nouveau/brouillon/ignorer", data={"csrf": fields["csrf"]})
    assert autosave_rows(room, f"nouveau/{key}") == []


def test_a_body_too_large_is_refused_in_french_and_not_kept(room):
    url = editor_url("pages", "mentions-legales")
    client = login(room.url, "claire")
    fields = form_fields(client.get(url))
    answer = client.post(url + "brouillon", data={**fields, "texte": "é" * 600_000})
    assert answer.status_code == 413
    assert "Texte trop long pour le brouillon automatique" in answer.json()["erreur"]
    assert autosave_rows(room, "pages/mentions-legales.md") == []


def test_presence_is_shown_to_others_not_oneself_and_ends_after_the_window(room):
    url = editor_url("articles", "30-ans-caf-essonne")
    claire, karim = login(room.url, "claire"), login(room.url, "karim")
    karim_form = form_fields(karim.get(url))
    pinged = karim.post(url + "brouillon", data={"csrf": karim_form["csrf"], "ping": "1"})
    assert pinged.status_code == 200 and "message" not in pinged.json()
    seen = spaces(claire.get(url).text)
    assert "Karim Benali modifie cet article depuis " in seen
    again = karim.post(url + "brouillon", data={"csrf": karim_form["csrf"], "ping": "1"})
    assert "Claire Martin modifie cet article depuis " in spaces(again.json()["presence"])
    assert "Karim Benali modifie" not in spaces(karim.get(url).text)
    conn = db.connect(room.config.core.database)
    conn.execute(
        "UPDATE autosaves SET seen_at = '2020-01-01T00:00:00+00:00' WHERE username = 'karim'"
    )
    conn.close()
    assert "Karim Benali modifie" not in spaces(claire.get(url).text)


def test_saving_a_new_article_forgets_its_autosave(room):
    client = login(room.url, "claire")
    fields = new_article(client, "Un article enregistré après son brouillon")
    key = fields["cle"]
    assert client.post(ROOM_PATH + "nouveau/brouillon", data=fields).status_code == 200
    assert autosave_rows(room, f"nouveau/{key}") != []
    saved = client.post(ROOM_PATH + "nouveau", data={**fields, "action": "enregistrer"})
    assert saved.status_code == 303, spaces(saved.text)[:2000]
    assert autosave_rows(room, f"nouveau/{key}") == []
    assert "Reprendre le brouillon" not in client.get(ROOM_PATH + "nouveau").text


def test_an_autosave_is_never_in_a_publication(site):
    url = editor_url("articles", ARTICLE)
    client = login(site.url, "claire")
    fields = form_fields(client.get(url))
    chapo = "Un chapô seulement tapé, jamais enregistré."
    assert client.post(url + "brouillon", data={**fields, "chapo": chapo}).status_code == 200
    assert publish_now(site)["state"] == "done"
    built = Path(site.config.core.site_dir)
    pages = [page for page in built.rglob("*.html") if ARTICLE in page.as_posix()]
    assert pages  # the article was built
    assert not any(chapo in page.read_text(encoding="utf-8") for page in built.rglob("*.*ml"))


def test_a_new_page_never_saved_comes_back_as_a_page(room):
    client = login(room.url, "claire")
    fields = form_fields(client.get(ROOM_PATH + "nouveau?type=page"))
    fields.update(titre="Une page jamais enregistrée", texte="Son texte.")
    assert client.post(ROOM_PATH + "nouveau/brouillon", data=fields).status_code == 200
    offer = client.get(ROOM_PATH + "nouveau")
    assert 'href="/redaction/nouveau?type=page&amp;brouillon=reprendre"' in offer.text
    restored = client.get(ROOM_PATH + "nouveau?type=page&brouillon=reprendre")
    assert form_fields(restored)["titre"] == "Une page jamais enregistrée"
    assert 'id="theme"' not in restored.text
    client.post(ROOM_PATH + "nouveau/brouillon/ignorer", data={"csrf": fields["csrf"]})
