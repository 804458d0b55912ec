"""The writing room (« Espace rédaction », issue 10) under /redaction/: the team writes,
illustrates, previews and publishes articles in the browser, while the Markdown files in the
content folder stay the single source of truth.

`Room(config, parts, area)` assembles its pages and background workers; app.py mounts its
routes and starts and stops it with the service.
"""

from pathlib import Path

from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..area import Area
from ..team import TeamPages

STATIC = Path(__file__).parent / "static"


class Room:
    def __init__(self, config, parts, area: Area):
        self.config = config
        self.parts = parts
        self.area = area
        self.team = TeamPages(area)

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def routes(self) -> list[Route | Mount]:
        return [
            *self.team.routes(),
            Mount("/static", StaticFiles(directory=STATIC), name="room-static"),
        ]
