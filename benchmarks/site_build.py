"""Clean-build time of this site against stock Pelican 4.12, on the same synthetic corpus.

    .venv/bin/python benchmarks/site_build.py [--sizes 5,100,1000,5000] [--repeat 3]
                                              [--profile-size 5000] [--out bench-results]

For each size N, a corpus is generated from the launch interviews (benchmarks/corpus.py), then
built from scratch (fresh output and cache folders, no content cache), each build in its own
subprocess, alternating (a) this site (pelicanconf.py, theme, plugins; the corpus's categories
allowed; no comment database) and (b) stock Pelican (default settings, theme and feeds).
The median of the repeats is reported (fewer repeats at N >= 5000). One build of this site at
--profile-size then runs under cProfile, and the time spent in each of our plugins, the writer,
the templates and the readers is printed. Results: <out>/site_build.json and site_build.png.
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import CATEGORIES, write_corpus  # noqa: E402

SITES = ("ours", "stock")
SAMPLE_EVERY = 0.002  # seconds of CPU time between two stack samples


def settings_for(site: str, corpus: Path, work: Path) -> dict:
    """Pelican settings of one build: ours from pelicanconf.py, stock from Pelican's defaults."""
    paths = {
        "PATH": str(corpus),
        "OUTPUT_PATH": str(work / "output"),
        "CACHE_PATH": str(work / "cache"),
    }
    if site == "stock":
        return paths
    return {
        **paths,
        "THEME": str(ROOT / "theme"),
        "PLUGIN_PATHS": [str(ROOT / "plugins")],
        "ALLOWED_CATEGORIES": CATEGORIES,
        "COMMENTS_DB": str(work / "no-comments.sqlite3"),
        "LOAD_CONTENT_CACHE": False,
        "CACHE_CONTENT": False,
    }


def sample_stacks(run) -> Counter:
    """Run `run()` under a sampling profiler: every SAMPLE_EVERY s of CPU time, note the source
    files on the Python stack (innermost first). Unlike cProfile's per-function totals, a part's
    share is then exact even when it re-enters itself through other code (content_validation
    wraps the Markdown reader, plugin filters run inside templates), and the build runs at full
    speed, so the sampled run is timed like the others."""
    stacks = Counter()

    def on_tick(_signal, frame):
        files = []
        while frame is not None:
            if not files or files[-1] != frame.f_code.co_filename:
                files.append(frame.f_code.co_filename)
            frame = frame.f_back
        stacks[tuple(files)] += 1

    signal.signal(signal.SIGPROF, on_tick)
    signal.setitimer(signal.ITIMER_PROF, SAMPLE_EVERY, SAMPLE_EVERY)
    try:
        run()
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
    return stacks


def run_build(site: str, override: dict, profile_to: str | None) -> tuple[float, float]:
    """Build once in this process (the subprocess side): (wall, CPU) seconds it took."""
    import logging

    from pelican import Pelican
    from pelican.settings import read_settings

    logging.disable(logging.WARNING)  # same quiet console for both sites
    start, cpu_start = time.perf_counter(), time.process_time()
    config = str(ROOT / "pelicanconf.py") if site == "ours" else None
    pelican = Pelican(read_settings(config, override=override))
    if profile_to:
        stacks = sample_stacks(pelican.run)
        Path(profile_to).write_text(json.dumps([[list(f), n] for f, n in stacks.items()]))
    else:
        pelican.run()
    return time.perf_counter() - start, time.process_time() - cpu_start


def timed_build(site: str, corpus: Path, profile_to: Path | None = None) -> tuple[float, float]:
    """One clean build in a fresh subprocess: its (wall, CPU) build time in seconds.

    CPU time is reported too: on a shared machine it is far less disturbed by other loads."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{site}-") as work:
        override = settings_for(site, corpus, Path(work))
        command = [sys.executable, __file__, "_build", site, json.dumps(override)]
        if profile_to:
            command.append(str(profile_to))
        done = subprocess.run(command, capture_output=True, text=True, cwd=work)
        if done.returncode:
            raise SystemExit(f"Build {site} failed on {corpus}:\n{done.stderr[-3000:]}")
        return tuple(json.loads(done.stdout.strip().splitlines()[-1]))


PARTS = [
    ("pelican writer (pages, feeds)", lambda f: f.endswith(f"pelican{os.sep}writers.py")),
    ("templates (Jinja code of the theme)", lambda f: f.endswith(".html")),
    ("pelican readers", lambda f: f.endswith(f"pelican{os.sep}readers.py")),
    ("markdown", lambda f: f"site-packages{os.sep}markdown{os.sep}" in f),
]


def profile_parts(profile: Path, cpu_seconds: float) -> dict:
    """CPU seconds of each part of a sampled build: inclusive (the part is on the stack) and
    own (the part is the innermost Python code: C functions count for their Python caller)."""
    stacks = [(files, n) for files, n in json.loads(profile.read_text())]
    total = sum(n for _, n in stacks)
    plugins = sorted(p for p in (ROOT / "plugins").iterdir() if (p / "__init__.py").is_file())
    parts = [(f"plugin {p.name}", lambda f, p=p: f.startswith(f"{p}{os.sep}")) for p in plugins]
    seconds = {}
    for label, inside in parts + PARTS:
        inclusive = sum(n for files, n in stacks if any(map(inside, files)))
        own = sum(n for files, n in stacks if inside(files[0]))
        seconds[label] = (inclusive / total * cpu_seconds, own / total * cpu_seconds)
    return {"cpu_s": cpu_seconds, "samples": total, "parts_s": seconds}


def print_profiles(profiles: dict, n: int) -> None:
    ours, stock = profiles["ours"], profiles["stock"]
    print(
        f"\nWhere the CPU time goes at N = {n} (one sampled build each: ours {ours['cpu_s']:.1f} s,"
        f" stock {stock['cpu_s']:.1f} s). Inclusive: the part is on the stack (parts nest: the"
        " templates run inside the writer, plugin filters inside the templates); own: its code"
        " is the innermost Python code running."
    )
    print(f"  {'part':<38} {'ours incl.':>11} {'own':>8} {'% of ours':>10} {'stock incl.':>12}")
    for label, (inclusive, own) in sorted(ours["parts_s"].items(), key=lambda p: -p[1][0]):
        print(
            f"  {label:<38} {inclusive:>9.2f} s {own:>6.2f} s {inclusive / ours['cpu_s']:>10.1%}"
            f" {stock['parts_s'][label][0]:>10.2f} s"
        )


def typography_microseconds() -> list[float]:
    """Per-article cost of french_typography (body, summary, title) on the five interviews."""
    from pelican.readers import MarkdownReader
    from pelican.settings import read_settings

    from site_core.typography import typeset_html, typeset_text

    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(ROOT / "content")})
    reader = MarkdownReader(settings)
    costs = []
    for path in sorted((ROOT / "content" / "articles").glob("*.md")):
        html, metadata = reader.read(str(path))
        summary, title = metadata.get("summary", ""), metadata.get("title", "")

        def typeset(html=html, summary=summary, title=title):
            return typeset_html(html), typeset_html(summary), typeset_text(title)

        costs.append(min(timeit.repeat(typeset, number=200, repeat=5)) / 200 * 1e6)
    return costs


def chart(results: list[dict], target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["n"] for r in results]
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    for site, label in (("ours", "Ce site"), ("stock", "Pelican 4.12 standard")):
        left.plot(sizes, [r[site]["median_s"] for r in results], marker="o", label=label)
        right.plot(sizes, [r[site]["ms_per_article"] for r in results], marker="o", label=label)
    left.set(xscale="log", yscale="log", xlabel="Articles", ylabel="Construction complète (s)")
    right.set(xscale="log", xlabel="Articles", ylabel="ms par article")
    for axis in (left, right):
        axis.grid(True, which="both", alpha=0.3)
        axis.legend()
    figure.suptitle("Temps de construction, médiane des répétitions")
    figure.tight_layout()
    figure.savefig(target, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5,100,1000,5000", help="comma-separated N")
    parser.add_argument("--repeat", type=int, default=3, help="builds per (N, site)")
    parser.add_argument("--profile-size", type=int, default=5000, help="0: no profile")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)

    results = []
    print(
        f"{'N':>6} {'ours (s)':>9} {'stock (s)':>10} {'ratio':>6} {'ms/article':>11}"
        f" {'CPU ours':>9} {'CPU stock':>10} {'CPU ratio':>10}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as scratch:
        for n in sizes:
            corpus = write_corpus(Path(scratch) / f"corpus-{n}", n)
            repeat = args.repeat if n < 5000 else max(1, min(args.repeat, 2))
            runs = {site: [] for site in SITES}
            for _ in range(repeat):  # alternate, so a busy moment hits both sites alike
                for site in SITES:
                    runs[site].append(timed_build(site, corpus))
            row = {"n": n, "repeat": repeat}
            for site in SITES:
                wall = statistics.median(w for w, _ in runs[site])
                cpu = statistics.median(c for _, c in runs[site])
                row[site] = {
                    "runs_wall_cpu_s": runs[site],
                    "median_s": wall,
                    "median_cpu_s": cpu,
                    "ms_per_article": wall / n * 1000,
                }
            row["ratio"] = row["ours"]["median_s"] / row["stock"]["median_s"]
            row["cpu_ratio"] = row["ours"]["median_cpu_s"] / row["stock"]["median_cpu_s"]
            results.append(row)
            ours, stock = row["ours"], row["stock"]
            print(
                f"{n:>6} {ours['median_s']:>9.2f} {stock['median_s']:>10.2f} {row['ratio']:>6.2f}"
                f" {ours['ms_per_article']:>11.2f} {ours['median_cpu_s']:>9.2f}"
                f" {stock['median_cpu_s']:>10.2f} {row['cpu_ratio']:>10.2f}",
                flush=True,
            )

        profiles = {}
        if args.profile_size:
            corpus = write_corpus(Path(scratch) / "corpus-profile", args.profile_size)
            for site in SITES:
                target = args.out / f"site_build_stacks_{site}.json"
                _, cpu = timed_build(site, corpus, profile_to=target)
                profiles[site] = profile_parts(target, cpu)
            print_profiles(profiles, args.profile_size)

    typography = typography_microseconds()
    print(
        "\nfrench_typography per interview (µs, no profiler): "
        + ", ".join(f"{c:.0f}" for c in typography)
    )
    report = {
        "machine": {
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
            "python": sys.version.split()[0],
        },
        "results": results,
        "profile": {"n": args.profile_size, **profiles},
        "typography_us_per_interview": typography,
    }
    (args.out / "site_build.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    chart(results, args.out / "site_build.png")
    print(f"\nWritten: {args.out / 'site_build.json'}, {args.out / 'site_build.png'}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["_build"]:  # subprocess side of timed_build
        site, override = sys.argv[2], json.loads(sys.argv[3])
        print(json.dumps(run_build(site, override, sys.argv[4] if len(sys.argv) > 4 else None)))
    else:
        main()
