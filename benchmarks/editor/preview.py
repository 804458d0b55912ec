"""The editor's live preview at N articles: from the last keystroke to the typed word in the
preview frame, in Debian's Chromium.

The real service (uvicorn in a thread, 127.0.0.1) edits a `corpus.py` corpus of --size
articles with the production settings (room_publish.py's set-up). Chromium logs in and opens
the editor of one article; the live preview (room/editor/src/preview.js, pages/live.py) shows
it once (the first build, which starts the builder process, reported apart). Then --edits
times: a word is typed at the end of the chapô, and the frame's text is polled (every 10 ms,
at most 30 s) until it shows the word: the time from the last keystroke to then is the figure
(debounce, request, build, frame reload). Also reported: the builder's own build time per
edit (timed around BuildWorker.call, the build's `seconds` inside it), and the navigations of
the page itself (reloads: must be 0).

    .venv/bin/python -m benchmarks.editor.preview [--size 1000] [--edits 20]
"""

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Error, sync_playwright

from benchmarks.room_publish import bench_config, remove_bench_files
from site_core.paths import LOGIN_PATH
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.comments import running_service
from tests.support.room import PASSWORD

ROOM = "/redaction/"
TIMEOUT = 30.0
now = time.perf_counter


def frame_text(page) -> str:
    try:
        return page.frames[1].evaluate("document.body ? document.body.innerText : ''")
    except (IndexError, Error):  # no frame yet, or its page being replaced
        return ""


def until_shown(page, word: str, started: float) -> float:
    while word not in frame_text(page):
        if time.perf_counter() - started > TIMEOUT:
            raise SystemExit(f"« {word} » not in the live preview after {TIMEOUT} s")
        page.wait_for_timeout(10)
    return time.perf_counter() - started


def timed_builds(worker) -> list[tuple[float, float]]:
    """(seconds around the call, the build's own seconds) of each build from now on."""
    builds, call = [], worker.call

    def timed(request, *args, **kwargs):
        started = time.perf_counter()
        answer = call(request, *args, **kwargs)
        if request.get("op") == "preview":
            builds.append((time.perf_counter() - started, answer.get("seconds", 0.0)))
        return answer

    worker.call = timed
    return builds


def measure(size: int, edits: int) -> dict:
    base = Path(tempfile.mkdtemp(prefix="editor-bench-"))
    config, settings, name = bench_config(base, size)
    result = {"articles": size, "edits": edits, "load_before": os.getloadavg()[0]}
    try:
        with running_service(config) as service, sync_playwright() as playwright:
            builds = timed_builds(service.parts.room.room.worker)
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
            editor = f"{ROOM}articles/{name}/"
            page.goto(service.url + LOGIN_PATH + "?suite=" + editor)
            page.fill("#identifiant", "banc")
            page.fill("#mot_de_passe", PASSWORD)
            started = time.perf_counter()
            page.click("button:has-text('Se connecter')")
            title = page.input_value("#titre")
            result["first_preview_s"] = round(until_shown(page, title, started), 3)
            reloads = []
            page.on("framenavigated", lambda f: f == page.main_frame and reloads.append(f.url))
            posts = []  # (sent, answered) of each live preview request
            page.on("request", lambda r: r.url.endswith("apercu-direct") and posts.append([now()]))
            page.on(
                "requestfinished",
                lambda r: r.url.endswith("apercu-direct") and posts[-1].append(now()),
            )
            page.click("#chapo")
            latencies, phases = [], []
            for number in range(1, edits + 1):
                word = f"motdirect{number}x{time.time_ns() % 100000}"
                page.keyboard.press("End")
                page.keyboard.type(f" {word}")
                typed, count = now(), len(posts)
                latencies.append(until_shown(page, word, typed))
                sent, answered = posts[-1][:2] if len(posts) > count else (typed, typed)
                phases.append((sent - typed, answered - sent, typed + latencies[-1] - answered))
                page.wait_for_timeout(300)  # a pause in the typing, as a writer's
            browser.close()
        shown = builds[1:]  # the first build apart
        result.update(
            keystroke_to_preview_median_s=round(statistics.median(latencies), 3),
            keystroke_to_preview_max_s=round(max(latencies), 3),
            builds=len(builds),
            build_call_median_s=round(statistics.median(b[0] for b in shown), 3),
            pelican_run_median_s=round(statistics.median(b[1] for b in shown), 3),
            page_reloads=len(reloads),
            **{
                f"{phase}_median_s": round(statistics.median(p[i] for p in phases), 3)
                for i, phase in enumerate(("to_request", "request", "answer_to_frame"))
            },
            load_after=os.getloadavg()[0],
        )
    finally:
        remove_bench_files(base, settings)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    print(json.dumps(measure(args.size, args.edits), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
