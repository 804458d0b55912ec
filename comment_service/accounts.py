"""Team accounts: created from the command line, passwords stored as argon2 hashes."""

import secrets
import sqlite3

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .actions import now_iso

_hasher = PasswordHasher()
# Verified when the username is unknown, so a miss costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class AccountError(ValueError):
    """A moderator account cannot be created as asked; the message is French."""


def create_moderator(
    conn: sqlite3.Connection, username: str, password: str, display_name: str = "", email: str = ""
) -> int:
    username = username.strip()
    if not username:
        raise AccountError("L’identifiant est vide.")
    if len(password) < 12:
        raise AccountError("Le mot de passe doit compter au moins 12 caractères.")
    try:
        cursor = conn.execute(
            "INSERT INTO moderators (username, display_name, email, password_hash, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (username, display_name.strip(), email.strip(), _hasher.hash(password), now_iso()),
        )
    except sqlite3.IntegrityError:
        raise AccountError(f"L’identifiant « {username} » existe déjà.") from None
    return cursor.lastrowid


def ensure_first_account(conn: sqlite3.Connection, display_name: str) -> str | None:
    """On a machine with no account yet, create « moderation » and return its password."""
    if conn.execute("SELECT 1 FROM moderators LIMIT 1").fetchone():
        return None
    password = secrets.token_urlsafe(12)
    create_moderator(conn, "moderation", password, display_name)
    return password


def authenticate(conn: sqlite3.Connection, username: str, password: str) -> sqlite3.Row | None:
    """The moderator row if `password` is theirs, else None (same cost either way)."""
    row = conn.execute("SELECT * FROM moderators WHERE username = ?", (username,)).fetchone()
    try:
        _hasher.verify(row["password_hash"] if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return row
