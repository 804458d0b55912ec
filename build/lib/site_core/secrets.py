"""The signing key shared by the build and the service on one machine."""

import secrets
from pathlib import Path


def signing_key(explicit: str, database: Path) -> str:
    """`explicit` (production: COMMENTS_SECRET_KEY), else the development key kept beside the
    comment database, generated once so tokens and sessions survive restarts."""
    if explicit:
        return explicit
    path = Path(database).parent / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    path.write_text(key + "\n")
    path.chmod(0o600)
    return key
