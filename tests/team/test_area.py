"""One team area: every team page under /redaction/ behind the one guard, one login page titled
for the team, and the old addresses under /commentaires/moderation/ redirecting to the new."""

import httpx
import pytest
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from service.app import create_app
from service.core.site import Site
from service.team.area import Area
from service.team.guard import Guard, Guarded, requires
from service.team.sessions import LoginThrottle, Sessions
from site_core.paths import (
    LETTRE_TEAM_PATH,
    LOGIN_PATH,
    LOGOUT_PATH,
    MODERATION_PATH,
    OLD_MODERATION_PATH,
    TEAM_PATH,
)

# The only pages anyone may open: logging in and out, and a one-time password link.
PUBLIC = {
    ("/redaction/connexion", "GET"),
    ("/redaction/connexion", "POST"),
    ("/redaction/deconnexion", "POST"),
    ("/redaction/mot-de-passe/{token}", "GET"),
    ("/redaction/mot-de-passe/{token}", "POST"),
}


def walk(routes, prefix: str = ""):
    """(full path, route) for every route of the app, mounts opened."""
    for route in routes:
        if isinstance(route, Mount) and not isinstance(route.app, StaticFiles):
            yield from walk(route.routes, prefix + route.path)
        else:
            yield prefix + route.path, route


def test_every_team_route_is_guarded_or_declared_public(comment_config):
    app = create_app(comment_config)
    public, guarded, static = set(), 0, []
    for path, route in walk(app.routes):
        if not path.startswith(TEAM_PATH):
            continue
        if isinstance(route, Mount):
            static.append(path)
            continue
        assert isinstance(route.endpoint, Guarded), path
        if route.endpoint.rule.roles:
            guarded += 1
        else:
            public |= {(path, method) for method in route.methods - {"HEAD"}}
    assert public == PUBLIC
    assert static == [TEAM_PATH + "static"]  # the room's styles and scripts
    assert guarded >= 20  # articles, images, publications, comments, lettre, accounts, log


def test_a_route_that_declares_nothing_is_refused_when_mounted(comment_config):
    core = comment_config.core
    site, key = Site(core.site_dir), core.secret_key
    area = Area(site, Sessions(key), core.database)
    guard = Guard(area, LoginThrottle(key))

    async def page(request):
        return Response("ouvert à tous")

    with pytest.raises(TypeError, match="declares its role"):
        guard.bind([Route("/oubliee", page)])
    with pytest.raises(TypeError, match="declares its role"):
        guard.bind([Mount("/dossier", routes=[Route("/oubliee", page)])])
    with pytest.raises(ValueError):
        requires()  # a page for everyone is public(), never a guard without a role
    bound = guard.bind([Route("/declaree", requires("redaction")(page))])
    assert isinstance(bound[0].endpoint, Guarded)


def test_the_login_page_is_the_teams(comment_service):
    page = httpx.get(comment_service.url + LOGIN_PATH)
    assert page.status_code == 200
    assert "<title>Connexion — Espace équipe — Caf de l’Essonne</title>" in page.text
    assert "Modération des commentaires" not in page.text
    assert f'action="{LOGIN_PATH}"' in page.text
    cookie = page.headers["set-cookie"].lower()
    assert "path=/redaction;" in cookie and page.headers["set-cookie"].startswith("equipe=")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("", MODERATION_PATH),
        ("?file=indesirables&page=2", MODERATION_PATH + "?file=indesirables&page=2"),
        ("12/modifier?retour=publies", MODERATION_PATH + "12/modifier?retour=publies"),
        ("connexion", LOGIN_PATH),
        (
            "connexion?suite=%2Fredaction%2Fequipe%2F",
            LOGIN_PATH + "?suite=%2Fredaction%2Fequipe%2F",
        ),
        ("lettre", LETTRE_TEAM_PATH),
        ("lettre/abonnes.csv", LETTRE_TEAM_PATH + "/abonnes.csv"),
    ],
)
def test_old_team_addresses_redirect_for_good(comment_service, old, new):
    response = httpx.get(comment_service.url + OLD_MODERATION_PATH + old)
    assert response.status_code == 301
    assert response.headers["location"] == new


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("12/approuver", MODERATION_PATH + "12/approuver"),
        ("12/repondre", MODERATION_PATH + "12/repondre"),
        ("connexion", LOGIN_PATH),
        ("deconnexion", LOGOUT_PATH),
        ("lettre/essai", LETTRE_TEAM_PATH + "/essai"),
    ],
)
def test_old_team_forms_are_sent_again_to_the_new_address(comment_service, old, new):
    response = httpx.post(comment_service.url + OLD_MODERATION_PATH + old, data={"csrf": "x"})
    assert response.status_code == 308  # the browser posts the same form there
    assert response.headers["location"] == new


def test_a_team_page_sends_to_the_login_and_back(comment_service):
    for page in (LETTRE_TEAM_PATH, MODERATION_PATH + "12/modifier"):
        response = httpx.get(comment_service.url + page)
        assert response.status_code == 303
        assert response.headers["location"] == LOGIN_PATH + "?suite=" + page.replace("/", "%2F")
    queue = httpx.get(comment_service.url + MODERATION_PATH)  # where a moderator lands anyway
    assert queue.headers["location"] == LOGIN_PATH
