"""What the editor knows during one request, typed: who asks, which file, the form as a draft,
what was refused and why, and what to show again.

One `EditorState` is built per request (editor.py: `Editor.state`), filled by the steps (open
the file, take the posted draft, add a block, save…) and read by one render. Its fields are the
editor page's whole context: a value the page should show again is a field here, so none can
be written under one name and read under another (the refused block's text was lost that way).
"""

import re
import secrets
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from starlette.responses import Response

from service.core import clock
from service.room.articles import KINDS, Document, parse
from service.room.autosaves import Autosave, new_path
from service.room.catalog import parse_date, status_label, status_of
from service.room.draft import Draft
from service.room.publishing.building import SiteRules
from service.room.store import Opened, Saved
from service.room.uploads import Posted
from service.team.sessions import Session
from site_core.paths import TEAM_PATH

# The script's mark of a sent form, echoed by the page answering it (redaction.js).
SENT_TOKEN = re.compile(r"[a-z0-9]{1,40}")


def editor_url(folder: str | None, name: str | None) -> str:
    """The editor of `folder`/`name`, or the new-article form when there is no name yet."""
    return f"{TEAM_PATH}{folder}/{name}/" if name else f"{TEAM_PATH}nouveau"


def online_url(site, folder: str, slug: str) -> str:
    """The article's or page's address on the public site when the built site (`site`:
    core's SiteFiles) has it; "" otherwise."""
    manifest = site.manifest
    if folder == "pages":
        url = manifest.pages.get(slug)
    else:
        entry = manifest.articles.get(slug)
        url = entry.url if entry is not None and entry.status != "draft" else None
    return "" if url is None else f"{site.public_url()}/{url}"


@dataclass(frozen=True)
class Question:
    """A confirmation page (no JavaScript needed): what will happen, in plain words, then a
    button re-posting the action with `confirme=1`, and a way back to the article."""

    title: str
    sentences: tuple[str, ...]  # formatted with the values `ask` is given
    verb: str  # the action's address under the article's: "abandonner", "retirer"…
    button: str
    back: str

    def ask(self, area, visit_or_state, url: str, fields: list, **values) -> Response:
        return area.page(
            "confirmer.html",
            visit_or_state.session,
            visit_or_state.account,
            title=self.title,
            section="articles",
            sentences=[sentence.format(**values) for sentence in self.sentences],
            action=f"{url}{self.verb}",
            fields=fields,
            button=self.button,
            back_url=url,
            back_label=self.back,
        )


@dataclass
class EditorState:
    session: Session
    account: sqlite3.Row
    rules: SiteRules  # asked once per request, off the event loop (BuildWorker.ready)
    folder: str  # "articles" or "pages"
    name: str | None = None  # None: a new file, named by its slug when first saved
    draft: Draft | None = None  # the form as data, from the file or from the post
    posted: Posted | None = None  # the post's fields and files
    document: Document | None = None  # the file as opened (or as saved)
    revision: int | None = None  # the revision the form was opened at (conflicts)
    status: str = "brouillon"  # the file's, i.e. what readers see (a key of STATUSES)
    status_text: str = ""  # « en ligne, modifications non publiées », « programmé le … »…
    unpublished: bool = False  # work in progress differing from the file
    online_text: str | None = None  # the file's text (None: no file)
    online_url: str = ""  # the article on the public site, when it is there
    slug_frozen: bool = False  # once online, the slug stays (links to it would break)
    errors: dict[str, str] = field(default_factory=dict)  # by form field
    general: list[str] = field(default_factory=list)  # messages tied to no field
    block_values: Mapping[str, str] = field(default_factory=dict)  # a refused block's fields
    image_values: Mapping[str, str] = field(default_factory=dict)  # a refused image's fields
    cursor: str = ""  # where the script puts the cursor back after an added block
    saved: Saved | None = None
    presence: str = ""  # « Élodie modifie cet article depuis 10 h 02 » (drafts.py)
    autosave: Autosave | None = None  # this account's unsaved typed work, offered back
    client_key: str = ""  # a new article's autosave key, kept in its form (or made here)

    def __post_init__(self):
        if self.name is None:
            key = self.posted.get("cle") if self.posted else ""
            self.client_key = key if new_path(key) else secrets.token_urlsafe(12)

    @property
    def url(self) -> str:
        return editor_url(self.folder, self.name)

    @property
    def date_auto(self) -> str:
        """What « Nouvel article » put in the date fields (kept through the new form's posts)."""
        if self.name:
            return ""
        filled = self.posted.get("date_auto") if self.posted else ""
        return filled or f"{self.draft.date} {self.draft.time}"

    @property
    def untouched_date(self) -> bool:
        """The new article's date as « Nouvel article » filled it: its publication dates it."""
        filled = self.posted.get("date_auto")
        return bool(filled) and filled == f"{self.draft.date} {self.draft.time}"

    @property
    def sent(self) -> str:
        """The token the page's script put on the form this page answers: the script then
        knows the text it kept was sent, so older than this page's (never offered back)."""
        sent = self.posted.get("envoi") if self.posted else ""
        return sent if SENT_TOKEN.fullmatch(sent or "") else ""

    def describe(self, opened: Opened, site) -> None:
        """`opened` as the state's file: its status (the file's), its work in progress, its
        address on the built site (`site`) when it is there, and whether its slug may still
        change (never once it has been online)."""
        now = clock.utc().astimezone(ZoneInfo(self.rules.timezone))
        self.document, self.online_text = opened.document, opened.online_text
        self.unpublished = opened.unpublished
        date = None
        if opened.online_text is None:
            self.status = "retire" if opened.record.withdrawn else "brouillon"
        else:
            shown = parse(opened.online_text)
            self.status = status_of(shown, KINDS[self.folder], self.rules.timezone, now)
            date = parse_date(shown.get("date"), self.rules.timezone)
        self.status_text = status_label(self.status, date, self.unpublished)
        slug = opened.document.get("slug") or self.name
        built = self.folder == "articles" and slug in site.manifest.articles
        self.slug_frozen = built or self.status != "brouillon"
        self.online_url = online_url(site, self.folder, slug)
