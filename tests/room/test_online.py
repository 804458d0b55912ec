"""Online version and work in progress (issue 18): what readers see is what someone published.

Saving or restoring changes only the room's work in progress; a colleague's publication of
another article never carries it to the site."""

import subprocess
from pathlib import Path

import httpx

from service.room.gitlog import ContentGit
from tests.support.comments import running_service, spaces
from tests.support.room import (
    ROOM_PATH,
    add_account,
    editor_url,
    form_fields,
    git_work_tree,
    job_of,
    login,
    new_article,
    room_config,
    wait_job,
    work_text,
)

SECRET = "BROUILLON À NE PAS PUBLIER"


def published(service, client, title: str) -> str:
    """A new article, published and online; its editor's address."""
    form = {**new_article(client, title), "action": "publier"}
    job = job_of(client.post(ROOM_PATH + "nouveau", data=form))
    assert wait_job(service, job)["state"] == "done"
    slug = client.get(f"{ROOM_PATH}publications/{job}").text.split("/redaction/articles/")[1]
    return editor_url("articles", slug.split("/")[0])


def reader_sees(service, slug: str) -> str:
    """The article's page, the home page and the feed, as a reader gets them."""
    pages = [f"/articles/{slug}/", "/", "/flux/tous.atom.xml"]
    return "\n".join(httpx.get(service.url + page).text for page in pages)


def test_a_saved_change_stays_off_the_site_when_a_colleague_publishes_another(site):
    claire, karim = login(site.url, "claire"), login(site.url, "karim")
    url = published(site, claire, "Un article tenu à jour")
    saved = claire.post(url, data={**form_fields(claire.get(url)), "chapo": SECRET})
    assert saved.status_code == 303
    assert SECRET in claire.get(url).text  # the editor opens the work in progress
    published(site, karim, "L’article d’un collègue")
    seen = reader_sees(site, "un-article-tenu-a-jour")
    assert "Un article tenu à jour" in seen and SECRET not in seen


def test_restoring_the_first_revision_leaves_the_article_online(site):
    claire, karim = login(site.url, "claire"), login(site.url, "karim")
    url = published(site, claire, "Un article restauré")
    first = claire.get(url + "revisions/1")
    restored = claire.post(url + "revisions/1/restaurer", data=form_fields(first))
    assert restored.status_code == 303
    published(site, karim, "Une autre publication")
    page = httpx.get(site.url + "/articles/un-article-restaure/")
    assert page.status_code == 200 and "Un article restauré" in page.text
    assert "en ligne, modifications non publiées" in spaces(claire.get(url).text)


def test_a_failed_publication_puts_the_file_back_and_keeps_the_work(site):
    """What the pipeline calls on a failed job (ArticleStore.put_back): the file as it was
    before the job (its previous online text, or none), the revisions untouched."""
    content = Path(site.config.room.content_dir)
    store = site.parts.room.room.publishing.store
    claire = login(site.url, "claire")
    url = published(site, claire, "Un article remis comme avant")
    path = content / "articles" / "un-article-remis-comme-avant.md"
    online = path.read_text(encoding="utf-8")
    changed = claire.post(url, data={**form_fields(claire.get(url)), "chapo": "Chapô modifié."})
    assert changed.status_code == 303
    broken = content / "articles" / "casse.md"
    broken.write_text("Title: Cassé\nDate: 2024-01-01\n\nSans thème ni chapô.\n", encoding="utf-8")
    try:
        job = job_of(claire.post(url + "publier", data=form_fields(claire.get(url))))
        first = wait_job(site, job)
        form = {**new_article(claire, "Jamais publié"), "action": "publier"}
        second = wait_job(site, job_of(claire.post(ROOM_PATH + "nouveau", data=form)))
    finally:
        broken.unlink()
    assert first["state"] == second["state"] == "failed"
    store.put_back(second)
    store.put_back(first)
    assert path.read_text(encoding="utf-8") == online
    assert not (content / "articles" / "jamais-publie.md").exists()
    editor = spaces(claire.get(url).text)
    assert "Chapô modifié." in editor and "en ligne, modifications non publiées" in editor
    assert 'status--brouillon">brouillon' in claire.get(ROOM_PATH + "?q=jamais").text
    store.put_back(first)  # done already (or by the pipeline): nothing changes
    assert path.read_text(encoding="utf-8") == online


def test_changes_are_shown_in_french_published_or_abandoned(site):
    claire = login(site.url, "claire")
    url = published(site, claire, "Un article à modifier")
    form = form_fields(claire.get(url))
    texte = form["texte"] + "\r\nUn paragraphe ajouté.\r\n"
    claire.post(url, data={**form, "chapo": "Un chapô modifié.", "texte": texte})
    editor = claire.get(url).text
    assert 'id="voir-modifications"' in editor and "Publier les modifications" in editor
    changes = spaces(claire.get(url + "modifications").text)
    assert "<h2>Chapô</h2>" in changes and "Un chapô modifié." in changes
    assert "<h2>Texte</h2>" in changes and "Ajouté : </span>Un paragraphe ajouté." in changes
    assert "Summary:" not in changes and "Status:" not in changes
    # Abandoned after a confirmation: back to the online text, as a new revision.
    asked = claire.post(url + "abandonner", data=form_fields(claire.get(url), 2))
    assert asked.status_code == 200 and "Abandonner les modifications ?" in spaces(asked.text)
    done = claire.post(url + "abandonner", data=form_fields(asked))
    assert done.status_code == 303 and "fait=abandonne" in done.headers["location"]
    editor = spaces(claire.get(url).text)
    assert "Un chapô modifié." not in editor and "modifications non publiées" not in editor
    # Published: « Publier les modifications » writes the file, the site follows.
    claire.post(url, data={**form_fields(claire.get(url)), "chapo": "Le chapô publié."})
    job = job_of(claire.post(url + "publier", data=form_fields(claire.get(url), 1)))
    assert wait_job(site, job)["state"] == "done"
    assert "Le chapô publié." in reader_sees(site, "un-article-a-modifier")
    listing = claire.get(ROOM_PATH + "?q=modifier").text
    assert 'status--publie">en ligne</span>' in listing
    assert f'href="{site.url}/articles/un-article-a-modifier/">Voir en ligne' in listing


def test_the_first_publication_dates_the_article_unless_dated_by_hand(site):
    claire = login(site.url, "claire")
    form = new_article(claire, "Daté à la publication", date="2020-01-02", heure="08:00")
    form["date_auto"] = "2020-01-02 08:00"  # as « Nouvel article » filled it, long ago
    job = job_of(claire.post(ROOM_PATH + "nouveau", data={**form, "action": "publier"}))
    assert wait_job(site, job)["state"] == "done"
    path = Path(site.config.room.content_dir, "articles", "date-a-la-publication.md")
    assert "Date: 2020" not in path.read_text(encoding="utf-8")
    # Dated by hand in the past: asked first, then published at that date.
    form = new_article(claire, "Daté à la main", date="2021-05-06", heure="09:30")
    asked = claire.post(ROOM_PATH + "nouveau", data={**form, "action": "publier"})
    assert asked.status_code == 200
    assert "La date choisie est passée : publier maintenant ?" in spaces(asked.text)
    path = Path(site.config.room.content_dir, "articles", "date-a-la-main.md")
    assert not path.exists()
    job = job_of(
        claire.post(editor_url("articles", "date-a-la-main") + "publier", data=form_fields(asked))
    )
    assert wait_job(site, job)["state"] == "done"
    assert "Date: 2021-05-06 09:30\n" in path.read_text(encoding="utf-8")


def test_a_hand_edit_becomes_the_online_version(site):
    """A developer's edit of a file (or `git pull`) is what readers will get: recorded as a
    revision, it is the online one, and the room says so."""
    claire = login(site.url, "claire")
    url = published(site, claire, "Un article corrigé à la main")
    claire.post(url, data={**form_fields(claire.get(url)), "chapo": "Un chapô en cours."})
    path = Path(site.config.room.content_dir, "articles", "un-article-corrige-a-la-main.md")
    path.write_text(path.read_text(encoding="utf-8") + "\nCorrigé à la main.\n", "utf-8")
    editor = spaces(claire.get(url).text)
    assert "Corrigé à la main." in editor and "Un chapô en cours." not in editor
    assert 'status--publie">en ligne</span>' in editor
    assert "modifications non publiées" not in editor
    assert work_text(site, "articles/un-article-corrige-a-la-main.md") == path.read_text("utf-8")
    history = claire.get(url + "revisions").text
    assert "Modifié hors de l’espace rédaction" in history


def test_publications_are_commits_when_the_content_folder_is_a_git_work_tree(
    tmp_path, comment_site
):
    """Saving writes no file, so no commit; publishing and withdrawing do (issue 18)."""
    config = room_config(tmp_path, comment_site, room={"content_git": "auto"})
    content = Path(config.room.content_dir)
    git_work_tree(content)

    def last_commit() -> str:
        return subprocess.run(
            ["git", "-C", str(content), "log", "-1", "--format=%an|%s", "--name-status"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    add_account(config.core.database, "claire", name="Claire Martin")
    with running_service(config) as service:
        client = login(service.url, "claire")
        url = editor_url("pages", "a-propos")
        saved = client.post(url, data={**form_fields(client.get(url)), "chapo": "Un chapô."})
        assert saved.status_code == 303
        assert last_commit().startswith("Dev|import")
        published = client.post(url + "publier", data=form_fields(client.get(url)))
        assert published.status_code == 303
        log = last_commit()
        assert log.startswith("Claire Martin|Publication : À propos") and "pages/a-propos.md" in log
        form = {**form_fields(client.get(url), 1), "statut": "draft", "confirme": "1"}
        assert client.post(url + "retirer", data=form).status_code == 303
        log = last_commit()
        assert log.startswith("Claire Martin|Retrait du site : À propos")
        assert "D\tpages/a-propos.md" in log


def test_issue19_item16_a_nul_git_cannot_take_is_dropped_and_the_commit_made(tmp_path):
    """A NUL in a message (a title) or a name made subprocess raise « embedded null byte »
    after the file was written: a 500 and no commit."""
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    subprocess.run(["git", "-C", str(content), "init", "-q"], check=True)
    (content / "articles" / "a.md").write_text("Title: A\n", encoding="utf-8")
    git = ContentGit(content, "auto")
    assert git.commit(["articles/a.md"], "Publication : un titre\x00 nul", "Cla\x00ire", "")
    log = subprocess.run(
        ["git", "-C", str(content), "log", "-1", "--format=%an|%s"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert log.stdout == "Claire|Publication : un titre nul\n"
