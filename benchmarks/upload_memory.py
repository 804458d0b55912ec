"""Memory of image uploads (issue 19, item 7): the service's resident memory while the room
receives one, then four concurrent uploads of a large, light picture, then shows the library.

The real service (`python -m service --sans-site`, its own process, 127.0.0.1) edits a copy of
content/; a rédaction account logs in and posts to the library's form (/redaction/images/), as
the browser does. The picture is a 16,383 × 3,900 WebP (WebP's widest) made here with Pillow:
a gradient with stripes, so it weighs ~200 KB but decodes to 64 million pixels. Memory is the
service process's resident set (/proc/<pid>/status): VmRSS polled every 5 ms, and VmHWM, its
peak, reset before each phase (`5` written to /proc/<pid>/clear_refs, Linux ≥ 4.0, as root or
the same user). The builder process the service starts is measured apart (its own VmRSS, polled).
Each phase prints its peak above the idle service (after login and a first library page):

1. one upload;
2. four uploads at once (four clients, four threads);
3. the library page and its thumbnails (the four new pictures), fetched as a browser does;
4. the build: the stored picture decoded for the site's variants (site_core.images.variants,
   as the publication builder does), in a process of its own: its peak (ru_maxrss).

    .venv/bin/python -m benchmarks.upload_memory [--width 16383] [--height 3900] [--format WEBP]
"""

import argparse
import io
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from PIL import Image, ImageDraw

from benchmarks.room_publish import login
from tests.support.comments import free_port, start_service_process
from tests.support.room import add_account, csrf
from tests.support.site import ROOT

LIBRARY = "/redaction/images/"


def picture(width: int, height: int, fmt: str) -> bytes:
    """A large picture that compresses well: three gradients and red stripes."""
    ramp = Image.linear_gradient("L").resize((width, height))
    image = Image.merge(
        "RGB", (ramp, ramp.transpose(Image.Transpose.FLIP_LEFT_RIGHT), ramp.rotate(180))
    )
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 400):
        draw.rectangle((x, 100, x + 150, height - 100), fill=(200, 30, 30))
    out = io.BytesIO()
    options = {"WEBP": {"quality": 8, "method": 4}, "JPEG": {"quality": 30}}.get(fmt, {})
    image.save(out, fmt, **options)
    return out.getvalue()


def status(pid: int, key: str) -> int:
    """A /proc/<pid>/status figure in MB (0 once the process is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(rf"^{key}:\s+(\d+) kB", text, re.MULTILINE)
    return int(found.group(1)) // 1024 if found else 0


def children(pid: int) -> list[int]:
    """The processes `pid` started, from any of its threads."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


class Sampler(threading.Thread):
    """Polls the service's VmRSS and its children's total every 5 ms; `phase()` resets."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.stop = pid, threading.Event()
        self.peak = self.children_peak = 0

        self.lock = threading.Lock()  # a sample taken before a reset never counts after it

    def run(self):
        while not self.stop.is_set():
            with self.lock:
                self.peak = max(self.peak, status(self.pid, "VmRSS"))
                rss = sum(status(child, "VmRSS") for child in children(self.pid))
                self.children_peak = max(self.children_peak, rss)
            time.sleep(0.005)

    def phase(self):
        with self.lock:
            Path(f"/proc/{self.pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
            self.peak = self.children_peak = 0


def upload(client: httpx.Client, data: bytes, name: str) -> str:
    page = client.get(LIBRARY)
    answer = client.post(
        LIBRARY, data={"csrf": csrf(page)}, files={"image_fichier": (name, data, "image/webp")}
    )
    if answer.status_code == 303:
        return "stored"
    found = re.search(r'id="image_fichier-erreur">(.*?)</span>', answer.text, re.DOTALL)
    return f"HTTP {answer.status_code}: {(found.group(1) if found else answer.text[:200]).strip()}"


def build_peak(source: Path, cache: Path) -> tuple[int, str]:
    """Peak memory (MB, VmHWM) of a process making the site's variants of `source`, as the
    build does, above what it held once its modules were imported."""
    code = (
        "import re, sys\n"
        "from pathlib import Path\n"
        "from pelican.settings import read_settings\n"
        "from site_core.images.pixels import Limits\n"
        "from site_core.images.variants import Producer, Recipe\n"
        "def hwm():\n"
        "    status = Path('/proc/self/status').read_text()\n"
        "    return int(re.search(r'VmHWM:\\s+(\\d+)', status).group(1)) // 1024\n"
        "s = read_settings('pelicanconf.py')\n"
        "src, cache = Path(sys.argv[1]), Path(sys.argv[2])\n"
        "before = hwm()\n"
        "p = Producer(cache / 'c', src.parent, cache / 'out', '')\n"
        "limits = Limits(*s['IMAGES_MIN_SIZE'], s['IMAGES_MAX_PIXELS'])\n"
        "try:\n"
        "    p.make(src, Recipe('', tuple(s['IMAGES_WIDTHS']), limits=limits)); result = 'made'\n"
        "except Exception as e:\n"
        "    result = f'refused: {e}'\n"
        "print(hwm() - before, result)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(source), str(cache)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    peak, result = done.stdout.strip().split(" ", 1)
    return int(peak), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--width", type=int, default=16383)
    parser.add_argument("--height", type=int, default=3900)
    parser.add_argument("--format", default="WEBP", choices=("WEBP", "PNG", "JPEG"))
    args = parser.parse_args()
    data = picture(args.width, args.height, args.format)
    extension = {"WEBP": "webp", "PNG": "png", "JPEG": "jpg"}[args.format]
    print(f"picture: {args.width} × {args.height} {args.format}, {len(data) // 1024} KB")
    tmp = Path(tempfile.mkdtemp(prefix="upload-memory-"))
    try:
        content = tmp / "content"
        shutil.copytree(ROOT / "content", content)
        database = tmp / "data" / "comments.sqlite3"
        add_account(database, "banc")
        env = {
            "SERVICE_DATABASE": str(database),
            "SERVICE_SITE_DIR": str(tmp / "site"),
            "SERVICE_SECRET_KEY": "clé du banc des images",
            "REDACTION_CONTENT_DIR": str(content),
            "REDACTION_BUILD_SETTINGS": str(ROOT / "publishconf.py"),
            "REDACTION_WORK_DIR": str(tmp / "redaction"),
            "REDACTION_CONTENT_GIT": "0",
        }
        proc = start_service_process(free_port(), **env)
        url = f"http://127.0.0.1:{proc.args[-1]}"
        sampler = Sampler(proc.pid)
        sampler.start()
        try:
            clients = [login(url) for _ in range(4)]
            clients[0].get(LIBRARY)
            time.sleep(1)
            idle = status(proc.pid, "VmRSS")
            print(f"idle service: {idle} MB")

            def measure(label: str, work) -> None:
                sampler.phase()
                started = time.monotonic()
                results = work()
                hwm = status(proc.pid, "VmHWM")
                print(
                    f"{label}: peak {max(hwm, sampler.peak) - idle} MB above idle "
                    f"(VmHWM {hwm} MB), builder process peak {sampler.children_peak} MB, "
                    f"{time.monotonic() - started:.1f} s; {results}"
                )

            measure("one upload", lambda: [upload(clients[0], data, f"une.{extension}")])

            def four():
                results = [None] * 4

                def send(i):
                    results[i] = upload(clients[i], data, f"quatre-{i}.{extension}")

                threads = [threading.Thread(target=send, args=(i,)) for i in range(4)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                return results

            measure("four uploads at once", four)

            def library():
                page = clients[0].get(LIBRARY)
                sources = re.findall(r'<img src="([^"]+/vignette/[^"]+)"', page.text)
                codes = [clients[0].get(src).status_code for src in sources]
                return f"{len(codes)} thumbnails, answers {sorted(set(codes))}"

            measure("library page and thumbnails", library)
        finally:
            sampler.stop.set()
            proc.terminate()
            proc.wait(10)
        stored = sorted((content / "images").glob(f"une*.{extension}"))
        if not stored:  # refused by the room: the build may still meet it (a git push)
            stored = [tmp / f"source.{extension}"]
            stored[0].write_bytes(data)
        peak, result = build_peak(stored[0], tmp / "build")
        with Image.open(stored[0]) as image:
            described = f"{stored[0].name}, {image.format} {image.width} × {image.height}"
        print(f"build (variants of {described}): peak {peak} MB; {result}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
