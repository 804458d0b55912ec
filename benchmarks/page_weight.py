"""Page weight audit: what a browser fetches for each built page, gzip-compressed.

Counts the HTML and every resource the page pulls in (stylesheets, scripts, images outside the
article body, fonts referenced by the CSS), as a browser on an empty cache would. Articles' own
photos are excluded, as the target says. Target: an article page ≤ 15 KB gzip in ≤ 4 requests.

    python -m benchmarks.page_weight [SITE_DIR]      (default: builds the site into a temp dir)
"""

import gzip
import re
import statistics
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
TARGET_BYTES, TARGET_REQUESTS = 15 * 1024, 4
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


def gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def local(site: Path, url: str, base: Path) -> Path | None:
    parsed = urlparse(url)
    if url.startswith("data:") or parsed.netloc:
        return None
    path = site / parsed.path.lstrip("/") if parsed.path.startswith("/") else base / parsed.path
    return path if path.is_file() else None


def resources(site: Path, page: Path) -> list[Path]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    for body in soup.select(".entretien__body"):
        body.decompose()  # the article's own photos don't count
    urls = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
    urls += [tag["src"] for tag in soup.find_all(["script", "img"], src=True)]
    found = [path for url in urls if (path := local(site, url, page.parent))]
    for css in [path for path in found if path.suffix == ".css"]:
        text = css.read_text(encoding="utf-8")
        found += [path for url in CSS_URL.findall(text) if (path := local(site, url, css.parent))]
    return list(dict.fromkeys(found))


def weigh(site: Path, page: Path) -> tuple[int, int]:
    fetched = [page, *resources(site, page)]
    return sum(gzipped(path) for path in fetched), len(fetched)


def main() -> int:
    if len(sys.argv) > 1:
        site = Path(sys.argv[1])
    else:
        from tests.support.site import build_site

        site = build_site(Path(tempfile.mkdtemp()) / "output")
    articles = sorted(site.glob("articles/*/index.html"))
    rows = {str(page.relative_to(site)): weigh(site, page) for page in articles}
    rows["index.html"] = weigh(site, site / "index.html")
    for name, (size, requests) in rows.items():
        print(f"{name:70} {size / 1024:6.1f} KB gzip  {requests} requests")
    sizes = [rows[str(page.relative_to(site))][0] for page in articles]
    worst = max(rows[str(page.relative_to(site))] for page in articles)
    ok = worst[0] <= TARGET_BYTES and worst[1] <= TARGET_REQUESTS
    print(
        f"\narticles: median {statistics.median(sizes) / 1024:.1f} KB, "
        f"worst {worst[0] / 1024:.1f} KB in {worst[1]} requests — target ≤ 15 KB in ≤ 4: "
        + ("met" if ok else "NOT met")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
