"""Who may import whom (issue 17), checked by import-linter from pyproject.toml's
[tool.importlinter]: the assembly → comments | lettre | room (independent of each other) →
team → core → site_core; site_core and the Pelican plugins never import the service.

The same `lint-imports` runs in test.sh; here it runs on the tree, then on a copy of it with one
forbidden import added, to show the check can fail."""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def lint(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=where, capture_output=True, text=True, timeout=120
    )


def test_the_tree_keeps_every_import_contract():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    """The Python files of the three packages and the configuration, in a folder of their own."""
    target = tmp_path_factory.mktemp("tree")
    for package in ("service", "site_core", "plugins"):
        for source in (ROOT / package).rglob("*.py"):
            if "__pycache__" not in source.parts:
                copied = target / source.relative_to(ROOT)
                copied.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, copied)
    shutil.copyfile(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


@pytest.mark.parametrize(
    ("path", "line", "contract"),
    [
        ("service/comments/crossing.py", "from service.lettre import follows", "Layers"),
        ("service/room/crossing.py", "from service.comments import actions", "Layers"),
        ("service/core/crossing.py", "from service.team import accounts", "Layers"),
        ("service/team/crossing.py", "from service.room import store", "Layers"),
        ("site_core/crossing.py", "from service.core import db", "site_core imports no"),
        ("plugins/images/crossing.py", "from service.core import db", "plugins import no"),
    ],
)
def test_a_forbidden_import_breaks_the_check(copy, path, line, contract):
    added = copy / path
    added.write_text(f"{line}\n")
    try:
        result = lint(copy)
    finally:
        added.unlink()
    assert result.returncode != 0
    broken = [row for row in result.stdout.splitlines() if row.endswith(" BROKEN")]
    assert any(contract in row for row in broken), result.stdout
    assert path.removesuffix(".py").replace("/", ".") in result.stdout


# Each table's SQL lives in its owner's module (core/db.py); the lettre and the room read
# comments only through the functions app.py hands their setup.
SQL_ON_COMMENTS = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+comments\b")


def sql_on_comments(package: Path) -> list[str]:
    """Where a string of `package`'s modules (a literal, an f-string's text, implicit
    concatenations joined) names the `comments` table in SQL."""
    found = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if SQL_ON_COMMENTS.search(node.value):
                    found.append(f"{path.relative_to(package.parent)}:{node.lineno}")
    return found


@pytest.mark.parametrize("domain", ["lettre", "room"])
def test_no_other_domain_has_sql_on_the_comments_table(domain):
    assert sql_on_comments(ROOT / "service" / domain) == []


@pytest.mark.parametrize(
    "line",
    [
        'ROWS = "SELECT id FROM comments WHERE id = ?"',
        'ROWS = ("SELECT s.id FROM subscriptions s"\n    " JOIN comments c ON c.id = s.target")',
        'def f(conn, t):\n    return conn.execute(f"UPDATE comments SET {t} = 1")',
    ],
)
def test_the_scan_finds_sql_on_the_comments_table(tmp_path, line):
    (tmp_path / "lettre").mkdir()
    (tmp_path / "lettre" / "crossing.py").write_text(f"{line}\n")
    (tmp_path / "lettre" / "fine.py").write_text('"""New comments on an article."""\n')
    found = sql_on_comments(tmp_path / "lettre")
    assert [where.partition(":")[0] for where in found] == ["lettre/crossing.py"]
