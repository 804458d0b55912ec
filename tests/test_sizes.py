"""Sizes a reader can hold in mind: no module over 300 lines of code, no folder over 15 modules.

Lines of code are the lines a token of code touches: blank lines and comments do not count,
docstrings and other strings do (every line they span). A module over the limit is split by
job, not by size; a folder over it gets sub-packages.
"""

import io
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ("service", "site_core", "plugins", "tests", "benchmarks", "tasks.py")
MAX_CODE_LINES = 300
MAX_MODULES = 15
NOT_CODE = {
    tokenize.COMMENT,
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENCODING,
    tokenize.ENDMARKER,
}


def code_lines(source: str) -> int:
    lines = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in NOT_CODE:
            lines.update(range(token.start[0], token.end[0] + 1))
    return len(lines)


def modules(root: Path) -> list[Path]:
    found = []
    for name in CHECKED:
        path = root / name
        found += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return [p for p in found if "__pycache__" not in p.parts]


def too_long(root: Path) -> list[str]:
    sizes = ((p, code_lines(p.read_text(encoding="utf-8"))) for p in modules(root))
    return [f"{p.relative_to(root)}: {n} lines" for p, n in sizes if n > MAX_CODE_LINES]


def too_full(root: Path) -> list[str]:
    folders = {p.parent for p in modules(root)}
    counts = ((f, len(list(f.glob("*.py")))) for f in sorted(folders))
    return [f"{f.relative_to(root)}/: {n} modules" for f, n in counts if n > MAX_MODULES]


def test_no_module_over_300_lines_of_code():
    assert too_long(ROOT) == []


def test_no_folder_over_15_modules():
    assert too_full(ROOT) == []


def test_what_counts_as_a_line_of_code():
    source = '"""A docstring\n\nover three lines."""\n\n# a comment\nx = 1  # counted\n'
    assert code_lines(source) == 4
    assert code_lines("def f():\n\n    return (\n        1,\n    )\n") == 4


def test_the_limits_fail_when_exceeded(tmp_path):
    package = tmp_path / "service" / "big"
    package.mkdir(parents=True)
    for number in range(MAX_MODULES):
        (package / f"m{number}.py").write_text("# only a comment\n" * 400, encoding="utf-8")
    assert too_full(tmp_path) == [] and too_long(tmp_path) == []
    (package / "long.py").write_text("x = 1\n" * (MAX_CODE_LINES + 1), encoding="utf-8")
    assert too_full(tmp_path) == ["service/big/: 16 modules"]
    assert too_long(tmp_path) == ["service/big/long.py: 301 lines"]
