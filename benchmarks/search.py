"""Search at scale: Pagefind's index build time, and what a reader's browser fetches and waits
for, on the synthetic corpus (benchmarks/corpus.py) at N articles.

    .venv/bin/python -m benchmarks.search [--size 1000] [--runs 5] [--out bench-results]

1. **Build**: the corpus is built once with this site's settings (as site_build.py's « ours »),
   in this process; then the index alone is rewritten `--runs` times (site_core.search_index
   `write_index`, the same call as the build's) and the median taken.
2. **Browser** (Debian's Chromium, a fresh context each run, so an empty cache), for each query:
   open `/recherche/?q=…` as the header's field sends it and wait for the results; then, on the
   same page, type a second query and submit. For both it records the time to results (the
   page's `recherche:resultats` performance mark: from navigation start for the first, from
   the submit for the second) and the bytes fetched: as served here (no compression) and as a
   gzip-enabled server sends them (HTML, CSS, JavaScript and JSON gzipped; Pagefind's index,
   fragments and WebAssembly are already gzipped and count as they are).

Targets (issue 12): first query ≤ 150 KB. Results: <out>/search.json.
"""

import argparse
import gzip
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlparse

from benchmarks.corpus import write_corpus
from benchmarks.site_build import settings_for
from site_core.search_index import write_index
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.site import serve_directory

ROOT = Path(__file__).resolve().parent.parent

TARGET_FIRST_QUERY = 150 * 1024
# What partners type (issue 12), each followed by a second query on the same page.
QUERIES = [
    ("Atlantis", "Ctg"),
    ("Ctg", "crèches"),
    ("crèches", "Atlantis"),
    ("Promeneurs du net", "Atlantis"),
    ("la Ctg de ma commune", "crèches"),
]
# Every page loads it: a reader coming from another page's search field has it already.
STYLESHEET = "/theme/css/site.css"
TEXT_TYPES = (".html", ".css", ".js", ".json", ".xml", "/")
RESULTS_MARK = "performance.getEntriesByName('recherche:resultats')"


def build(corpus: Path, work: Path) -> tuple[Path, float]:
    """Build the corpus with this site's settings; (output folder, seconds)."""
    import logging

    from pelican import Pelican
    from pelican.settings import read_settings

    logging.disable(logging.WARNING)
    started = time.perf_counter()
    settings = read_settings(
        str(ROOT / "pelicanconf.py"), override=settings_for("ours", corpus, work)
    )
    Pelican(settings).run()
    return work / "output", time.perf_counter() - started


def index_seconds(site: Path, runs: int) -> tuple[float, float, int]:
    """Median (wall, CPU) seconds to rewrite the index of `site`, and its page count.

    Pagefind reads what a build would give it: the article and page files (those with a
    `data-pagefind-body`, here). CPU time is Pagefind's (a child process), far less disturbed
    than wall time by the other jobs of a shared machine."""
    files = [p for p in site.rglob("*.html") if b"data-pagefind-body" in p.read_bytes()]
    walls, cpus, pages = [], [], 0
    for _ in range(runs):
        started, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        pages = write_index(site, pages=files)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        walls.append(time.perf_counter() - started)
        cpus.append(after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime)
    return statistics.median(walls), statistics.median(cpus), pages


def served_bytes(site: Path, url: str, transferred: int) -> tuple[int, int]:
    """(bytes as served here, bytes from a gzip-enabled server) for one response."""
    path = urlparse(url).path
    local = site / path.lstrip("/")
    if local.is_dir():
        local = local / "index.html"
    if not local.is_file() or not path.endswith(TEXT_TYPES):
        return transferred, transferred
    return transferred, len(gzip.compress(local.read_bytes(), compresslevel=6))


class Recorder:
    """Bytes of the responses a page receives, from a given moment."""

    def __init__(self, page, site: Path):
        self.site, self.responses = site, []
        page.on("requestfinished", self._finished)

    def _finished(self, request):
        self.responses.append((request.url, request.sizes()["responseBodySize"]))

    def since(self, start: int) -> dict:
        rows = [served_bytes(self.site, url, size) for url, size in self.responses[start:]]
        index = [
            served_bytes(self.site, url, size)
            for url, size in self.responses[start:]
            if "/pagefind/" in url
        ]
        stylesheet = [
            served_bytes(self.site, url, size)[1]
            for url, size in self.responses[start:]
            if urlparse(url).path == STYLESHEET
        ]
        return {
            "requests": len(rows),
            "bytes_served": sum(r[0] for r in rows),
            "bytes_gzip": sum(r[1] for r in rows),
            "bytes_gzip_from_header": sum(r[1] for r in rows) - sum(stylesheet),
            "index_bytes": sum(r[1] for r in index),
        }


def one_run(browser, base: str, site: Path, first: str, second: str) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    recorder = Recorder(page, site)
    try:
        page.goto(f"{base}/recherche/?q={quote(first)}")
        page.wait_for_function(f"{RESULTS_MARK}.length === 1", timeout=30000)
        page.wait_for_load_state("networkidle")
        first_ms = page.evaluate(f"{RESULTS_MARK}[0].startTime")
        first_bytes = recorder.since(0)
        count = first_bytes["requests"]
        page.fill("#recherche-q", second)
        submitted = page.evaluate("performance.now()")
        page.press("#recherche-q", "Enter")
        page.wait_for_function(f"{RESULTS_MARK}.length === 2", timeout=30000)
        page.wait_for_load_state("networkidle")
        second_ms = page.evaluate(f"{RESULTS_MARK}[1].startTime") - submitted
        results = page.locator(".resultat").count()
        return {
            "first_ms": first_ms,
            "first": first_bytes,
            "second_ms": second_ms,
            "second": recorder.since(count),
            "results_shown": results,
        }
    finally:
        context.close()


def browse(site: Path, runs: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with serve_directory(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for first, second in QUERIES:
            samples = [one_run(browser, base, site, first, second) for _ in range(runs)]
            rows.append({"first_query": first, "second_query": second, "runs": samples})
        browser.close()
    return rows


def median_of(samples: list[dict], *keys: str) -> float:
    values = []
    for sample in samples:
        for key in keys:
            sample = sample[key]
        values.append(sample)
    return statistics.median(values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="articles in the corpus")
    parser.add_argument("--runs", type=int, default=5, help="index rewrites and browser runs")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="bench-search-") as scratch:
        corpus = write_corpus(Path(scratch) / "corpus", args.size)
        site, build_s = build(corpus, Path(scratch))
        index_s, index_cpu_s, pages = index_seconds(site, args.runs)
        bundle = sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())
        print(f"N = {args.size}: build {build_s:.1f} s (index included), {pages} pages indexed")
        print(f"index alone: median {index_s:.2f} s, CPU {index_cpu_s:.2f} s", end="")
        print(f"; bundle {bundle / 1e6:.1f} MB")
        rows = browse(site, args.runs)

    ok = True
    print(
        f"\nBrowser, median of {args.runs} runs. KB as sent by a gzip-enabled server; 1st: the"
        " search page opened cold with the query; header: the same, stylesheet already cached"
        " (coming from another page's field); ms: to results shown."
    )
    print(
        f"  {'first query':<21} {'results':>7} {'1st KB':>7} {'header':>7} {'index':>6}"
        f" {'1st ms':>7}  {'then':<10} {'2nd KB':>7} {'2nd ms':>7}"
    )
    for row in rows:
        samples = row["runs"]
        first_kb = median_of(samples, "first", "bytes_gzip") / 1024
        header_kb = median_of(samples, "first", "bytes_gzip_from_header") / 1024
        met = first_kb * 1024 <= TARGET_FIRST_QUERY
        ok = ok and met
        print(
            f"  {row['first_query']:<21} {samples[0]['results_shown']:>7}"
            f" {first_kb:>7.1f} {header_kb:>7.1f}"
            f" {median_of(samples, 'first', 'index_bytes') / 1024:>6.1f}"
            f" {median_of(samples, 'first_ms'):>7.0f}  {row['second_query']:<10}"
            f" {median_of(samples, 'second', 'bytes_gzip') / 1024:>7.1f}"
            f" {median_of(samples, 'second_ms'):>7.0f}{'' if met else '  > 150 KB'}"
        )
    print(f"\nfirst query ≤ 150 KB for every query: {'met' if ok else 'NOT met'}")
    report = {
        "size": args.size,
        "build_s": build_s,
        "index_s_median": index_s,
        "index_cpu_s_median": index_cpu_s,
        "pages_indexed": pages,
        "bundle_bytes": bundle,
        "queries": rows,
    }
    (args.out / "search.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"Written: {args.out / 'search.json'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
