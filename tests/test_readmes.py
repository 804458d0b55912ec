"""The map is the tree: every file a README names exists, every module is on its package's map.

A README names files and modules in backticks: paths (`room/pages/editor.py`, `core/migrations/`,
`service/core/db.py`, resolved from the README's folder or the repository root) and dotted names
(`site_core.feeds`, `outbox.claim`: a module, and at most one name defined at its top level;
outside the repository's own packages, a dotted name counts only in a package's README, where
its first part must be a module of that package's tree). A README of a mapped folder (below)
has a table whose first column lists every module of its package (an empty `__init__.py`
excepted) and every sub-package without a README of its own (`mail/`), whose modules it then
lists too (`mail/mime.py`). So a module moved, renamed, added or removed fails here until the
map says so.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Folders whose packages are mapped by README tables; each package of the service has its own.
MAPPED = ("service", "site_core", "benchmarks")
OWN_README = ("service",)

# What a README may name that the repository does not hold: folders made by an install, a
# build, a run or a benchmark (a path's first part), and files or folders a run writes.
MADE_AT_RUN_TIME = {".venv", "output", "cache", "data", "bench-results", "site.versions"}
WRITTEN_FILES = {"robots.txt", "sitemap.xml", "404.html", "builder.log", "site_build.png"}
WRITTEN_FILES |= {"content/images/"}  # the room's uploads
SKIPPED_DIRS = MADE_AT_RUN_TIME | {"node_modules", "__pycache__"}

FILE_TYPES = "py sql md html txt css js json toml sh cfg ini yml yaml png svg".split()
PATH = re.compile(r"[\w.-]+(/[\w.-]+)*/?")
DOTTED = re.compile(r"([a-z_]\w*)((?:\.\w+)+)(\(\))?")
SPAN = re.compile(r"`([^`\n]+)`")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def readmes(root: Path) -> list[Path]:
    found = []
    for path in sorted(root.rglob("README.md")):
        parts = path.relative_to(root).parts[:-1]
        skipped = (p.startswith(".") or p in SKIPPED_DIRS or p.endswith(".egg-info") for p in parts)
        if not any(skipped):
            found.append(path)
    return found


def spans(readme: Path) -> list[str]:
    """The backticked spans of the prose (fenced blocks are commands and output, not names)."""
    return SPAN.findall(FENCE.sub("", readme.read_text(encoding="utf-8")))


def is_path(span: str) -> bool:
    if not PATH.fullmatch(span) or span.startswith("."):
        return False
    first = span.split("/")[0]
    if first in MADE_AT_RUN_TIME or span in WRITTEN_FILES or first.isupper():
        return False  # `CACHE_PATH/…`: a setting standing for a folder
    return "/" in span or span.rsplit(".", 1)[-1] in FILE_TYPES


def resolves(span: str, readme: Path, root: Path) -> bool:
    for base in (readme.parent, root):
        target = base / span
        if target.is_dir() if span.endswith("/") else target.exists():
            return True
    return False


def top_level_names(module: Path) -> set[str]:
    names = set()
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def module_file(path: Path) -> Path | None:
    """The file of module `path` (no suffix): `path.py`, or `path/__init__.py`."""
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def names_something(parts: list[str], base: Path) -> bool:
    """`parts` is a module below `base`, then at most one name defined at its top level."""
    for cut in range(len(parts), 0, -1):
        module = module_file(base.joinpath(*parts[:cut]))
        if module is not None:
            rest = parts[cut:]
            return not rest or (len(rest) == 1 and rest[0] in top_level_names(module))
    return False


def dotted_resolves(span: str, readme: Path, root: Path) -> bool | None:
    """True or False for a dotted name this README may use; None when it is not one."""
    match = DOTTED.fullmatch(span)
    if not match or span.rsplit(".", 1)[-1] in FILE_TYPES:
        return None
    parts = [match[1], *match[2].split(".")[1:]]
    if module_file(root / parts[0]) is not None:
        return names_something(parts, root)
    if not (readme.parent / "__init__.py").is_file():
        return None  # the top README's `share.outputs`: an attribute, not a module
    homes = [p.parent for p in readme.parent.rglob(f"{parts[0]}.py")]
    homes += [p.parent.parent for p in readme.parent.rglob(f"{parts[0]}/__init__.py")]
    return any(names_something(parts, home) for home in homes)


def missing_names(root: Path) -> list[str]:
    """Every backticked path or module name of a README that names nothing."""
    problems = []
    for readme in readmes(root):
        where = readme.relative_to(root)
        for span in spans(readme):
            found = resolves(span, readme, root) if is_path(span) else None
            found = dotted_resolves(span, readme, root) if found is None else found
            if found is False:
                problems.append(f"{where}: `{span}`")
    return problems


def table_entries(readme: Path) -> set[str]:
    """What the first column of the README's tables names."""
    entries = set()
    for line in readme.read_text(encoding="utf-8").splitlines():
        if line.startswith("|"):
            entries |= set(SPAN.findall(line.split("|")[1]))
    return entries


def is_module(path: Path) -> bool:
    return path.name != "__init__.py" or bool(path.read_text(encoding="utf-8").strip())


def packages(root: Path, top: str) -> list[Path]:
    return sorted(
        p.parent
        for p in (root / top).rglob("__init__.py")
        if not SKIPPED_DIRS.intersection(p.relative_to(root).parts)
    )


def unmapped_modules(root: Path) -> list[str]:
    """Every module (and sub-package) missing from the table of the README that maps it."""
    problems = []
    for top in MAPPED:
        for package in packages(root, top):
            home = package
            while not (home / "README.md").is_file() and home != root / top:
                home = home.parent
            if not (home / "README.md").is_file() or (top in OWN_README and home != package):
                problems.append(f"{package.relative_to(root)}/: no README.md")
                continue
            listed = table_entries(home / "README.md")
            prefix = package.relative_to(home).as_posix()
            prefix = "" if prefix == "." else prefix + "/"
            wanted = [prefix + m.name for m in sorted(package.glob("*.py")) if is_module(m)]
            if home != package:
                wanted.append(prefix)
            problems += [
                f"{(home / 'README.md').relative_to(root)}: no row for `{name}`"
                for name in wanted
                if name not in listed
            ]
    return problems


def test_every_name_in_a_readme_exists():
    problems = missing_names(ROOT)
    assert not problems, "names no file or module:\n" + "\n".join(problems)


def test_every_module_is_in_its_package_readme():
    problems = unmapped_modules(ROOT)
    assert not problems, "\n".join(problems)


def test_the_newcomers_questions_are_answered_by_file_names():
    text = (ROOT / "service" / "README.md").read_text(encoding="utf-8")
    for question, answer in (
        ("Where is the lettre sent?", "`lettre/sender.py`"),
        ("Where are roles checked?", "`team/guard.py`"),
        ("What happens on publish?", "`room/publishing/pipeline.py`"),
    ):
        assert f"{question}** {answer}" in text


def write(path: Path, text: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_checks_fail_on_a_stale_map(tmp_path):
    write(tmp_path / "service" / "__init__.py")
    write(tmp_path / "service" / "app.py", "def assemble():\n    pass\n")
    write(tmp_path / "service" / "gone.py", '"""Nobody listed me."""\n')
    write(tmp_path / "service" / "mail" / "__init__.py")
    write(tmp_path / "service" / "mail" / "mime.py")
    write(
        tmp_path / "service" / "README.md",
        "| module | job |\n|---|---|\n| `app.py`, `old.py` | x |\n\n"
        "`app.assemble`, `app.build`, `sending.Sender`, `core/db.py`, `output/index.html`\n"
        "```\nservice/nowhere.py\n```\n",
    )
    write(tmp_path / "README.md", "`service/app.py`, `service/mime.py`, `share.outputs`\n")
    assert missing_names(tmp_path) == [
        "README.md: `service/mime.py`",
        "service/README.md: `old.py`",
        "service/README.md: `app.build`",
        "service/README.md: `sending.Sender`",
        "service/README.md: `core/db.py`",
    ]
    assert unmapped_modules(tmp_path) == [
        "service/README.md: no row for `gone.py`",
        "service/mail/: no README.md",
    ]
    write(tmp_path / "service" / "mail" / "README.md", "| `mime.py` | x |\n")
    write(tmp_path / "service" / "README.md", "| `app.py`, `gone.py`, `mail/` | x |\n")
    assert missing_names(tmp_path) + unmapped_modules(tmp_path) == ["README.md: `service/mime.py`"]
