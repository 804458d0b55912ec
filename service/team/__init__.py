"""The team: accounts and roles, sessions, the guard every team page goes through, the login
pages, the accounts' pages and the team's log.

`setup(core)` makes the area (area.Area: how a team page is drawn) that the comments, the lettre
and the room are handed for their team pages, the guard (guard.Guard: the one door of
/redaction/, where roles and CSRF are checked) that app.py binds every team route to, and the
team's own routes: login and logout, the accounts, the log.
"""

from dataclasses import dataclass

from service.core import Core, Domain
from service.team.accounts_pages import TeamPages
from service.team.area import Area
from service.team.guard import Guard
from service.team.login_pages import LoginPages
from service.team.sessions import LoginThrottle, Sessions
from site_core.paths import TEAM_PATH


@dataclass(kw_only=True)
class TeamDomain(Domain):
    guard: Guard
    area: Area


def setup(core: Core) -> TeamDomain:
    secret_key = core.settings.secret_key
    area = Area(core.site, Sessions(secret_key), core.database)
    guard = Guard(area, LoginThrottle(secret_key))
    routes = {TEAM_PATH: [*LoginPages(guard).routes(), *TeamPages(guard, core.settings).routes()]}
    return TeamDomain(routes=routes, guard=guard, area=area)
