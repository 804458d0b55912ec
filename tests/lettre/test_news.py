"""Only news is announced, and a burst is one lettre (issue 19, item 6): articles imported with
their old dates go out to nobody, and the articles of one publication go out in one lettre
listing them; counted in the lettres made and in the e-mails the SMTP server (aiosmtpd)
received."""

import time

from tests.support import lettre as mail
from tests.support.comments import spaces
from tests.support.lettre import article, rows

YEARS_AGO_2012 = 365.25 * 14


def letters(service) -> int:
    return rows(service, "SELECT count(*) FROM letters")[0][0]


def settled(service, count: int) -> None:
    """Wait until the sender saw the new build (`count` articles recorded), then a little more
    for any wrong e-mail to arrive."""
    mail.wait_until(lambda: mail.announced(service) >= len(mail.BACK_CATALOGUE) + count)
    time.sleep(0.5)


def test_issue19_item6_old_articles_imported_are_not_announced(letter_service, smtp_server):
    mail.subscribed(letter_service, smtp_server, "tous@exemple.fr")
    mail.subscribed(letter_service, smtp_server, "semaine@exemple.fr", rythme="weekly")
    mail.publish(
        letter_service, *[article(f"archive-{n}", days_ago=YEARS_AGO_2012 + n) for n in range(5)]
    )
    settled(letter_service, 5)
    assert letters(letter_service) == 0
    assert smtp_server.messages == []
    # Nor are they kept for the weekly digest: they are recorded like the back catalogue.
    assert (
        rows(letter_service, "SELECT count(*) FROM announced WHERE letter_id IS NOT NULL")[0][0]
        == 0
    )


def test_issue19_item6_an_import_of_400_articles_makes_at_most_one_lettre(
    letter_service, smtp_server
):
    mail.subscribed(letter_service, smtp_server, "tous@exemple.fr")
    old = [article(f"ancien-{n}", days_ago=30 + n * 7) for n in range(200)]
    stamped_today = [article(f"importe-{n}", days_ago=0.01 + n / 1e5) for n in range(200)]
    mail.publish(letter_service, *old, *stamped_today)
    mail.wait_until(lambda: mail.received(smtp_server, "tous@exemple.fr"))
    settled(letter_service, 400)
    # The 200 dated today are one lettre; the 200 older ones none.
    assert letters(letter_service) == 1
    assert len(smtp_server.messages) == 1
    [(listed,)] = rows(letter_service, "SELECT json_array_length(articles) FROM letters")
    assert listed == 200


def test_issue19_item6_three_news_in_one_publication_are_one_lettre(letter_service, smtp_server):
    mail.subscribed(letter_service, smtp_server, "tous@exemple.fr")
    themes = {"theme-solidarite": "1"}
    mail.subscribed(letter_service, smtp_server, "solidarite@exemple.fr", **themes)
    news = [
        article("creches", days_ago=0.03, title="Les crèches"),
        article("aide-alimentaire", "solidarite", days_ago=0.02, title="L’aide alimentaire"),
        article("ludotheques", days_ago=0.01, title="Les ludothèques"),
    ]
    mail.publish(letter_service, *news)
    mail.wait_until(lambda: len(smtp_server.messages) >= 2)
    settled(letter_service, 3)
    assert letters(letter_service) == 1
    assert len(smtp_server.messages) == 2  # one e-mail per subscriber
    [everything] = mail.received(smtp_server, "tous@exemple.fr")
    [solidarity] = mail.received(smtp_server, "solidarite@exemple.fr")
    for part in (mail.text_part(everything), mail.html_part(everything)):
        assert all(
            title in part for title in ("Les crèches", "L’aide alimentaire", "Les ludothèques")
        )
    assert "3 nouveaux articles" in everything["Subject"]
    for part in (mail.text_part(solidarity), mail.html_part(solidarity)):
        assert "L’aide alimentaire" in part and "Les crèches" not in part
    assert solidarity["Subject"] == "L’aide alimentaire"
    [(slugs,)] = rows(letter_service, "SELECT articles FROM letters")
    assert all(a.slug in slugs for a in news)
    # The archive page of that lettre lists the three.
    page = letter_service.config.core.site_dir / "lettres/1/index.html"
    mail.wait_until(page.exists)
    assert all(title in page.read_text() for title in ("Les crèches", "Les ludothèques"))


def test_issue19_item6_the_archive_names_a_lettre_by_the_articles_still_online(
    letter_service, smtp_server
):
    """A lettre of two articles, one withdrawn since: the archive lists it by the one left,
    not as « 2 nouveaux articles »."""
    mail.subscribed(letter_service, smtp_server, "tous@exemple.fr")
    kept = article("garde", days_ago=0.02, title="Un entretien gardé")
    withdrawn = article("retire", days_ago=0.01, title="Un entretien retiré")
    mail.publish(letter_service, kept, withdrawn)
    mail.wait_until(lambda: letters(letter_service) == 1)
    later = article("ensuite", days_ago=0.005, title="Un entretien publié ensuite")
    mail.publish(letter_service, kept, later)  # the next build no longer has `withdrawn`
    mail.wait_until(lambda: letters(letter_service) == 2)
    index = letter_service.config.core.site_dir / "lettres/index.html"
    mail.wait_until(lambda: "publié ensuite" in index.read_text())
    shown = index.read_text()
    assert "N° 1 : Un entretien gardé" in spaces(shown), shown
    assert "2 nouveaux articles" not in spaces(shown)
