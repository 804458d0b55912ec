"""The shipped nginx server block (deploy/nginx/), run by Debian's nginx in front of the real
site and the service: every page type with every security header, errors included; the cache
and compression policy; private files, dotfiles and path traversal refused."""

import http.client
from urllib.parse import urlsplit

import httpx
import pytest

from site_core.content.policy import SITE_POLICY_HEADER

pytestmark = pytest.mark.browser  # slow: builds the site, starts nginx and the service

# nginx sends the site's own policy, the one every page also carries in a <meta>.
POLICY = SITE_POLICY_HEADER
# Every response of the site and of the readers' service pages carries these.
HEADERS = {
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": "camera=()",
    "content-security-policy": POLICY,
}
# One address of each page type of the site, and the status nginx answers it with.
PAGE_TYPES = {
    "accueil": ("/", 200),
    "article": ("/articles/30-ans-caf-essonne/", 200),
    "thème": ("/themes/vie-de-la-caf/", 200),
    "liste des thèmes": ("/themes/", 200),
    "intervenant": ("/intervenants/annie-hamel/", 200),
    "mot-clé": ("/mots-cles/ctg/", 200),
    "page": ("/a-propos/", 200),
    "archives": ("/archives/", 200),
    "lettres": ("/lettres/", 200),
    "recherche": ("/recherche/?q=caf", 200),
    "flux Atom": ("/flux/tous.atom.xml", 200),
    "flux RSS": ("/flux/tous.rss.xml", 200),
    "feuille XSL des flux": ("/theme/feeds/flux.xsl", 200),
    "plan du site": ("/sitemap.xml", 200),
    "robots.txt": ("/robots.txt", 200),
    "feuille de style": ("/theme/css/site.css", 200),
    "index de recherche": ("/pagefind/pagefind-entry.json", 200),
    "image empreinte": ("/images/partage/site.f187bc67d8.png", 200),
    "page introuvable": ("/cette-page-n-existe-pas/", 404),
    "service : vérifiez votre boîte": ("/commentaires/lettre/verifiez", 200),
    "service : erreur": ("/commentaires/repondre?article=inconnu", 404),
    "service : jeton": ("/commentaires/jeton", 200),
}


def missing_headers(response: httpx.Response) -> list[str]:
    return [
        name
        for name, value in HEADERS.items()
        if value not in response.headers.get_list(name)
        and not any(seen.startswith(value) for seen in response.headers.get_list(name))
    ]


def test_every_page_type_carries_every_security_header(stack):
    score, wrong = 0, []
    for kind, (path, status) in PAGE_TYPES.items():
        response = httpx.get(stack.url + path)
        if response.status_code != status:
            wrong.append(f"{kind} {path}: {response.status_code}")
        missing = missing_headers(response)
        wrong += [f"{kind} {path}: no {name}" for name in missing]
        score += len(HEADERS) - len(missing)
    print(f"headers: {score}/{len(HEADERS) * len(PAGE_TYPES)} over {len(PAGE_TYPES)} types")
    assert wrong == []


def test_the_404_page_is_the_sites_with_status_404(stack):
    response = httpx.get(stack.url + "/articles/un-article-qui-n-existe-pas/")
    assert response.status_code == 404
    assert "<html" in response.text and "introuvable" in response.text.lower()


def test_the_team_area_keeps_its_own_policy_and_gets_the_other_headers(stack):
    """The room's pages send their own CSP (previews in a frame of the room): nginx adds the
    rest and no second, stricter policy."""
    response = httpx.get(stack.url + "/redaction/connexion")
    assert response.status_code == 200
    policies = response.headers.get_list("content-security-policy")
    assert len(policies) == 1 and "frame-src 'self'" in policies[0]
    assert [h for h in missing_headers(response) if h != "content-security-policy"] == []


def test_fingerprinted_files_are_cached_for_a_year_and_pages_revalidated(stack):
    image = httpx.get(stack.url + "/images/partage/site.f187bc67d8.png")
    assert image.headers["cache-control"] == "public, max-age=31536000, immutable"
    pages = ("/", "/articles/30-ans-caf-essonne/", "/theme/css/site.css", "/flux/tous.atom.xml")
    for path in pages:
        assert httpx.get(stack.url + path).headers["cache-control"] == "no-cache", path
    service = httpx.get(stack.url + "/commentaires/lettre/verifiez")
    assert service.headers["cache-control"] == "no-store"  # the service's own, kept


def test_text_is_sent_compressed(stack):
    for path in ("/", "/theme/css/site.css", "/flux/tous.atom.xml", "/pagefind/pagefind.js"):
        response = httpx.get(stack.url + path, headers={"Accept-Encoding": "gzip"})
        assert response.headers.get("content-encoding") == "gzip", path


def raw_get(url: str, path: str) -> tuple[int, str]:
    """GET `path` exactly as written (no client normalising « .. » or « %2e »)."""
    address = urlsplit(url)
    conn = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


@pytest.mark.parametrize(
    "path",
    [
        "/_articles-commentaires.json",
        "/_gabarit-commentaires.html",
        "/.site.standby/index.html",
        "/.git/config",
        "/articles/.hidden",
        "/theme/_prive.css",
        "/../etc/passwd",
        "/articles/../../etc/passwd",
        "/articles/%2e%2e/%2e%2e/etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/commentaires/..%2f..%2f_articles-commentaires.json",
        "/commentaires/%2e%2e/_articles-commentaires.json",
        "/redaction/%2e%2e/%2e%2e/etc/passwd",
    ],
)
def test_private_files_dotfiles_and_path_traversal_are_refused(stack, path):
    site = stack.public / "site"
    for hidden in (".git/config", "articles/.hidden", "theme/_prive.css"):
        (site / hidden).parent.mkdir(parents=True, exist_ok=True)
        (site / hidden).write_text("SECRET")
    status, body = raw_get(stack.url, path)
    assert status in (400, 404), (path, status)
    assert "root:" not in body and '"articles"' not in body and "SECRET" not in body


def test_an_upload_larger_than_the_room_allows_gets_a_french_answer(stack):
    response = httpx.post(
        stack.url + "/redaction/images/",
        content=b"x" * (26 * 1024 * 1024),
        headers={"Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 413
    assert "trop volumineux" in response.text
