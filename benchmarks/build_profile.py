"""Where a build's CPU time goes: a sampling profiler and its report by part (each plugin, the
writer, the templates, the readers, Markdown), for benchmarks/site_build.py."""

import json
import os
import signal
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_EVERY = 0.002  # seconds of CPU time between two stack samples


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


PARTS = [
    (
        "page writing (Pelican's writer, site_core/build/writing.py)",
        lambda f: f.endswith((f"pelican{os.sep}writers.py", f"build{os.sep}writing.py")),
    ),
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
    ours, stock = profiles["sequential"], profiles["stock"]
    print(
        f"\nWhere the CPU time goes at N = {n} (one sampled build each: ours {ours['cpu_s']:.1f} s,"
        f" stock {stock['cpu_s']:.1f} s). Inclusive: the part is on the stack (parts nest: the"
        " templates run inside the writer, plugin filters inside the templates); own: its code"
        " is the innermost Python code running."
    )
    print(f"  {'part':<58} {'ours incl.':>11} {'own':>8} {'% of ours':>10} {'stock incl.':>12}")
    for label, (inclusive, own) in sorted(ours["parts_s"].items(), key=lambda p: -p[1][0]):
        print(
            f"  {label:<58} {inclusive:>9.2f} s {own:>6.2f} s {inclusive / ours['cpu_s']:>10.1%}"
            f" {stock['parts_s'][label][0]:>10.2f} s"
        )
