"""What an administrator does to the team's accounts, on an open connection (accounts_pages.py
runs each in a transaction): create an account, change its name, e-mail and roles, disable or
re-enable it, and give a one-time link to choose a password.

Nobody but the person knows a password: a new account and a reset both get a random link, valid
LINK_HOURS and once, that the administrator passes on; the database keeps only its SHA-256, so
a copy of the database cannot be used to take an account over. Choosing a password ends every
session of the account (a reset after a stolen laptop logs the thief out); so does disabling.
There is always at least one enabled administrator: the last one cannot remove that role from
itself nor be disabled. The links are this module's table (`password_links`); the accounts'
rows are accounts.py's, the sessions sessions.py's.
"""

import hashlib
import re
import secrets
import sqlite3

from service.core import clock, journal
from service.core.forms import is_email
from service.team import accounts, sessions
from service.team.accounts import (
    ADMINISTRATION,
    ROLES,
    AccountError,
    create_moderator,
)

LINK_HOURS = 72
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def get(conn: sqlite3.Connection, username: str) -> sqlite3.Row:
    row = accounts.find(conn, username)
    if row is None:
        raise AccountError(f"Le compte « {username} » n’existe pas.")
    return row


def check_profile(display_name: str, email: str, roles) -> tuple[str, str, list[str]]:
    display_name, email = " ".join(display_name.split()), email.strip()
    if len(display_name) > 100:
        raise AccountError("Le nom affiché dépasse 100 caractères.")
    if email and (len(email) > 200 or not is_email(email)):
        raise AccountError(f"L’adresse e-mail « {email[:200]} » n’est pas valide.")
    roles = [role for role in ROLES if role in roles]
    if not roles:
        raise AccountError("Cochez au moins un rôle.")
    return display_name, email, roles


def create(conn, admin: str, username: str, display_name: str, email: str, roles) -> str:
    """Create an account with no usable password; returns its one-time password link token."""
    username = username.strip().lower()
    if not USERNAME.fullmatch(username):
        raise AccountError(
            "L’identifiant doit compter de 2 à 40 caractères : lettres minuscules sans accent, "
            "chiffres, points, tirets (par exemple « claire.martin »)."
        )
    display_name, email, roles = check_profile(display_name, email, roles)
    create_moderator(conn, username, secrets.token_urlsafe(24), display_name, email, roles)
    journal.record(conn, admin, "account_created", username, ", ".join(ROLES[r] for r in roles))
    return new_link(conn, admin, username, log=False)


def update(conn, admin: str, username: str, display_name: str, email: str, roles) -> None:
    get(conn, username)
    display_name, email, roles = check_profile(display_name, email, roles)
    if ADMINISTRATION not in roles and not accounts.administrators_besides(conn, username):
        raise AccountError(
            "Ce compte est le dernier administrateur : donnez d’abord ce rôle à un autre compte."
        )
    accounts.set_profile(conn, username, display_name, email, roles)
    journal.record(conn, admin, "account_changed", username, ", ".join(ROLES[r] for r in roles))


def set_enabled(conn, admin: str, username: str, enabled: bool) -> None:
    get(conn, username)
    if not enabled:
        if not accounts.administrators_besides(conn, username):
            raise AccountError("Le dernier administrateur ne peut pas être désactivé.")
        sessions.end_all(conn, username)
        conn.execute("DELETE FROM password_links WHERE username = ?", (username,))
    accounts.set_enabled(conn, username, enabled)
    journal.record(conn, admin, "account_enabled" if enabled else "account_disabled", username)


def new_link(conn, admin: str, username: str, *, log: bool = True) -> str:
    """A fresh one-time link token for `username`; earlier unused links stop working."""
    if get(conn, username)["disabled_at"]:
        raise AccountError("Ce compte est désactivé : réactivez-le d’abord.")
    token = secrets.token_urlsafe(32)
    now = clock.now()
    conn.execute("DELETE FROM password_links WHERE username = ? OR expires_at < ?", (username, now))
    conn.execute(
        "INSERT INTO password_links (token_hash, username, created_by, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (_digest(token), username, admin, now, now + LINK_HOURS * 3600),
    )
    if log:
        journal.record(conn, admin, "password_link", username)
    return token


def link_owner(conn: sqlite3.Connection, token: str) -> sqlite3.Row | None:
    """The account a valid (unused, unexpired) link token is for, else None."""
    if not token or len(token) > 100:
        return None
    return conn.execute(
        "SELECT m.* FROM password_links l JOIN moderators m ON m.username = l.username"
        " WHERE l.token_hash = ? AND l.used_at IS NULL AND l.expires_at > ?"
        " AND m.disabled_at IS NULL",
        (_digest(token), clock.now()),
    ).fetchone()


def use_link(conn: sqlite3.Connection, token: str, password: str, again: str) -> str:
    """Set the password of the link's account; the link is spent and sessions end."""
    account = link_owner(conn, token)
    if account is None:
        raise AccountError(
            "Ce lien n’est plus valable (déjà utilisé, ou plus de "
            f"{LINK_HOURS} heures) : demandez-en un nouveau à un administrateur."
        )
    if password != again:
        raise AccountError("Les deux mots de passe saisis diffèrent.")
    accounts.set_password(conn, account["username"], password)
    conn.execute(
        "UPDATE password_links SET used_at = ? WHERE token_hash = ?", (clock.now(), _digest(token))
    )
    sessions.end_all(conn, account["username"])
    journal.record(conn, account["username"], "password_set", account["username"])
    return account["username"]
