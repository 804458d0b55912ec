"""Two people saving the same article: a three-way merge, field by field, so work on different
fields (or different paragraphs of the text) is never a conflict.

The base is the revision the form was opened at, theirs the latest revision, mine the form
posted. A field changed on one side only takes that side; changed alike on both, either. The
text is merged by blocks (what blank lines separate: paragraphs, questions, answers), diff3's
way, so two people changing different paragraphs both keep their change. What both changed
differently is a `Clash`, settled by a choice per field (« mien » or « leur ») or shown side by
side (conflicts.py), with word-level differences (`words`).
"""

import difflib
import re
from dataclasses import dataclass, field, replace

from markupsafe import Markup, escape

from service.room.draft import Draft

BLOCK = "\n\n"
MINE, THEIRS = "mien", "leur"


def _speakers(draft: Draft) -> str:
    return "\n".join(
        " — ".join(part for part in (s.name, s.role, s.portrait) if part) for s in draft.speakers
    )


# Field group -> (French name, the values compared, how a value reads on the conflict page).
FIELDS = {
    "titre": ("Titre", lambda d: d.title, lambda d: d.title),
    "date": ("Date de publication", lambda d: (d.date, d.time), lambda d: f"{d.date} {d.time}"),
    "theme": ("Thème", lambda d: d.category, lambda d: d.category),
    "mots_cles": ("Mots-clés", lambda d: d.tags, lambda d: d.tags),
    "slug": ("Adresse (slug)", lambda d: d.slug, lambda d: d.slug),
    "personnes": ("Personnes interviewées", lambda d: d.speakers, _speakers),
    "chapo": ("Chapô", lambda d: d.summary, lambda d: d.summary),
    "date_estimee": ("Note sur la date", lambda d: d.date_estimate, lambda d: d.date_estimate),
    "commentaires": (
        "Commentaires",
        lambda d: d.comments_closed,
        lambda d: "fermés" if d.comments_closed else "ouverts",
    ),
    "texte": ("Texte", lambda d: d.body, lambda d: d.body),
}
# The Draft attributes each group is made of.
ATTRIBUTES = {
    "titre": ("title",),
    "date": ("date", "time"),
    "theme": ("category",),
    "mots_cles": ("tags",),
    "slug": ("slug",),
    "personnes": ("speakers",),
    "chapo": ("summary",),
    "date_estimee": ("date_estimate",),
    "commentaires": ("comments_closed",),
    "texte": ("body",),
}


@dataclass(frozen=True)
class Clash:
    group: str  # a key of FIELDS: « choix-<group> » is the choice's form field
    label: str
    theirs: str
    mine: str


@dataclass
class Merged:
    draft: Draft
    theirs_changed: list[str] = field(default_factory=list)  # the groups their changes came in
    clashes: list[Clash] = field(default_factory=list)


def merge(base: Draft, theirs: Draft, mine: Draft, choices) -> Merged:
    """`mine` with `theirs`'s changes since `base`; `choices` (the posted form) settle what
    both changed: « choix-<group> » = MINE or THEIRS."""
    result = Merged(replace(mine))
    for group, (label, value, shown) in FIELDS.items():
        b, t, m = value(base), value(theirs), value(mine)
        if t == m or t == b:
            continue
        if m == b:
            _take(result.draft, theirs, group)
            result.theirs_changed.append(group)
            continue
        choice = choices.get(f"choix-{group}")
        if group == "texte":
            body, clash_theirs, clash_mine = _blocks(base.body, theirs.body, mine.body, choice)
            result.draft.body = body
            if body != mine.body:
                result.theirs_changed.append(group)
            if clash_theirs is not None:
                result.clashes.append(Clash(group, label, clash_theirs, clash_mine))
        elif choice == THEIRS:
            _take(result.draft, theirs, group)
        elif choice != MINE:
            result.clashes.append(Clash(group, label, shown(theirs), shown(mine)))
    return result


def _take(draft: Draft, source: Draft, group: str) -> None:
    for attribute in ATTRIBUTES[group]:
        setattr(draft, attribute, getattr(source, attribute))


def _blocks(base: str, theirs: str, mine: str, choice: str | None):
    """The text merged block by block: (text, their clashing blocks, mine) — the last two None
    when nothing clashed or `choice` settled it."""
    out: list[str] = []
    clash_theirs: list[str] = []
    clash_mine: list[str] = []
    for b, t, m in _chunks(base.split(BLOCK), theirs.split(BLOCK), mine.split(BLOCK)):
        if t == m or t == b:
            out.extend(m)
        elif m == b:
            out.extend(t)
        elif choice == THEIRS:
            out.extend(t)
        else:
            out.extend(m)
            if choice != MINE:
                clash_theirs.append(BLOCK.join(t))
                clash_mine.append(BLOCK.join(m))
    if not clash_theirs:
        return BLOCK.join(out), None, None
    return BLOCK.join(out), "\n\n…\n\n".join(clash_theirs), "\n\n…\n\n".join(clash_mine)


def _chunks(base: list[str], theirs: list[str], mine: list[str]):
    """diff3: (base, theirs, mine) runs between the blocks all three share unchanged."""
    in_theirs, in_mine = _matches(base, theirs), _matches(base, mine)
    i = j = k = 0
    for sync in range(len(base) + 1):
        if sync < len(base) and not (sync in in_theirs and sync in in_mine):
            continue
        if sync < len(base) and (in_theirs[sync] < j or in_mine[sync] < k):
            continue
        end_t = in_theirs[sync] if sync < len(base) else len(theirs)
        end_m = in_mine[sync] if sync < len(base) else len(mine)
        if i < sync or j < end_t or k < end_m:
            yield base[i:sync], theirs[j:end_t], mine[k:end_m]
        if sync < len(base):
            yield [base[sync]], [theirs[end_t]], [mine[end_m]]
        i, j, k = sync + 1, end_t + 1, end_m + 1


def _matches(a: list[str], b: list[str]) -> dict[int, int]:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    blocks = matcher.get_matching_blocks()
    return {block.a + n: block.b + n for block in blocks for n in range(block.size)}


WORD = re.compile(r"\s+|\w+|[^\w\s]")


def words(theirs: str, mine: str) -> tuple[Markup, Markup]:
    """Both versions as HTML, the words only theirs has in <del>, only mine has in <ins>."""
    a, b = WORD.findall(theirs), WORD.findall(mine)
    left, right = [], []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if tag == "equal":
            left.append(old)
            right.append(new)
            continue
        if i2 > i1:
            left.append(Markup("<del>{}</del>").format(old))
        if j2 > j1:
            right.append(Markup("<ins>{}</ins>").format(new))
    return Markup("").join(left), Markup("").join(right)
