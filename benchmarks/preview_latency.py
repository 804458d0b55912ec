"""Live preview latency: from saving an article to its rebuilt page on disk.

    .venv/bin/python -m benchmarks.preview_latency [--size 1000] [--edits 10]

The preview server (site_core.build.preview, what `invoke livereload` runs) is started in a
subprocess on a corpus of --size articles (benchmarks/corpus.py) and builds it once. Then, one
at a time, --edits articles are edited (a paragraph with a unique word is added) and the output
page of each is polled every 2 ms until it shows that word: the time from the save to then is
the latency a writer sees, file watching included. The server reports the duration of each
whole rebuild (feeds, manifest and bookkeeping after the page; the browsers reload then) too,
and the search index, rewritten after the reload, is awaited before the next edit: the time
from the save to the new index is printed as well. Medians are printed.
"""

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import CATEGORIES, write_corpus

ROOT = Path(__file__).resolve().parent.parent

TIMEOUT = 60.0


def _settings(corpus: Path, work: Path) -> dict:
    from pelican.settings import read_settings

    return read_settings(
        str(ROOT / "pelicanconf.py"),
        override={
            "PATH": str(corpus),
            "OUTPUT_PATH": str(work / "output"),
            "CACHE_PATH": str(work / "cache"),
            "THEME": str(ROOT / "theme"),
            "PLUGIN_PATHS": [str(ROOT / "plugins")],
            "ALLOWED_CATEGORIES": CATEGORIES,
            "COMMENTS_DB": str(work / "no-comments.sqlite3"),
        },
    )


def _serve(corpus: Path, work: Path, port: int) -> None:
    """The subprocess side: the preview server, one JSON line per build on stdout."""
    import logging

    from site_core.build.preview import serve

    logging.disable(logging.WARNING)

    def report(error, result, seconds=0.0):
        line = {"error": str(error)} if error else {"seconds": seconds or result.seconds}
        if result is not None:
            line.update(read=result.read, rendered=result.rendered, pages=result.pages)
        print(json.dumps(line), flush=True)

    serve(lambda: _settings(corpus, work), [corpus], "127.0.0.1", port, report)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _report(server) -> dict:
    """The server's next build report (Pelican's own messages skipped)."""
    while True:
        line = server.stdout.readline()
        if not line:
            raise SystemExit(f"The preview server stopped:\n{server.stderr.read()[-3000:]}")
        if line.startswith("{"):
            return json.loads(line)


def measure(corpus: Path, edits: int, work: Path) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "benchmarks.preview_latency", "_serve", str(corpus)]
    server = subprocess.Popen(
        [*command, str(work), str(_free_port())],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        first = _report(server)
        time.sleep(1.0)  # the server starts watching once the first build is over
        articles = sorted((corpus / "articles").glob("*.md"))
        latencies, rebuilds, searchable = [], [], []
        for number in range(edits):
            source = articles[(number * 97 + 13) % len(articles)]
            page = work / "output" / "articles" / source.stem / "index.html"
            word = f"apercu{number}x{time.time_ns()}"
            text = source.read_text(encoding="utf-8") + f"\nUne phrase {word}.\n"
            index = _index_id(work)
            start = time.perf_counter()
            source.write_text(text, encoding="utf-8")
            while word not in page.read_text(encoding="utf-8"):
                if time.perf_counter() - start > TIMEOUT:
                    raise SystemExit(f"{page} was not rebuilt within {TIMEOUT} s")
                time.sleep(0.002)
            latencies.append(time.perf_counter() - start)
            rebuilds.append(_report(server))  # the whole rebuild is over: browsers reload
            while _index_id(work) == index:  # the search index, written after the reload
                if time.perf_counter() - start > TIMEOUT:
                    raise SystemExit(f"The search index was not rewritten within {TIMEOUT} s")
                time.sleep(0.01)
            searchable.append(time.perf_counter() - start)  # then the next edit
    finally:
        server.terminate()
        server.wait(10)
    return {
        "n": len(articles),
        "first_build_s": first["seconds"],
        "save_to_page_s": latencies,
        "median_save_to_page_s": statistics.median(latencies),
        "rebuilds": rebuilds,
        "median_rebuild_s": statistics.median(r["seconds"] for r in rebuilds),
        "save_to_searchable_s": searchable,
        "median_save_to_searchable_s": statistics.median(searchable),
    }


def _index_id(work: Path) -> int:
    """The search index's entry file (a new one each time the index is swapped in)."""
    try:
        return (work / "output" / "pagefind" / "pagefind-entry.json").stat().st_ino
    except FileNotFoundError:
        return 0


def summary(result: dict) -> str:
    return (
        f"\nLive preview at N = {result['n']}: first build {result['first_build_s']:.2f} s; "
        f"one article edited, {len(result['save_to_page_s'])} times: save -> rebuilt page on "
        f"disk, median {result['median_save_to_page_s']:.3f} s (max "
        f"{max(result['save_to_page_s']):.3f} s); whole rebuild (then the browsers reload), "
        f"median {result['median_rebuild_s']:.3f} s; save -> search index rewritten, median "
        f"{result['median_save_to_searchable_s']:.3f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-preview-") as scratch:
        corpus = write_corpus(Path(scratch) / "corpus", args.size)
        print(summary(measure(corpus, args.edits, Path(scratch) / "work")))


if __name__ == "__main__":
    if sys.argv[1:2] == ["_serve"]:
        _serve(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
    else:
        main()
