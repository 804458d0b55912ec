"""Who asked for which e-mails: subscribers (one per address) and their subscriptions.

Three kinds of subscription: `lettre` (« La lettre des partenaires », with thèmes and rhythm),
`reponses` (replies to one's comment, `target` its number) and `article` (new comments on an
article, `target` its slug). Each starts `pending` and becomes `active` when the address
answers a confirmation e-mail (double opt-in), always: anyone can type any address in the
comment form, so even an address confirmed before is asked. A follow from the comment form is
bound to its comment (`comment_id`) and ends when the team rejects or deletes it. What the
person accepted now is kept (`consent`, with when it was asked and confirmed), and every
request, confirmation and end in the address's history (subscribers.log_consent). Every
function works inside the caller's transaction.

Mail-bombing a third party is bounded: a mailbox gets at most one confirmation (or « déjà
abonné ») e-mail per LETTRE_CONFIRM_INTERVAL, whatever the requests and the variants of its
address typed (`forms.mailbox_key`: case, plus-tags, Gmail's dots), and all of them together at
most LETTRE_CONFIRMATIONS_PER_HOUR; a request inside the interval updates the pending
subscription, or joins the confirmation still queued, which will confirm it.

The `subscriptions` table is this module's; the addresses are subscribers.py's. The comments
are the comments domain's: the lettre reads one through a `ReadComment` (below), which app.py
hands to its setup (comments/store.snapshot), never with SQL of its own.
"""

import logging
import sqlite3
from collections.abc import Callable

from service.core import clock, protection
from service.core.events import Comment
from service.core.forms import mailbox_key
from service.lettre import outbox, subscribers
from service.lettre.subscribers import record_event

log = logging.getLogger(__name__)

LETTRE, REPONSES, ARTICLE = "lettre", "reponses", "article"
RHYTHMS = {"each": "à chaque publication", "weekly": "une fois par semaine"}
CONFIRMATION_BUCKET = "lettre_confirmation"  # per mailbox
ALL_CONFIRMATIONS = "lettre_confirmations"  # all together, key ""
UNSUBSCRIBED, COMPLAINED = "desabonnement", "plainte"  # why a subscription ended

# The comment numbered so, read on the caller's connection (in its transaction), or None.
ReadComment = Callable[[sqlite3.Connection, int], Comment | None]


def _mail_once_per_interval(conn, person, kind: str, detail, now: float, settings) -> bool:
    """Queue `kind` to `person`, at most one per LETTRE_CONFIRM_INTERVAL to their mailbox (all
    its address's variants: forms.mailbox_key) and LETTRE_CONFIRMATIONS_PER_HOUR in all. A
    confirmation to an address itself mailed in the interval (its owner asks again: a follow
    after subscribing) waits for the interval's end rather than being dropped."""
    key, interval = mailbox_key(person["email"]), settings.confirm_interval
    wait = protection.retry_after(conn, CONFIRMATION_BUCKET, key, 1, interval, now)
    if wait and (
        kind != "confirmation" or not outbox.mailed_since(conn, person["id"], now - interval)
    ):
        return False
    when = now + wait
    limit = settings.confirmations_per_hour
    if protection.retry_after(conn, ALL_CONFIRMATIONS, "", limit, 3600, when):
        log.warning(
            "confirmation e-mails: LETTRE_CONFIRMATIONS_PER_HOUR reached, %s not sent", kind
        )
        return False
    protection.record(conn, [(CONFIRMATION_BUCKET, key), (ALL_CONFIRMATIONS, "")], when)
    return outbox.enqueue(conn, kind, subscriber_id=person["id"], detail=detail, now=when)


def _ask(conn, person: sqlite3.Row, ids: list[int], now: float, settings) -> None:
    """The confirmation e-mail naming `ids`: added to the address's one still in the queue (it
    is composed when it leaves, so one e-mail confirms all that was asked), else queued, at
    most one per interval (`_mail_once_per_interval`)."""
    if not outbox.join_confirmation(conn, person["id"], ids):
        _mail_once_per_interval(conn, person, "confirmation", ids, now, settings)


def _upsert(conn, person, sub: dict, consent: str, how: str, now: float) -> int:
    """Ask for a subscription (`sub`: kind, target, themes, rhythm, comment_id), pending until
    the address confirms, and log the request; returns its number (kept when asked again, so a
    confirmation link already sent still confirms it)."""
    sub = {"themes": "", "rhythm": "each", "comment_id": None, **sub}
    conn.execute(
        "INSERT INTO subscriptions (subscriber_id, kind, target, themes, rhythm, status, consent,"
        " created_at, comment_id) VALUES (:p, :kind, :target, :themes, :rhythm, 'pending',"
        " :consent, :now, :comment_id)"
        " ON CONFLICT (subscriber_id, kind, target) DO UPDATE SET themes = :themes,"
        " rhythm = :rhythm, status = 'pending', consent = :consent, created_at = :now,"
        " confirmed_at = NULL, ended_at = NULL, end_reason = '', comment_id = :comment_id",
        {**sub, "p": person["id"], "consent": consent, "now": clock.iso(now)},
    )
    subscribers.log_consent(conn, person["id"], "demande", sub, how, consent, now)
    return conn.execute(
        "SELECT id FROM subscriptions WHERE subscriber_id = ? AND kind = ? AND target = ?",
        (person["id"], sub["kind"], sub["target"]),
    ).fetchone()[0]


def request_lettre(
    conn, email: str, themes: list[str], rhythm: str, consent: str, settings
) -> None:
    """A request from the form. Whatever the address's state, the form answers the same; the
    e-mail differs: a confirmation, or, to an address already subscribed, its « gérer » link;
    either within the limits of `settings` (`_mail_once_per_interval`)."""
    now = clock.now()
    person = subscribers.get_or_create(conn, email, now)
    current = conn.execute(
        "SELECT id, status FROM subscriptions WHERE subscriber_id = ? AND kind = 'lettre'",
        (person["id"],),
    ).fetchone()
    if current and current["status"] == "active" and not person["suspended_at"]:
        _mail_once_per_interval(conn, person, "deja-abonne", "", now, settings)
        return
    sub = {"kind": LETTRE, "target": "", "themes": " ".join(themes), "rhythm": rhythm}
    _ask(conn, person, [_upsert(conn, person, sub, consent, "formulaire", now)], now, settings)


def follow(conn, email: str, asked: list[dict], comment_id: int, now: float, settings) -> None:
    """Follow discussions from the comment form, in the comment's own transaction (`asked`:
    kind, target, consent). Anyone can type any address in that form, so each follow waits
    for the address's confirmation, even one confirmed before, and is bound to the comment
    (it ends with it: `end_follows`); one e-mail confirms all the form asked for."""
    person = subscribers.get_or_create(conn, email, now)
    ids = []
    for sub in asked:
        current = conn.execute(
            "SELECT status FROM subscriptions WHERE subscriber_id = ? AND kind = ? AND target = ?",
            (person["id"], sub["kind"], sub["target"]),
        ).fetchone()
        if not (current and current["status"] == "active"):
            sub = {**sub, "comment_id": comment_id}
            ids.append(_upsert(conn, person, sub, sub["consent"], "commentaire", now))
    if ids:
        _ask(conn, person, ids, now, settings)


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
        subscribers.log_consent(conn, person["id"], "confirmation", row, "lien", "", now)
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
    are dropped; `reason` is kept and counted (UNSUBSCRIBED: from a link; COMPLAINED: the
    person reported our e-mail as spam). Returns how many ended (0: nothing was left to end)."""
    rows = current(conn, person["id"])
    if ids:
        rows = [row for row in rows if row["id"] in set(ids)]
    how = "lien" if reason == UNSUBSCRIBED else "signalement"
    return _end(conn, rows, reason, how, clock.now() if now is None else now)


def end_follows(conn, comment_ids, now: float) -> int:
    """End the follows asked with these comments (rejected, spam or deleted by the team)."""
    rows = conn.execute(
        "SELECT * FROM subscriptions WHERE status != 'ended' AND comment_id IN"
        " (SELECT value FROM json_each(?))",
        ("[" + ",".join(str(int(i)) for i in comment_ids) + "]",),
    ).fetchall()
    return _end(conn, rows, "fin", "equipe", now)


def _end(conn, rows: list[sqlite3.Row], why: str, how: str, now: float) -> int:
    """`why`: UNSUBSCRIBED, COMPLAINED, or "fin" (the follow's comment was withdrawn)."""
    if not rows:
        return 0
    reason = "commentaire retiré" if why == "fin" else why
    conn.execute(
        "UPDATE subscriptions SET status = 'ended', ended_at = ?, end_reason = ?"
        " WHERE id IN (SELECT value FROM json_each(?))",
        (clock.iso(now), reason, _ids(rows)),
    )
    dropped = {UNSUBSCRIBED: "désabonné", COMPLAINED: "signalé comme spam"}.get(reason, reason)
    outbox.drop_queued(conn, f"{dropped} avant l’envoi", subscription_ids=[r["id"] for r in rows])
    event = "fin" if why == "fin" else UNSUBSCRIBED
    for row in rows:
        if row["status"] == "active":
            record_event(conn, UNSUBSCRIBED if why == "fin" else why, row["kind"], now)
        subscribers.log_consent(conn, row["subscriber_id"], event, row, how, reason, now)
    return len(rows)


def update_lettre(conn, person: sqlite3.Row, themes: list[str], rhythm: str) -> bool:
    """Change the thèmes and rhythm of an active lettre subscription (from a signed link)."""
    changed = conn.execute(
        "UPDATE subscriptions SET themes = ?, rhythm = ? WHERE subscriber_id = ?"
        " AND kind = 'lettre' AND status = 'active'",
        (" ".join(themes), rhythm, person["id"]),
    ).rowcount
    if changed:
        what = f"{RHYTHMS[rhythm]}, thèmes : {' '.join(themes) or 'tous'}"
        sub = {"kind": LETTRE, "target": ""}
        subscribers.log_consent(conn, person["id"], "modification", sub, "lien", what, clock.now())
    return bool(changed)


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
    """Delete requests never confirmed after `days` (pending, or ended before any confirmation:
    a follow whose comment was rejected), and addresses left with nothing (their consent
    history goes with them)."""
    cutoff = clock.iso((clock.now() if now is None else now) - days * 86400)
    count = conn.execute(
        "DELETE FROM subscriptions WHERE status != 'active' AND confirmed_at IS NULL"
        " AND created_at < ?",
        (cutoff,),
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
        "historique_des_consentements": subscribers.consent_history(conn, person["id"]),
    }


def erase(conn, email: str) -> int:
    """Delete the address with its subscriptions, consent history and queued or sent e-mails
    (test sends to it too)."""
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
