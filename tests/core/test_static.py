"""The built site served by the comment service itself (`serve_site=True`, run.sh / invoke
serve), read over HTTP from a real uvicorn server on 127.0.0.1 while pages are republished."""

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import anyio
import httpx

from service.core.static import OpenFileResponse
from site_core.content.policy import SITE_POLICY_HEADER
from tests.support.comments import make_config, running_service

PAGE = "articles/premier-article/index.html"
URL = "/articles/premier-article/"
# Two versions of different sizes, each over several 64 kB read chunks, each line numbered so
# a body made of pieces of both (or cut short) is told apart from either.
LONG = "".join(f"<p>version longue, ligne {n:06d}</p>\n" for n in range(2800)).encode()
SHORT = "".join(f"<p>version courte, ligne {n:06d}</p>\n" for n in range(1000)).encode()
READERS = 3
READS_PER_READER = 1000  # 3,000 reads in all: a few seconds on an idle machine
MAX_SECONDS = 20  # a bound for a busy one (at least 1,000 reads are still required)


def republish_until(stop: threading.Event, page) -> int:
    """Replace `page` atomically, as the republisher does, alternating the two versions."""
    replaced = 0
    temporary = page.with_name(page.name + ".tmp")
    while not stop.is_set() and replaced < 1_000_000:
        temporary.write_bytes(SHORT if replaced % 2 else LONG)
        os.replace(temporary, page)
        replaced += 1
        time.sleep(0.001)  # let the server and the readers run
    return replaced


def read_repeatedly(url: str, deadline: float) -> dict[str, int]:
    counts = {"reads": 0, "cut": 0, "mixed": 0, "wrong_length": 0}
    with httpx.Client(timeout=10) as client:
        for _ in range(READS_PER_READER):
            if time.monotonic() > deadline:
                break
            counts["reads"] += 1
            try:
                response = client.get(url)
            except httpx.TransportError:  # the server gave up mid-body
                counts["cut"] += 1
                continue
            if response.content not in (LONG, SHORT):
                counts["mixed"] += 1
            if int(response.headers["content-length"]) != len(response.content):
                counts["wrong_length"] += 1
    return counts


def test_pages_replaced_while_read_are_never_cut_or_mixed(tmp_path, comment_site):
    page = comment_site / PAGE
    page.write_bytes(LONG)
    with running_service(make_config(tmp_path, comment_site), serve_site=True) as service:
        stop = threading.Event()
        with ThreadPoolExecutor(READERS + 1) as pool:
            republisher = pool.submit(republish_until, stop, page)
            deadline = time.monotonic() + MAX_SECONDS
            readers = [
                pool.submit(read_repeatedly, service.url + URL, deadline) for _ in range(READERS)
            ]
            totals = {}
            for reader in readers:
                for name, count in reader.result().items():
                    totals[name] = totals.get(name, 0) + count
            stop.set()
            replaced = republisher.result()
    assert totals["reads"] >= 1000 and replaced >= 100, (totals, replaced)
    assert (totals["cut"], totals["mixed"], totals["wrong_length"]) == (0, 0, 0), totals


def test_site_pages_keep_their_http_behaviours(tmp_path, comment_site):
    with running_service(make_config(tmp_path, comment_site), serve_site=True) as service:
        with httpx.Client(base_url=service.url) as client:
            page = client.get(URL)
            missing = client.get("/pas-de-page-ici/")
            no_slash = client.get(URL.rstrip("/"))
            again = client.get(URL, headers={"If-None-Match": page.headers["etag"]})
            since = client.get(URL, headers={"If-Modified-Since": page.headers["last-modified"]})
            head = client.head(URL)
            part = client.get(URL, headers={"Range": "bytes=4-20"})
            parts = client.get(URL, headers={"Range": "bytes=0-1,4-5"})
            error_page = client.get("/404.html")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "premier-article" in page.text
    assert (missing.status_code, missing.text) == (404, "<h1>Page introuvable</h1>")
    assert no_slash.status_code == 307 and no_slash.headers["location"].endswith(URL)
    assert again.status_code == 304 and again.content == b""
    assert since.status_code == 304
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == page.headers["content-length"]
    assert head.headers["etag"] == page.headers["etag"]
    assert part.status_code == 206 and part.content == page.content[4:21]
    assert part.headers["content-range"] == f"bytes 4-20/{len(page.content)}"
    assert parts.status_code == 206
    assert parts.headers["content-type"].startswith("multipart/byteranges; boundary=")
    assert page.content[0:2] in parts.content and page.content[4:6] in parts.content
    assert error_page.status_code == 200


def test_a_changed_page_gets_a_new_etag(tmp_path, comment_site):
    with running_service(make_config(tmp_path, comment_site), serve_site=True) as service:
        with httpx.Client(base_url=service.url) as client:
            first = client.get(URL)
            replacement = comment_site / "nouvelle.html"
            replacement.write_text("<h1>Nouvelle version, plus longue</h1>", encoding="utf-8")
            os.replace(replacement, comment_site / PAGE)
            second = client.get(URL, headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 200
    assert second.text == "<h1>Nouvelle version, plus longue</h1>"
    assert second.headers["etag"] != first.headers["etag"]


def _send(response, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """Run one ASGI response to completion; its status, headers and body."""
    messages = []
    scope = {
        "type": "http",
        "asgi": {"spec_version": "2.4"},  # no disconnect watcher: receive is never called
        "method": "GET",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }

    async def send(message):
        messages.append(message)

    with ThreadPoolExecutor(1) as pool:  # its own thread: other tests may hold this one's loop
        pool.submit(anyio.run, response, scope, None, send).result()
    start, *bodies = messages
    head = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], head, b"".join(m["body"] for m in bodies)


def test_a_response_sends_the_file_it_sized_even_if_the_page_is_replaced(tmp_path):
    """The race made deterministic: the page is replaced after the response was sized."""
    page = tmp_path / "page.html"
    page.write_bytes(LONG)
    whole, part = (OpenFileResponse(page.open("rb"), str(page)) for _ in range(2))
    (tmp_path / "new.html").write_bytes(SHORT)
    os.replace(tmp_path / "new.html", page)
    status, headers, body = _send(whole, {})
    assert (status, body, headers["content-length"]) == (200, LONG, str(len(LONG)))
    status, headers, body = _send(part, {"Range": "bytes=70000-70009"})
    assert (status, body) == (206, LONG[70000:70010])
    assert whole.file.closed and part.file.closed


def test_issue19_item1_every_file_is_served_with_the_site_policy(tmp_path, comment_site):
    """The built site's Content-Security-Policy as a header (frame-ancestors included) on pages,
    the 404 page and other files; no inline script is allowed."""
    (comment_site / "theme" / "js").mkdir(parents=True)
    (comment_site / "theme" / "js" / "a.js").write_text("1;")
    with running_service(make_config(tmp_path, comment_site), serve_site=True) as service:
        with httpx.Client(base_url=service.url, timeout=10) as client:
            for path, status in [(URL, 200), ("/theme/js/a.js", 200), ("/absente/", 404)]:
                response = client.get(path)
                assert response.status_code == status, path
                policy = response.headers.get("content-security-policy", "")
                assert policy == SITE_POLICY_HEADER, path
    directives = dict(d.strip().split(" ", 1) for d in SITE_POLICY_HEADER.split(";"))
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert directives["default-src"] == directives["form-action"] == "'self'"
