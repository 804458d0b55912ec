"""The RGAA audit's grid (audit/rgaa/) is whole and tells the truth about its tests: one row per
criterion × sample page, each status known, each test it names exists and is marked with that
criterion, each marked test is in the grid, each piece of evidence exists, each NC is in
ecarts.csv (which the statement lists)."""

import ast
import re
from collections import Counter
from datetime import date
from pathlib import Path

from plugins.rgaa_statement.grid import PENDING, STATUSES, Audit, node_ids
from tests.support.audit import AUDIT
from tests.support.site import ROOT

AUDIT_DATA = Audit.read(AUDIT)
TESTS = ROOT / "tests" / "audit"


def marked_tests(path: Path) -> dict[str, set[str]]:
    """{test name: its criteria} for the tests of `path` marked `@pytest.mark.rgaa(...)`."""
    found = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            if (
                isinstance(decorator, ast.Call)
                and ast.unparse(decorator.func) == "pytest.mark.rgaa"
            ):
                found[node.name] = {ast.literal_eval(arg) for arg in decorator.args}
    return found


def marks() -> dict[str, set[str]]:
    """{node id: criteria} for every marked test of tests/audit."""
    return {
        f"tests/audit/{path.name}::{name}": criteria
        for path in sorted(TESTS.glob("test_*.py"))
        for name, criteria in marked_tests(path).items()
    }


def test_the_reference_has_106_criteria_in_13_themes():
    numbers = [c["critere"] for c in AUDIT_DATA.criteria]
    assert len(numbers) == len(set(numbers)) == 106
    assert len({c["thematique"] for c in AUDIT_DATA.criteria}) == 13
    assert all(re.fullmatch(rf"{c['theme']}\.\d+", c["critere"]) for c in AUDIT_DATA.criteria)


def test_one_row_per_criterion_and_sample_page():
    rows = Counter((row["critere"], row["page"]) for row in AUDIT_DATA.grid)
    expected = {(c["critere"], p["page"]) for c in AUDIT_DATA.criteria for p in AUDIT_DATA.sample}
    assert set(rows) == expected
    assert max(rows.values()) == 1


def incomplete(row) -> str:
    """What is missing from a grid row ("" if nothing)."""
    if row["page"] in {p["page"] for p in AUDIT_DATA.sample if p["en_attente"]}:
        return "" if row["statut"] == PENDING else "a page waiting for issue 20 is NT"
    tested, _, by_hand = row["verification"].partition("manuel: ")
    problems = [
        "status" if row["statut"] not in STATUSES else "",
        "verification" if not (node_ids(row) or (not tested and by_hand.strip())) else "",
        "date" if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date"]) else "",
        "evidence" if not row["preuve"] else "",
    ]
    return " ".join(filter(None, problems))


def test_every_row_is_complete():
    problems = {(r["critere"], r["page"]): incomplete(r) for r in AUDIT_DATA.grid}
    assert {key: what for key, what in problems.items() if what} == {}
    assert all(date.fromisoformat(r["date"]) <= date.today() for r in AUDIT_DATA.grid if r["date"])


def test_every_named_test_exists_and_is_marked_with_its_criterion():
    marked = marks()
    for row in AUDIT_DATA.grid:
        for node in node_ids(row):
            assert node in marked, (row["critere"], row["page"], node)
            assert row["critere"] in marked[node], (row["critere"], node)


def test_every_marked_test_is_in_the_grid():
    named = {(node, row["critere"]) for row in AUDIT_DATA.grid for node in node_ids(row)}
    for node, criteria in marks().items():
        for criterion in criteria:
            assert (node, criterion) in named, (node, criterion)


def test_every_piece_of_evidence_exists():
    notes = (AUDIT / "preuves" / "notes.md").read_text(encoding="utf-8")
    for row in AUDIT_DATA.grid:
        for proof in row["preuve"].split(" ; "):
            path, _, anchor = proof.partition("#")
            assert (AUDIT / path).is_file(), (row["critere"], row["page"], path)
            if anchor.startswith("critere-"):
                number = anchor.removeprefix("critere-").replace("-", ".")
                assert f"## Critère {number} " in notes, anchor
            elif anchor:
                assert f'id="{anchor}"' in notes, anchor


def test_every_non_conformity_is_listed_with_its_alternative():
    failing = {(r["critere"], r["page"]) for r in AUDIT_DATA.grid if r["statut"] == "NC"}
    listed = {(gap["critere"], page) for gap in AUDIT_DATA.gaps for page in gap["pages"].split()}
    assert failing == listed
    assert all(gap["constat"] and gap["alternative"] for gap in AUDIT_DATA.gaps)
