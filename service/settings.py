"""All the service's settings, one frozen dataclass per domain, read from the environment:
SERVICE_* (shared: core/settings.py), COMMENTS_* (comments/settings.py), LETTRE_*
(lettre/settings.py), REDACTION_* (the room: room/__init__.py). app.py hands each domain its
own."""

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

from service.comments.settings import CommentsSettings
from service.core.settings import CoreSettings, SettingsError
from service.lettre.settings import LettreSettings
from service.room import RoomSettings


@dataclass(frozen=True)
class Settings:
    core: CoreSettings
    comments: CommentsSettings = field(default_factory=CommentsSettings)
    lettre: LettreSettings = field(default_factory=LettreSettings)
    room: RoomSettings = field(default_factory=RoomSettings)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        return cls(
            CoreSettings.from_env(environ),
            CommentsSettings.from_env(environ),
            LettreSettings.from_env(environ),
            RoomSettings.from_env(environ),
        )


def load(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings.from_env for the command line and the server: a bad setting ends the program
    with its French message (status 1), not a traceback."""
    try:
        return Settings.from_env(environ)
    except SettingsError as error:
        sys.exit(str(error))
