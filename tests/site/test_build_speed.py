"""Parallel and incremental builds (site_core.build) write exactly what a sequential clean build
writes, file for file, on a small synthetic corpus (benchmarks/corpus.py)."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from livereload.handlers import LiveReloadHandler
from pelican.settings import read_settings

import site_core.build as fast
from benchmarks.corpus import CATEGORIES, write_corpus
from benchmarks.site_tree import differences, indexed, tree
from service.core import db
from site_core.build import contents, preview, writing
from tests.support.images import jpeg_bytes, photo
from tests.support.site import ROOT, build_site

ARTICLES = 30


def assert_same_tree(actual: Path, expected: Path) -> None:
    assert differences(actual, expected) == []


PHOTO = '![Deux assistantes maternelles lisent une histoire](/images/accueil.jpg "Le relais © Caf")'


@pytest.fixture
def corpus(tmp_path) -> Path:
    """The synthetic corpus, with a photo in the first article (its share card is cut from it)
    and a portrait for the speaker of the second."""
    folder = write_corpus(tmp_path / "corpus", ARTICLES)
    (folder / "images").mkdir(exist_ok=True)
    (folder / "images" / "accueil.jpg").write_bytes(jpeg_bytes(photo(800, 450)))
    (folder / "images" / "portrait.jpg").write_bytes(jpeg_bytes(photo(320, 320, "orange")))
    first, second = sorted((folder / "articles").glob("*.md"))[:2]
    _edit(first, r"^\*\*", PHOTO + "\n\n**")
    _edit(second, r"^Summary: ", "Portraits: /images/portrait.jpg 50% 40%\nSummary: ")
    return folder


def settings(corpus: Path, work: Path, **override) -> dict:
    return read_settings(
        str(ROOT / "pelicanconf.py"),
        override={
            "PATH": str(corpus),
            "THEME": str(ROOT / "theme"),
            "PLUGIN_PATHS": [str(ROOT / "plugins")],
            "OUTPUT_PATH": str(work / "output"),
            "CACHE_PATH": str(work / "cache"),
            "COMMENTS_DB": str(work / "no-comments.sqlite3"),
            "ALLOWED_CATEGORIES": CATEGORIES,
            "IMAGES_CACHE_PATH": str(work.parent / "images-cache"),
            **override,
        },
    )


def clean_build(corpus: Path, work: Path) -> Path:
    shutil.rmtree(work, ignore_errors=True)
    return build_site(
        work / "output",
        PATH=str(corpus),
        ALLOWED_CATEGORIES=CATEGORIES,
        IMAGES_CACHE_PATH=str(work.parent / "images-cache"),
        BUILD_WORKERS=1,
    )


def test_parallel_build_writes_the_same_files_as_a_sequential_one(corpus, tmp_path, monkeypatch):
    # Small corpus, so let the workers take it all: reading and rendering both go parallel.
    monkeypatch.setattr(contents, "MIN_PARALLEL_READS", 1)
    monkeypatch.setattr(writing, "MIN_PARALLEL_PAGES", 1)
    sequential = clean_build(corpus, tmp_path / "sequential")
    parallel = build_site(
        tmp_path / "parallel" / "output",
        PATH=str(corpus),
        ALLOWED_CATEGORIES=CATEGORIES,
        BUILD_WORKERS=2,
    )
    assert len(tree(parallel)) > 100
    assert_same_tree(parallel, sequential)
    # Pictures made by the workers are in the pages and on disk; every page is searchable.
    first = sorted(corpus.glob("articles/*.md"))[0].stem
    page = (parallel / "articles" / first / "index.html").read_text(encoding="utf-8")
    assert "<picture" in page and 'og:image" content="/images/accueil-partage-1200.' in page
    assert len(list(parallel.glob("images/accueil-*.avif"))) >= 2
    assert len(list(parallel.glob("images/portrait-portrait-*.webp"))) >= 2
    # Drawn cards: every article but the illustrated one, the six pages, the site's.
    assert len(list(parallel.glob("images/partage/*.png"))) == (ARTICLES - 1) + 6 + 1
    articles = {f"/articles/{p.stem}/" for p in corpus.glob("articles/*.md")}
    assert articles < indexed(parallel).keys() and len(indexed(parallel)) > ARTICLES
    sitemap = (parallel / "sitemap.xml").read_text(encoding="utf-8")
    assert all(f"<loc>{url}</loc>" in sitemap for url in articles)
    # content_written reached the build process: the manifest knows where each count is shown
    manifest = json.loads((parallel / "_articles-commentaires.json").read_text(encoding="utf-8"))
    pages = [name for entry in manifest["articles"].values() for name in entry["count_pages"]]
    assert "index.html" in pages and len(pages) > ARTICLES * 3


def _edit(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, replacement, text, count=1, flags=re.M)
    assert changed != text
    path.write_text(changed, encoding="utf-8")


def _copy(source: Path, target: Path) -> None:
    """A new article made from `source`, under another slug."""
    shutil.copy(source, target)
    _edit(target, r"^Slug: ", "Slug: nouveau-")


def test_incremental_rebuilds_match_clean_builds(corpus, tmp_path):
    work = tmp_path / "incremental"
    articles = sorted((corpus / "articles").glob("*.md"))
    first = fast.build(settings(corpus, work))
    assert first.read == ARTICLES and first.rendered == first.pages

    untouched = work / "output" / "articles" / articles[20].stem / "index.html"
    PORTRAIT = "Portraits: /images/portrait.jpg"
    stamp = untouched.stat().st_mtime_ns
    steps = [
        ("body", lambda: _edit(articles[3], r"^\*\*", "Une phrase ajoutée.\n\n**")),
        ("title", lambda: _edit(articles[5], r"^Title: ", "Title: Nouveau : ")),
        ("added", lambda: _copy(articles[7], corpus / "articles" / "nouvel-article.md")),
        ("slug", lambda: _edit(articles[9], r"^Slug: ", "Slug: renomme-")),
        ("deleted", lambda: articles[11].unlink()),
        ("thème", lambda: _edit(articles[13], r"^Category: .*", "Category: Numérique")),
        ("tags", lambda: _edit(articles[15], r"^Tags: .*", "Tags: Un tout nouveau mot-clé")),
        ("photo", lambda: _edit(articles[0], r"^!\[.*\n", "")),
        ("portrait", lambda: _edit(articles[17], r"^Summary: ", f"{PORTRAIT}\nSummary: ")),
    ]  # fmt: skip
    gone = {"slug": articles[9].stem, "deleted": articles[11].stem}
    for number, (step, change) in enumerate(steps):
        change()
        if number % 2:  # every other step, as another process would: state from the disk
            fast._sessions.clear()
        report = fast.build(settings(corpus, work))
        assert report.read == (step != "deleted"), step
        assert report.rendered < report.pages / 2, step
        if step in gone:
            assert f"articles/{gone[step]}/index.html" in report.deleted
        if step == "photo":  # its files, and the share card cut from it, are gone
            assert any(name.startswith("images/accueil-") for name in report.deleted)
        assert_same_tree(work / "output", clean_build(corpus, tmp_path / "clean"))
    assert untouched.stat().st_mtime_ns == stamp  # neither re-read nor re-written


def test_incremental_rebuild_follows_template_and_settings_changes(corpus, tmp_path):
    work = tmp_path / "incremental"
    fast.build(settings(corpus, work))
    theme = shutil.copytree(ROOT / "theme", tmp_path / "theme")
    override = {"THEME": str(theme)}
    fast.build(settings(corpus, work, **override))
    template = theme / "templates" / "article.html"
    template.write_text(template.read_text().replace("Sommaire", "Au sommaire"))
    report = fast.build(settings(corpus, work, **override))
    assert report.read == 0  # a template change re-renders pages, without reading articles
    page = work / "output" / "articles" / sorted(corpus.glob("articles/*.md"))[0].stem
    assert "Au sommaire" in (page / "index.html").read_text()
    report = fast.build(settings(corpus, work, SITENAME="Autre nom", **override))
    assert report.read == ARTICLES and report.rendered == report.pages


def test_empty_comments_feed_is_dated_by_the_newest_article(corpus, tmp_path):
    output = clean_build(corpus, tmp_path / "site")
    newest = max(
        re.search(r"^Date: (.*)$", p.read_text(encoding="utf-8"), re.M).group(1)
        for p in corpus.glob("articles/*.md")
    )
    atom = (output / "flux" / "commentaires.atom.xml").read_text(encoding="utf-8")
    assert f"<updated>{newest.replace(' ', 'T')}:00+" in atom


def test_a_build_that_keeps_no_state_makes_the_next_one_full(corpus, tmp_path):
    """`invoke publish` or `pelican` into the same folder rewrite pages the state describes."""
    work = tmp_path / "incremental"
    fast.build(settings(corpus, work))
    build_site(
        work / "output",
        PATH=str(corpus),
        ALLOWED_CATEGORIES=CATEGORIES,
        CACHE_PATH=str(work / "cache"),
        SITEURL="https://partenaires.example",
    )
    report = fast.build(settings(corpus, work))
    assert report.rendered == report.pages
    assert_same_tree(work / "output", clean_build(corpus, tmp_path / "clean"))


def test_content_errors_found_by_workers_are_reported_once(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(contents, "MIN_PARALLEL_READS", 1)
    broken = sorted(corpus.glob("articles/*.md"))[4]
    _edit(broken, r"^Category: .*", "Category: Thème inconnu")
    with pytest.raises(Exception, match="1 erreur") as failure:
        fast.build(settings(corpus, tmp_path / "work", BUILD_WORKERS=2))
    assert str(failure.value).count(broken.name) == 1
    assert "Thème inconnu" in str(failure.value)


def test_picture_problems_found_by_workers_stop_every_build_until_fixed(
    corpus, tmp_path, monkeypatch
):
    """plugins/images records problems without raising: a worker's would be lost, and an
    article cached with its problem would pass the next build."""
    monkeypatch.setattr(contents, "MIN_PARALLEL_READS", 1)
    broken = sorted(corpus.glob("articles/*.md"))[0]
    _edit(broken, r"^!\[[^]]*\]", "![]")
    for _ in range(2):  # the same process, as the live preview: the error stays
        with pytest.raises(Exception, match="1 erreur") as failure:
            fast.build(settings(corpus, tmp_path / "work", BUILD_WORKERS=2))
        assert str(failure.value).count(broken.name) == 1
        assert "texte alternatif manquant" in str(failure.value)
    _edit(broken, r"^!\[\]", "![Une photo de l’accueil]")
    report = fast.build(settings(corpus, tmp_path / "work", BUILD_WORKERS=2))
    assert report.read == 1


def test_an_approved_comment_reaches_its_page_and_the_lists(corpus, tmp_path):
    work = tmp_path / "incremental"
    database = tmp_path / "comments.sqlite3"
    db.init(database).close()
    fast.build(settings(corpus, work, COMMENTS_DB=str(database)))
    slug = sorted(corpus.glob("articles/*.md"))[-1].stem  # the newest: on the home page
    conn = db.connect(database)
    with db.begin(conn):
        conn.execute(
            "INSERT INTO comments (article_slug, author_name, author_email, body, status,"
            " created_at) VALUES (?, 'Claire Martin', 'c@mairie.example', 'Merci !', 'approved',"
            " '2026-01-02T10:00:00+00:00')",
            (slug,),
        )
    conn.close()
    report = fast.build(settings(corpus, work, COMMENTS_DB=str(database)))
    assert f"articles/{slug}/index.html" in report.written
    assert "index.html" in report.written and report.rendered < report.pages / 2
    assert "Merci" in (work / "output" / "articles" / slug / "index.html").read_text()
    clean = tmp_path / "clean"
    fast.build(settings(corpus, clean, COMMENTS_DB=str(database)), incremental=False)
    assert_same_tree(work / "output", clean / "output")


def test_live_preview_reports_errors_in_french_then_rebuilds(corpus, tmp_path, monkeypatch):
    reloads, reports, searchable = [], [], []
    work = tmp_path / "preview"
    article = sorted(corpus.glob("articles/*.md"))[2]
    url = f"/articles/{article.stem}/"

    def reload(name):  # what the search index held when the browsers reloaded
        reloads.append(name)
        searchable.append(" ".join(indexed(work / "output")[url].split()))

    monkeypatch.setattr(LiveReloadHandler, "reload_waiters", reload)
    fast.build(settings(corpus, work))
    rebuilder = preview._Rebuilder(
        lambda: settings(corpus, work), [corpus], lambda *args: reports.append(args)
    )
    _edit(article, r"^Date: .*", "Date: demain")
    rebuilder.rebuild([str(article)])
    error, report = reports[-1][:2]
    assert report is None and reloads == []
    assert f"{article.name} : champ « Date » : « demain » n’est pas une date valide" in str(error)
    _edit(article, r"^Date: .*", "Date: 2024-05-06 10:00")
    rebuilder.rebuild([str(article)])
    error, report = reports[-1][:2]
    assert error is None and report.read == 1 and reloads == [str(article)]
    page = work / "output" / "articles" / article.stem / "index.html"
    assert "6\N{NO-BREAK SPACE}mai\N{NO-BREAK SPACE}2024" in page.read_text(encoding="utf-8")
    # The search index (3 s at 1,000 articles) is written once the browsers reloaded.
    assert "6 mai 2024" not in searchable[0]
    assert rebuilder.deferred.idle()
    assert "6 mai 2024" in " ".join(indexed(work / "output")[url].split())


def test_live_preview_serves_and_rebuilds_on_save(tmp_path):
    """The real server and file watcher, driven by the benchmark's measure (a few edits)."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.preview_latency", "--size", "30", "--edits", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "save -> rebuilt page on disk, median" in done.stdout


def test_feeds_are_kept_while_their_articles_stay_and_follow_them(corpus, tmp_path):
    """A feed is written again only when one of its articles (or its list) changed."""
    work = tmp_path / "incremental"
    fast.build(settings(corpus, work))
    feed = work / "output" / "flux" / "tous.atom.xml"
    stamp = feed.stat().st_mtime_ns
    fast.build(settings(corpus, work))
    assert feed.stat().st_mtime_ns == stamp  # kept, not written again
    newest = max(corpus.glob("articles/*.md"), key=lambda path: re.search(
        r"^Date: (.*)$", path.read_text(encoding="utf-8"), re.M).group(1))  # fmt: skip
    _edit(newest, r"^Summary: ", "Summary: Un chapô tout neuf. ")
    fast.build(settings(corpus, work))
    assert "Un chapô tout neuf." in feed.read_text(encoding="utf-8")
    assert_same_tree(work / "output", clean_build(corpus, tmp_path / "clean"))
