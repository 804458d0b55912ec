"""The editor's Markdown reader and writer (service/room/editor/src/markdown.js) on every file
the room edits: each body, cut from its file as the room cuts it (draft.from_document), goes
through parseMarkdown then serializeMarkdown in node and must come back byte for byte, and the
whole file written back with it (draft.file_text) must equal the file. Corpora: content/, the
benchmarks' generated corpus (benchmarks/corpus.py), the search tests' articles, and
hand-written files with the odd parts a developer may type.

And what an edit writes: the body written as if every block had been edited (each block
rewritten from the model, in the site's style) must render, through the site's own
Python-Markdown settings, as the body does: so the model holds what readers see."""

import json
import re
import subprocess
from pathlib import Path

import markdown
import pytest
from pelican.settings import read_settings

from benchmarks.corpus import write_corpus
from service.room import articles, draft
from tests.support.search_site import build_search_site

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "service" / "room" / "editor" / "tests" / "roundtrip.mjs"
HEADER = "Title: Essai\nDate: 2024-03-01 10:00\nCategory: Vie de la Caf\nSlug: essai\n"
HAND_WRITTEN = {
    "table": HEADER + "\nAvant.\n\n| Ville | Ctg |\n|---|---|\n| Évry | 2019 |\n",
    "crlf": HEADER.replace("\n", "\r\n") + "\r\n## Question\r\n\r\nRéponse.\r\n",
    "no-final-newline": HEADER + "\n## Question\n\nRéponse sans fin de ligne",
    "blank-lines-around": HEADER + "\n\n\n## Question\n\n\n\nRéponse.   \n\n\n",
    "body-under-metadata": HEADER + "Texte collé aux métadonnées.\n",
    "metadata-only": HEADER,
    "html-and-code": HEADER + "\n<div>\n\nx\n\n</div>\n\n```\na\n\n\nb\n```\n\n\tcode\n",
}


TRICKY = [
    "**Awa Diallo :**{: .speaker} « Oui, **vraiment**, *sans* `doute` »\n",
    "Une ligne  \ncassée, une autre\\\nnon, 2 * 3 * 4, snake_case_name, *a [b*](/u) c*.\n",
    "**a *b* c**, (*entre parenthèses*), l’*apostrophe* et «\u00a0*insécable*\u00a0».\n",
    "Des &lt;balises> &amp;amp; des « guillemets », un lien <https://caf.fr/a_b> et ``a`b``.\n",
    "- un\n- deux\n    - deux bis\n    - deux ter\n- trois\n\n* lâche\n\n* liste\n",
    "3. trois\n4. quatre\n\nTexte.\n\n1. un\n\n    suite de un\n\n2. deux\n",
    "> Une citation\n>\n> - avec\n> - une liste\n\n> suite de la citation\n",
    "Un paragraphe\n## coupé par un titre\nEt un autre\n> coupé par une citation\n",
    "- un item\n> avec une citation dessous\n- et un autre\n",
    '![Une photo](/images/x.jpg "Légende © Crédit")\n\n![Sans titre](/images/y.jpg)\n',
    "\\*pas en italique\\*, \\[pas un lien\\](x)\n\n\\# pas un titre\n\n1\\. pas une liste\n",
    "__gras__ et _italique_ et **gras _fin_**\n",
    # Nested lists as the editor writes a paste from Word or Google Docs, and typed tight.
    "- a\n\n    - b\n    - c\n\n        1. d  \n            l3\n        2. e\n\n- f\n",
    "1. un\n\n    - x\n    - y\n\n        1. i\n        2. ii\n\n2. deux\n",
    "- a\n    - b\n        - c\n        - d\n    1. e\n- f\n",
]
# Read in ways the model does not hold for sure: kept raw, verbatim.
TRICKY_RAW = [
    "Des &lt;balises&gt; écrites en entités.\n",
    "***les deux*** et **gras *fin***\n",
    "*a [b*](/u) sans fin\n",
]
SITE_MARKDOWN = read_settings(str(ROOT / "pelicanconf.py"))["MARKDOWN"]
MARKDOWN = markdown.Markdown(
    extensions=list(SITE_MARKDOWN["extension_configs"]),
    extension_configs=SITE_MARKDOWN["extension_configs"],
    output_format=SITE_MARKDOWN.get("output_format", "html5"),
)


def site_html(text: str) -> str:
    """The HTML the site's Markdown settings make, whitespace between tags aside."""
    html = MARKDOWN.reset().convert(text)
    return re.sub(r" ?(<[^>]+>) ?", r"\1", re.sub(r"\s+", " ", html)).strip()


def editor_round_trip(bodies: list[str]) -> list[dict]:
    done = subprocess.run(
        ["node", str(SCRIPT)],
        input=json.dumps(bodies),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        timeout=300,
    )
    return json.loads(done.stdout)


def check_files(texts: dict[str, str]) -> dict[str, dict]:
    """Round-trip each file's body through the editor; the differences, and each file's result."""
    documents = {name: articles.parse(text) for name, text in texts.items()}
    drafts = {name: draft.from_document(doc, "article") for name, doc in documents.items()}
    results = dict(zip(texts, editor_round_trip([d.body for d in drafts.values()]), strict=True))
    for name, result in results.items():
        body_back = result["markdown"]
        drafts[name].body = body_back
        result["body_differs"] = body_back != documents[name].body
        result["file_differs"] = draft.file_text(drafts[name], documents[name]) != texts[name]
        before, after = site_html(documents[name].body), site_html(result["rewritten"])
        result["renders_differently"] = before != after
    return results


def differing(results: dict[str, dict]) -> list[str]:
    return [name for name, r in results.items() if r["body_differs"] or r["file_differs"]]


def rendering_differently(results: dict[str, dict]) -> list[str]:
    return [name for name, r in results.items() if r["renders_differently"]]


def test_every_content_file_round_trips_byte_for_byte():
    paths = sorted((ROOT / "content").rglob("*.md"))
    results = check_files({str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in paths})
    assert len(results) == len(paths) >= 11
    assert differing(results) == []
    assert rendering_differently(results) == []
    raw = {name: r["raw"] for name, r in results.items() if r["raw"]}
    # The HTML markers where the build puts the lettre form, the feeds and the RGAA statement.
    assert raw == {"content/pages/s-abonner.md": 2, "content/pages/accessibilite.md": 1}


def test_benchmark_corpus_round_trips_byte_for_byte(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", 120)
    paths = sorted(corpus.rglob("*.md"))
    results = check_files({p.name: p.read_text(encoding="utf-8") for p in paths})
    assert len(results) >= 120
    assert differing(results) == []
    assert rendering_differently(results) == []
    raws = {name: r["raw"] for name, r in results.items() if r["raw"]}
    assert raws == {"s-abonner.md": 2, "accessibilite.md": 1}


def test_search_site_articles_round_trip_byte_for_byte(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.support.search_site.build_site", lambda output, **_: output)
    monkeypatch.setattr("tests.support.search_site._comments", lambda path: None)
    build_search_site(tmp_path)
    paths = sorted((tmp_path / "content").rglob("*.md"))
    results = check_files({p.name: p.read_text(encoding="utf-8") for p in paths})
    assert len(results) == 16
    assert differing(results) == []
    assert rendering_differently(results) == []
    assert all(r["raw"] == 0 for r in results.values())


@pytest.mark.parametrize("name", sorted(HAND_WRITTEN))
def test_hand_written_file_round_trips_byte_for_byte(name):
    results = check_files({name: HAND_WRITTEN[name]})
    assert differing(results) == []
    assert rendering_differently(results) == []


@pytest.mark.parametrize("number", range(len(TRICKY)))
def test_tricky_body_is_modelled_round_trips_and_renders_the_same_once_rewritten(number):
    results = check_files({"tricky": HEADER + "\n" + TRICKY[number]})
    assert differing(results) == []
    assert rendering_differently(results) == [], results["tricky"]["rewritten"]
    assert results["tricky"]["raw"] == 0


@pytest.mark.parametrize("number", range(len(TRICKY_RAW)))
def test_body_the_model_cannot_hold_is_kept_raw_byte_for_byte(number):
    results = check_files({"odd": HEADER + "\n" + TRICKY_RAW[number]})
    assert differing(results) == []
    assert rendering_differently(results) == []
    assert results["odd"]["raw"] == 1
