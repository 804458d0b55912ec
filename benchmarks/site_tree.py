"""A built site's files as comparable bytes, for the tests and the benchmark that check a
parallel or incremental build against a sequential clean one.

Pagefind (plugins/search) names its filter files, and so its meta and entry files, by hashes
that change from run to run on the same pages; its fragments (one per indexed page: URL and
text) and its word index do not. Those files are compared by what they hold instead: the
number of pages indexed and of such files.
"""

import gzip
import json
import re
from pathlib import Path

UNSTABLE = re.compile(r"pagefind/(filter/.*|pagefind\.[^/]*\.pf_meta|pagefind-entry\.json)")
_FRAGMENT_PREFIX = b"pagefind_dcd"


def tree(root: Path) -> dict[str, bytes]:
    """Relative path -> bytes of every file under `root`, Pagefind's unstable ones summarised."""
    found = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    unstable = sorted(name for name in found if UNSTABLE.fullmatch(name))
    for name in unstable:
        del found[name]
    entry = root / "pagefind" / "pagefind-entry.json"
    if entry.is_file():
        languages = json.loads(entry.read_text(encoding="utf-8"))["languages"]
        pages = sum(language["page_count"] for language in languages.values())
        found["<pagefind pages>"] = str(pages).encode()
    found["<pagefind files>"] = str(len(unstable)).encode()
    return found


def differences(actual: Path, expected: Path) -> list[str]:
    """Files missing on either side or with other bytes; [] when the sites are the same."""
    got, want = tree(actual), tree(expected)
    return sorted(name for name in got.keys() | want.keys() if got.get(name) != want.get(name))


def indexed(root: Path) -> dict[str, str]:
    """URL -> text of every page in the search index (from its fragments)."""
    fragments = (gzip.decompress(p.read_bytes()) for p in root.glob("pagefind/fragment/*"))
    pages = (json.loads(data[len(_FRAGMENT_PREFIX) :]) for data in fragments)
    return {page["url"]: page["content"] for page in pages}
