"""Previews: built with the production settings, the previewed draft shown as published, served
to its owner only, the build's own messages placed next to the editor's fields."""

import re
from pathlib import Path

import httpx
from PIL import Image

from service.room.pages.preview import place_errors
from service.room.publishing.building import BuildFailed, BuildPlaces, BuildWorker
from tests.support.comments import spaces
from tests.support.room import (
    ROOM_PATH,
    editor_url,
    forget,
    form_fields,
    login,
    new_article,
    work_text,
)
from tests.support.site import ROOT


def test_save_and_preview_shows_the_page_as_the_site_will(room):
    client = login(room.url, "claire")
    url = editor_url("articles", "enjeux-prioritaires-2022")
    fields = {
        **form_fields(client.get(url)),
        "titre": "Les enjeux de 2022 : aperçu",
        "action": "apercu",
    }
    saved = client.post(url, data=fields)
    assert saved.status_code == 303 and saved.headers["location"] == url + "apercu"
    page = client.get(saved.headers["location"])
    assert page.status_code == 200
    frames = re.findall(r'<iframe src="([^"]+)" title="([^"]+)" width="(\d+)"', page.text)
    assert [width for _, _, width in frames] == ["390", "1280"]
    preview = client.get(frames[0][0])
    assert preview.status_code == 200
    assert preview.headers["x-frame-options"] == "SAMEORIGIN"
    assert preview.headers["cache-control"] == "no-store"
    html = preview.text
    assert "Les enjeux de 2022\u00a0: aperçu" in html  # the build's typography
    assert 'class="toc"' in html or "Sommaire" in html
    css = re.search(r'href="([^"]+/theme/css/site\.css)"', html).group(1)
    assert css.startswith(room.url + ROOM_PATH + "apercu/")
    assert client.get(css).status_code == 200
    # Nobody else can see it; an anonymous visitor is sent to log in.
    assert login(room.url, "karim").get(frames[0][0]).status_code == 404
    assert httpx.get(room.url + frames[0][0]).status_code == 303


def test_a_preview_builds_the_article_with_its_neighbours_only(room):
    client = login(room.url, "claire")
    page = client.get(editor_url("articles", "bilan-conventions-territoriales-globales") + "apercu")
    src = re.search(r'<iframe src="([^"]+)"', page.text).group(1)
    html = client.get(src).text
    for neighbour in ("30-ans-caf-essonne", "enjeux-prioritaires-2022"):  # older, newer
        assert f"/articles/{neighbour}/" in html
    root = src.split("/articles/")[0]
    assert client.get(root + "/articles/territorialisation-se-concretise/").status_code == 404
    assert client.get(root + "/a-propos/").status_code == 200  # the pages are all there


def test_a_new_draft_previews_as_published(room):
    client = login(room.url, "karim")
    form = form_fields(client.get(ROOM_PATH + "nouveau"))
    form.update(
        titre="Un brouillon à prévisualiser",
        theme="Solidarité",
        chapo="Un chapô de brouillon.",
        texte="## Une question ?\n\nUne réponse.\n\n## Une autre ?\n\nEncore.\n",
        action="apercu",
        **{"intervenant-1-nom": "Awa Diallo"},
    )
    saved = client.post(ROOM_PATH + "nouveau", data=form)
    assert saved.status_code == 303
    page = client.get(saved.headers["location"])
    src = re.search(r'<iframe src="([^"]+)"', page.text).group(1)
    assert src.endswith("/articles/un-brouillon-a-previsualiser/")  # not /brouillons/
    html = client.get(src).text
    assert "Une question\u202f?" in html and "Awa Diallo" in html
    home = client.get(src.split("/articles/")[0] + "/").text
    assert "Un brouillon à prévisualiser" in home  # listed first, as it will be once published
    relative = "articles/un-brouillon-a-previsualiser.md"
    assert "Status: draft\n" in work_text(room, relative)  # it stays a draft
    assert not Path(room.config.room.content_dir, relative).exists()  # never on the site
    forget(room, relative)


def test_a_file_the_build_refuses_gets_its_messages(room):
    path = Path(room.config.room.content_dir, "pages", "accessibilite.md")
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("Title: ", "Status: bizarre\nTitle: ", 1), encoding="utf-8")
    try:
        page = login(room.url, "claire").get(editor_url("pages", "accessibilite") + "apercu")
    finally:
        path.write_text(original, encoding="utf-8")
    assert page.status_code == 422
    assert "statut « bizarre » inconnu" in spaces(page.text)


def test_a_new_article_the_build_refuses_comes_back_saved_with_its_messages(room):
    """The refused preview of a file saved for the first time used to fail (no file opened).
    A missing portrait is refused by the save itself (issue 19 item 3): this one is there, put
    by hand, but too small for the build."""
    client = login(room.url, "claire")
    form = new_article(client, "Un portrait introuvable", action="apercu")
    form["intervenant-1-portrait"] = "/images/minuscule-essai.png"
    tiny = Path(room.config.room.content_dir, "images", "minuscule-essai.png")
    tiny.parent.mkdir(exist_ok=True)
    Image.new("RGB", (20, 20), "white").save(tiny)
    page = client.post(ROOM_PATH + "nouveau", data=form)
    tiny.unlink()
    path = Path(room.config.room.content_dir, "articles", "un-portrait-introuvable.md")
    try:
        assert page.status_code == 422, spaces(page.text)
        assert "Enregistré (révision n° 1), mais la construction du site refuse" in spaces(
            page.text
        )
        assert 'id="intervenant-1-portrait-erreur"' in page.text
        assert 'name="revision" value="1"' in page.text
        assert work_text(room, "articles/un-portrait-introuvable.md") is not None
        assert not path.exists()  # saved as work in progress, not published
    finally:
        forget(room, "articles/un-portrait-introuvable.md")


def test_the_builds_messages_go_next_to_their_fields(tmp_path):
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "articles" / "sans-chapo.md").write_text(
        "Title: Sans chapô\nDate: 2024-01-02 09:00\nCategory: Thème inconnu\n"
        "Authors: Awa Diallo\n\nTexte.\n",
        encoding="utf-8",
    )
    places = BuildPlaces(ROOT / "publishconf.py", content, tmp_path / "c.sqlite3", tmp_path / "r")
    worker = BuildWorker(places)
    try:
        worker.preview("articles/sans-chapo.md", tmp_path / "out", "http://127.0.0.1:9")
    except BuildFailed as failure:
        errors = failure.errors
    finally:
        worker.stop()
    fields, general = place_errors(errors, "articles/sans-chapo.md")
    assert fields["chapo"] == "champ « Summary » manquant"
    assert fields["theme"].startswith("champ « Category » : thème « Thème inconnu » inconnu")
    assert general == []
    assert place_errors(
        ["content/articles/autre.md : champ « Title » manquant"], "articles/x.md"
    ) == (
        {},
        ["content/articles/autre.md : champ « Title » manquant"],
    )


def test_issue19_item1_preview_is_sandboxed_and_runs_no_script(room):
    """The frames are sandboxed without scripts; the preview itself forbids scripts and forms
    and is sandboxed by its own header, opened in a frame or alone; the room's own pages run
    no inline script."""
    client = login(room.url, "claire")
    page = client.get(editor_url("articles", "enjeux-prioritaires-2022") + "apercu")
    frames = re.findall(r"<iframe [^>]*>", page.text)
    assert len(frames) == 2
    for frame in frames:
        sandbox = re.search(r'sandbox="([^"]*)"', frame)
        assert sandbox and "allow-scripts" not in sandbox.group(1).split(), frame
    room_policy = directives(page.headers["content-security-policy"])
    assert room_policy["script-src"] == ["'self'"]
    src = re.search(r'<iframe src="([^"]+)"', page.text).group(1)
    for path in (src, src.split("/articles/")[0] + "/theme/css/site.css"):
        preview = client.get(path)
        assert preview.status_code == 200, path
        policy = directives(preview.headers["content-security-policy"])
        assert policy["script-src"] == ["'none'"], path
        assert policy["frame-ancestors"] == ["'self'"] and policy["form-action"] == ["'none'"]
        assert "allow-scripts" not in policy["sandbox"] and policy["object-src"] == ["'none'"]


def directives(policy: str) -> dict[str, list[str]]:
    found = {}
    for directive in policy.split(";"):
        name, *values = directive.split()
        found.setdefault(name, values)  # the first of a name counts
    return found
