"""What every domain is built on: the shared settings, the event bus and the built site.

`setup(settings)` makes the `Core` that app.py hands to each domain's own `setup()`; each of
those returns a `Domain`: its routes and its background workers, which app.py mounts, starts
and stops. The core imports no domain.
"""

from dataclasses import dataclass, field
from pathlib import Path

from service.core.events import Bus
from service.core.settings import CoreSettings
from service.core.site import Site


@dataclass(frozen=True)
class Core:
    settings: CoreSettings
    bus: Bus
    site: Site

    @property
    def database(self) -> Path:
        return self.settings.database


def setup(settings: CoreSettings) -> Core:
    return Core(settings, Bus(), Site(settings.site_dir, settings.site_url))


@dataclass(kw_only=True)
class Domain:
    """What a domain's `setup()` gives the factory: its routes by the path they are mounted
    under (site_core.paths: COMMENTS_ENDPOINT, MODERATION_PATH, ROOM_PATH), and its workers
    (`start()`, `stop()`), started in order with the service and stopped in reverse."""

    routes: dict[str, list] = field(default_factory=dict)
    workers: list = field(default_factory=list)
