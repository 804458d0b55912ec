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
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from service.core import Core, Domain
from service.core.events import SITE_PATCHED, SITE_SWAPPED
from service.core.settings import Environment, SettingsError, flag
from service.core.site_copy import SiteCopy
from service.room.catalog import Catalog
from service.room.conflicts import Conflicts
from service.room.gitlog import ContentGit
from service.room.media import Media
from service.room.pages.changes import Changes
from service.room.pages.drafts import Drafts
from service.room.pages.editor import Editor
from service.room.pages.history import History
from service.room.pages.listing import Listing, PendingComments
from service.room.pages.live import LivePreview
from service.room.pages.media import MediaPages
from service.room.pages.picker import Picker
from service.room.pages.preview import Previews
from service.room.pages.publish import PublishPages
from service.room.publishing import jobs
from service.room.publishing.building import BuildPlaces, BuildWorker
from service.room.publishing.pipeline import Pipeline
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
    """Assembles the room's parts and hands each page only those it uses; lists the routes."""

    def __init__(self, settings: RoomSettings, core: Core, area: Area, pending: PendingComments):
        content = Path(settings.content_dir).resolve()
        database = Path(core.database)
        room_dir = Path(settings.work_dir or database.parent / "redaction")
        places = BuildPlaces(Path(settings.build_settings).resolve(), content, database, room_dir)
        self.worker = builder = BuildWorker(places)
        git = ContentGit(content, settings.content_git)
        store = ArticleStore(core.database, content, git)
        catalog, media = Catalog(content, database), Media(content, room_dir / "vignettes")
        conflicts = Conflicts(area, store)
        pipeline = Pipeline(places, public_dir(settings, core), settings.publish_timeout)
        # A failed job's file goes back to what is online (store.put_back): never the work.
        self.publisher = publisher = jobs.Publisher(core, settings, pipeline, store.put_back)
        limit, secret = settings.upload_max_bytes, core.settings.secret_key
        # Each page is handed the parts it uses (in the order of its constructor's arguments).
        self.drafts = drafts = Drafts(database, store)
        self.editor = editor = Editor(
            area, store, catalog, media, builder, conflicts, limit, drafts
        )
        self.listing = Listing(area, builder, catalog, store, pending)
        self.history = History(area, store, conflicts)
        self.changes = Changes(area, store, conflicts)
        self.previews = Previews(area, editor, builder, catalog, store, secret, room_dir)
        self.live = LivePreview(self.previews, store)
        self.publishing = PublishPages(area, editor, builder, store, conflicts, publisher)
        self.media_pages = MediaPages(area, editor, builder, catalog, media, git, limit)
        self.picker = Picker(self.media_pages)  # the editor's picker: the library as JSON
        # The editor's buttons answered by the other pages, and the portraits and the image
        # sent with any button (registries: those pages render through the editor; editor.py
        # says why).
        editor.extra_actions["apercu"] = self.previews.editor_action
        editor.extra_actions["publier"] = self.publishing.editor_action
        editor.extra_actions["image"] = self.media_pages.editor_action
        editor.before_actions.append(self.media_pages.portraits)
        editor.before_actions.append(self.media_pages.kept_image)

    # --- life cycle ----------------------------------------------------------------------

    def start(self) -> None:
        self.publisher.start()

    def stop(self) -> None:
        self.publisher.stop()
        self.worker.stop()

    def routes(self) -> list[Route | Mount]:
        return [
            *self.listing.routes(),
            *self.previews.routes(),  # before the editor's /{folder}/{name}/
            *self.drafts.routes(),  # before the publishing's /{folder}/{name}/{verb}
            *self.live.routes(),
            *self.publishing.routes(),
            *self.media_pages.routes(),
            *self.picker.routes(),
            *self.editor.routes(),
            *self.history.routes(),
            *self.changes.routes(),  # before the publishing's /{folder}/{name}/{verb}
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


def setup(settings: RoomSettings, core: Core, area: Area, pending: PendingComments) -> RoomDomain:
    """`pending`: the comments waiting for moderation per article, the comments domain's
    count, for the list of articles (app.py hands it: the room imports no other domain)."""
    room = Room(settings, core, area, pending)
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
