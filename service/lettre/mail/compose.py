"""The subscription e-mails, from an `outbox` row to the bytes handed to the mail server.

Each message is multipart/alternative: a text part and an accessible HTML part (templates in
templates/courriels/, inline styles, the site's colours, French typography). Lettres and
discussion e-mails carry `List-Id`, `List-Unsubscribe` (the HTTPS link of the one-click
unsubscription) and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058), and a
« gérer » and a « désabonner » link in the text. They wait in the queue while the public
address cannot carry such links (list_address_problem).

A lettre is rendered once (per set of articles: digests are filtered by thème), with
placeholders where each recipient's signed links go; mime.py then assembles each recipient's
message in about 0.1 ms. The Message-ID, Date and links of a row never change, so a message
sent again after a crash is the same message (see outbox.py). What each kind says is in
letters.py (lettres, test sends) and notices.py (confirmations, discussions).
"""

import html
import logging
import sqlite3
from datetime import datetime
from email.utils import format_datetime, formataddr, parseaddr
from urllib.parse import urlsplit

import jinja2

from service.core.mailer import body_text, header_text
from service.core.settings import LOCAL_HOSTS, CoreSettings
from service.core.site import SERVICE_TEMPLATES, Site
from service.lettre import announce
from service.lettre import links as signed
from service.lettre.mail import letters, mime, notices
from service.lettre.mail.bounces import envelope_sender, message_tag
from service.lettre.settings import LettreSettings
from service.lettre.subscriptions import ReadComment
from site_core import dates
from site_core.typography import typeset_html, typeset_text

log = logging.getLogger(__name__)

# Lists (RFC 2919 List-Id): their name (ASCII, so the header is never folded) and id.
LISTS = {
    "lettre": (letters.LETTRE_NAME, "lettre"),
    "discussions": (notices.DISCUSSIONS_NAME, "discussions"),
}
# Where each recipient's links go in a rendered message.
PLACEHOLDERS = {
    "unsubscribe_url": "@@desabonnement@@",
    "manage_url": "@@gerer@@",
    "unsubscribe_all_url": "@@tout@@",
}
KINDS = {
    "lettre": letters.lettre,
    "essai": letters.essai,
    "confirmation": notices.confirmation,
    "deja-abonne": notices.already_subscribed,
    "reponse": notices.reply,
}
# How many rendered messages (per lettre and set of articles, per comment) are kept.
MAX_VARIANTS = 256
# The kinds of e-mail sent as list mail (List-Unsubscribe): see list_address_problem.
LIST_KINDS = ("lettre", "essai", "reponse")


def list_address_problem(url: str) -> str:
    """Why list mail cannot go out with links under the public address `url` (French, for the
    team's page), or "". Its `List-Unsubscribe` one-click link must be absolute https
    (RFC 8058): a relative or http one does nothing, and the person stays subscribed. Plain
    http is allowed only for this machine (127.0.0.1, localhost: development and tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return ""
    if parts.scheme == "http" and parts.hostname in LOCAL_HOSTS:
        return ""
    what = f"« {url} » n’est pas une adresse https" if url else "n’est pas connue"
    return (
        f"La lettre n’est pas envoyée : l’adresse publique du site {what}, et les liens de "
        "désabonnement des e-mails ne fonctionneraient pas. Donnez à SERVICE_SITE_URL "
        "l’adresse https du site (par exemple https://partenaires.caf-essonne.fr) et "
        "redémarrez le service : les e-mails en attente partiront alors."
    )


class Composer:
    """Renders the e-mails of one service; used by one sender thread at a time."""

    def __init__(
        self,
        settings: LettreSettings,
        shared: CoreSettings,
        site: Site,
        read_comment: ReadComment,
    ):
        self.settings = settings
        self.shared = shared  # the signing key, the sender's address
        self.site = site
        self.read_comment = read_comment  # the comment a discussion e-mail quotes
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(SERVICE_TEMPLATES / "courriels"),
            autoescape=jinja2.select_autoescape(("html",)),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(dates.FILTERS)
        self._variants: dict = {}
        self._warned = False

    @property
    def site_url(self) -> str:
        url = self.site.public_url()
        if not url and not self._warned:
            self._warned = True
            log.warning(
                "neither SERVICE_SITE_URL nor the build's SITEURL is set: links in e-mails "
                "are relative and will not work (set SERVICE_SITE_URL to the https address)"
            )
        return url

    def held_kinds(self) -> tuple[str, ...]:
        """The kinds of e-mail that wait while the public address cannot carry list mail."""
        return LIST_KINDS if list_address_problem(self.site.public_url()) else ()

    @property
    def host(self) -> str:
        return urlsplit(self.site_url).hostname or "localhost"

    def links(self) -> signed.Links:
        endpoint = self.site.manifest.comments_endpoint
        return signed.Links(self.shared.secret_key, self.site_url + endpoint)

    def absolute(self, url: str) -> str:
        return url if urlsplit(url).scheme else f"{self.site_url}/{url.lstrip('/')}"

    def render(self, name: str, subject: str, list_name: str, **context) -> tuple[str, str]:
        """(text, html) of template `name` (.txt and .html), links as placeholders."""
        context = {
            "subject": subject,
            "list_name": list_name,
            "site_url": self.site_url,
            "archive_url": f"{self.site_url}/lettres/",
            **PLACEHOLDERS,
            **context,
        }
        page = typeset_html(self.env.get_template(f"{name}.html").render(**context))
        text = typeset_text(body_text(self.env.get_template(f"{name}.txt").render(**context)))
        return text.strip() + "\n", page

    def head(self, list_name: str, subject: str) -> str:
        """The headers with text from outside, made safe: From (the list's name), Subject, and
        Reply-To, the team's mailbox (LETTRE_REPLY_TO), apart from where bounces go."""
        address = parseaddr(self.shared.mail_from)[1] or "ne-pas-repondre@localhost"
        reply_to = [("Reply-To", self.settings.reply_to)] if self.settings.reply_to else []
        return mime.constant_headers(
            [
                ("From", formataddr((f"{list_name} – Caf de l’Essonne", address))),
                *reply_to,
                ("Subject", header_text(typeset_text(subject))),
            ]
        )

    def variant(self, key, build):
        """`build()` once per `key`: what every recipient of a lettre or a reply shares."""
        if key not in self._variants:
            if len(self._variants) >= MAX_VARIANTS:
                self._variants.clear()
            self._variants[key] = build()
        return self._variants[key]

    @staticmethod
    def letter(conn: sqlite3.Connection, letter_id: int) -> sqlite3.Row | None:
        """A stored lettre (announce.py's table: letters.py cannot import it, announce.py
        imports letters.py)."""
        return announce.letter(conn, letter_id)

    def person_links(self, row: sqlite3.Row, subscription_id: int | None) -> dict:
        """The recipient's signed links: unsubscribe from this (or all), manage."""
        person = signed.Link(row["subscriber_id"] or 0, row["link_key"] or "")
        links = self.links()
        own = (subscription_id,) if subscription_id else ()
        return {
            "unsubscribe_url": links.url(
                signed.UNSUBSCRIBE, signed.Link(person.subscriber_id, person.key, own)
            ),
            "manage_url": links.url(signed.MANAGE, person),
            "unsubscribe_all_url": links.url(signed.UNSUBSCRIBE, person),
        }

    def message(self, conn: sqlite3.Connection, row: sqlite3.Row) -> tuple[str, str, bytes]:
        """(envelope sender, recipient, message bytes) for `row`; raises Drop if it has no one
        to go to any more."""
        parts = KINDS[row["kind"]](self, conn, row)
        recipient = row["recipient"] or row["email"]
        if not recipient:
            raise letters.Drop("adresse effacée")
        tag = message_tag(self.shared.secret_key, row["kind"], row["id"])  # bounces.py
        token = f"{row['kind']}.{row['id']}.{tag}"
        message_id = f"<{token}@{self.host}>"
        created = datetime.fromisoformat(row["created_at"])
        headers = [
            ("To", recipient),
            ("Date", format_datetime(created.astimezone(dates.PARIS))),
            ("Message-ID", message_id),
            ("Auto-Submitted", "auto-generated"),  # RFC 3834: no auto-reply to us
        ]
        if parts.listed:
            list_name, slug = LISTS[parts.listed]
            headers += [
                ("List-Id", f"{list_name} <{slug}.{self.host}>"),
                ("List-Unsubscribe", f"<{parts.links['unsubscribe_url']}>"),
                ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ]
        text, page = parts.text, parts.html
        for name, placeholder in PLACEHOLDERS.items():
            url = parts.links.get(name, "")
            text = text.replace(placeholder, url)
            page = page.replace(placeholder, html.escape(url))
        sender = envelope_sender(self.settings, self.shared.mail_from, token)
        return sender, recipient, mime.assemble(parts.head, headers, text, page, message_id)
