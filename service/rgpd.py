"""Personal data (RGPD): export and erase what we hold about one e-mail address, and forget
IP hashes past their retention period.

Comments are matched on the e-mail address without regard to case; subscriptions to the
lettre and followed discussions, with their consents, consent history and e-mails, are exported
and erased too (subscriptions.py). Erasing deletes the
person's comments; one that other people answered becomes a « commentaire supprimé »
placeholder (no name, address, text or IP hash left), so their replies stay. The change it
returns names the articles that showed any of them, for republishing. Deleted content is
overwritten in the file (`secure_delete`) and the WAL is emptied after the erase (`wipe`), so no
copy of the erased data stays on disk.
"""

import sqlite3
import time
from datetime import datetime, timedelta

from service.comments import store
from service.core import clock, db, protection
from service.core.events import Change
from service.core.forms import mailbox_key
from service.lettre import subscriptions


def export(conn: sqlite3.Connection, email: str) -> dict:
    """Everything stored about `email`, as JSON-ready data."""
    rows = store.by_author(conn, email.strip())
    return {
        "adresse_e_mail": email.strip(),
        "exporte_le": clock.now_iso(),
        "commentaires": [dict(row) for row in rows],
        "abonnements": subscriptions.export(conn, email),
    }


def erase(conn: sqlite3.Connection, email: str) -> Change:
    """Erase every comment of `email`, inside the caller's transaction; the change counts them."""
    email = email.strip()
    rows = store.erase_author(conn, email, clock.now_iso())
    slugs = sorted({r["article_slug"] for r in rows if r["status"] == "approved"})
    subscriptions.erase(conn, email)  # the lettre, followed discussions, their e-mails
    for key in {email.casefold(), mailbox_key(email)}:  # the forms' flood counts keyed by it
        protection.forget_key(conn, key)
    return Change(None, tuple(slugs), len(rows))


def wipe(conn: sqlite3.Connection) -> None:
    """Copy the WAL into the database and empty it, so erased rows leave no copy there."""
    for _ in range(50):  # a reader may hold an old snapshot for a moment
        if db.checkpoint(conn, "TRUNCATE"):
            return
        time.sleep(0.1)
    raise sqlite3.OperationalError("the WAL could not be emptied: a reader holds it")


def purge_ips(conn: sqlite3.Connection, retention_days: int, now: datetime | None = None) -> int:
    """Forget the IP hash of comments older than `retention_days`; return how many."""
    cutoff = (now or clock.utc()) - timedelta(days=retention_days)
    return store.forget_ips(conn, clock.iso(cutoff))
