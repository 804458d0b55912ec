"""Acronyms explained under the articles that use them (plugins/glossary)."""

import pytest
from bs4 import BeautifulSoup
from pelican.settings import read_settings

from plugins.glossary import Glossary
from tests.support.site import ROOT

GLOSSARY = {"Ctg": "convention territoriale globale", "Eaje": "crèche"}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>Les Eaje, la Ctg, puis la Ctg et les Eaje.</p>", ["Eaje", "Ctg"]),
        # Not in attributes, code, or inside words.
        ('<p><a href="/Ctg" title="Ctg">lien</a> Ctgs <code>Eaje</code></p><pre>Ctg</pre>', []),
        ('<h2>La <a href="/c">Ctg</a> ?</h2>', ["Ctg"]),
    ],
)
def test_finds_the_acronyms_used_in_the_text(source, expected):
    used = Glossary(GLOSSARY).used_in(source)
    assert [acronym.word for acronym in used] == expected
    assert all(acronym.meaning == GLOSSARY[acronym.word] for acronym in used)


def test_articles_list_their_acronyms_in_order_of_first_use(built_site):
    meanings = read_settings(str(ROOT / "pelicanconf.py"))["GLOSSARY"]
    assert "crèche" in meanings["Eaje"]
    page = BeautifulSoup(
        (built_site / "articles/territorialisation-se-concretise/index.html").read_text(
            encoding="utf-8"
        ),
        "html.parser",
    )
    line = page.find(class_="sigles")
    assert [abbr.get_text() for abbr in line.find_all("abbr")] == ["Eaje", "Ram", "Laep", "Ctg"]
    assert line.get_text().startswith(f"Sigles\u00a0: Eaje\u00a0: {meanings['Eaje']}\u202f; Ram")
    assert "<abbr" not in page.find(class_="entretien__body").decode(), "the text is unchanged"
