"""Two people editing the same article: the second save is merged with the first, field by
field (merge.py); only what both changed differently is shown, side by side, to choose.

A save based on an older revision (someone saved since the form was opened): `settle` merges
base (the revision the form was opened at), theirs (the latest) and mine (the post). Nothing
clashing, it saves at once and the page says what of theirs came in (« Fusionné avec les
modifications de … »). Otherwise the conflict page names who saved meanwhile and when, shows
each clashing field with its French name, theirs beside mine with the words that differ, and
per field « Garder ma version » / « Prendre la leur »: the form re-posts the typed form, still
based on the old revision, with the choices, so the next save merges again and applies them.
Both versions stay: theirs in the history, the typed text on the page to copy from.
"""

import difflib
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.core.errors import ActionError
from service.room import draft
from service.room.articles import KINDS, parse
from service.room.merge import FIELDS, Merged, merge, words
from service.room.pages.state import EditorState
from service.team.relogin import kept_fields


def differences(old: str, new: str) -> list[tuple[str, str]]:
    """Line by line: ("=", line), ("-", removed line) or ("+", added line); long unchanged
    runs are cut to the three lines around each change."""
    rows = []
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for group in matcher.get_grouped_opcodes(3):
        if rows:
            rows.append(("…", ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows.extend(("=", line) for line in old_lines[i1:i2])
                continue
            rows.extend(("-", line) for line in old_lines[i1:i2])
            rows.extend(("+", line) for line in new_lines[j1:j2])
    return rows


class Conflicts:
    def __init__(self, area, store):
        self.area = area
        self.store = store  # the revision a form was opened at: the merge's base

    async def settle(self, state: EditorState, current, save, then) -> Response:
        """The post's save refused by `current` (the latest revision): merged and saved by
        `save(state, then)` when nothing clashes; else the page of choices."""
        kind = KINDS[state.folder]
        try:
            base_text = await run_in_threadpool(
                self.store.revision_text, state.folder, state.name, state.revision
            )
        except ActionError:
            base_text = current["text"]  # no base known: every difference is a choice
        base = draft.from_document(parse(base_text), kind)
        theirs = draft.from_document(parse(current["text"]), kind)
        merged = merge(base, theirs, state.draft, state.posted)
        if merged.clashes:
            return self.page(state, current, merged)
        state.draft, state.revision = merged.draft, current["number"]
        response = await save(state, then)
        if then is None and response.status_code == 303 and merged.theirs_changed:
            what = urlencode({"fusion": ".".join(merged.theirs_changed), "par": current["author"]})
            response.headers["location"] += "&" + what
        return response

    def page(self, state: EditorState, current, merged: Merged) -> Response:
        kept = [
            (n, v)
            for n, v in kept_fields(state.posted)
            if n != "revision" and not n.startswith("choix-")
        ]
        return self.area.page(
            "conflit.html",
            state.session,
            state.account,
            409,
            title="Quelqu’un a enregistré entre-temps",
            section="articles",
            current=current,
            editor_url=state.url,
            base=state.revision,
            fields=kept,
            clashes=[(clash, *words(clash.theirs, clash.mine)) for clash in merged.clashes],
            text=state.draft.body,
        )

    def refused(self, session, account, current, consequence: str) -> Response:
        """An action (restore, publish, withdraw) refused because someone saved meanwhile."""
        return self.area.error(
            session,
            account,
            409,
            "Quelqu’un a enregistré entre-temps",
            f"{current['author']} a enregistré ce fichier depuis que vous avez ouvert la page : "
            f"{consequence} Revoyez sa version, puis recommencez.",
        )


def merged_labels(groups: str) -> str:
    """« chapô, titre » from the groups a merge took from theirs (the address's `fusion`)."""
    labels = [FIELDS[g][0].lower() for g in groups.split(".") if g in FIELDS]
    return ", ".join(labels)
