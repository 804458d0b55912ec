"""Nothing unpublished is reachable by readers (issue 18, item 3): a draft, a hidden and a
scheduled article (dated two days ahead) beside the real content, built with the development
settings (pelicanconf.py: `invoke build`, `run`, `livereload`, incremental, after the draft was
online) and the production ones (publishconf.py: `invoke publish`, the room's publications),
then every file of each output
searched for their words and slugs — page text, XML, JSON, scripts, Pagefind's compressed
index, and the file names (picture variants, share cards).

A withdrawn article has no file: it cannot be in the output, and the draft stands for it; the
comment store says both were announced in a lettre and have approved comments. The hidden
article is reachable at its own address only: in no list, feed, sitemap or search index.
"""

import contextlib
import gzip
import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pelican import Pelican
from pelican.settings import read_settings

from service.core import db
from site_core.build import build as site_build
from tests.support.images import jpeg_bytes, photo
from tests.support.site import ROOT

# slug → (its one word, its status line); each word is in the title, the chapô, the body and
# the photo's name, each slug in nothing else. The search looks for a word's first 9 letters:
# Pagefind's index holds stems (« Atlantis » is « atlant » there).
ARTICLES = {
    "essai-brouillon-vqx": ("zorglubdraft", "Status: draft"),
    "essai-programme-vqx": ("zorglubfutur", "Status: published"),
    "essai-cache-vqx": ("zorglubcache", "Status: hidden"),
}
SECRET = ("essai-brouillon-vqx", "essai-programme-vqx", "page-brouillon-vqx")
HIDDEN = "essai-cache-vqx"
# The files that are the hidden article itself: its page, its pictures and share card, and the
# comment service's manifest (site_core.manifest), which knows it to take its comments.
HIDDEN_OWN = (
    "articles/essai-cache-vqx/index.html",
    "images/photo-zorglubcache-",
    "_articles-commentaires.json",  # the service's manifest: comments on it stay open
)
# Pagefind's files are gzip with this signature in front (fragments, index, filters, meta).
PAGEFIND_SIGNATURE = b"pagefind_dcd"


def _article(slug: str, word: str, status: str, date: datetime) -> str:
    return (
        f"Title: Entretien {word}\nDate: {date:%Y-%m-%d %H:%M}\nCategory: Solidarité\n"
        f"Tags: essai, {word}tag\nSlug: {slug}\nAuthors: Intervenant {word.title()}\n"
        f"Roles: directrice\nSummary: Le chapô {word}.\n{status}\n\n"
        f"![Une photo {word}](/images/photo-{word}.jpg)\n\n"
        f"## Une question {word} ?\n\n"
        f"**Intervenant {word.title()} :**{{: .speaker}} « Une réponse {word}. »\n"
    )


def corpus(tmp: Path) -> Path:
    """A copy of content/ with the three articles and their photos."""
    content = tmp / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "images").mkdir(exist_ok=True)
    future = datetime.now() + timedelta(days=2)
    for slug, (word, status) in ARTICLES.items():
        date = future if slug == "essai-programme-vqx" else datetime(2024, 3, 1, 10, 0)
        (content / "articles" / f"{slug}.md").write_text(
            _article(slug, word, status, date), encoding="utf-8"
        )
        image = jpeg_bytes(photo(1200, 700, colour="olive"), gps=False)
        (content / "images" / f"photo-{word}.jpg").write_bytes(image)
    (content / "pages" / "page-brouillon-vqx.md").write_text(
        "Title: Page zorglubpage\nSlug: page-brouillon-vqx\nStatus: draft\n\n"
        "Le texte zorglubpage.\n",
        encoding="utf-8",
    )
    return content


def _shown(slug: str, title: str) -> dict:
    """An article as a lettre keeps it (service/lettre/mail/letters.py: snapshot)."""
    return {
        "slug": slug, "title": title, "url": f"articles/{slug}/", "category": "Solidarité",
        "date": "2024-03-01T10:00:00+01:00", "category_slug": "solidarite",
        "summary": f"Le chapô de {title}.", "image": "",
    }  # fmt: skip


def comment_store(path: Path) -> Path:
    """Lettres that announced the draft (then withdrawn) and the hidden article beside a
    published one, and an approved comment on each."""
    published = _shown("territorialisation-se-concretise", "La territorialisation")
    conn = db.connect(path)
    db.migrate(conn)
    with conn:
        for week, (slug, (word, _status)) in enumerate(ARTICLES.items(), start=10):
            article = _shown(slug, f"Entretien {word}")
            conn.execute(
                "INSERT INTO letters (kind, period, subject, articles, created_at)"
                " VALUES ('article', ?, ?, ?, '2024-03-01T12:00:00+00:00')",
                (slug, article["title"], json.dumps([article])),
            )
            conn.execute(
                "INSERT INTO letters (kind, period, subject, articles, created_at)"
                " VALUES ('digest', ?, '2 articles', ?, '2024-03-04T12:00:00+00:00')",
                (f"2024-W{week}", json.dumps([published, article])),
            )
            conn.execute(
                "INSERT INTO comments (article_slug, author_name, author_email, body, status,"
                " created_at) VALUES (?, 'Lectrice', 'x@example.org', ?, 'approved',"
                " '2024-03-02T10:00:00+00:00')",
                (slug, f"Bravo pour {word}."),
            )
    conn.close()
    return path


def build(tmp: Path, content: Path, settings_file: str, incremental: bool) -> Path:
    output = tmp / f"output-{settings_file}"
    with contextlib.chdir(ROOT):  # publishconf.py imports pelicanconf from the current folder
        settings = read_settings(
            str(ROOT / settings_file),
            override={
                "PATH": str(content),
                "THEME": str(ROOT / "theme"),
                "PLUGIN_PATHS": [str(ROOT / "plugins")],
                "OUTPUT_PATH": str(output),
                "CACHE_PATH": str(tmp / f"cache-{settings_file}"),
                "COMMENTS_DB": str(comment_store(tmp / "comments.sqlite3")),
            },
        )
        if not incremental:
            Pelican(settings).run()
            return output
        # `invoke build`, `run` and `livereload`: the draft was online, then put back to draft.
        draft = content / "articles" / f"{SECRET[0]}.md"
        text = draft.read_text(encoding="utf-8")
        draft.write_text(text.replace("Status: draft", "Status: published"), encoding="utf-8")
        site_build(settings)
        assert (output / "articles" / SECRET[0] / "index.html").is_file()
        draft.write_text(text, encoding="utf-8")
        site_build(settings)
    return output


@pytest.fixture(
    scope="module",
    params=[("pelicanconf.py", False), ("publishconf.py", False), ("pelicanconf.py", True)],
    ids=["pelicanconf", "publishconf", "pelicanconf-incremental"],
)
def output(request, tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("unpublished")
    return build(tmp, corpus(tmp), *request.param)


def readable(path: Path) -> str:
    """What a reader could get from the file, as text: decoded when Pagefind compressed it,
    the file's name always (pictures, cards)."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data).removeprefix(PAGEFIND_SIGNATURE)
    return f"{path.name}\n{data.decode('utf-8', errors='ignore')}".lower()


def needles(slug: str) -> tuple[str, str]:
    word = ARTICLES[slug][0] if slug in ARTICLES else "zorglubpage"
    return (word[:9], slug)


def files_with(site: Path, needles: tuple[str, ...]) -> list[str]:
    return sorted(
        path.relative_to(site).as_posix()
        for path in site.rglob("*")
        if path.is_file() and any(needle in readable(path) for needle in needles)
    )


def test_the_search_reads_every_kind_of_file(output):
    """The needles of a published article are found where they should be: the search works."""
    found = files_with(output, ("territorialisation-se-concretise",))
    for where in ("sitemap.xml", "flux/tous.rss.xml", "index.html", "lettres/2/index.html"):
        assert where in found, where
    assert any(name.startswith("pagefind/fragment/") for name in found)
    assert any(name.startswith("pagefind/index/") for name in files_with(output, ("atlant",)))


@pytest.mark.parametrize("slug", SECRET)
def test_no_draft_or_scheduled_article_anywhere(output, slug):
    assert files_with(output, needles(slug)) == []


def test_a_hidden_article_is_at_its_address_only(output):
    found = files_with(output, needles(HIDDEN))
    assert f"articles/{HIDDEN}/index.html" in found
    assert [name for name in found if not name.startswith(HIDDEN_OWN)] == []


def test_robots_names_no_private_folder(output):
    robots = (output / "robots.txt").read_text(encoding="utf-8")
    disallowed = [line for line in robots.splitlines() if line.startswith("Disallow:")]
    assert disallowed == ["Disallow: /commentaires/"]
