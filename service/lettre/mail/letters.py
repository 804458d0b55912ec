"""What a lettre e-mail says: one article, or the week's digest filtered by the recipient's
thèmes; and the test send a team member makes to themselves (the latest lettre, or a sample
made from the newest article if none was sent yet)."""

import json
from dataclasses import dataclass
from datetime import datetime

from service.core import clock
from service.lettre import links as signed
from service.lettre import subscriptions
from site_core.letter_archive import LETTRE_NAME, letter_subject, new_articles


class Drop(Exception):
    """The row has nobody to go to any more (unsubscribed, erased, unpublished): why, French."""


@dataclass(frozen=True)
class Parts:
    """What emails.Composer assembles: headers shared by every recipient, the two bodies with
    link placeholders, this recipient's links, and the list it belongs to ("lettre",
    "discussions": List-* headers; "" for a one-off message)."""

    head: str
    text: str
    html: str
    links: dict
    listed: str


def for_themes(articles: list[dict], themes: str) -> list[dict]:
    """The articles of a lettre that a subscriber to `themes` (slugs; "" = all) gets."""
    wanted = set(themes.split())
    return [a for a in articles if not wanted or a["category_slug"] in wanted]


def letter_row(composer, conn, letter_id: int | None) -> dict:
    """A lettre with its articles; None: the sample of the test send."""
    if letter_id is None:
        return sample_letter(composer.site)
    row = composer.letter(conn, letter_id)
    if row is None:
        raise Drop("lettre introuvable")
    return {**dict(row), "articles": json.loads(row["articles"])}


def sample_letter(site) -> dict:
    """The newest published article as a lettre, for a test send before the first real one."""
    now = clock.utc()
    articles = [
        a for a in site.manifest.articles.values() if a.status == "published" and a.date <= now
    ]
    if not articles:
        raise Drop("aucun article publié pour l’essai")
    newest = max(articles, key=lambda a: a.date)
    return {
        "kind": "article",
        "subject": newest.title,
        "created_at": clock.iso(now),
        "articles": [snapshot(newest)],
    }


def snapshot(article) -> dict:
    """An article as a lettre shows it (kept with the lettre: the archive never changes)."""
    return {
        "slug": article.slug,
        "title": article.title,
        "url": article.url,
        "date": article.date.isoformat(),
        "category": article.category,
        "category_slug": article.category_slug,
        "summary": article.summary,
        "image": article.image,
    }


def _parts(composer, letter: dict, articles: list[dict], essai: bool = False):
    shown = [
        {
            **article,
            "url": composer.absolute(article["url"]),
            "image": composer.absolute(article["image"]) if article["image"] else "",
            "date": datetime.fromisoformat(article["date"]),
        }
        for article in articles
    ]
    count = len(articles)
    subject = letter_subject(letter["kind"], articles, letter["created_at"])
    if essai:
        subject = f"[Essai] {subject}"
    weekly = letter["kind"] == "digest"
    when = " cette semaine" if weekly else ""
    intro = f"{new_articles(count).capitalize()}{when} sur le site des partenaires."
    text, page = composer.render(
        "lettre",
        subject,
        LETTRE_NAME,
        articles=shown,
        heading=f"{LETTRE_NAME} de la semaine" if weekly else LETTRE_NAME,
        intro=intro,
        essai=essai,
        preheader=articles[0]["summary"] if count == 1 else intro,
    )
    return composer.head(LETTRE_NAME, subject), text, page


def lettre(composer, conn, row) -> Parts:
    subscription = subscriptions.get(conn, row["subscription_id"])
    if subscription is None or subscription["status"] != "active" or row["suspended_at"]:
        raise Drop("désabonné avant l’envoi")
    letter = letter_row(composer, conn, row["letter_id"])
    articles = for_themes(letter["articles"], subscription["themes"])
    if not articles:
        raise Drop("aucun article de ses thèmes")
    key = ("lettre", row["letter_id"], tuple(a["slug"] for a in articles))
    head, text, page = composer.variant(key, lambda: _parts(composer, letter, articles))
    return Parts(head, text, page, composer.person_links(row, row["subscription_id"]), "lettre")


def essai(composer, conn, row) -> Parts:
    letter = letter_row(composer, conn, row["letter_id"])
    head, text, page = _parts(composer, letter, letter["articles"], essai=True)
    sample = signed.Link(signed.SAMPLE_SUBSCRIBER, "essai")
    links = composer.links()
    own = {
        "unsubscribe_url": links.url(signed.UNSUBSCRIBE, sample),
        "manage_url": links.url(signed.MANAGE, sample),
    }
    return Parts(head, text, page, own, "lettre")
