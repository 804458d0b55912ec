"""« Lettres précédentes »: a page for every lettre sent, and their index (/lettres/).

The comment store keeps each lettre with a snapshot of its articles (service/lettre/announce.py),
so the archive never changes when an article does. Both sides render it here, with the theme's
partials, so they cannot drift apart: the build (plugins/letters) writes every page from the
store on each build (so a publish that replaces the whole site keeps them), and the service
writes the new lettre's page and the index as soon as it makes one, inside the site's page
shell, so the page exists from the moment the e-mails go out.
"""

import json
import sqlite3
from datetime import datetime

import jinja2
from babel.numbers import format_decimal
from markupsafe import Markup

from site_core import dates
from site_core.typography import typeset_html

ARCHIVE_URL = "lettres/"
INDEX_TITLE = "Lettres précédentes"
LETTRE_NAME = "La lettre des partenaires"


def new_articles(count: int) -> str:
    """« 1 nouvel article », « 3 nouveaux articles »."""
    words = "nouveaux articles" if count > 1 else "nouvel article"
    return f"{format_decimal(count, locale='fr')} {words}"


def letter_subject(kind: str, articles: list[dict], created_at: str) -> str:
    """An article's lettre is named by its title; a digest, or a lettre of several articles
    published together, by its date and count (« … du 7 décembre 2026 : 3 nouveaux articles »).
    Made for the articles shown: a recipient's thèmes' in the e-mail, those still online here."""
    if kind != "digest" and len(articles) == 1:
        return articles[0]["title"]
    day = dates.format_date(datetime.fromisoformat(created_at))
    return f"{LETTRE_NAME} du {day} : {new_articles(len(articles))}"


def letter_url(number: int) -> str:
    return f"{ARCHIVE_URL}{number}/"


def save_as(url: str) -> str:
    return url + "index.html"


def fetch_letters(conn: sqlite3.Connection) -> list[dict]:
    """Every lettre, newest first; none from a store older than the lettre (no table)."""
    try:
        rows = conn.execute(
            "SELECT id, kind, subject, articles, created_at FROM letters ORDER BY id DESC"
        ).fetchall()
    except sqlite3.OperationalError:
        return []
    return [view(row) for row in rows]


def view(row) -> dict:
    """A lettre as the archive templates show it."""
    articles = [
        {**article, "date": datetime.fromisoformat(article["date"])}
        for article in json.loads(row["articles"])
    ]
    number = row["id"]
    return {
        "number": number,
        "kind": row["kind"],
        "subject": row["subject"],
        "created": datetime.fromisoformat(row["created_at"]),
        "articles": articles,
        "url": letter_url(number),
        "title": f"La lettre des partenaires n° {number}",
    }


def letter_html(env: jinja2.Environment, letter: dict, site_url: str) -> Markup:
    html = env.get_template("partials/lettre_archive.html").render(letter=letter, SITEURL=site_url)
    return Markup(typeset_html(html))


def index_html(env: jinja2.Environment, letters: list[dict], site_url: str) -> Markup:
    html = env.get_template("partials/lettres_index.html").render(
        letters=letters, SITEURL=site_url, title=INDEX_TITLE
    )
    return Markup(typeset_html(html))


def online_only(letters: list[dict], online: set[str]) -> list[dict]:
    """The lettres as readers may see them today: only the articles still listed on the site
    (`online`: their slugs), and only the lettres that keep one, named by what they keep."""
    kept = []
    for letter in letters:
        articles = [article for article in letter["articles"] if article["slug"] in online]
        if len(articles) == len(letter["articles"]):
            kept.append(letter)
        elif articles:
            created = letter["created"].isoformat()
            subject = letter_subject(letter["kind"], articles, created)
            kept.append({**letter, "articles": articles, "subject": subject})
    return kept
