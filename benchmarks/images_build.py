"""Pictures: build time with 50 photos, and what a phone fetches for an illustrated article.

    .venv/bin/python -m benchmarks.images_build [--photos 50] [--repeat 3] [--instructions]
                                                 [--out bench-results]

1. Corpus: 50 articles (benchmarks/corpus.py), built twice: (a) as is, (b) each article with
   one 4000 × 3000 JPEG photo (caption and credit) and its speaker's portrait (5 portraits of
   1200 × 1600). The photos are synthetic (Pillow: gradients, blurred noise at several scales,
   grain) and weigh about as much as a phone's (2 to 3 MB at JPEG quality 90); byte counts
   below depend on that content, as they would on real photos.
2. Builds, each in its own subprocess (benchmarks/site_build.py's runner, wall and CPU time):
   the first build of (b) with an empty image cache, then (a) and (b) with a warm cache,
   alternating, --repeat times. Target: warm (b) ≤ 1.05 × (a). With --instructions, the
   instructions each build executes are counted too (valgrind), a figure the machine's load
   does not disturb.
3. At 390 px (Chromium, pixel ratios 1 — as the site audit —, 2 and 3): the image bytes one
   article of (b) fetches once scrolled to the end (lazy images included), the HTML + CSS gzip
   bytes, the requests at first load, and the layout shift (CLS) while loading and scrolling.
   Target: ≤ 60 KB of images, ≤ 15 KB HTML + CSS, CLS 0.

Results: <out>/images_build.json.
"""

import argparse
import gzip
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageFilter

from benchmarks.corpus import write_corpus
from benchmarks.site_build import settings_for
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.site import serve_directory

ROOT = Path(__file__).resolve().parent.parent

PHOTO_SIZE = (4000, 3000)


def synthetic_photo(seed: int, size=PHOTO_SIZE) -> Image.Image:
    """Something with a photo's statistics: smooth areas, edges, texture at every scale."""
    rng = random.Random(seed)
    width, height = size
    sky = Image.linear_gradient("L").resize(size).convert("RGB")
    layers = []
    for scale, sigma in ((64, 60), (16, 50), (4, 40)):
        noise = Image.effect_noise((width // scale, height // scale), sigma)
        layers.append(noise.resize(size, Image.Resampling.BICUBIC))
    r, g, b = (Image.blend(layers[i % 3], layers[(i + 1) % 3], rng.random()) for i in range(3))
    texture = Image.merge("RGB", (r, g, b)).filter(ImageFilter.GaussianBlur(1))
    photo = Image.blend(sky, texture, 0.55)
    grain = Image.effect_noise(size, 12).convert("RGB")
    return Image.blend(photo, grain, 0.08)


def add_pictures(corpus: Path, photos: int) -> None:
    """One photo per article (the first `photos` articles), one portrait per speaker."""
    images = corpus / "images"
    images.mkdir(exist_ok=True)
    portraits = {}
    for index, path in enumerate(sorted((corpus / "articles").glob("*.md"))[:photos]):
        synthetic_photo(index).save(images / f"photo-{index:02d}.jpg", quality=90)
        header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        authors = dict(line.split(": ", 1) for line in header.splitlines())["Authors"]
        for speaker in (name.strip() for name in authors.split(",")):
            if speaker not in portraits:
                portraits[speaker] = f"portrait-{len(portraits)}.jpg"
                synthetic_photo(1000 + index, (1200, 1600)).save(images / portraits[speaker])
        speakers = [portraits[name.strip()] for name in authors.split(",")]
        figure = (
            f"![Une photo de l’entretien n° {index}](/images/photo-{index:02d}.jpg "
            f'"Une légende © Caf de l’Essonne")'
        )
        header += "\nPortraits: " + " ; ".join(f"/images/{name} 50% 30%" for name in speakers)
        first, _, rest = body.partition("\n\n")
        path.write_text(f"{header}\n\n{first}\n\n{figure}\n\n{rest}", encoding="utf-8")


def build(corpus: Path, work: Path, cache: Path) -> tuple[float, float]:
    override = settings_for("ours", corpus, work)
    override["IMAGES_CACHE_PATH"] = str(cache)
    shutil.rmtree(work / "output", ignore_errors=True)
    command = [sys.executable, "-m", "benchmarks.site_build", "_build", "ours"]
    done = subprocess.run(
        [*command, json.dumps(override)], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if done.returncode:
        raise SystemExit(f"Build failed:\n{done.stderr[-3000:]}")
    return tuple(json.loads(done.stdout.strip().splitlines()[-1]))


def phone_fetch(site: Path, path: str, ratio: float) -> dict:
    """Bytes and requests of `path` in Chromium at 390 px, loaded then scrolled to the end."""
    from playwright.sync_api import sync_playwright

    sizes, first_load = {}, []
    with serve_directory(site) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=ratio)
        page.add_init_script(
            "window.__cls = 0; new PerformanceObserver(l => { for (const e of l.getEntries())"
            " if (!e.hadRecentInput) window.__cls += e.value; })"
            ".observe({type: 'layout-shift', buffered: true});"
        )

        def on_response(response):
            body = response.body() if response.ok else b""
            sizes[response.url] = (response.request.resource_type, len(body))

        page.on("response", on_response)
        page.goto(f"{url}/{path}", wait_until="load")
        first_load = page.evaluate(
            "[location.href, ...performance.getEntriesByType('resource').map(e => e.name)]"
        )
        height = page.evaluate("document.body.scrollHeight")
        for y in range(0, height + 844, 400):
            page.evaluate(f"window.scrollTo(0, {y})")
            page.wait_for_timeout(60)
        page.wait_for_load_state("networkidle")
        cls = page.evaluate("window.__cls")
        browser.close()
    images = {u: n for u, (kind, n) in sizes.items() if kind == "image"}
    return {
        "ratio": ratio,
        "image_bytes": sum(images.values()),
        "images": {u.rsplit("/", 1)[-1]: n for u, n in images.items()},
        "requests_first_load": len(first_load),
        "requests_first_load_without_images": sum(1 for u in first_load if sizes[u][0] != "image"),
        "cls": cls,
    }


def html_css_gzip(site: Path, path: str) -> int:
    pages = [site / path / "index.html", site / "theme" / "css" / "site.css"]
    return sum(len(gzip.compress(p.read_bytes(), 6)) for p in pages)


def count_build(corpus: str, work: str, cache: str, run: bool) -> None:
    """Subprocess side of `instructions`: the settings, then (if `run`) the build."""
    import logging

    from pelican import Pelican
    from pelican.settings import read_settings

    logging.disable(logging.WARNING)
    override = settings_for("ours", Path(corpus), Path(work))
    override["IMAGES_CACHE_PATH"] = cache
    settings = read_settings(str(ROOT / "pelicanconf.py"), override=override)
    if run:
        Pelican(settings).run()


def instructions(corpus: Path, work: Path, cache: Path) -> int:
    """Instructions one build executes (valgrind's callgrind), less Python's start and the
    imports: unlike time, the same on a busy machine, so a small difference shows."""
    counts = []
    shutil.rmtree(work / "output", ignore_errors=True)  # outside the count, as in build()
    for mode in ("run", "setup"):
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
             "-m", "benchmarks.images_build", "_count", str(corpus), str(work), str(cache), mode],
            capture_output=True, text=True, check=True, cwd=ROOT,
        )  # fmt: skip
        refs = next(line for line in done.stderr.splitlines() if "I   refs:" in line)
        counts.append(int(refs.rsplit(":", 1)[1].replace(",", "")))
    return counts[0] - counts[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results")
    parser.add_argument(
        "--instructions", action="store_true", help="also count instructions (valgrind, ~3 min)"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-images-") as scratch:
        scratch = Path(scratch)
        plain = write_corpus(scratch / "plain", args.photos)
        photos = scratch / "photos"
        shutil.copytree(plain, photos)
        start = time.perf_counter()
        add_pictures(photos, args.photos)
        print(f"{args.photos} photos written in {time.perf_counter() - start:.0f} s", flush=True)
        source_mb = sum(p.stat().st_size for p in (photos / "images").iterdir()) / 1e6
        cache = scratch / "cache"
        (scratch / "w-plain").mkdir()
        (scratch / "w-photos").mkdir()
        cold = build(photos, scratch / "w-photos", cache)
        print(f"first build with {args.photos} photos: {cold[0]:.1f} s (CPU {cold[1]:.1f} s)")
        build(plain, scratch / "w-plain", scratch / "cache-plain")  # its share cards, cached
        runs = {"plain": [], "warm": []}
        for _ in range(args.repeat):
            runs["plain"].append(build(plain, scratch / "w-plain", scratch / "cache-plain"))
            runs["warm"].append(build(photos, scratch / "w-photos", cache))
        medians = {k: [statistics.median(r[i] for r in v) for i in (0, 1)] for k, v in runs.items()}
        ratio = medians["warm"][0] / medians["plain"][0]
        cpu_ratio = medians["warm"][1] / medians["plain"][1]
        # On a shared machine, builds run back to back share its load: the median of the
        # ratios of such pairs is steadier than the ratio of medians. Both are quoted.
        paired = statistics.median(
            w[1] / p[1] for p, w in zip(runs["plain"], runs["warm"], strict=True)
        )
        print(
            f"without images: {medians['plain'][0]:.2f} s (CPU {medians['plain'][1]:.2f}); "
            f"with photos, cached: {medians['warm'][0]:.2f} s (CPU {medians['warm'][1]:.2f}); "
            f"ratio of medians {ratio:.3f} (CPU {cpu_ratio:.3f}), median of paired CPU ratios "
            f"{paired:.3f} — target ≤ 1.05"
        )
        counted = {}
        if args.instructions:
            counted = {
                "plain": instructions(plain, scratch / "w-plain", scratch / "cache-plain"),
                "warm": instructions(photos, scratch / "w-photos", cache),
            }
            print(
                f"instructions per build: without images {counted['plain'] / 1e9:.3f} G, with "
                f"photos (cached) {counted['warm'] / 1e9:.3f} G, ratio "
                f"{counted['warm'] / counted['plain']:.3f}"
            )
        site = scratch / "w-photos" / "output"
        article = sorted(p.parent.name for p in site.glob("articles/*/index.html"))[0]
        path = f"articles/{article}/"
        weight = html_css_gzip(site, path)
        phones = [phone_fetch(site, path, ratio) for ratio in (1, 2, 3)]
        for phone in phones:
            print(
                f"390 px × {phone['ratio']}: {phone['image_bytes'] / 1024:.1f} KB of images "
                f"({', '.join(phone['images'])}), {phone['requests_first_load']} requests at "
                f"first load, CLS {phone['cls']:.3f}"
            )
        print(f"{path}: HTML + CSS {weight / 1024:.1f} KB gzip — target ≤ 15 KB")
        report = {
            "photos": args.photos,
            "sources_mb": source_mb,
            "first_build_wall_cpu_s": cold,
            "runs_wall_cpu_s": runs,
            "medians_wall_cpu_s": medians,
            "ratio_warm_to_plain": ratio,
            "cpu_ratio_warm_to_plain": cpu_ratio,
            "median_paired_cpu_ratio": paired,
            "instructions": counted,
            "load_average": os.getloadavg(),
            "article": path,
            "html_css_gzip_bytes": weight,
            "phones": phones,
        }
    (args.out / "images_build.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"Written: {args.out / 'images_build.json'}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["_count"]:  # subprocess side of instructions()
        count_build(*sys.argv[2:5], run=sys.argv[5] == "run")
    else:
        main()
