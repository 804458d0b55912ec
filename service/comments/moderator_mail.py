"""The moderators' e-mail: a French digest of pending comments, in which text a reader typed
can never become a header or a MIME part.

What a reader typed goes through core/mailer.py's `header_text` or `body_text` (why: there).
Headers are then built by `email.headerregistry` under `policy.SMTP`, which encodes and folds them
itself; the body is a single text/plain part (no HTML: simplest and safest for moderators).
"""

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from babel.numbers import format_decimal

from service.core.mailer import body_text, header_text, one_line
from site_core import dates
from site_core.manifest import ArticleEntry
from site_core.paths import MODERATION_PATH
from site_core.typography import typeset_text

# A digest lists this many comments in full, then counts the others.
DIGEST_LIMIT = 20
EXCERPT_CHARS = 300


def compose(
    sender: str, recipients: Sequence[str], subject: str, body: str, now: datetime
) -> EmailMessage:
    """The e-mail to the moderators: our headers only, each once, and one text/plain part.

    `subject` and `body` must come from `header_text` and `body_text` (or be our own text).
    """
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Subject"] = header_text(subject)
    msg["Date"] = format_datetime(now.astimezone(dates.PARIS))
    # The sender's own domain (RFC 5322 asks for a unique one), and RFC 3834's mark of automatic
    # mail, so a vacation reply never answers it.
    msg["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or "localhost")
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body_text(body), subtype="plain", charset="utf-8")
    return msg


def _plural(n: int, word: str) -> str:
    return word + "s" if n > 1 else word


def _count(n: int, noun: str) -> str:
    """« 1 commentaire », « 34 925 commentaires » (French plural and thousands)."""
    return f"{format_decimal(n, locale='fr')} {_plural(n, noun)}"


def _received(created_at: str) -> str:
    try:
        return dates.format_datetime(datetime.fromisoformat(created_at))
    except ValueError:  # not written by the service: shown as stored
        return one_line(created_at)


def _entry(number: int, row: sqlite3.Row, title: str, moderation: str) -> str:
    """One comment of the digest; what the reader typed is never typeset, only made safe."""
    body = one_line(row["body"])
    if len(body) > EXCERPT_CHARS:
        body = body[:EXCERPT_CHARS].rstrip() + " […]"
    lines = [
        typeset_text(f"{number}. Article : « {title} »"),
        typeset_text("   Auteur :") + " " + header_text(row["author_name"]),
        f"   Reçu le {_received(row['created_at'])}",
    ]
    if row["parent_id"]:
        lines.append(f"   En réponse au commentaire n\u00b0\u00a0{row['parent_id']}")
    lines += [
        typeset_text("   Extrait :") + " " + body,
        typeset_text(f"   Modérer : {moderation}#c{row['id']}"),
    ]
    return "\n".join(lines)


def digest(
    sender: str,
    recipients: Sequence[str],
    site_url: str,
    articles: Mapping[str, ArticleEntry],
    rows: Sequence[sqlite3.Row],
    total: int,
    now: datetime,
) -> EmailMessage:
    """The e-mail listing `rows` (the oldest DIGEST_LIMIT of `total` pending comments)."""
    moderation = f"{site_url}{MODERATION_PATH}"

    def title(row: sqlite3.Row) -> str:
        article = articles.get(row["article_slug"])
        return header_text(article.title if article else row["article_slug"])

    first = rows[0]
    subject = typeset_text(f"{_count(total, 'commentaire')} à modérer : « {title(first)} »")
    subject += f" ({header_text(first['author_name'])})"
    if total > 1:
        subject += f" et {_count(total - 1, 'autre')}"
    waiting = "Un commentaire attend" if total == 1 else f"{_count(total, 'commentaire')} attendent"
    parts = [f"{waiting} votre modération."]
    parts += [_entry(n, row, title(row), moderation) for n, row in enumerate(rows, start=1)]
    if (others := total - len(rows)) > 0:
        parts.append(f"… et {_count(others, 'autre')} {_plural(others, 'commentaire')} en attente.")
    parts.append(typeset_text(f"Tous les commentaires en attente : {moderation}"))
    return compose(sender, recipients, subject, "\n\n".join(parts) + "\n", now)
