"""Team accounts: created from the command line or by an administrator (accounts_pages.py),
passwords stored as argon2 hashes, each with roles saying which parts of the service it may use.
The `moderators` table is this module's: every statement on it is here."""

import secrets
import sqlite3

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from service.core import clock, journal

_hasher = PasswordHasher()
# Verified when the username is unknown, so a miss costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


# Role key (stored, space-separated, in moderators.roles) -> French label, in the order pages
# list them. Moderation pages need « modération », the writing room « rédaction », the team's
# accounts « administration ».
REDACTION, MODERATION, ADMINISTRATION = "redaction", "moderation", "administration"
ROLES = {REDACTION: "rédaction", MODERATION: "modération", ADMINISTRATION: "administration"}


def roles_of(row) -> set[str]:
    """The roles of an account row, none if it is disabled."""
    if row is None or row["disabled_at"]:
        return set()
    return set(row["roles"].split()) & set(ROLES)


def roles_text(roles) -> str:
    """The stored form of `roles`: known keys, in ROLES order."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise AccountError(f"Rôle inconnu : « {sorted(unknown)[0]} ».")
    return " ".join(role for role in ROLES if role in roles)


class AccountError(ValueError):
    """A moderator account cannot be created as asked; the message is French."""


def hash_password(password: str) -> str:
    if len(password) < 12:
        raise AccountError("Le mot de passe doit compter au moins 12 caractères.")
    return _hasher.hash(password)


def create_moderator(
    conn: sqlite3.Connection,
    username: str,
    password: str,
    display_name: str = "",
    email: str = "",
    roles=(MODERATION,),
) -> int:
    """Create an account; the first one of a machine is an administrator with every role."""
    username = username.strip()
    if not username:
        raise AccountError("L’identifiant est vide.")
    if not conn.execute("SELECT 1 FROM moderators LIMIT 1").fetchone():
        roles = ROLES
    stored = roles_text(roles)
    try:
        cursor = conn.execute(
            "INSERT INTO moderators (username, display_name, email, password_hash, created_at,"
            " roles) VALUES (?, ?, ?, ?, ?, ?)",
            (
                username,
                display_name.strip(),
                email.strip(),
                hash_password(password),
                clock.now_iso(),
                stored,
            ),
        )
    except sqlite3.IntegrityError:
        raise AccountError(f"L’identifiant « {username} » existe déjà.") from None
    return cursor.lastrowid


def ensure_first_account(conn: sqlite3.Connection, display_name: str) -> str | None:
    """On a machine with no account yet, create « moderation » (an administrator with every
    role) and return its password."""
    if conn.execute("SELECT 1 FROM moderators LIMIT 1").fetchone():
        return None
    password = secrets.token_urlsafe(12)
    create_moderator(conn, "moderation", password, display_name)
    return password


def authenticate(conn: sqlite3.Connection, username: str, password: str) -> sqlite3.Row | None:
    """The account row if `password` is theirs and the account is enabled, else None (same
    cost either way)."""
    row = find(conn, username)
    try:
        _hasher.verify(row["password_hash"] if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return row if row is not None and not row["disabled_at"] else None


def find(conn: sqlite3.Connection, username: str | None) -> sqlite3.Row | None:
    """The account row of `username`, None if there is none."""
    if not username:
        return None
    return conn.execute("SELECT * FROM moderators WHERE username = ?", (username,)).fetchone()


def listing(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every account, enabled ones first, by username."""
    return conn.execute(
        "SELECT * FROM moderators ORDER BY disabled_at IS NOT NULL, lower(username)"
    ).fetchall()


def display_names(conn: sqlite3.Connection) -> dict[str, str]:
    """Username -> display name, for pages that show who did something."""
    return dict(conn.execute("SELECT username, display_name FROM moderators").fetchall())


def administrators_besides(conn: sqlite3.Connection, username: str) -> int:
    """How many enabled administrators other than `username` can log in (an account still
    waiting for its first password cannot: journal.awaiting_first_password)."""
    rows = conn.execute(
        "SELECT username FROM moderators WHERE disabled_at IS NULL AND username != ?"
        " AND (' ' || roles || ' ') LIKE ?",
        (username, f"% {ADMINISTRATION} %"),
    )
    return len({row[0] for row in rows} - journal.awaiting_first_password(conn))


def set_profile(conn, username: str, display_name: str, email: str, roles) -> None:
    conn.execute(
        "UPDATE moderators SET display_name = ?, email = ?, roles = ? WHERE username = ?",
        (display_name, email, " ".join(roles), username),
    )


def set_enabled(conn: sqlite3.Connection, username: str, enabled: bool) -> None:
    conn.execute(
        "UPDATE moderators SET disabled_at = ? WHERE username = ?",
        (None if enabled else clock.now_iso(), username),
    )


def set_password(conn: sqlite3.Connection, username: str, password: str) -> None:
    conn.execute(
        "UPDATE moderators SET password_hash = ? WHERE username = ?",
        (hash_password(password), username),
    )
