"""The writing room (« Espace rédaction », issue 10) under /redaction/: the team writes,
illustrates, previews and publishes articles in the browser, while the Markdown files in the
content folder stay the single source of truth.

`Room(config, parts, area)` assembles its parts; app.py mounts `routes()` and calls `start()`
and `stop()` with the service. The parts, each in its module:

| module | its one job |
|---|---|
| `articles.py` | a Markdown file as metadata lines and body, changed without rewriting the rest |
| `draft.py` | the editor's form as data: from a file, from a post, checked, back to a file |
| `blocks.py` | the Markdown of a question, an answer, a quote, a link, an image |
| `store.py`, `revisions.py`, `gitlog.py` | saving: the file, its revision, the log, a commit |
| `catalog.py` | every article and page with its status, for the list and the scheduler |
| `editor.py`, `relogin.py`, `conflicts.py` | the editor; text kept across logins, conflicts |
| `listing.py`, `history.py` | the list of articles; revisions, comparison, restore |
| `builder.py`, `building.py`, `swap.py` | Pelican in its own process; its caller; swaps |
| `preview.py`, `publishing.py` | previews; publication jobs and the scheduler |
| `media.py`, `uploads.py` | images: checked uploads, the library; reading multipart forms |
"""

import threading
from pathlib import Path
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from service.core import clock
from service.room.articles import KINDS
from service.room.building import BuildPlaces, BuildWorker, SiteRules
from service.room.catalog import Catalog, status_of
from service.room.conflicts import Conflicts
from service.room.gitlog import ContentGit
from service.room.media import Media
from service.room.pages.editor import Editor
from service.room.pages.history import History
from service.room.pages.listing import Listing
from service.room.pages.media import MediaPages
from service.room.pages.preview import Previews
from service.room.pages.publish import PublishPages
from service.room.pages.relogin import Relogin
from service.room.store import ArticleStore
from service.team.accounts_pages import TeamPages
from service.team.area import Area

STATIC = Path(__file__).parent / "static"


class Room:
    def __init__(self, config, parts, area: Area):
        self.config = config
        self.parts = parts
        self.area = area
        content = Path(config.content_dir).resolve()
        self.room_dir = Path(config.room_dir or Path(config.database).parent / "redaction")
        self.public_dir = Path(config.publish_dir or config.site_dir)
        self.places = BuildPlaces(
            Path(config.build_settings).resolve(), content, Path(config.database), self.room_dir
        )
        self.worker = BuildWorker(self.places)
        self.store = ArticleStore(config.database, content, ContentGit(content, config.content_git))
        self.catalog = Catalog(content)
        self.media = Media(content)
        self.relogin = Relogin(area)
        self.conflicts = Conflicts(area)
        self.editor = Editor(self)
        self.history = History(self)
        self.previews = Previews(self)
        self.publishing = PublishPages(self)
        self.media_pages = MediaPages(self)
        self.editor.extra_actions["publier"] = self.publishing.editor_action
        self.editor.extra_actions["image"] = self.media_pages.editor_action
        self.editor.before_actions.append(self.media_pages.portraits)
        self.listing = Listing(self)
        self.team = TeamPages(area)
        self._rules: SiteRules | None = None
        self._rules_lock = threading.Lock()

    # --- shared helpers ----------------------------------------------------------------

    def run(self, function, *args, **kwargs):
        return run_in_threadpool(function, *args, **kwargs)

    def rules(self) -> SiteRules:
        """The build's rules (thèmes, slugs, time zone), asked from the builder when a settings
        file changed; call `await ready()` first so the asking happens off the event loop."""
        with self._rules_lock:
            self._rules = self.worker.rules()
            return self._rules

    async def ready(self) -> SiteRules:
        return await self.run(self.rules)

    def taken_slugs(self, folder: str, name: str | None) -> dict[str, str]:
        """Slugs of the other files of `folder` (articles or pages), with their titles."""
        return {
            document.get("slug") or other: document.get("title") or other
            for kind, other, document in self.catalog.documents()
            if kind == folder and other != name
        }

    def describe_status(self, ctx: dict) -> None:
        """The status of the opened file, and whether its slug may still change (never once
        the article has been online: links to it would break)."""
        rules = self.rules()
        document, folder = ctx["document"], ctx["folder"]
        now = clock.utc().astimezone(ZoneInfo(rules.timezone))
        ctx["status"] = status_of(document, KINDS[folder], rules.timezone, now)
        slug = document.get("slug") or ctx["name"]
        online = folder == "articles" and slug in self.parts.site.manifest.articles
        ctx["slug_frozen"] = online or ctx["status"] != "brouillon"

    # --- life cycle ----------------------------------------------------------------------

    def start(self) -> None:
        self.publishing.publisher.start()

    def stop(self) -> None:
        self.publishing.publisher.stop()
        self.worker.stop()

    def routes(self) -> list[Route | Mount]:
        return [
            *self.listing.routes(),
            *self.team.routes(),
            *self.previews.routes(),  # before the editor's /{folder}/{name}/
            *self.publishing.routes(),
            *self.media_pages.routes(),
            *self.editor.routes(),
            *self.history.routes(),
            *self.publishing.file_routes(),
            Mount("/static", StaticFiles(directory=STATIC), name="room-static"),
        ]
