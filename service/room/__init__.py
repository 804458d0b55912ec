"""The writing room (« Espace rédaction », issue 10) under /redaction/: the team writes,
illustrates, previews and publishes articles in the browser, while the Markdown files in the
content folder stay the single source of truth.

`setup(settings, core, area)` assembles it for app.py: `Room` (its pages and its publisher),
and the copy of the public site to another web server (core/site_copy.py), connected to the
bus when REDACTION_PUBLISH_COPY is set: after a publication (`site-swapped`) and after
moderation patched pages (`site-patched`). Its settings (REDACTION_*) are `RoomSettings`. Its
modules, one job each: README.md.
"""

import shlex
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from service.core import Core, Domain, clock
from service.core.events import SITE_PATCHED, SITE_SWAPPED
from service.core.settings import Environment, SettingsError, flag
from service.core.site_copy import SiteCopy
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
from service.room.store import ArticleStore
from service.team.area import Area
from site_core.paths import TEAM_PATH

STATIC = Path(__file__).parent / "static"
PREFIX = "REDACTION_"


@dataclass(frozen=True)
class RoomSettings:
    # The Markdown files it edits, the settings file its previews and publications build with
    # (the production settings), its working folder (previews, build cache and log; None:
    # "redaction" beside the database), the public folder a publication replaces (None:
    # SERVICE_SITE_DIR, the folder served and patched), whether saves are committed when the
    # content folder is a git work tree ("auto", "1", "0"), the largest image upload, and how
    # often scheduled articles are looked for.
    content_dir: Path = Path("content")
    build_settings: Path = Path("publishconf.py")
    work_dir: Path | None = None
    publish_dir: Path | None = None
    content_git: str = "auto"
    # A command that copies the public folder to the web server when that is another machine
    # ({site}: the folder; e.g. rsync …), run after publications and moderation (site_copy.py).
    publish_copy: str = ""
    # The copy holds the site lock (approvals wait): it is stopped after this many seconds.
    publish_copy_timeout: float = 600
    upload_max_bytes: int = 20 * 1024 * 1024
    schedule_poll_seconds: float = 30
    publish_timeout: float = 1800

    LOWEST = {"publish_timeout": 1, "publish_copy_timeout": 1, "schedule_poll_seconds": 0.05}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "RoomSettings":
        env = Environment(PREFIX, environ)
        git = env.get("CONTENT_GIT", "auto").lower()
        if git != "auto":
            git = "1" if flag(env.name("CONTENT_GIT"), git, False) else "0"
        copy = env.get("PUBLISH_COPY")
        try:
            shlex.split(copy)
        except ValueError as error:
            raise SettingsError(
                f"Réglage {env.name('PUBLISH_COPY')} : commande illisible ({error}) : vérifiez "
                "les guillemets."
            ) from None
        settings = cls(
            content_dir=env.path("CONTENT_DIR", "content"),
            build_settings=env.path("BUILD_SETTINGS", "publishconf.py"),
            work_dir=env.path("WORK_DIR"),
            publish_dir=env.path("PUBLISH_DIR"),
            content_git=git,
            publish_copy=copy,
        )
        return env.numbers(settings)


class Room:
    def __init__(self, settings: RoomSettings, core: Core, area: Area):
        self.settings = settings
        self.core = core  # the site (its manifest), the database, the bus, the signing key
        self.area = area
        content = Path(settings.content_dir).resolve()
        database = Path(core.database)
        self.room_dir = Path(settings.work_dir or database.parent / "redaction")
        self.public_dir = public_dir(settings, core)
        self.places = BuildPlaces(
            Path(settings.build_settings).resolve(), content, database, self.room_dir
        )
        self.worker = BuildWorker(self.places)
        git = ContentGit(content, settings.content_git)
        self.store = ArticleStore(core.database, content, git)
        self.catalog = Catalog(content)
        self.media = Media(content)
        self.conflicts = Conflicts(area)
        self.editor = Editor(self)
        self.history = History(self)
        self.previews = Previews(self)
        self.publishing = PublishPages(self)
        self.media_pages = MediaPages(self)
        # The editor's registries stay inside the room (one domain; editor.py says so).
        self.editor.extra_actions["publier"] = self.publishing.editor_action
        self.editor.extra_actions["image"] = self.media_pages.editor_action
        self.editor.before_actions.append(self.media_pages.portraits)
        self.listing = Listing(self)
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
        online = folder == "articles" and slug in self.core.site.manifest.articles
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
            *self.previews.routes(),  # before the editor's /{folder}/{name}/
            *self.publishing.routes(),
            *self.media_pages.routes(),
            *self.editor.routes(),
            *self.history.routes(),
            *self.publishing.file_routes(),
            Mount("/static", StaticFiles(directory=STATIC), name="room-static"),
        ]


def public_dir(settings: RoomSettings, core: Core) -> Path:
    """The folder a publication replaces and the copy sends: REDACTION_PUBLISH_DIR, else the
    one the service serves and patches."""
    return Path(settings.publish_dir or core.settings.site_dir)


@dataclass(kw_only=True)
class RoomDomain(Domain):
    room: Room
    copy: SiteCopy


def setup(settings: RoomSettings, core: Core, area: Area) -> RoomDomain:
    room = Room(settings, core, area)
    copy = SiteCopy(
        core.database,
        public_dir(settings, core),
        settings.publish_copy,
        settings.publish_copy_timeout,
    )
    if settings.publish_copy:
        core.bus.connect(SITE_PATCHED, copy.schedule)
        core.bus.connect(SITE_SWAPPED, copy.after_swap)
    return RoomDomain(routes={TEAM_PATH: room.routes()}, workers=[copy, room], room=room, copy=copy)
