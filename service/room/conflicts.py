"""Two people editing the same article: the second save shows both versions instead of
replacing the first.

The conflict page names who saved meanwhile and when, shows the differences between their
version (the file now) and the one just typed, and offers: keep mine (the typed form, re-posted
with the current revision number: a deliberate replacement, itself a revision, so theirs can
be restored), or open theirs (the typed text stays on this page to copy from).
"""

import difflib

from starlette.responses import Response

from service.room import draft
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
    def __init__(self, area):
        self.area = area

    def page(self, state: EditorState, current, editor_url: str) -> Response:
        mine = draft.file_text(state.draft, state.document)
        return self.area.page(
            "conflit.html",
            state.session,
            state.account,
            409,
            title="Quelqu’un a enregistré entre-temps",
            section="articles",
            current=current,
            editor_url=editor_url,
            fields=[(n, v) for n, v in kept_fields(state.posted) if n != "revision"],
            rows=differences(current["text"], mine),
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
