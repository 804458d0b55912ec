"""The team: accounts and roles, sessions, the guard every team page goes through, the login
pages, the accounts' pages and the team's log.

`setup(core)` makes the guard (`auth`: login.Auth; `area`: area.Area, the pages under
/redaction/) that the comments, the lettre and the room are handed for their team pages, and
the team's own routes: login and logout, the accounts, the log.
"""

from dataclasses import dataclass

from service.core import Core, Domain
from service.team.accounts_pages import TeamPages
from service.team.area import Area
from service.team.login import Auth
from site_core.paths import MODERATION_PATH, ROOM_PATH


@dataclass(kw_only=True)
class TeamDomain(Domain):
    auth: Auth
    area: Area


def setup(core: Core) -> TeamDomain:
    auth = Auth(core.database, core.settings.secret_key, core.site)
    area = Area(auth, core.database)
    routes = {MODERATION_PATH: auth.routes(), ROOM_PATH: TeamPages(area).routes()}
    return TeamDomain(routes=routes, auth=auth, area=area)
