"""Build time of this site against stock Pelican 4.12, on the same synthetic corpus: clean
builds (sequential and parallel), and the live preview's rebuild after one edited article.

    .venv/bin/python -m benchmarks.site_build [--sizes 5,100,1000,5000] [--repeat 3]
                                              [--workers 2] [--live-size 1000] [--live-edits 10]
                                              [--profile-size 5000] [--out bench-results]

For each size N, a corpus is generated from the launch interviews (benchmarks/corpus.py), then
built from scratch (fresh output and cache folders), each build in its own subprocess,
alternating (a) stock Pelican (default settings, theme and feeds), (b) this site built
sequentially (pelicanconf.py, theme, plugins, BUILD_WORKERS = 1; the corpus's categories
allowed; no comment database) and (c) the same with --workers processes. Wall and CPU time
(the build process and its workers) and peak memory (the sum of the proportional set sizes of
the build process and its workers, sampled every 20 ms) are taken; medians are reported (fewer
repeats at N >= 5000), and the parallel output is compared with the sequential one, file by file.
Live preview: the preview server (site_core.build.preview) runs on a corpus of --live-size
articles; an article is edited --live-edits times and the time from the save to its rebuilt page
on disk is measured. One build of this site at --profile-size then runs under a sampling
profiler. Results: <out>/site_build.json, and site_build.png with matplotlib (`pip install
'.[bench]'`).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

from benchmarks import preview_latency
from benchmarks.build_profile import print_profiles, profile_parts, sample_stacks
from benchmarks.corpus import CATEGORIES, write_corpus
from benchmarks.site_tree import differences

ROOT = Path(__file__).resolve().parent.parent

SITES = ("stock", "sequential", "parallel")


def settings_for(site: str, corpus: Path, work: Path, workers: int = 1) -> dict:
    """Pelican settings of one build: ours from pelicanconf.py, stock from Pelican's defaults.

    Ours keep their encoded images (share cards, pictures) in the corpus's image cache, shared
    by every build of the corpus: filled by a first, untimed build (reported apart as « cold
    images »), as a site's cache is between builds (plugins/images)."""
    paths = {
        "PATH": str(corpus),
        "OUTPUT_PATH": str(work / "output"),
        "CACHE_PATH": str(work / "cache"),
    }
    if site == "stock":  # without the pages that need a template of our theme (S'abonner)
        own = [p.name for p in corpus.glob("pages/*.md") if "\nTemplate: " in p.read_text()]
        return {**paths, "IGNORE_FILES": [".#*", *own]}
    return {
        **paths,
        "THEME": str(ROOT / "theme"),
        "PLUGIN_PATHS": [str(ROOT / "plugins")],
        "ALLOWED_CATEGORIES": CATEGORIES,
        "COMMENTS_DB": str(work / "no-comments.sqlite3"),
        "IMAGES_CACHE_PATH": str(corpus.parent / f"{corpus.name}-images"),
        "BUILD_WORKERS": workers if site == "parallel" else 1,
    }


def run_build(site: str, override: dict, profile_to: str | None) -> tuple[float, float]:
    """Build once in this process (the subprocess side): (wall, CPU) seconds it took, CPU
    counting the workers the build forked."""
    import logging
    import resource

    from pelican import Pelican
    from pelican.settings import read_settings

    def cpu():
        own, workers = (
            resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        )
        return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime

    logging.disable(logging.WARNING)  # same quiet console for both sites
    start, cpu_start = time.perf_counter(), cpu()
    config = str(ROOT / "pelicanconf.py") if site != "stock" else None
    pelican = Pelican(read_settings(config, override=override))
    if profile_to:
        stacks = sample_stacks(pelican.run)
        Path(profile_to).write_text(json.dumps([[list(f), n] for f, n in stacks.items()]))
    else:
        pelican.run()
    return time.perf_counter() - start, cpu() - cpu_start


def tree_memory(pid: int) -> int:
    """Proportional set size (bytes) of process `pid` and its descendants: shared pages (a
    forked worker's inherited memory) count once, split between the processes sharing them."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue  # the process ended meanwhile
    return total


def timed_build(
    site: str, corpus: Path, work: Path, workers: int, profile_to: Path | None = None
) -> dict:
    """One clean build in a fresh subprocess, into `work`: wall and CPU seconds, peak memory.

    CPU time is reported too: on a shared machine it is far less disturbed by other loads."""
    override = settings_for(site, corpus, work, workers)
    command = [sys.executable, "-m", "benchmarks.site_build", "_build", site, json.dumps(override)]
    if profile_to:
        command.append(str(profile_to))
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_memory(process.pid))
        time.sleep(0.02)
    out, err = process.communicate()
    if process.returncode:
        raise SystemExit(f"Build {site} failed on {corpus}:\n{err[-3000:]}")
    wall, cpu = json.loads(out.strip().splitlines()[-1])
    return {"wall_s": wall, "cpu_s": cpu, "peak_mb": peak / 2**20}


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


def chart(results: list[dict], target: Path) -> str:
    try:
        import matplotlib
    except ImportError:
        return "pas de graphique : matplotlib manque (pip install '.[bench]')"
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["n"] for r in results]
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    labels = {
        "stock": "Pelican 4.12 standard",
        "sequential": "Ce site",
        "parallel": "Ce site, parallèle",
    }
    for site, label in labels.items():
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
    return str(target)


def build_sizes(sizes: list[int], repeat: int, workers: int, scratch: Path) -> list[dict]:
    print(
        f"{'N':>6} {'site':>10} {'wall (s)':>9} {'CPU (s)':>8} {'peak MB':>8}"
        f" {'ms/article':>11} {'wall / stock':>13} {'identical':>10}",
        flush=True,
    )
    results = []
    for n in sizes:
        corpus = write_corpus(scratch / f"corpus-{n}", n)
        count = repeat if n < 5000 else max(1, min(repeat, 2))
        work = scratch / f"cold-{n}"
        work.mkdir()
        cold = timed_build("parallel", corpus, work, workers)  # fills the image cache
        print(
            f"{n:>6} {'cold images':>10} {cold['wall_s']:>9.2f} {cold['cpu_s']:>8.2f}", flush=True
        )
        runs = {site: [] for site in SITES}
        for turn in range(count):  # alternate, so a busy moment hits every site alike
            for site in SITES:
                work = scratch / f"{site}-{n}-{turn}"
                work.mkdir()
                runs[site].append(timed_build(site, corpus, work, workers))
        identical = not differences(
            scratch / f"sequential-{n}-0" / "output", scratch / f"parallel-{n}-0" / "output"
        )
        row = {"n": n, "repeat": count, "parallel_output_identical": identical, "cold": cold}
        for site in SITES:
            row[site] = {
                "runs": runs[site],
                **{
                    f"median_{key}": statistics.median(r[key] for r in runs[site])
                    for key in ("wall_s", "cpu_s", "peak_mb")
                },
            }
            row[site]["median_s"] = row[site]["median_wall_s"]
            row[site]["ms_per_article"] = row[site]["median_s"] / n * 1000
        results.append(row)
        for site in SITES:
            m = row[site]
            print(
                f"{n:>6} {site:>10} {m['median_s']:>9.2f} {m['median_cpu_s']:>8.2f}"
                f" {m['median_peak_mb']:>8.0f}"
                f" {m['ms_per_article']:>11.2f} {m['median_s'] / row['stock']['median_s']:>13.2f}"
                f" {('yes' if identical else 'NO') if site == 'parallel' else '':>10}",
                flush=True,
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5,100,1000,5000", help="comma-separated N")
    parser.add_argument("--repeat", type=int, default=3, help="builds per (N, site)")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--live-size", type=int, default=1000, help="0: no live preview run")
    parser.add_argument("--live-edits", type=int, default=10)
    parser.add_argument("--profile-size", type=int, default=5000, help="0: no profile")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    print(f"{os.cpu_count()} processors, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")

    with tempfile.TemporaryDirectory(prefix="bench-site-") as scratch:
        scratch = Path(scratch)
        results = build_sizes(
            [int(n) for n in args.sizes.split(",")], args.repeat, args.workers, scratch
        )
        live = {}
        if args.live_size:
            live = preview_latency.measure(
                write_corpus(scratch / "corpus-live", args.live_size),
                args.live_edits,
                scratch / "live",
            )
            print(preview_latency.summary(live), flush=True)
        profiles = {}
        if args.profile_size:
            corpus = scratch / f"corpus-{args.profile_size}"
            if not corpus.is_dir():  # a corpus of its own, its image cache filled first
                write_corpus(corpus, args.profile_size)
                (scratch / "profile-cold").mkdir()
                timed_build("parallel", corpus, scratch / "profile-cold", args.workers)
            for site in ("sequential", "stock"):
                target = args.out / f"site_build_stacks_{site}.json"
                work = scratch / f"profile-{site}"
                work.mkdir()
                cpu = timed_build(site, corpus, work, 1, profile_to=target)["cpu_s"]
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
            "workers": args.workers,
            "load_average_start": load,
            "load_average_end": os.getloadavg(),
            "python": sys.version.split()[0],
        },
        "results": results,
        "live_preview": live,
        "profile": {"n": args.profile_size, **profiles},
        "typography_us_per_interview": typography,
    }
    (args.out / "site_build.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(
        f"\nWritten: {args.out / 'site_build.json'}; {chart(results, args.out / 'site_build.png')}"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["_build"]:  # subprocess side of timed_build
        site, override = sys.argv[2], json.loads(sys.argv[3])
        print(json.dumps(run_build(site, override, sys.argv[4] if len(sys.argv) > 4 else None)))
    else:
        main()
