"""The lettre's e-mails as a reader's mail program shows them: their HTML part opened in
Debian's Chromium at 320 px and 600 px, axe-core (WCAG 2.1 A and AA) finds nothing, nothing
overflows, and with images blocked (as many mail programs do) the text is all there.

Screenshots go to the test's temporary folder (and to LETTER_SCREENSHOTS if set, to look at)."""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.browser import axe_violations
from tests.support.comments import running_service
from tests.support.lettre import (
    article,
    confirm_by_mail,
    html_part,
    letter_config,
    moderate,
    post_comment,
    publish,
    received,
    rows,
    subscribe,
    subscribed,
    wait_until,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def messages(tmp_path, letter_site, smtp_server) -> dict:
    """A confirmation, a one-article lettre (with a card image) and a digest, as sent."""
    config = letter_config(
        tmp_path,
        letter_site,
        smtp_server,
        digest_day=datetime.now().weekday(),
        digest_hour=0,
        confirm_interval=0,  # the follow's confirmation below goes at once
    )
    with running_service(config) as service:
        wait_until(lambda: rows(service, "SELECT count(*) FROM announced")[0][0] == 2)
        assert subscribe(service, "confirmer@exemple.fr").status_code == 303
        confirmation = smtp_server.wait_for(1)[0]
        subscribed(service, smtp_server, "chaque@exemple.fr")
        subscribed(service, smtp_server, "semaine@exemple.fr", rythme="weekly")
        long_title = (
            "Petite enfance : comment les relais petite enfance accompagnent les assistantes "
            "maternelles et les familles de l’Essonne au quotidien"
        )
        relais = article("relais", days_ago=0.02, title=long_title, image="images/relais.jpg")
        publish(service, relais)  # two publications: two one-article lettres
        wait_until(lambda: len(received(smtp_server, "chaque@exemple.fr")) == 1)
        publish(
            service,
            relais,
            article("aide-alimentaire", "solidarite", days_ago=0.01, title="L’aide alimentaire"),
        )
        wait_until(lambda: len(received(smtp_server, "chaque@exemple.fr")) == 2)
        # A discussion followed (confirmed by e-mail, as every follow), and an approved reply.
        first = post_comment(service, email="chaque@exemple.fr", suivre_reponses="1")
        wait_until(lambda: len(received(smtp_server, "chaque@exemple.fr")) == 3)
        asked = received(smtp_server, "chaque@exemple.fr")[2]
        assert confirm_by_mail(service, asked).status_code == 200
        smtp_server.messages.remove(asked)
        moderate(service, first, "approved")
        reply = post_comment(
            service,
            parent=str(first),
            nom="Bob Dupont",
            email="bob@exemple.fr",
            commentaire="Bonne question : voici notre expérience.\n\nUn second paragraphe.",
        )
        moderate(service, reply, "approved")
        wait_until(lambda: len(received(smtp_server, "chaque@exemple.fr")) == 3)
        service.parts.lettre.sender.clock = lambda: datetime.now(UTC) + timedelta(days=7)
        service.parts.lettre.sender.wake()
        wait_until(lambda: received(smtp_server, "semaine@exemple.fr"))
    single = next(m for m in received(smtp_server, "chaque@exemple.fr") if "relais" in m["Subject"])
    return {
        "confirmation": confirmation,
        "lettre": single,
        "recapitulatif": received(smtp_server, "semaine@exemple.fr")[0],
        "reponse": received(smtp_server, "chaque@exemple.fr")[2],
    }


@pytest.mark.parametrize("width", [320, 600])
def test_html_e_mails_pass_axe_fit_and_read_without_images(browser, messages, tmp_path, width):
    shots = Path(os.environ.get("LETTER_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    for name, message in messages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html_part(message), encoding="utf-8")
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.route(
            "**/*",
            lambda route: route.abort() if "example" in route.request.url else route.continue_(),
        )  # images blocked, as in many mail programs
        try:
            page.goto(path.as_uri(), wait_until="load")
            assert axe_violations(page) == [], name
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            text = page.evaluate("document.body.innerText")
            assert "Caf de l’Essonne" in text and len(text) > 300, name
            page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
        finally:
            context.close()
