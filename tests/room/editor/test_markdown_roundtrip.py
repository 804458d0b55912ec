"""The editor's Markdown reader and writer (service/room/editor/src/markdown.js) on every file
the room edits: each body, cut from its file as the room cuts it (draft.from_document), goes
through parseMarkdown then serializeMarkdown in node and must come back byte for byte, and the
whole file written back with it (draft.file_text) must equal the file. Corpora: content/, the
benchmarks' generated corpus (benchmarks/corpus.py), the search tests' articles, and
hand-written files with the odd parts a developer may type."""

import json
import subprocess
from pathlib import Path

import pytest

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
    return results


def differing(results: dict[str, dict]) -> list[str]:
    return [name for name, r in results.items() if r["body_differs"] or r["file_differs"]]


def test_every_content_file_round_trips_byte_for_byte():
    paths = sorted((ROOT / "content").rglob("*.md"))
    results = check_files({str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in paths})
    assert len(results) == len(paths) >= 11
    assert differing(results) == []
    raw = {name: r["raw"] for name, r in results.items() if r["raw"]}
    assert raw == {"content/pages/s-abonner.md": 2}, "only the two HTML markers stay raw"


def test_benchmark_corpus_round_trips_byte_for_byte(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", 120)
    paths = sorted(corpus.rglob("*.md"))
    results = check_files({p.name: p.read_text(encoding="utf-8") for p in paths})
    assert len(results) >= 120
    assert differing(results) == []
    assert sum(r["raw"] for r in results.values() if "s-abonner" not in r) == 2


def test_search_site_articles_round_trip_byte_for_byte(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.support.search_site.build_site", lambda output, **_: output)
    monkeypatch.setattr("tests.support.search_site._comments", lambda path: None)
    build_search_site(tmp_path)
    paths = sorted((tmp_path / "content").rglob("*.md"))
    results = check_files({p.name: p.read_text(encoding="utf-8") for p in paths})
    assert len(results) == 16
    assert differing(results) == []
    assert all(r["raw"] == 0 for r in results.values())


@pytest.mark.parametrize("name", sorted(HAND_WRITTEN))
def test_hand_written_file_round_trips_byte_for_byte(name):
    results = check_files({name: HAND_WRITTEN[name]})
    assert differing(results) == []
