"""Bad content fails the build with a French message naming the file and the field."""

import pytest

from tests.support.site import build_site

GOOD = """Title: Un article correct
Date: 2022-01-10 09:00
Category: Vie de la Caf
Tags: essai
Slug: article-correct
Authors: Jeanne Martin
Roles: chargée de mission
Summary: Un chapô.

Le texte.
"""


def write_article(content_dir, name, text):
    articles = content_dir / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    (articles / name).write_text(text, encoding="utf-8")


def build_with(tmp_path, name, text):
    content = tmp_path / "content"
    write_article(content, "correct.md", GOOD)
    write_article(content, name, text)
    return build_site(tmp_path / "output", PATH=str(content))


def variant(**changes):
    """GOOD with some metadata lines replaced (value None drops the line)."""
    lines = []
    for line in GOOD.splitlines():
        key = line.split(":", 1)[0]
        if key in changes:
            if changes[key] is not None:
                lines.append(f"{key}: {changes[key]}")
        else:
            lines.append(line)
    return "\n".join(lines).replace("article-correct", "article-fautif") + "\n"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"Title": None}, "champ « Title » manquant"),
        ({"Date": "2022-13-45"}, "champ « Date » : « 2022-13-45 » n’est pas une date valide"),
        ({"Date": "demain"}, "champ « Date » : « demain » n’est pas une date valide"),
        ({"Category": "Sport"}, "champ « Category » : thème « Sport » inconnu"),
        ({"Category": None}, "champ « Category » manquant"),
        ({"Status": "publie"}, "champ « Status » : statut « publie » inconnu"),
        ({"Summary": None}, "champ « Summary » manquant"),
        ({"Roles": "directrice ; adjointe"}, "champ « Roles » : 2 rôle(s) pour 1 intervenant(s)"),
    ],
)
def test_bad_article_fails_the_build_naming_file_and_field(tmp_path, changes, expected):
    text = variant(**changes)
    if "Status" in changes:
        text = text.replace("Summary:", f"Status: {changes['Status']}\nSummary:")
    with pytest.raises(Exception) as failure:
        build_with(tmp_path, "fautif.md", text)
    assert type(failure.value).__name__ == "ContentError"
    message = str(failure.value)
    assert "La construction du site a échoué : 1 erreur(s)" in message
    assert f"content/articles/fautif.md : {expected}" in message
    assert not (tmp_path / "output" / "articles" / "article-correct" / "index.html").exists()


def test_every_problem_is_listed_at_once(tmp_path):
    content = tmp_path / "content"
    write_article(content, "a.md", variant(Title=None))
    write_article(content, "b.md", variant(Date="2022-02-30").replace("fautif", "autre"))
    with pytest.raises(Exception, match=r"2 erreur\(s\)") as failure:
        build_site(tmp_path / "output", PATH=str(content))
    assert "content/articles/a.md : champ « Title » manquant" in str(failure.value)
    assert "content/articles/b.md : champ « Date »" in str(failure.value)


def test_good_content_builds(tmp_path):
    output = build_with(tmp_path, "autre.md", variant(Title="Un autre article"))
    assert (output / "articles" / "article-correct" / "index.html").exists()
    assert (output / "articles" / "article-fautif" / "index.html").exists()


def refusal(tmp_path, folder: str, text: str) -> str:
    """The build's error for a hand-written `folder`/fautif.md (the build must fail)."""
    content = tmp_path / "content"
    write_article(content, "correct.md", GOOD)
    (content / folder).mkdir(exist_ok=True)
    (content / folder / "fautif.md").write_text(text, encoding="utf-8")
    with pytest.raises(Exception) as failure:
        build_site(tmp_path / "output", PATH=str(content))
    assert type(failure.value).__name__ == "ContentError", failure.value
    return str(failure.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (variant(Title="Un titre\x0bcoupé"), "champ « Title » : caractère invisible U+000B"),
        (variant(Summary="Un chapô\x1b."), "champ « Summary » : caractère invisible U+001B"),
        (GOOD.replace("Le texte.", "Le\x0ctexte."), "texte : caractère invisible U+000C"),
    ],
)
def test_issue19_item3_a_control_character_fails_the_build_naming_file_and_field(
    tmp_path, text, expected
):
    """Before: lxml's « All strings must be XML compatible » from the feeds, naming nothing."""
    message = refusal(tmp_path, "articles", text.replace("article-correct", "article-fautif"))
    assert f"content/articles/fautif.md : {expected}" in message


@pytest.mark.parametrize("slug", ["recherche", "themes", "flux", "images", "page", "lettres"])
def test_issue19_item3_a_page_at_an_address_the_site_uses_fails_the_build(tmp_path, slug):
    """Before: Pelican's « Failed to overwrite » (recherche, themes) or a page hidden inside the
    feeds', the images' or the pagination's folder, built without a word."""
    message = refusal(tmp_path, "pages", f"Title: Une page\nSlug: {slug}\n\nTexte.\n")
    assert f"content/pages/fautif.md : champ « Slug » : adresse « {slug} » réservée" in message


def test_issue19_item3_a_page_whose_title_makes_a_site_address_fails_the_build(tmp_path):
    message = refusal(tmp_path, "pages", "Title: Archives\n\nSans Slug.\n")
    assert "content/pages/fautif.md : champ « Slug » : adresse « archives » réservée" in message


def test_issue19_item3_a_speaker_without_a_role_builds(tmp_path):
    """The room writes « Roles: chargée ; » for two speakers, the second without a role (the
    speakers plugin pads); content_validation refused it."""
    text = variant(Authors="Jeanne Martin, Paul Durand", Roles="chargée de mission ;")
    output = build_with(tmp_path, "deux.md", text)
    assert (output / "articles" / "article-fautif" / "index.html").exists()


def test_issue19_review_item16_a_text_nested_too_deep_is_refused_in_french(tmp_path):
    """1,500 list markers in a row made Markdown's parser recurse past Python's limit: the
    build failed with « maximum recursion depth exceeded while calling a Python object »."""
    text = GOOD.replace("Le texte.", "- " * 1500 + "texte").replace("article-correct", "fautif")
    message = refusal(tmp_path, "articles", text)
    assert "content/articles/fautif.md : texte : trop de niveaux imbriqués" in message
    assert "recursion" not in message
