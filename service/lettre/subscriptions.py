"""Who asked for which e-mails: subscribers (one per address) and their subscriptions.

Three kinds of subscription: `lettre` (« La lettre des partenaires », with thèmes and rhythm),
`reponses` (replies to one's comment, `target` its number) and `article` (new comments on an
article, `target` its slug). Each starts `pending` and becomes `active` when the address
answers a confirmation e-mail (double opt-in); the lettre always asks, a discussion is followed
at once if the address was confirmed before. What the person accepted is kept (`consent`, with
when it was asked and confirmed). Every function works inside the caller's transaction.

Mail-bombing a third party is bounded: an address gets at most one confirmation (or « déjà
abonné ») e-mail per LETTRE_CONFIRM_INTERVAL, whatever the requests; a request inside the
interval updates the pending subscription, which the e-mail already sent will confirm.

The `subscriptions` table is this module's; the addresses are subscribers.py's. The comments
are the comments domain's: the lettre reads one through a `ReadComment` (below), which app.py
hands to its setup (comments/store.snapshot), never with SQL of its own.
"""

import sqlite3
from collections.abc import Callable

from service.core import clock, protection
from service.core.events import Comment
from service.lettre import outbox, subscribers
from service.lettre.subscribers import record_event

LETTRE, REPONSES, ARTICLE = "lettre", "reponses", "article"
RHYTHMS = {"each": "à chaque publication", "weekly": "une fois par semaine"}
CONFIRMATION_BUCKET = "lettre_confirmation"
UNSUBSCRIBED, COMPLAINED = "desabonnement", "plainte"  # why a subscription ended

# The comment numbered so, read on the caller's connection (in its transaction), or None.
ReadComment = Callable[[sqlite3.Connection, int], Comment | None]


def _mail_once_per_interval(conn, person: sqlite3.Row, kind: str, detail, now, interval) -> bool:
    """Queue `kind` to `person` unless they got one within `interval` seconds."""
    key = person["email"].casefold()
    if protection.retry_after(conn, CONFIRMATION_BUCKET, key, 1, interval, now):
        return False
    protection.record(conn, [(CONFIRMATION_BUCKET, key)], now)
    return outbox.enqueue(conn, kind, subscriber_id=person["id"], detail=detail, now=now)


def _upsert(conn, person, kind, target, status, consent, now, themes="", rhythm="each") -> int:
    """Start (or start again) a subscription; returns its number (kept across restarts, so a
    confirmation link already sent still confirms it)."""
    conn.execute(
        "INSERT INTO subscriptions (subscriber_id, kind, target, themes, rhythm, status, consent,"
        " created_at, confirmed_at) VALUES (:p, :kind, :target, :themes, :rhythm, :status,"
        " :consent, :now, CASE :status WHEN 'active' THEN :now END)"
        " ON CONFLICT (subscriber_id, kind, target) DO UPDATE SET themes = :themes,"
        " rhythm = :rhythm, status = :status, consent = :consent, created_at = :now,"
        " confirmed_at = CASE :status WHEN 'active' THEN :now END, ended_at = NULL,"
        " end_reason = ''",
        {
            "p": person["id"],
            "kind": kind,
            "target": target,
            "themes": themes,
            "rhythm": rhythm,
            "status": status,
            "consent": consent,
            "now": clock.iso(now),
        },
    )
    return conn.execute(
        "SELECT id FROM subscriptions WHERE subscriber_id = ? AND kind = ? AND target = ?",
        (person["id"], kind, target),
    ).fetchone()[0]


def request_lettre(
    conn, email: str, themes: list[str], rhythm: str, consent: str, interval: float
) -> None:
    """A request from the form. Whatever the address's state, the form answers the same; the
    e-mail differs: a confirmation, or, to an address already subscribed, its « gérer » link;
    either at most once per `interval` seconds (LETTRE_CONFIRM_INTERVAL)."""
    now = clock.now()
    person = subscribers.get_or_create(conn, email, now)
    current = conn.execute(
        "SELECT id, status FROM subscriptions WHERE subscriber_id = ? AND kind = 'lettre'",
        (person["id"],),
    ).fetchone()
    if current and current["status"] == "active" and not person["suspended_at"]:
        _mail_once_per_interval(conn, person, "deja-abonne", "", now, interval)
        return
    sid = _upsert(conn, person, LETTRE, "", "pending", consent, now, " ".join(themes), rhythm)
    _mail_once_per_interval(conn, person, "confirmation", [sid], now, interval)


def follow(
    conn, email: str, kind: str, target: str, consent: str, now: float, interval: float
) -> None:
    """Follow a discussion (from the comment form, in the comment's own transaction)."""
    person = subscribers.get_or_create(conn, email, now)
    current = conn.execute(
        "SELECT status FROM subscriptions WHERE subscriber_id = ? AND kind = ? AND target = ?",
        (person["id"], kind, target),
    ).fetchone()
    if current and current["status"] == "active":
        return
    known = person["confirmed_at"] and not person["suspended_at"]
    sid = _upsert(conn, person, kind, target, "active" if known else "pending", consent, now)
    if known:
        record_event(conn, "confirmation", kind, now)
    else:
        _mail_once_per_interval(conn, person, "confirmation", [sid], now, interval)


def confirm(conn, link, now: float) -> tuple[str, list[sqlite3.Row]]:
    """Confirm what a confirmation link names: ("confirmed", rows), ("already", rows) when
    it was done before, ("gone", []) when none of it exists any more (erased, purged)."""
    person = subscribers.owner(conn, link)
    if person is None:
        return "gone", []
    rows = named(conn, person["id"], link.subscriptions)
    pending = [row for row in rows if row["status"] == "pending"]
    if not pending:
        active = [row for row in rows if row["status"] == "active"]
        return ("already", active) if active else ("gone", [])
    conn.execute(
        "UPDATE subscriptions SET status = 'active', confirmed_at = ?"
        " WHERE id IN (SELECT value FROM json_each(?))",
        (clock.iso(now), _ids(pending)),
    )
    subscribers.confirmed(conn, person["id"], now)
    for row in pending:
        record_event(conn, "confirmation", row["kind"], now)
    return "confirmed", named(conn, person["id"], [row["id"] for row in rows])


def _ids(rows) -> str:
    return "[" + ",".join(str(row["id"]) for row in rows) + "]"


def get(conn, subscription_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM subscriptions WHERE id = ?", (subscription_id,)).fetchone()


def named(conn, subscriber_id: int, ids) -> list[sqlite3.Row]:
    """The subscriptions `ids` of a subscriber (what a confirmation link names)."""
    return conn.execute(
        "SELECT * FROM subscriptions WHERE subscriber_id = ? AND id IN"
        " (SELECT value FROM json_each(?)) ORDER BY id",
        (subscriber_id, "[" + ",".join(str(int(i)) for i in ids) + "]"),
    ).fetchall()


def current(conn, subscriber_id: int) -> list[sqlite3.Row]:
    """Active and pending subscriptions of a subscriber: the lettre first, then discussions."""
    return conn.execute(
        "SELECT * FROM subscriptions WHERE subscriber_id = ? AND status != 'ended'"
        " ORDER BY kind != 'lettre', id",
        (subscriber_id,),
    ).fetchall()


def unsubscribe(conn, person, ids=(), now: float | None = None, reason=UNSUBSCRIBED) -> int:
    """End the subscriptions `ids` of `person` (all of them if empty); their queued e-mails
    are dropped; `reason` is kept and counted (COMPLAINED: the person reported our e-mail as
    spam). Returns how many ended (0: nothing was left to end)."""
    now = clock.now() if now is None else now
    rows = current(conn, person["id"])
    if ids:
        rows = [row for row in rows if row["id"] in set(ids)]
    if not rows:
        return 0
    conn.execute(
        "UPDATE subscriptions SET status = 'ended', ended_at = ?, end_reason = ?"
        " WHERE id IN (SELECT value FROM json_each(?))",
        (clock.iso(now), reason, _ids(rows)),
    )
    outbox.drop_queued(
        conn, "désabonné avant l’envoi", subscription_ids=[row["id"] for row in rows]
    )
    for row in rows:
        if row["status"] == "active":
            record_event(conn, reason, row["kind"], now)
    return len(rows)


def update_lettre(conn, person: sqlite3.Row, themes: list[str], rhythm: str) -> bool:
    """Change the thèmes and rhythm of an active lettre subscription (from a signed link)."""
    return bool(
        conn.execute(
            "UPDATE subscriptions SET themes = ?, rhythm = ? WHERE subscriber_id = ?"
            " AND kind = 'lettre' AND status = 'active'",
            (" ".join(themes), rhythm, person["id"]),
        ).rowcount
    )


def themes_text(themes: str, categories: dict[str, str]) -> str:
    """« tous les thèmes », « thème Solidarité », « thèmes Solidarité, Vie de la Caf »."""
    names = [categories.get(slug, slug) for slug in themes.split()]
    if not names:
        return "tous les thèmes"
    return ("thèmes " if len(names) > 1 else "thème ") + ", ".join(names)


def describe(conn, row: sqlite3.Row, manifest, read_comment: ReadComment) -> str:
    """A subscription in French, as the e-mails and the pages name it."""
    if row["kind"] == LETTRE:
        themes = themes_text(row["themes"], manifest.categories)
        return f"La lettre des partenaires, {RHYTHMS[row['rhythm']]}, {themes}"
    slug = row["target"]
    if row["kind"] == REPONSES:
        comment = read_comment(conn, int(row["target"]))
        slug = comment.article_slug if comment else ""
    article = manifest.articles.get(slug)
    title = f"« {article.title} »" if article else "un article retiré depuis"
    if row["kind"] == REPONSES:
        return f"les réponses à votre commentaire n° {row['target']} sur {title}"
    return f"les nouveaux commentaires sur {title}"


def purge_unconfirmed(conn, days: float, now: float | None = None) -> int:
    """Delete requests never confirmed after `days`, and addresses left with nothing."""
    cutoff = clock.iso((clock.now() if now is None else now) - days * 86400)
    count = conn.execute(
        "DELETE FROM subscriptions WHERE status = 'pending' AND created_at < ?", (cutoff,)
    ).rowcount
    subscribers.purge_unconfirmed(conn, cutoff)
    return count


_EXPORTED = (
    "kind, target, themes, rhythm, status, consent, created_at, confirmed_at, ended_at, end_reason"
)
_EXPORTED_ADDRESS = ("email", "created_at", "confirmed_at", "bounces", "suspended_at")


def export(conn, email: str) -> dict:
    """Everything kept about the subscriptions of `email`, for the RGPD export."""
    person = subscribers.find(conn, email.strip())
    if person is None:
        return {}
    rows = conn.execute(
        f"SELECT {_EXPORTED} FROM subscriptions WHERE subscriber_id = ? ORDER BY id",
        (person["id"],),
    ).fetchall()
    sent = outbox.of_subscriber(conn, person["id"])
    return {
        "adresse": {key: person[key] for key in _EXPORTED_ADDRESS},
        "abonnements": [dict(row) for row in rows],
        "courriels": [dict(row) for row in sent],
    }


def erase(conn, email: str) -> int:
    """Delete the address with its subscriptions, consents and queued or sent e-mails (test
    sends to it too)."""
    outbox.erase_recipient(conn, email.strip())
    return subscribers.erase(conn, email.strip())


# --- the team's page (stats.py) -----------------------------------------------------------

_ACTIVE = "s.kind = 'lettre' AND s.status = 'active' AND p.suspended_at IS NULL"
_JOINED = "FROM subscriptions s JOIN subscribers p ON p.id = s.subscriber_id"


def lettre_counts(conn, categories: dict[str, str]) -> dict:
    """Subscribers to the lettre now: by rhythm, by thème, pending; discussions followed."""
    rhythms = dict.fromkeys(RHYTHMS, 0)
    rhythms.update(conn.execute(f"SELECT s.rhythm, count(*) {_JOINED} WHERE {_ACTIVE} GROUP BY 1"))
    themes = [
        (
            name,
            conn.execute(
                f"SELECT count(*) {_JOINED} WHERE {_ACTIVE} AND (s.themes = ''"
                " OR instr(' ' || s.themes || ' ', ' ' || ? || ' ') > 0)",
                (slug,),
            ).fetchone()[0],
        )
        for slug, name in categories.items()
    ]
    return {
        "total": sum(rhythms.values()),
        "rhythms": [(RHYTHMS[key], count) for key, count in rhythms.items()],
        "all_themes": conn.execute(
            f"SELECT count(*) {_JOINED} WHERE {_ACTIVE} AND s.themes = ''"
        ).fetchone()[0],
        "themes": themes,
        "pending": conn.execute(
            "SELECT count(*) FROM subscriptions WHERE kind = 'lettre' AND status = 'pending'"
        ).fetchone()[0],
        "follows": conn.execute(
            f"SELECT count(*) {_JOINED} WHERE s.kind != 'lettre' AND s.status = 'active'"
        ).fetchone()[0],
    }


def lettre_list(conn) -> list[sqlite3.Row]:
    """Every lettre subscription (active, pending, ended) with its address and consent."""
    return conn.execute(
        "SELECT p.email, s.status, p.suspended_at, s.rhythm, s.themes, s.created_at,"
        f" s.confirmed_at, s.ended_at, s.consent {_JOINED} WHERE s.kind = 'lettre'"
        " ORDER BY p.email"
    ).fetchall()
