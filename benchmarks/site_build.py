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
import cProfile
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import CATEGORIES, write_corpus  # noqa: E402

SITES = ("ours", "stock")


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


def run_build(site: str, override: dict, profile_to: str | None) -> float:
    """Build once in this process (the subprocess side); return the seconds it took."""
    import logging

    from pelican import Pelican
    from pelican.settings import read_settings

    logging.disable(logging.WARNING)  # same quiet console for both sites
    start = time.perf_counter()
    config = str(ROOT / "pelicanconf.py") if site == "ours" else None
    pelican = Pelican(read_settings(config, override=override))
    if profile_to:
        profiler = cProfile.Profile()
        profiler.runcall(pelican.run)
        profiler.dump_stats(profile_to)
    else:
        pelican.run()
    return time.perf_counter() - start


def timed_build(site: str, corpus: Path, profile_to: Path | None = None) -> float:
    """One clean build in a fresh subprocess; returns its build time in seconds."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{site}-") as work:
        override = settings_for(site, corpus, Path(work))
        command = [sys.executable, __file__, "_build", site, json.dumps(override)]
        if profile_to:
            command.append(str(profile_to))
        done = subprocess.run(command, capture_output=True, text=True, cwd=work)
        if done.returncode:
            raise SystemExit(f"Build {site} failed on {corpus}:\n{done.stderr[-3000:]}")
        return float(done.stdout.strip().splitlines()[-1])


def inclusive_seconds(stats: dict, inside) -> float:
    """Time spent in functions whose file satisfies `inside`, entered from outside it."""
    total = 0.0
    for (filename, _, _), (_, _, _, _, callers) in stats.items():
        if inside(filename):
            total += sum(ct for caller, (*_, ct) in callers.items() if not inside(caller[0]))
    return total


def profile_groups(profile: Path) -> tuple[float, list[tuple[str, float]]]:
    """(profiled run seconds, [(part, inclusive seconds)]) of one profiled build of ours."""
    stats = pstats.Stats(str(profile)).stats
    total = max(ct for (_, _, _, ct, _) in stats.values())
    plugins = ROOT / "plugins"
    groups = [
        (f"plugin {p.name}", lambda f, p=p: f.startswith(f"{p}{os.sep}"))
        for p in sorted(plugins.iterdir())
        if (p / "__init__.py").is_file()
    ]
    groups += [
        ("pelican writer (pages, incl. templates)", lambda f: f.endswith("pelican/writers.py")),
        ("theme templates (Jinja code)", lambda f: f.startswith(f"{ROOT / 'theme'}{os.sep}")),
        ("pelican readers (incl. Markdown)", lambda f: f.endswith("pelican/readers.py")),
    ]
    return total, [(label, inclusive_seconds(stats, inside)) for label, inside in groups]


def typography_microseconds() -> list[float]:
    """Per-article cost of french_typography (body, summary, title) on the five interviews."""
    from pelican.readers import MarkdownReader
    from pelican.settings import read_settings

    sys.path.insert(0, str(ROOT / "plugins"))
    from french_typography import typeset_html, typeset_text

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
    print(f"{'N':>6} {'ours (s)':>9} {'stock (s)':>10} {'ratio':>6} {'ms/article':>11}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as scratch:
        for n in sizes:
            corpus = write_corpus(Path(scratch) / f"corpus-{n}", n)
            repeat = args.repeat if n < 5000 else max(1, min(args.repeat, 2))
            times = {site: [] for site in SITES}
            for _ in range(repeat):  # alternate, so a busy moment hits both sites alike
                for site in SITES:
                    times[site].append(timed_build(site, corpus))
            row = {"n": n, "repeat": repeat}
            for site in SITES:
                median = statistics.median(times[site])
                row[site] = {
                    "runs_s": times[site],
                    "median_s": median,
                    "ms_per_article": median / n * 1000,
                }
            row["ratio"] = row["ours"]["median_s"] / row["stock"]["median_s"]
            results.append(row)
            print(
                f"{n:>6} {row['ours']['median_s']:>9.2f} {row['stock']['median_s']:>10.2f} "
                f"{row['ratio']:>6.2f} {row['ours']['ms_per_article']:>11.2f}",
                flush=True,
            )

        profile = None
        if args.profile_size:
            corpus = write_corpus(Path(scratch) / "corpus-profile", args.profile_size)
            timed_build("ours", corpus, profile_to=args.out / "site_build.prof")
            total, groups = profile_groups(args.out / "site_build.prof")
            profile = {"n": args.profile_size, "total_s": total, "parts_s": dict(groups)}
            print(
                f"\nWhere our build's time goes at N = {args.profile_size} (cProfile, "
                f"{total:.1f} s; inclusive, parts may overlap):"
            )
            for label, seconds in sorted(groups, key=lambda g: -g[1]):
                print(f"  {label:<42} {seconds:>7.2f} s {seconds / total:>6.1%}")

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
        "profile": profile,
        "typography_us_per_interview": typography,
    }
    (args.out / "site_build.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    chart(results, args.out / "site_build.png")
    print(f"\nWritten: {args.out / 'site_build.json'}, {args.out / 'site_build.png'}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["_build"]:  # subprocess side of timed_build
        site, override = sys.argv[2], json.loads(sys.argv[3])
        print(run_build(site, override, sys.argv[4] if len(sys.argv) > 4 else None))
    else:
        main()
