"""French typography plugin: the rules, their exclusions, idempotence, and a real Pelican build."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican.readers import MarkdownReader
from pelican.settings import read_settings

from site_core.dates import format_date
from site_core.typography import NBSP, NNBSP, typeset_html, typeset_text
from tests.support.site import ROOT, build_site

N, B = NNBSP, NBSP
SPACES = re.compile(f"[ \t\n{N}{B}]")

TEXT_CASES = [
    # Spaces before ; ! ? : replaced (a run of them, or the wrong kind) or inserted.
    ("Pourquoi ?", f"Pourquoi{N}?"),
    ("Pourquoi   ?", f"Pourquoi{N}?"),
    (f"Pourquoi{B}?", f"Pourquoi{N}?"),
    ("Absolument!", f"Absolument{N}!"),
    ("Deux points; trois", f"Deux points{N}; trois"),
    ("Note: bien", f"Note{B}: bien"),
    ("Note : bien", f"Note{B}: bien"),
    (f"Note{N}: bien", f"Note{B}: bien"),
    ("(voir plus haut)?", f"(voir plus haut){N}?"),
    ("12 %!", f"12 %{N}!"),
    # A run of marks takes one space, before its first mark.
    ("Quoi?!", f"Quoi{N}?!"),
    ("Quoi ?!", f"Quoi{N}?!"),
    ("Vraiment!!!", f"Vraiment{N}!!!"),
    # Guillemets.
    ("« oui »", f"«{N}oui{N}»"),
    ("«oui»", f"«{N}oui{N}»"),
    ("«  oui  »", f"«{N}oui{N}»"),
    ("«?»", f"«{N}?{N}»"),
    ("« Absolument! »", f"«{N}Absolument{N}!{N}»"),
    # Nothing to do, or nothing that French punctuation means.
    ("Rien à faire.", "Rien à faire."),
    ("à 10:30 précises", "à 10:30 précises"),
    ("de 9:00 à 12:00 : accueil", f"de 9:00 à 12:00{B}: accueil"),
    ("voir caf.fr/x?y=1 demain", "voir caf.fr/x?y=1 demain"),
    ("http://caf.fr/a?b=2&c=3!", f"http://caf.fr/a?b=2&c=3{N}!"),
    (
        "Lien : https://www.caf.fr/allocataires?x=1;y=2",
        f"Lien{B}: https://www.caf.fr/allocataires?x=1;y=2",
    ),
    ("écrire à contact@caf.fr: merci", f"écrire à contact@caf.fr{B}: merci"),
    ("mailto:contact@caf.fr", "mailto:contact@caf.fr"),
    ("std::vector", "std::vector"),
    ("C:\\Documents", "C:\\Documents"),
    ("le paramètre ?y=1", "le paramètre ?y=1"),
    ("« et »", f"«{N}et{N}»"),
    ("«", "«"),
    ("»", "»"),
    ("!", "!"),
]


@pytest.mark.parametrize(("text", "expected"), TEXT_CASES)
def test_text_rules(text, expected):
    assert typeset_text(text) == expected
    assert typeset_text(expected) == expected  # idempotent on its own output


def test_text_context_from_neighbours():
    # "!" alone after an inline element that ended with a word.
    assert typeset_text("!", before="t") == f"{N}!"
    assert typeset_text("!", before=" ") == "!"
    assert typeset_text("«", after="o") == f"«{N}"
    assert typeset_text("«", after=" ") == "«"


HTML_CASES = [
    ("<p><em>Absolument</em>!</p>", f"<p><em>Absolument</em>{N}!</p>"),
    ("<p>« <em>oui</em>»</p>", f"<p>«{N}<em>oui</em>{N}»</p>"),
    ("<p><strong>Mme Dupont :</strong> oui</p>", f"<p><strong>Mme Dupont{B}:</strong> oui</p>"),
    ('<h2 id="q-1">Pourquoi?</h2>', f'<h2 id="q-1">Pourquoi{N}?</h2>'),
    # Attributes never change, text inside the link does.
    (
        '<p><a href="https://caf.fr/x?y=1" title="Aide ? Oui : non">Aide ?</a></p>',
        f'<p><a href="https://caf.fr/x?y=1" title="Aide ? Oui : non">Aide{N}?</a></p>',
    ),
    ('<p title="«x»">a</p>', '<p title="«x»">a</p>'),
    # Entities: decoded to be read, written back with the minimal escaping.
    (
        "<p>&laquo;&nbsp;R&amp;D&nbsp;&raquo; &lt;ok&gt; hein!</p>",
        f"<p>«{N}R&amp;D{N}» &lt;ok&gt; hein{N}!</p>",
    ),
    # Comments and blocks: not text, and blocks do not give context to each other.
    ("<!-- Quoi ? --><p>Quoi?</p>", f"<!-- Quoi ? --><p>Quoi{N}?</p>"),
    ("<p>Fin</p>\n<p>!</p>", "<p>Fin</p>\n<p>!</p>"),
    ("<p>mot<br>? non</p>", "<p>mot<br>? non</p>"),
    # Skipped elements keep their text; their text still gives context around them.
    ("<p>Tapez <code>a ? b : c</code>!</p>", f"<p>Tapez <code>a ? b : c</code>{N}!</p>"),
    ("<pre><code>x = a ? b : c;\n« y »</code></pre><p>Et?</p>", None),
    ("<p><kbd>Ctrl : C</kbd> <samp>Erreur !</samp> <var>x ?</var></p>", None),
    ("<script>if (a<b) { x = y ? 1 : 2; }</script><p>Oui!</p>", None),
    ("<style>a:hover { color: red; }</style>", None),
    ("<textarea name=c>Bonjour : <b>? </textarea>", None),
    ("<PRE>Quoi ?</PRE>", None),
    ("<pre>a <!-- c --> b ?</pre><p>Et ?</p>", None),
    ("<script><!-- a ? --> x = '<b>' ? 1 : 2</script><p>Et ?</p>", None),
]


@pytest.mark.parametrize(("source", "expected"), HTML_CASES)
def test_html_rules_and_exclusions(source, expected):
    result = typeset_html(source)
    if expected is None:  # only text outside skipped elements may change
        skipped = re.compile(r"<(pre|kbd|samp|var|script|style|textarea)\b.*?</\1>", re.I | re.S)
        assert [m.group() for m in skipped.finditer(result)] == [
            m.group() for m in skipped.finditer(source)
        ]
    else:
        assert result == expected
    assert typeset_html(result) == result


def test_html_text_outside_skipped_elements_is_typeset():
    result = typeset_html("<pre>Quoi ?</pre><p>Quoi ?</p><script>a ? b : c</script><p>Et?</p>")
    assert result == f"<pre>Quoi ?</pre><p>Quoi{N}?</p><script>a ? b : c</script><p>Et{N}?</p>"


def _rendered_articles() -> list[tuple[str, str]]:
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(ROOT / "content")})
    reader = MarkdownReader(settings)
    paths = sorted((ROOT / "content" / "articles").glob("*.md"))
    return [(path.name, reader.read(str(path))[0]) for path in paths]


def test_real_articles_only_spaces_change_and_idempotent():
    articles = _rendered_articles()
    assert articles, "no article in content/articles"
    for name, source in articles:
        result = typeset_html(source)
        assert result != source, name
        assert typeset_html(result) == result, name
        before, after = BeautifulSoup(source, "lxml"), BeautifulSoup(result, "lxml")
        # Same elements with the same attributes, same text but for the spaces.
        assert [(t.name, t.attrs) for t in before.find_all(True)] == [
            (t.name, t.attrs) for t in after.find_all(True)
        ], name
        assert SPACES.sub("", before.get_text()) == SPACES.sub("", after.get_text()), name
        # No ordinary space left before ? ! ; : or around guillemets in the text.
        text = after.get_text()
        assert not re.search(r" [?!;:»]|« ", text), (name, re.findall(r".{20} [?!;:»]", text))


def _write_article(folder: Path, name: str, title: str, summary: str, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.md").write_text(
        f"Title: {title}\nDate: 2024-03-01 10:00\nCategory: Solidarité\n"
        f"Authors: Claire Martin\nRoles: chargée de mission\nSummary: {summary}\n"
        f"Tags: typographie\nSlug: {name}\n\n{body}\n",
        encoding="utf-8",
    )


def test_build_typesets_articles(tmp_path):
    content = tmp_path / "content"
    _write_article(
        content / "articles",
        "essai-typo",
        "Pourquoi une Caf?",
        "Un « essai» rapide!",
        "## Qui finance?\n\n"
        "**Claire Martin :**{: .speaker} «Absolument! Voir [l’aide](https://caf.fr/aide?x=1;y=2) "
        "à 10:30.»\n\n"
        "    code ? non : jamais\n",
    )
    (content / "pages").mkdir()
    output = build_site(tmp_path / "output", PATH=str(content))
    page = (output / "articles" / "essai-typo" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "lxml")
    assert soup.h1.get_text() == f"Pourquoi une Caf{N}?"
    assert f"Qui finance{N}?" in [h.get_text() for h in soup.find_all("h2")]
    assert f"Un «{N}essai{N}» rapide{N}!" in soup.select_one(".chapo").get_text()
    body = soup.select_one(".entretien__body")
    assert f"«{N}Absolument{N}! Voir l’aide à 10:30.{N}»" in body.get_text()
    assert body.find("a", href="https://caf.fr/aide?x=1;y=2") is not None
    assert body.pre.get_text() == "code ? non : jamais\n"


def test_built_site_interview(built_site):
    page = (built_site / "articles" / "enjeux-prioritaires-2022" / "index.html").read_text(
        encoding="utf-8"
    )
    soup = BeautifulSoup(page, "lxml")
    assert f"Que représente 2022 pour la Caf de l’Essonne{N}?" in [
        h.get_text() for h in soup.find_all("h2")
    ]
    body = soup.select_one(".entretien__body").get_text()
    assert f"«{N}Absolument{N}!" in body
    assert f"qu’un seul objectif{B}: proposer" in body


# --- templates (site_core.jinja_typography) -------------------------------------------------


def _env(autoescape=False, **templates):
    import jinja2

    from site_core.jinja_typography import FrenchTypography

    return jinja2.Environment(
        loader=jinja2.DictLoader(templates), extensions=[FrenchTypography], autoescape=autoescape
    )


def test_template_text_is_typeset_when_compiled():
    env = _env(
        page=(
            '<p class="x"{% if on %} hidden{% endif %}>Mots-clés : {{ tags }} !</p>'
            "<p>« {{ name }} » ; fin ? <code>a ? b : c</code></p>"
            '<a href="/r?a={{ a }}&amp;b=1" title="Aide ? Oui : non">Aide ?</a>'
        )
    )
    html = env.get_template("page").render(on=True, tags="a ? b", name="x", a=1)
    assert html == (
        f'<p class="x" hidden>Mots-clés{B}: a ? b{N}!</p>'
        f"<p>«{N}x{N}»{N}; fin{N}? <code>a ? b : c</code></p>"
        f'<a href="/r?a=1&amp;b=1" title="Aide ? Oui : non">Aide{N}?</a>'
    ), "template text only: the value « a ? b » is not typeset without the filter"


def test_typo_filter_for_values():
    from markupsafe import Markup

    template = "{{ value | typo }}"
    pelican_like = _env(page=template).get_template("page")
    assert pelican_like.render(value="<em>Oui</em>! R&amp;D ?") == f"<em>Oui</em>{N}! R&amp;D{N}?"
    escaping = _env(autoescape=True, page=template).get_template("page")
    assert escaping.render(value="a < b ? R&D") == f"a &lt; b{N}? R&amp;D"
    assert escaping.render(value=Markup("<em>Oui</em>!")) == f"<em>Oui</em>{N}!"
    assert escaping.render(value=None) == "None"


BAD_SPACE = re.compile(r"\S[ \t\n]+[;:!?»]|«[ \t\n]")
# An ordinary space inside « 2 février 2023 » or « 14 h 05 » (« à » between them may break).
SPLIT_DATE = re.compile(r"\d(?:er)? [a-zéû]|[a-zéû] \d{4}|\d h|h \d")


def _visible_texts(path: Path) -> list[str]:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
    for element in soup(["code", "pre", "script", "style", "textarea", "noscript"]):
        element.decompose()
    return [soup.title.get_text() if soup.title else "", soup.body.get_text()]


def test_every_page_of_the_built_site_is_typeset(built_site):
    """Labels, titles, roles, date notes, lists, pages: no ordinary space before ; : ! ? » or
    after «, and no date the site writes that could break across lines, anywhere a reader sees
    text."""
    slips = []
    for path in sorted(built_site.rglob("*.html")):
        if "pagefind" in path.parts:
            continue
        for text in _visible_texts(path):
            slips += [(path.name, text[m.start() - 20 : m.end()]) for m in BAD_SPACE.finditer(text)]
        for time in BeautifulSoup(path.read_text(encoding="utf-8"), "lxml").find_all("time"):
            if SPLIT_DATE.search(time.get_text()):
                slips.append((path.name, time.get_text()))
    assert slips == []


@pytest.mark.parametrize(
    ("value", "with_time", "expected"),
    [
        (date(2023, 2, 2), False, f"2{B}février{B}2023"),
        (date(2023, 3, 1), False, f"1er{B}mars{B}2023"),
        # Aware datetimes are shown in Paris time (UTC+1 in winter).
        (datetime(2026, 1, 2, 13, 5, tzinfo=UTC), True, f"2{B}janvier{B}2026 à 14{B}h{B}05"),
    ],
)
def test_dates_never_split(value, with_time, expected):
    assert format_date(value, with_time=with_time) == expected


def test_roles_date_notes_and_labels(tmp_path):
    content = tmp_path / "content"
    _write_article(content / "articles", "roles", "Rôles", "Chapô.", "Texte.")
    source = content / "articles" / "roles.md"
    source.write_text(
        source.read_text(encoding="utf-8")
        .replace("Roles: chargée de mission", "Roles: cheffe de projet : petite enfance")
        .replace("Tags:", "Date_estimate: Date estimée : « vers mars ».\nTags:"),
        encoding="utf-8",
    )
    (content / "pages").mkdir()
    output = build_site(tmp_path / "output", PATH=str(content))
    soup = BeautifulSoup(
        (output / "articles" / "roles" / "index.html").read_text(encoding="utf-8"), "lxml"
    )
    assert (
        soup.select_one(".speakers").get_text()
        == f"Avec Claire Martin, cheffe de projet{B}: petite enfance"
    )
    assert soup.select_one(".date-note").get_text() == f"Date estimée{B}: «{N}vers mars{N}»."
    assert soup.select_one(".tags span").get_text() == f"Mots-clés{B}:"
    assert soup.title.get_text() == "Rôles — Caf de l’Essonne — Partenaires"


def test_comment_names_and_bodies_are_typeset(tmp_path):
    from service.core import db

    content = tmp_path / "content"
    _write_article(content / "articles", "avis", "Avis", "Chapô.", "Texte.")
    (content / "pages").mkdir()
    conn = db.connect(tmp_path / "comments.sqlite3")
    db.migrate(conn)
    conn.execute(
        "INSERT INTO comments (article_slug, author_name, author_email, body, status,"
        " created_at) VALUES ('avis', 'Mairie : jeunesse', 'x@example.org',"
        " 'Pourquoi pas ? Voir https://caf.fr/a?b=1 !', 'approved', '2024-03-02T10:00:00+00:00')"
    )
    conn.commit()
    conn.close()
    output = build_site(
        tmp_path / "output", PATH=str(content), COMMENTS_DB=str(tmp_path / "comments.sqlite3")
    )
    page = (output / "articles" / "avis" / "index.html").read_text(encoding="utf-8")
    comment = BeautifulSoup(page, "lxml").select_one(".comment")
    assert comment.select_one(".comment__author").get_text(strip=True) == f"Mairie{B}: jeunesse"
    assert comment.select_one(".comment__body").get_text().strip() == (
        f"Pourquoi pas{N}? Voir https://caf.fr/a?b=1{N}!"
    )
