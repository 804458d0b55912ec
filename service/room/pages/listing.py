"""The room's home, /redaction/: every article and page with its status, date, thème, speakers,
last change and by whom, and pending comments; filtered by status, thème and kind, searched by
title (accents and case ignored: « economie » finds « Économie »), fifty per page.

A plain GET form: the filters are in the address, so a filtered list can be bookmarked and
works without JavaScript.
"""

import sqlite3
import unicodedata
from collections.abc import Callable
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.routing import Route

from service.core import clock, db
from service.core.forms import parse_number
from service.room import revisions
from service.room.catalog import PLURALS, STATUSES, Catalog
from service.room.pages.state import editor_url, online_url
from service.room.publishing.building import BuildWorker
from service.room.store import ArticleStore
from service.team.accounts import MODERATION, REDACTION
from service.team.area import Area
from service.team.guard import Visit, requires

PAGE_SIZE = 50
KIND_FILTERS = {"articles": "Articles", "pages": "Pages"}


def folded(text: str) -> str:
    """`text` without case or accents, for searching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Pending comments per article slug: the comments domain's count, which app.py hands to the
# room (comments/store.pending_by_article), so the room reads no table of another domain.
PendingComments = Callable[[sqlite3.Connection], dict[str, int]]


class Listing:
    def __init__(
        self,
        area: Area,
        builder: BuildWorker,
        catalog: Catalog,
        store: ArticleStore,
        pending: PendingComments,
    ):
        self.area = area
        self.pending = pending
        self.builder = builder  # the thèmes and the time zone
        self.catalog = catalog
        self.content_dir = store.content_dir  # the date of a file changed outside the room

    async def home(self, visit: Visit) -> Response:
        rules = await self.builder.ready()
        query = visit.request.query_params
        status = query.get("statut", "") if query.get("statut") in STATUSES else ""
        theme = query.get("theme", "") if query.get("theme") in rules.categories else ""
        kind = query.get("type", "") if query.get("type") in KIND_FILTERS else ""
        search = " ".join(query.get("q", "").split())[:200]
        page = min(parse_number(query.get("page")) or 1, 10_000)
        entries = await run_in_threadpool(self.catalog.entries, rules.timezone)
        counts = {key: 0 for key in STATUSES}
        for entry in entries:
            counts[entry.status] += 1
        wanted = folded(search)
        chosen = [
            entry
            for entry in entries
            if (not status or entry.status == status)
            and (not theme or entry.category == theme)
            and (not kind or entry.folder == kind)
            and (not wanted or wanted in folded(entry.title))
        ]
        chosen.sort(key=lambda e: (e.kind != "article", -(e.date.timestamp() if e.date else 0)))

        def changes_and_pending(conn) -> tuple[dict, dict]:
            return revisions.last_changes(conn), self.pending(conn)

        changes, pending = await db.run(self.area.database, changes_and_pending, write=False)
        shown = chosen[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        filters = {"statut": status, "theme": theme, "type": kind, "q": search}
        base = urlencode({k: v for k, v in filters.items() if v})
        return self.area.page(
            "articles.html",
            visit.session,
            visit.account,
            title="Articles",
            section="articles",
            rows=[self._row(entry, changes, pending) for entry in shown],
            total=len(chosen),
            counts=counts,
            statuses=STATUSES,
            plurals=PLURALS,
            categories=rules.categories,
            kinds=KIND_FILTERS,
            filters=filters,
            page=page,
            pages=max(1, -(-len(chosen) // PAGE_SIZE)),
            query_base=base + "&" if base else "",
            can_moderate=MODERATION in visit.roles,
        )

    def _row(self, entry, changes, pending) -> dict:
        """The list's line of `entry`: its editor, last change, comments, and its address on
        the site when the built site has it."""
        change = changes.get(entry.relative)
        if change is None:  # a file the room never opened
            path = self.content_dir / entry.relative
            when = clock.iso(path.stat().st_mtime)
            change = {"author": revisions.OUTSIDE, "display_name": "", "created_at": when}
        return {
            "entry": entry,
            "online_url": online_url(self.area.site, entry.folder, entry.slug),
            "url": editor_url(entry.folder, entry.name),
            "changed_by": change["display_name"] or change["author"],
            "changed_at": change["created_at"],
            "pending": pending.get(entry.slug, 0) if entry.kind == "article" else 0,
        }

    def routes(self) -> list[Route]:
        return [Route("/", requires(REDACTION)(self.home), methods=["GET"])]
