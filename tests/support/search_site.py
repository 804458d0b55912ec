"""A small site in which one word is on every page: published, draft and hidden articles and
pages, approved and unapproved comments (the search tests, and the comments' boxes in the
browser)."""

from pathlib import Path

from service.core import db
from tests.support.site import build_site

SEARCH_WORD = "ludothèque"
PUBLISHED = [f"jeu-{n:02d}" for n in range(1, 13)]


def _article(folder: Path, slug: str, extra: str = "", word: str = SEARCH_WORD) -> None:
    number = int(slug[-2:]) if slug[-2:].isdigit() else 0
    category = "Solidarité" if number % 2 else "Petite enfance et jeunesse"
    author = "Annie Hamel" if number % 3 else "Marc Le Floc’h"
    (folder / f"{slug}.md").write_text(
        f"Title: La {word} numéro {slug}\nDate: 2023-03-{1 + number % 27:02d} 10:00\n"
        f"Category: {category}\nTags: jeux\nSlug: {slug}\nAuthors: {author}\n"
        f"Roles: directrice adjointe\nSummary: Le chapô de {slug}.\n{extra}\n"
        f"## Pourquoi une {word} ?\n\n**{author} :**{{: .speaker}} « Parce que les familles "
        f"le demandent. » La Ctg le prévoit.\n\n## Et ensuite ?\n\nLa suite.\n",
        encoding="utf-8",
    )


def _comments(path: Path) -> None:
    conn = db.connect(path)
    db.migrate(conn)
    rows = [
        ("jeu-01", "Mairie de Massy", "Notre bibliobus itinérant passe le mardi.", "approved"),
        ("jeu-01", "Anonyme", "Un motsecretenattente ici.", "pending"),
        ("jeu-02", "Anonyme", "Un motsecretrejete ici.", "rejected"),
        ("cache", "Indiscret", "Un motsurunarticlecache ici.", "approved"),
    ]
    for slug, name, body, status in rows:
        conn.execute(
            "INSERT INTO comments (article_slug, author_name, author_email, body, status,"
            " created_at) VALUES (?, ?, 'x@example.org', ?, ?, '2023-04-01T10:00:00+00:00')",
            (slug, name, body, status),
        )
    conn.close()


def build_search_site(base: Path) -> Path:
    """Twelve published articles, a draft, a hidden article, a published and a hidden page,
    approved and unapproved comments: all with the same word."""
    content = base / "content"
    articles, pages = content / "articles", content / "pages"
    articles.mkdir(parents=True)
    pages.mkdir()
    for slug in PUBLISHED:
        _article(articles, slug)
    _article(articles, "brouillon", "Status: draft")
    _article(articles, "cache", "Status: hidden")
    for slug, status in (("ressources", "published"), ("page-cachee", "hidden")):
        (pages / f"{slug}.md").write_text(
            f"Title: Page {slug}\nSlug: {slug}\nStatus: {status}\n\nUne {SEARCH_WORD} ici.\n",
            encoding="utf-8",
        )
    _comments(base / "comments.sqlite3")
    return build_site(
        base / "output", PATH=str(content), COMMENTS_DB=str(base / "comments.sqlite3")
    )
