"""A save the build would refuse is refused at the form field (issue 19, items 3 and 16): control
characters, missing images, reserved addresses, what content_validation refuses; the text
typed stays in the form and nothing is stored. Through the real service over HTTP."""

import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from service.core import db
from tests.support.comments import running_service, spaces
from tests.support.images import jpeg_bytes, photo
from tests.support.room import (
    ROOM_PATH,
    add_account,
    csrf,
    editor_url,
    form_fields,
    git_work_tree,
    job_of,
    login,
    new_article,
    publishing_site,
    room_config,
    wait_job,
    work_text,
)


def revision_count(service) -> int:
    conn = db.connect(service.config.core.database)
    try:
        return conn.execute("SELECT count(*) FROM revisions").fetchone()[0]
    finally:
        conn.close()


def refused(service, client, url: str, form: dict, field: str, words: str):
    """Post `form`: a 400 naming `field`'s problem next to it, nothing stored."""
    before = revision_count(service)
    page = client.post(url, data={**form, "action": "enregistrer"})
    assert page.status_code == 400, spaces(page.text)[:2000]
    assert f'id="{field}-erreur"' in page.text and f'<a href="#{field}">' in page.text
    assert words in spaces(page.text)
    assert revision_count(service) == before
    return page


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("titre", "Une rencontre\x00 à Évry"),
        ("chapo", "Un chapô\x1b qui déraille."),
        ("intervenant-1-nom", "Awa\x07 Diallo"),
        ("mots_cles", "crèche, \x7fpetite enfance"),
    ],
)
def test_issue19_item3_a_control_character_is_refused_at_its_field(room, field, typed):
    client = login(room.url, "claire")
    form = new_article(client, f"Une rencontre à Évry ({field})")
    form[field] = typed
    page = refused(room, client, ROOM_PATH + "nouveau", form, field, "caractère invisible")
    assert typed.replace("\x00", "\ufffd") in page.text or typed in page.text  # kept


def test_issue19_item3_a_control_character_in_the_text_is_refused_and_the_text_kept(room):
    client = login(room.url, "claire")
    form = new_article(client, "Un texte à caractère caché")
    form["texte"] = "Un paragraphe précieux\x01 à garder.\r\n"
    page = refused(room, client, ROOM_PATH + "nouveau", form, "texte", "caractère invisible")
    assert "Un paragraphe précieux\x01 à garder.\n</textarea>" in page.text


def test_issue19_item3_words_line_breaks_are_normalised_not_refused(room):
    """A vertical tab (Word's line break), a form feed, NEL: a space in a one-line field, a line
    end in the text; the file then builds (feeds refused them: lxml)."""
    client = login(room.url, "claire")
    form = new_article(client, "Un titre\x0bsur deux lignes")
    form["chapo"] = "Un chapô\x0ccoupé."
    form["texte"] = "Première ligne\x0bdeuxième ligne\x85troisième.\r\n"
    saved = client.post(ROOM_PATH + "nouveau", data={**form, "action": "enregistrer"})
    assert saved.status_code == 303, spaces(saved.text)[:2000]
    text = work_text(room, "articles/un-titre-sur-deux-lignes.md")
    assert "Title: Un titre sur deux lignes\n" in text and "Summary: Un chapô coupé.\n" in text
    assert "Première ligne\ndeuxième ligne\ntroisième.\n" in text


def test_issue19_item3_a_missing_image_is_refused_at_the_text(room):
    client = login(room.url, "claire")
    form = new_article(client, "Une image absente")
    form["texte"] = "Avant.\r\n\r\n![Une photo](/images/absente.jpg)\r\n"
    page = refused(room, client, ROOM_PATH + "nouveau", form, "texte", "/images/absente.jpg")
    assert "introuvable" in spaces(page.text)
    assert "![Une photo](/images/absente.jpg)\n</textarea>" in page.text


def test_issue19_item3_a_missing_portrait_is_refused_at_its_line(room):
    client = login(room.url, "claire")
    form = new_article(client, "Un portrait absent")
    form["intervenant-1-portrait"] = "/images/personne.jpg"
    page = refused(
        room, client, ROOM_PATH + "nouveau", form, "intervenant-1-portrait", "introuvable"
    )
    assert 'value="/images/personne.jpg"' in page.text


@pytest.mark.parametrize("slug", ["recherche", "themes", "archives", "flux", "pagefind", "page"])
def test_issue19_item3_a_page_at_an_address_the_site_uses_is_refused_at_the_slug(room, slug):
    client = login(room.url, "claire")
    form = form_fields(client.get(ROOM_PATH + "nouveau?type=page"))
    form.update(titre="Une page mal placée", slug=slug, texte="Le texte de la page.\r\n")
    page = refused(room, client, ROOM_PATH + "nouveau", form, "slug", "réservée")
    assert "Le texte de la page.\n</textarea>" in page.text
    assert not Path(room.config.room.content_dir, "pages", f"{slug}.md").exists()


def test_issue19_item3_a_page_titled_like_a_site_address_is_refused_at_the_slug(room):
    client = login(room.url, "claire")
    form = form_fields(client.get(ROOM_PATH + "nouveau?type=page"))
    form.update(titre="Recherche", texte="Chercher.\r\n")
    refused(room, client, ROOM_PATH + "nouveau", form, "slug", "réservée")


@pytest.mark.parametrize(
    ("verb", "extra"), [("publier", {}), ("retirer", {"statut": "hidden", "confirme": "1"})]
)
def test_issue19_item3_publishing_a_revision_the_build_would_refuse_is_refused(room, verb, extra):
    """A revision saved before these checks (or restored from then) is refused at publication,
    its problem shown at the field; no job is queued, no file written."""
    client = login(room.url, "claire")
    url = editor_url("articles", "enjeux-prioritaires-2022")
    form = form_fields(client.get(url))
    assert client.post(url, data=form).status_code in (200, 303)
    path = Path(room.config.room.content_dir, "articles", "enjeux-prioritaires-2022.md")
    online = path.read_text(encoding="utf-8")
    conn = db.connect(room.config.core.database)
    try:
        last = conn.execute(
            "SELECT max(number) FROM revisions WHERE path = 'articles/enjeux-prioritaires-2022.md'"
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO revisions (path, number, author, kind, text, created_at)"
            " SELECT path, number + 1, author, kind, replace(text, 'Les enjeux', 'Les\x0benjeux'),"
            " created_at FROM revisions WHERE path = ? AND number = ?",
            ("articles/enjeux-prioritaires-2022.md", last),
        )
        jobs_before = conn.execute("SELECT count(*) FROM publish_jobs").fetchone()[0]
    finally:
        conn.close()
    page = client.post(url + verb, data={**form_fields(client.get(url)), **extra})
    assert page.status_code == 400, spaces(page.text)[:2000]
    assert 'id="titre-erreur"' in page.text and "caractère invisible" in spaces(page.text)
    conn = db.connect(room.config.core.database)
    try:
        assert conn.execute("SELECT count(*) FROM publish_jobs").fetchone()[0] == jobs_before
    finally:
        conn.close()
    assert path.read_text(encoding="utf-8") == online


def test_issue19_item16_a_nul_in_a_title_is_refused_at_the_field_and_git_untouched(
    tmp_path, comment_site
):
    """Before: the publication wrote the file, then git's commit raised (« embedded null
    byte »): a 500, the file online and no commit."""
    config = room_config(tmp_path, comment_site, room={"content_git": "auto"})
    content = Path(config.room.content_dir)
    git_work_tree(content)
    add_account(config.core.database, "claire", name="Claire Martin")
    with running_service(config) as service:
        client = login(service.url, "claire")
        form = new_article(client, "Un titre\x00 nul")
        page = client.post(ROOM_PATH + "nouveau", data={**form, "action": "publier"})
        assert page.status_code == 400, spaces(page.text)[:2000]
        assert 'id="titre-erreur"' in page.text and "caractère invisible" in spaces(page.text)
        assert "Un titre\x00 nul" in page.text or "Un titre\ufffd nul" in page.text
        assert revision_count(service) == 0
    assert not list((content / "articles").glob("un-titre*"))
    status = subprocess.run(
        ["git", "-C", str(content), "status", "--porcelain"], capture_output=True, text=True
    )
    assert status.stdout == ""


def test_issue19_item3_work_in_progress_blocks_nobody_and_a_bad_file_is_named(tmp_path):
    """What still blocks: an unpublished revision the build would refuse (saved before these
    checks) blocks no one's publication, as it is not in the content folder; a file on the site
    edited by hand still stops every publication, and the job then names the file and the
    field (it said lxml's « All strings must be XML compatible »)."""
    with publishing_site(tmp_path) as site:
        client = login(site.url, "claire")
        url = editor_url("articles", "enjeux-prioritaires-2022")
        client.get(url)  # the room knows the file: its first revision
        conn = db.connect(site.config.core.database)
        try:
            conn.execute(
                "INSERT INTO revisions (path, number, author, kind, text, created_at)"
                " SELECT path, number + 1, author, kind,"
                " replace(text, 'Les enjeux', 'Les' || char(11) || 'enjeux')"
                " || '![Absente](/images/absente.jpg)', created_at FROM revisions"
                " WHERE path = 'articles/enjeux-prioritaires-2022.md'"
            )
        finally:
            conn.close()
        first = new_article(client, "Publiée malgré le travail en cours")
        job = job_of(client.post(ROOM_PATH + "nouveau", data={**first, "action": "publier"}))
        assert wait_job(site, job)["state"] == "done"
        path = Path(
            site.config.room.content_dir, "articles", "bilan-conventions-territoriales-globales.md"
        )
        original = path.read_text(encoding="utf-8")
        path.write_text(original.replace("Title: ", "Title: Un\x0b", 1), encoding="utf-8")
        try:
            second = new_article(client, "Bloquée par un fichier modifié à la main")
            job = job_of(client.post(ROOM_PATH + "nouveau", data={**second, "action": "publier"}))
            row = wait_job(site, job)
        finally:
            path.write_text(original, encoding="utf-8")
        assert row["state"] == "failed"
        assert (
            "articles/bilan-conventions-territoriales-globales.md : champ « Title » : caractère "
            "invisible U+000B" in row["message"]
        )


# Images the build refuses that the save's check, reading the Markdown, did not see (found by
# the review of issue 19): each was saved, then stopped its publication. `{name}`: a picture of
# the library; what the refusal says.
UNBUILDABLE_IMAGES = {
    "reference": ("![Une photo][photo]\r\n\r\n[photo]: /images/absente.jpg", "introuvable"),
    "unquoted": ('<p><img src=/images/absente.jpg alt="Une photo"></p>', "introuvable"),
    "no-src": ('<p><img alt="Une photo" srcset="/images/absente.jpg 1x"></p>', "introuvable"),
    "no-alt": ("![](/images/{name})", "texte alternatif manquant"),
    "no-alt-tag": ('<p><img src="/images/{name}"></p>', "texte alternatif manquant"),
    "empty-alt": ('<img src="/images/{name}" alt=" ">', "texte alternatif manquant"),
    "decorative-alt": ("![Une photo](/images/{name}){: .decorative}", "marquée décorative"),
}


@pytest.mark.parametrize(("kind", "case"), UNBUILDABLE_IMAGES.items(), ids=UNBUILDABLE_IMAGES)
def test_issue19_review_item3_every_image_the_build_refuses_is_refused(room, kind, case):
    body, words = case
    client = login(room.url, "claire")
    library = ROOM_PATH + "images/"
    picture = {"image_fichier": ("photo.jpg", jpeg_bytes(photo(800, 600)), "image/jpeg")}
    sent = client.post(library, data={"csrf": csrf(client.get(library))}, files=picture)
    name = parse_qs(urlsplit(sent.headers["location"]).query)["ajoutee"][0]
    form = new_article(client, f"Une image refusée ({kind})")
    form["texte"] = "Avant.\r\n\r\n" + body.replace("{name}", name) + "\r\n"
    refused(room, client, ROOM_PATH + "nouveau", form, "texte", words)


def test_issue19_review_item3_described_and_decorative_images_are_saved(room):
    client = login(room.url, "claire")
    library = ROOM_PATH + "images/"
    picture = {"image_fichier": ("photo.jpg", jpeg_bytes(photo(800, 600)), "image/jpeg")}
    sent = client.post(library, data={"csrf": csrf(client.get(library))}, files=picture)
    name = parse_qs(urlsplit(sent.headers["location"]).query)["ajoutee"][0]
    form = new_article(client, "Des images bien décrites")
    form["texte"] = (
        f"![Une photo][p] et ![](/images/{name}){{: .decorative}}\r\n\r\n"
        f'<img src=/images/{name} alt="Une photo">\r\n\r\n[p]: /images/{name} "Titre"\r\n'
    )
    saved = client.post(ROOM_PATH + "nouveau", data={**form, "action": "enregistrer"})
    assert saved.status_code == 303, spaces(saved.text)[:2000]
