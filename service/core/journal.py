"""The team's log: who did what, when, on which account, article or image.

Every action of the writing room and of the accounts pages writes one row in the same
transaction as the change itself, so the log cannot miss an action that happened (nor show one
that was rolled back); so does a failed copy of the site (site_copy.py). It lives in core
because every domain writes it. Moderation actions keep their own `moderated_by` on each
comment.
"""

import sqlite3

from service.core import clock

# Action key -> French label shown in the log.
ACTIONS = {
    "account_created": "Compte créé",
    "account_changed": "Compte modifié",
    "account_disabled": "Compte désactivé",
    "account_enabled": "Compte réactivé",
    "password_link": "Lien de mot de passe créé",
    "password_set": "Mot de passe choisi",
    "saved": "Enregistrement",
    "restored": "Révision restaurée",
    "publish": "Publication demandée",
    "schedule": "Publication programmée",
    "unpublish": "Retrait demandé",
    "published": "Site publié",
    "publish_failed": "Échec de publication",
    "image": "Image ajoutée",
    "image_deleted": "Image supprimée",
    "copy_failed": "Échec de la copie vers le serveur",
}


def record(
    conn: sqlite3.Connection, username: str, action: str, target: str = "", detail: str = ""
) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown log action {action!r}")
    conn.execute(
        "INSERT INTO team_log (at, username, action, target, detail) VALUES (?, ?, ?, ?, ?)",
        (clock.now_iso(), username, action, target, detail[:500]),
    )


def entries(
    conn: sqlite3.Connection, *, target: str | None = None, limit: int = 100, before: int = 0
) -> list[dict]:
    """Newest first; `target` limits to one account, article or image; `before` pages on."""
    where, params = ["(? = 0 OR id < ?)"], [before, before]
    if target is not None:
        where.append("target = ?")
        params.append(target)
    rows = conn.execute(
        f"SELECT * FROM team_log WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ?",
        (*params, limit),
    ).fetchall()
    return [{**dict(row), "label": ACTIONS.get(row["action"], row["action"])} for row in rows]


def awaiting_first_password(conn: sqlite3.Connection) -> set[str]:
    """Accounts made on the accounts page whose one-time link was never used: nobody can log
    in with them yet (their password is a random one nobody knows)."""
    rows = conn.execute(
        "SELECT c.target FROM team_log c WHERE c.action = 'account_created' AND NOT EXISTS"
        " (SELECT 1 FROM team_log p WHERE p.action = 'password_set' AND p.target = c.target"
        " AND p.id > c.id)"
    )
    return {row[0] for row in rows}
