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
