"""What the editor knows during one request, typed: who asks, which file, the form as a draft,
what was refused and why, and what to show again.

One `EditorState` is built per request (editor.py: `Editor.state`), filled by the steps (open
the file, take the posted draft, add a block, save…) and read by one render. Its fields are the
editor page's whole context: a value the page should show again is a field here, so none can
be written under one name and read under another (the refused block's text was lost that way).
"""

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from service.core import clock
from service.room.articles import KINDS, Document
from service.room.catalog import status_of
from service.room.draft import Draft
from service.room.publishing.building import SiteRules
from service.room.store import Saved
from service.room.uploads import Posted
from service.team.sessions import Session
from site_core.paths import TEAM_PATH


def editor_url(folder: str | None, name: str | None) -> str:
    """The editor of `folder`/`name`, or the new-article form when there is no name yet."""
    return f"{TEAM_PATH}{folder}/{name}/" if name else f"{TEAM_PATH}nouveau"


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
    status: str = "brouillon"
    slug_frozen: bool = False  # once online, the slug stays (links to it would break)
    errors: dict[str, str] = field(default_factory=dict)  # by form field
    general: list[str] = field(default_factory=list)  # messages tied to no field
    block_values: Mapping[str, str] = field(default_factory=dict)  # a refused block's fields
    image_values: Mapping[str, str] = field(default_factory=dict)  # a refused image's fields
    cursor: str = ""  # where the script puts the cursor back after an added block
    saved: Saved | None = None

    @property
    def url(self) -> str:
        return editor_url(self.folder, self.name)

    def describe(self, document: Document, online: Mapping[str, object]) -> None:
        """`document` as the opened file: its status, and whether its slug may still change
        (never once the article has been online, `online` being the published slugs)."""
        now = clock.utc().astimezone(ZoneInfo(self.rules.timezone))
        self.document = document
        self.status = status_of(document, KINDS[self.folder], self.rules.timezone, now)
        slug = document.get("slug") or self.name
        published = self.folder == "articles" and slug in online
        self.slug_frozen = published or self.status != "brouillon"
