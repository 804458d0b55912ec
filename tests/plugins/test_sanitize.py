"""Article HTML on an allow-list (plugins/sanitize, issue 19 item 1): a real build of hostile
articles writes no executable markup anywhere, and the launch content builds to the same pages
with and without the sanitiser."""

import json
import shutil
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from pelican import Pelican
from pelican.settings import read_settings

from service.core import db
from tests.support.browser import open_page
from tests.support.hostile import (
    BODY_VECTORS,
    FLAG,
    ROLES_VECTOR,
    SUMMARY_VECTOR,
    TAG_VECTOR,
    TITLE_VECTOR,
    executable_markup,
)
from tests.support.images import jpeg_bytes, new_site, photo
from tests.support.site import ROOT, serve_directory, site_settings

SITE_URL = "https://partenaires.example.fr"
ARTICLE = """\
Title: {title}
Date: 2024-03-0{day} 10:00
Category: Vie de la Caf
Tags: {tags}
Slug: {slug}
Authors: Camille Martin
Roles: {roles}
Summary: {summary}

{body}

## Une question ?

**Camille Martin :**{{: .speaker}} « Une réponse. »

## Une autre ?

Texte.
"""


def settings_for(content, output, **override):
    return site_settings(output, PATH=str(content), SITEURL=SITE_URL, BUILD_WORKERS=1, **override)


def build_apart(content, output, plugins, **override):
    """Build in a new process: a plugin's handlers stay connected in the process that loaded
    it, so a build without the sanitiser after one with it would still sanitise."""
    code = (
        "import json, sys; from pathlib import Path; from pelican import Pelican; "
        "from tests.plugins.test_sanitize import settings_for; "
        "Pelican(settings_for(Path(sys.argv[1]), Path(sys.argv[2]), "
        "PLUGINS=json.loads(sys.argv[3]), **json.loads(sys.argv[4]))).run()"
    )
    command = [sys.executable, "-c", code, str(content), str(output), json.dumps(plugins)]
    command.append(json.dumps(override))
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    content = tmp / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    (content / "articles").mkdir()
    articles = {
        "corps": dict(body="\n\n".join(BODY_VECTORS), summary="Un chapô sage.", title="Corps"),
        "champs": dict(body="Texte.", summary=SUMMARY_VECTOR, title=TITLE_VECTOR),
    }
    for day, (slug, fields) in enumerate(articles.items(), start=1):
        text = ARTICLE.format(slug=slug, day=day, roles=ROLES_VECTOR, tags=TAG_VECTOR, **fields)
        (content / "articles" / f"{slug}.md").write_text(text, encoding="utf-8")
    output = tmp / "output"
    Pelican(settings_for(content, output)).run()
    return output


def test_issue19_item1_hostile_articles_build_no_executable_markup(hostile_site):
    pages = sorted(hostile_site.rglob("*.html"))
    assert (hostile_site / "articles" / "corps" / "index.html").is_file()
    assert (hostile_site / "articles" / "champs" / "index.html").is_file()
    found = {}
    for path in pages:
        problems = executable_markup(path.read_text(encoding="utf-8"), SITE_URL)
        if problems:
            found[str(path.relative_to(hostile_site))] = problems
    assert not found, found


def test_issue19_item1_the_lettres_archive_runs_no_article_text(hostile_site, tmp_path):
    """A lettre keeps its articles as the manifest gives them, in plain text (a title or chapô
    whose text reads « <script> »): the archive pages the build writes escape it."""
    manifest = json.loads((hostile_site / "_articles-commentaires.json").read_text())
    entry = manifest["articles"]["champs"]
    assert "<script>" in entry["title"] + entry["summary"]  # plain text, unescaped
    shown = {key: entry[key] for key in ("slug", "title", "url", "date", "summary", "image")}
    shown |= {"category": "Vie <b onclick=x>", "category_slug": "vie-de-la-caf"}
    database = tmp_path / "comments.sqlite3"
    conn = db.connect(database)
    db.migrate(conn)
    with conn:
        conn.execute(
            "INSERT INTO letters (kind, period, subject, articles, created_at)"
            " VALUES ('article', 'champs', ?, ?, '2024-03-03T12:00:00+00:00')",
            (entry["title"], json.dumps([shown])),
        )
    conn.close()
    content = hostile_site.parent / "content"
    output = tmp_path / "output"
    build_apart(content, output, read_settings(str(ROOT / "pelicanconf.py"))["PLUGINS"],
                COMMENTS_DB=str(database))  # fmt: skip
    pages = [output / "lettres" / "index.html", output / "lettres" / "1" / "index.html"]
    assert "Titre" in pages[1].read_text(encoding="utf-8")
    for page in pages:
        assert executable_markup(page.read_text(encoding="utf-8"), SITE_URL) == [], page


def test_issue19_item1_what_readers_read_stays(hostile_site):
    """The text around the removed markup, and the escaped text, are still there."""
    page = (hostile_site / "articles" / "champs" / "index.html").read_text(encoding="utf-8")
    assert "Chapô" in page and "ici" in page
    body = (hostile_site / "articles" / "corps" / "index.html").read_text(encoding="utf-8")
    for text in ("survol", "lien Markdown", "Plus", "fond", "Une réponse"):
        assert text in body, text


def test_issue19_item1_launch_content_builds_the_same_with_the_sanitiser(tmp_path):
    """Nothing the site's own Markdown and plugins write is removed: the launch content gives
    the same files, byte for byte, with and without the sanitiser. Pagefind's index is left
    out: two builds of the same site already name its filter files differently."""
    plugins = read_settings(str(ROOT / "pelicanconf.py"))["PLUGINS"]
    assert plugins[-1] == "sanitize"
    outputs = {}
    for name, chosen in (("avec", plugins), ("sans", plugins[:-1])):
        outputs[name] = tmp_path / name / "output"
        build_apart(ROOT / "content", outputs[name], chosen)
    files = _files(outputs["avec"])
    assert len(files) > 50
    assert files == _files(outputs["sans"])
    different = [
        str(name)
        for name in files
        if (outputs["avec"] / name).read_bytes() != (outputs["sans"] / name).read_bytes()
    ]
    assert different == []


RICH_BODY = """\
![Une crèche vue du jardin](/images/creche.jpg "Le jardin © Caf")

Texte avec une image en ligne ![Logo](/images/creche.jpg) et une note[^1], un sigle Caf,
un [lien](https://www.caf.fr "Caf") et une [ancre](#plus){: .lien lang="en" aria-label="Plus"}.

| Gauche | Centre | Droite |
|:-------|:------:|-------:|
| a      | b      | c      |

Terme
:   Sa définition.

<details open><summary>Plus</summary><p id="plus" class="encadre" aria-live="polite">Détail
<abbr title="Caisse d’allocations familiales">Caf</abbr>, <mark>marqué</mark>,
<time datetime="2024-03-01">1er mars</time>, <q cite="https://www.caf.fr">cité</q>.</p></details>

    code <b>échappé</b>

> Une citation, *en italique*, **en gras**, `du code`.

1. un
2. deux

*[Cnaf]: Caisse nationale

[^1]: La note, avec un [lien](https://www.caf.fr).
"""


def test_issue19_item1_markdown_and_plugins_markup_is_kept(tmp_path):
    """Figures, pictures and their srcset, tables aligned, footnotes, definitions, details,
    abbreviations, ids, classes, aria-*, lang: the same page with and without the sanitiser,
    but for how it writes the same markup (a column's `style="text-align: left;"` becomes the
    class `aligne-left`, since the site's CSP allows no style attribute; `open=""` for `open`,
    characters for `&#160;` and `&#8617;`)."""
    pages = {}
    plugins = read_settings(str(ROOT / "pelicanconf.py"))["PLUGINS"]
    for name, chosen in (("avec", plugins), ("sans", plugins[:-1])):
        site = tmp_path / name
        images = {"creche.jpg": jpeg_bytes(photo(1600, 1000))}
        content = new_site(site, images, {"riche": {"body": RICH_BODY}})
        build_apart(content, site / "output", chosen)
        pages[name] = (site / "output" / "articles" / "riche" / "index.html").read_text()
    for markup in ("<figure", "<picture", "srcset=", 'class="aligne-center"', "footnote",
                   "<dl>", "<details open", "<abbr", 'aria-label="Plus"', 'lang="en"', "<mark>",
                   'loading="lazy"', "width=", "<time datetime", "<q cite"):  # fmt: skip
        assert markup in pages["avec"], markup
    assert _same_markup(pages["avec"]) == _same_markup(pages["sans"])


def _same_markup(html):
    """`html` parsed and written again, a cell's alignment written as a class."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(style=True):
        align = tag["style"].replace(" ", "").rstrip(";").removeprefix("text-align:")
        tag["class"] = [f"aligne-{align}", *tag.get("class", [])]
        del tag["style"]
    return str(soup)


def _files(output):
    found = (p.relative_to(output) for p in output.rglob("*") if p.is_file())
    return sorted(p for p in found if p.parts[0] != "pagefind")


# Headings whose last tag is never closed: a regular expression stripping `<…>` left them
# whole, and the « Sommaire » printed them as markup (found by the review of issue 19).
OPEN_HEADINGS = [
    f"<h2>Pourquoi <details open ontoggle={FLAG}//</h2>",
    f"<h2>Comment <svg/onload={FLAG}//</h2>",
    '<h2>Où <meta http-equiv=refresh content="0;url=https://evil.example/"//</h2>',
]


def test_issue19_review_table_of_contents_runs_no_heading_markup(tmp_path):
    """The « Sommaire » lists each question's text: an unclosed tag in a heading is text
    there, as it is in the sanitised heading itself."""
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    fields = dict(body="\n\n".join(OPEN_HEADINGS), summary="Chapô.", title="Sommaire")
    text = ARTICLE.format(slug="sommaire", day=1, roles="maire", tags="essai", **fields)
    (content / "articles" / "sommaire.md").write_text(text, encoding="utf-8")
    output = tmp_path / "output"
    Pelican(settings_for(content, output)).run()
    page = (output / "articles" / "sommaire" / "index.html").read_text(encoding="utf-8")
    toc = BeautifulSoup(page, "html.parser").find("nav", class_="toc")
    assert len(toc.find_all("li")) >= 3
    assert executable_markup(page, SITE_URL) == []
    assert "Pourquoi" in toc.text and "Où" in toc.text


@pytest.mark.browser
def test_issue19_review_a_title_cannot_swallow_the_page_into_its_json_ld(tmp_path, browser):
    """A title reading « <!--<script> » (as text) went raw into the JSON-LD: from there the
    HTML parser no longer ends the script at its `</script>`, and the article's page showed
    nothing of its header or text. In Chromium, the page keeps its heading and its text."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    (content / "articles").mkdir()
    fields = dict(body="Le texte lisible.", summary="Chapô.", title="Titre <!--<script>")
    text = ARTICLE.format(slug="commentaire", day=1, roles="maire", tags="essai", **fields)
    (content / "articles" / "commentaire.md").write_text(text, encoding="utf-8")
    output = tmp_path / "output"
    Pelican(settings_for(content, output)).run()
    with serve_directory(output) as url:
        context, page, _ = open_page(browser, f"{url}/articles/commentaire/", 1280)
        heading = page.locator("h1").all_inner_texts()
        body = page.locator("body").inner_text()
        context.close()
    assert heading == ["Titre <!--<script>"]
    assert "Le texte lisible." in body


# Pelican resolves its own links (`{index}`, `{tag}…`, `{filename}…`, also written `|…|`) when
# it writes a page, after the sanitiser, keeping the scheme of what follows the marker.
SITE_LINKS = [
    f'<a href="{{index}}javascript:x?%0A{FLAG}">accueil</a>',
    f'<a id="filename" href="{{filename}}javascript:{FLAG}">fichier</a>',
    f'<a href="|static|javascript:x?%0A{FLAG}">statique</a>',
    f"[mot-clé]({{tag}}javascript:x?%0A{FLAG})",
    "[un autre article]({filename}/articles/autre.md) et [le mot-clé]({tag}essai)",
]


def test_issue19_review_site_links_cannot_become_javascript(tmp_path):
    """`{index}javascript:x?%0A…` was written `javascript:https://…/index.html?%0A…`: a script
    once the link is followed (the line break ends the comment the address starts)."""
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    fields = dict(body="\n\n".join(SITE_LINKS), summary="Chapô.", title="Liens")
    text = ARTICLE.format(slug="liens", day=1, roles="maire", tags="essai", **fields)
    (content / "articles" / "liens.md").write_text(text, encoding="utf-8")
    other = ARTICLE.format(slug="autre", day=2, roles="maire", tags="essai", **fields)
    (content / "articles" / "autre.md").write_text(other.replace("Liens", "Autre"), "utf-8")
    output = tmp_path / "output"
    Pelican(settings_for(content, output)).run()
    page = (output / "articles" / "liens" / "index.html").read_text(encoding="utf-8")
    assert executable_markup(page, SITE_URL) == []
    assert f'href="{SITE_URL}/articles/autre/"' in page
    assert f'href="{SITE_URL}/mots-cles/essai/"' in page
