"""The editor over real HTTP: launch files saved byte for byte, a new interview written like
the launch articles, checks next to their fields, conflicts, expired sessions, stale forms,
frozen slugs."""

from pathlib import Path

import httpx
import pytest

from service.core import db
from tests.support.comments import spaces
from tests.support.room import (
    PASSWORD,
    ROOM_PATH,
    add_account,
    editor_url,
    forget,
    form_fields,
    login,
    work_text,
)
from tests.support.site import ROOT

LAUNCH_FILES = sorted((path.parent.name, path.stem) for path in (ROOT / "content").glob("*/*.md"))


def revisions_of(service, path: str) -> list:
    conn = db.connect(service.config.core.database)
    try:
        return conn.execute(
            "SELECT number, author, kind FROM revisions WHERE path = ? ORDER BY number", (path,)
        ).fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize(("folder", "name"), LAUNCH_FILES)
def test_launch_files_open_and_save_byte_identical(room, folder, name):
    client = login(room.url, "claire")
    path = Path(room.config.room.content_dir) / folder / f"{name}.md"
    before = path.read_bytes()
    page = client.get(editor_url(folder, name))
    assert page.status_code == 200
    saved = client.post(
        editor_url(folder, name), data={**form_fields(page), "action": "enregistrer"}
    )
    assert saved.status_code == 303, spaces(saved.text)
    assert "fait=inchange" in saved.headers["location"]
    assert path.read_bytes() == before
    assert [row["kind"] for row in revisions_of(room, f"{folder}/{name}.md")] == ["origine"]


INTERVIEW = """\
Title: Rencontre avec le relais petite enfance d’Arpajon
Date: 2031-03-04 10:30
Category: Petite enfance et jeunesse
Tags: relais, petite enfance
Slug: rencontre-avec-le-relais-petite-enfance-d-arpajon
Authors: Awa Diallo, Marc Petit
Roles: animatrice du relais ; directeur de la crèche
Summary: Deux professionnels racontent leur année au relais.
Status: draft

## Que fait le relais ?

**Awa Diallo :**{: .speaker} « Il accompagne les assistantes maternelles.

Et les parents. »
"""


def test_a_new_interview_is_written_like_the_launch_articles(room):
    client = login(room.url, "claire")
    page = client.get(ROOM_PATH + "nouveau")
    fields = {
        **form_fields(page),
        "titre": "Rencontre avec le relais petite enfance d’Arpajon",
        "date": "2031-03-04",
        "heure": "10:30",
        "theme": "Petite enfance et jeunesse",
        "mots_cles": "relais, petite enfance",
        "intervenant-1-nom": "Awa Diallo",
        "intervenant-1-role": "animatrice du relais",
        "chapo": "Deux professionnels racontent\r\nleur année au relais.",
    }
    # A second speaker line, then a question and an answer, all without saving.
    page = client.post(ROOM_PATH + "nouveau", data={**fields, "action": "personne"})
    assert page.status_code == 200 and 'id="intervenant-2-nom"' in page.text
    fields = {
        **form_fields(page),
        "intervenant-2-nom": "Marc Petit",
        "intervenant-2-role": "directeur de la crèche",
    }
    blocks = [
        {"bloc": "question", "bloc_texte": "Que fait\nle relais ?"},
        {
            "bloc": "reponse",
            "bloc_intervenant": "Awa Diallo",
            "bloc_texte": "Il accompagne les assistantes maternelles.\r\n\r\nEt les parents.",
        },
    ]
    for block in blocks:
        page = client.post(ROOM_PATH + "nouveau", data={**fields, "action": "ajouter", **block})
        fields = form_fields(page)
    assert "Réponse ajoutée au texte" in spaces(page.text)
    assert not list(Path(room.config.room.content_dir, "articles").glob("rencontre-*"))
    saved = client.post(ROOM_PATH + "nouveau", data={**form_fields(page), "action": "enregistrer"})
    assert saved.status_code == 303
    assert saved.headers["location"].startswith(
        editor_url("articles", "rencontre-avec-le-relais-petite-enfance-d-arpajon")
    )
    path = Path(
        room.config.room.content_dir,
        "articles",
        "rencontre-avec-le-relais-petite-enfance-d-arpajon.md",
    )
    relative = "articles/rencontre-avec-le-relais-petite-enfance-d-arpajon.md"
    assert work_text(room, relative) == INTERVIEW
    assert not path.exists()  # work in progress: no file until it is published
    rows = revisions_of(room, relative)
    assert [(r["number"], r["author"], r["kind"]) for r in rows] == [(1, "claire", "creation")]
    # The same title again: another slug is needed.
    again = client.post(ROOM_PATH + "nouveau", data={**form_fields(page), "action": "enregistrer"})
    assert again.status_code == 400 and "déjà celle de" in spaces(again.text)
    forget(room, relative)


def test_a_refused_block_comes_back_with_everything_typed_in_it(room):
    """The block's fields used to come back empty when the block was refused (issue 17)."""
    client = login(room.url, "claire")
    fields = {
        **form_fields(client.get(ROOM_PATH + "nouveau")),
        "titre": "Un lien refusé",
        "texte": "Le texte déjà écrit.\r\n",
        "intervenant-1-nom": "Awa Diallo",
    }
    page = client.post(ROOM_PATH + "nouveau", data={**fields, "action": "personne"})
    fields = {**form_fields(page), "intervenant-2-nom": "Marc Petit"}
    block = {
        "bloc": "lien",
        "bloc_intervenant": "Marc Petit",
        "bloc_texte": "Le site de la Caf,\r\nsur deux lignes",
        "bloc_adresse": "www.caf.fr",
    }
    page = client.post(ROOM_PATH + "nouveau", data={**fields, "action": "ajouter", **block})
    assert page.status_code == 400
    assert 'id="bloc-erreur"' in page.text and "Adresse du lien invalide" in page.text
    shown = form_fields(page)
    assert {name: shown.get(name) for name in block} == block
    assert shown["texte"] == "Le texte déjà écrit.\r\n"
    assert not Path(room.config.room.content_dir, "articles", "un-lien-refuse.md").exists()


def test_missing_fields_are_named_next_to_them_and_the_text_stays(room):
    client = login(room.url, "claire")
    fields = {**form_fields(client.get(ROOM_PATH + "nouveau")), "titre": "Sans chapô"}
    fields["texte"] = "Un texte précieux\r\nsur deux lignes.\r\n"
    page = client.post(ROOM_PATH + "nouveau", data={**fields, "action": "enregistrer"})
    assert page.status_code == 400
    assert '<a href="#chapo">' in page.text and 'id="chapo-erreur"' in page.text
    assert 'aria-invalid="true" ' in page.text or 'aria-invalid="true">' in page.text
    assert "Un texte précieux\nsur deux lignes.\n</textarea>" in page.text
    assert "Indiquez au moins une personne interviewée" in spaces(page.text)
    assert not Path(room.config.room.content_dir, "articles", "sans-chapo.md").exists()


def test_the_second_save_is_a_conflict_showing_both_and_nothing_is_lost(room):
    url = editor_url("articles", "enjeux-prioritaires-2022")
    path = Path(room.config.room.content_dir, "articles", "enjeux-prioritaires-2022.md")
    original = path.read_text(encoding="utf-8")
    claire, karim = login(room.url, "claire"), login(room.url, "karim")
    claire_form, karim_form = form_fields(claire.get(url)), form_fields(karim.get(url))
    first = claire.post(url, data={**claire_form, "chapo": "Le chapô de Claire."})
    assert first.status_code == 303
    second = karim.post(url, data={**karim_form, "chapo": "Le chapô de Karim."})
    assert second.status_code == 409
    text = spaces(second.text)
    assert "claire a enregistré ce fichier" in text
    # The clashing field by its French name, theirs beside mine, the differing words marked.
    assert "<legend>Chapô</legend>" in text and "Summary" not in text
    assert 'id="leur-chapo">Le chapô de <del>Claire</del>.</div>' in text
    assert 'id="mien-chapo">Le chapô de <ins>Karim</ins>.</div>' in text
    assert "Le chapô de Claire." in work_text(room, "articles/enjeux-prioritaires-2022.md")
    # Karim keeps his version: a deliberate replacement, Claire's stays in the history.
    keep = {**form_fields(second), "choix-chapo": "mien"}
    kept = karim.post(url, data={**keep, "action": "enregistrer"})
    assert kept.status_code == 303
    assert "Summary: Le chapô de Karim." in work_text(room, "articles/enjeux-prioritaires-2022.md")
    kinds = [
        (r["author"], r["kind"]) for r in revisions_of(room, "articles/enjeux-prioritaires-2022.md")
    ]
    assert kinds == [
        ("hors de l’espace rédaction", "origine"),
        ("claire", "enregistrement"),
        ("karim", "enregistrement"),
    ]
    assert path.read_text(encoding="utf-8") == original  # nothing published


def test_a_hand_edit_meanwhile_is_recorded_and_is_a_conflict(room):
    url = editor_url("pages", "a-propos")
    path = Path(room.config.room.content_dir, "pages", "a-propos.md")
    client = login(room.url, "claire")
    fields = form_fields(client.get(url))
    path.write_text(path.read_text(encoding="utf-8") + "\nAjout à la main.\n", encoding="utf-8")
    # The same place of the text changed in the form: a clash (elsewhere, it would merge).
    typed = fields["texte"] + "\r\nAjout dans la page.\r\n"
    refused = client.post(url, data={**fields, "chapo": "Nouveau chapô.", "texte": typed})
    assert refused.status_code == 409 and "hors de l’espace rédaction" in refused.text
    assert "Ajout à la main." in path.read_text(encoding="utf-8")
    assert [r["kind"] for r in revisions_of(room, "pages/a-propos.md")] == ["origine", "fichier"]


def test_an_expired_session_keeps_the_text_and_saves_it_after_login(room):
    url = editor_url("articles", "bilan-conventions-territoriales-globales")
    path = Path(
        room.config.room.content_dir, "articles", "bilan-conventions-territoriales-globales.md"
    )
    client = login(room.url, "karim")
    fields = form_fields(client.get(url))
    fields["texte"] += "\r\nUn paragraphe écrit pendant deux heures.\r\n"
    conn = db.connect(room.config.core.database)
    conn.execute("DELETE FROM sessions WHERE username = 'karim'")  # the session expired
    conn.close()
    page = client.post(url, data={**fields, "action": "enregistrer"})
    assert page.status_code == 401
    assert "Un paragraphe écrit pendant deux heures." in page.text
    assert "Un paragraphe" not in path.read_text(encoding="utf-8")
    relogin = form_fields(page)
    wrong = client.post(
        url, data={**relogin, "identifiant": "karim", "mot_de_passe": "faux mot de passe"}
    )
    assert wrong.status_code == 401 and "Un paragraphe écrit pendant deux heures." in wrong.text
    relogin = form_fields(wrong)
    done = client.post(url, data={**relogin, "identifiant": "karim", "mot_de_passe": PASSWORD})
    assert done.status_code == 303 and "fait=enregistre" in done.headers["location"]
    relative = "articles/bilan-conventions-territoriales-globales.md"
    assert "Un paragraphe écrit pendant deux heures.\n" in work_text(room, relative)
    assert "Un paragraphe" not in path.read_text(encoding="utf-8")  # not published
    assert client.get(url).status_code == 200  # logged in again
    rows = revisions_of(room, "articles/bilan-conventions-territoriales-globales.md")
    assert rows[-1]["author"] == "karim"


def test_logging_in_again_with_an_account_without_redaction_saves_nothing(room):
    """The relogin form of an expired session used to save for any role (moderation only)."""
    add_account(room.config.core.database, "modo", roles=("moderation",))
    anonymous = httpx.Client(base_url=room.url, headers={"X-Forwarded-For": "192.0.2.44"})
    page = anonymous.post(ROOM_PATH + "nouveau", data={"titre": "Article du modérateur"})
    assert page.status_code == 401
    relogin = form_fields(page)
    relogin.update(
        identifiant="modo",
        mot_de_passe=PASSWORD,
        titre="Article du modérateur",
        theme="Solidarité",
        chapo="Un chapô.",
        texte="Un texte.",
        **{"intervenant-1-nom": "Awa Diallo"},
    )
    refused = anonymous.post(ROOM_PATH + "nouveau", data=relogin)
    assert refused.status_code == 403
    assert "n’a pas le rôle « rédaction » : rien n’a été enregistré" in spaces(refused.text)
    assert "Un texte." in refused.text  # what was typed is still in the page
    articles = Path(room.config.room.content_dir, "articles")
    assert not (articles / "article-du-moderateur.md").exists()


def test_a_stale_form_comes_back_filled_and_saves_nothing(room):
    url = editor_url("pages", "mentions-legales")
    path = Path(room.config.room.content_dir, "pages", "mentions-legales.md")
    before = path.read_bytes()
    client = login(room.url, "claire")
    fields = {**form_fields(client.get(url)), "csrf": "0" * 64, "chapo": "Texte gardé."}
    page = client.post(url, data=fields)
    assert page.status_code == 409 and "Texte gardé." in page.text
    assert path.read_bytes() == before
    again = client.post(url, data={**form_fields(page), "action": "enregistrer"})
    assert again.status_code == 303
    assert "Summary: Texte gardé." in work_text(room, "pages/mentions-legales.md")


def test_a_new_page_has_the_fields_of_a_page(room):
    client = login(room.url, "karim")
    page = client.get(ROOM_PATH + "nouveau?type=page")
    assert 'id="theme"' not in page.text and 'id="intervenant-1-nom"' not in page.text
    fields = {**form_fields(page), "titre": "Nous contacter", "texte": "Écrivez-nous.\r\n"}
    saved = client.post(ROOM_PATH + "nouveau", data=fields)
    assert saved.headers["location"].startswith(editor_url("pages", "nous-contacter"))
    assert (
        work_text(room, "pages/nous-contacter.md")
        == "Title: Nous contacter\nSlug: nous-contacter\nStatus: draft\n\nÉcrivez-nous.\n"
    )
    forget(room, "pages/nous-contacter.md")


def test_a_theme_unknown_to_the_site_is_shown_not_silently_replaced(room):
    path = Path(room.config.room.content_dir, "articles", "enjeux-prioritaires-2022.md")
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("Category: Vie de la Caf", "Category: Ancien thème"))
    try:
        client = login(room.url, "karim")
        url = editor_url("articles", "enjeux-prioritaires-2022")
        page = client.get(url)
        assert form_fields(page)["theme"] == "Ancien thème"
        refused = client.post(url, data=form_fields(page))
        assert refused.status_code == 400 and "Choisissez un thème dans la liste" in spaces(
            refused.text
        )
        assert "Category: Ancien thème" in path.read_text(encoding="utf-8")
    finally:
        path.write_text(original, encoding="utf-8")
