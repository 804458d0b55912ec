"""The one-time password link: e-mailed to the address the administrator typed (aiosmtpd), still
shown on the page with a copy button, the page saying whether the e-mail left or why not; and
choosing the password opens the person's session at once."""

import re

import httpx

from service.team import accounts
from tests.support.comments import free_port, make_config, running_service, spaces
from tests.support.room import PASSWORD, ROOM_PATH, add_account, csrf, login

TEAM = ROOM_PATH + "equipe/"
CLAIRE = {"identifiant": "claire.martin", "nom": "Claire Martin", "role_redaction": "1"}


def _link(page: httpx.Response) -> str:
    return re.search(r'id="lien" type="text" readonly value="([^"]+)"', page.text).group(1)


def _create(url: str, email: str) -> tuple[httpx.Client, httpx.Response]:
    admin = login(url, "admin")
    made = admin.post(TEAM, data={"csrf": csrf(admin.get(TEAM)), **CLAIRE, "email": email})
    assert made.status_code == 200, made.text
    return admin, made


def test_the_link_is_emailed_to_the_address_typed_and_the_page_says_so(
    tmp_path, comment_site, smtp_server
):
    config = make_config(
        tmp_path, comment_site, smtp_host=smtp_server.host, smtp_port=smtp_server.port
    )
    add_account(config.core.database, "admin", accounts.ROLES, "Aline Admin")
    with running_service(config) as service:
        admin, made = _create(service.url, "claire@caf.example")
        link = _link(made)
        assert "envoyé par e-mail à claire@caf.example" in spaces(made.text)
        assert "n’a pas pu partir" not in made.text
        assert 'src="/redaction/static/copie.js"' in made.text  # the copy button's script
        message = smtp_server.wait_for(1)[0]
        assert message.recipients == ["claire@caf.example"]
        assert message["Auto-Submitted"] == "auto-generated"
        body = spaces(message.get_content())
        assert link in body and "72 heures" in body and "Aline Admin" in body
        assert "mot de passe" in str(message["Subject"])
        person = httpx.Client(base_url=service.url)
        page = person.get(link)
        assert page.status_code == 200 and "claire.martin" in page.text
        # A new link asked from the account's page goes by e-mail too; the old one dies.
        page = admin.get(TEAM + "claire.martin")
        again = admin.post(TEAM + "claire.martin", data={"csrf": csrf(page), "action": "lien"})
        assert "envoyé par e-mail à claire@caf.example" in spaces(again.text)
        second = smtp_server.wait_for(2)[1]
        assert _link(again) in second.get_content() and _link(again) != link
        assert person.get(link).status_code == 404


def test_without_a_mail_server_the_page_says_why_and_still_shows_the_link(tmp_path, comment_site):
    config = make_config(tmp_path, comment_site, smtp_host="127.0.0.1", smtp_port=free_port())
    add_account(config.core.database, "admin", accounts.ROLES)
    with running_service(config) as service:
        _, made = _create(service.url, "claire@caf.example")
        text = spaces(made.text)
        assert "l’e-mail n’a pas pu partir : " in text, text
        assert "127.0.0.1" in text  # which server: something the administrator can check
        assert _link(made).startswith(service.url + ROOM_PATH + "mot-de-passe/")
        admin = login(service.url, "admin")
        page = admin.get(TEAM + "claire.martin")
        admin.post(
            TEAM + "claire.martin",
            data={"csrf": csrf(page), "nom": "Claire Martin", "email": "", "role_redaction": "1"},
        )
        page = admin.get(TEAM + "claire.martin")
        bare = admin.post(TEAM + "claire.martin", data={"csrf": csrf(page), "action": "lien"})
        assert "pas d’adresse e-mail" in spaces(bare.text) and _link(bare)


def test_choosing_the_password_logs_the_person_in(comment_service):
    url = comment_service.url
    add_account(comment_service.config.core.database, "admin", accounts.ROLES)
    _, made = _create(url, "")
    person = httpx.Client(base_url=url)
    link = _link(made)
    form = person.get(link)
    done = person.post(
        link, data={"csrf": csrf(form), "mot_de_passe": PASSWORD, "confirmation": PASSWORD}
    )
    assert done.status_code == 303 and done.headers["location"] == ROOM_PATH
    home = person.get(ROOM_PATH)  # a guarded page, with the cookie just set
    assert home.status_code == 200 and "Claire Martin" in home.text
    assert person.get(link).status_code == 404  # once only
