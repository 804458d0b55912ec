"""A publication from the writing room reaches the lettre's subscribers (issues 10 and 11): the
room's publisher wakes the sender, so the e-mail leaves without waiting for its next poll."""

import httpx

from tests.support.comments import running_service
from tests.support.lettre import PUBLIC, received, subscribed, text_part, wait_until
from tests.support.room import ROOM_PATH, add_account, login, new_article, publish_now, room_config


def test_an_article_published_in_the_room_is_mailed_to_subscribers(tmp_path, smtp_server):
    config = room_config(
        tmp_path,
        tmp_path / "public" / "site",
        site_url=PUBLIC,
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        mail_from="Caf de l’Essonne <lettre@caf-essonne.example.fr>",
        lettre={
            "poll_seconds": 3600,  # only the publisher's wake can make it in time
            "rate": 0,
            "min_fill_seconds": 0,
        },
    )
    (tmp_path / "public").mkdir()
    add_account(config.core.database, "claire", name="Claire Martin")
    with running_service(config, serve_site=True) as service:
        assert publish_now(service)["state"] == "done"  # the launch articles: never announced
        subscribed(service, smtp_server, "mairie@exemple.fr")
        service.site.address = service.url  # log in over http: session cookies without Secure
        client = login(service.url, "claire")
        service.site.address = PUBLIC  # the e-mails' links
        form = new_article(client, "La Ctg signée à Massy", action="publier")
        form["chapo"] = "La commune et la Caf signent leur convention."
        assert client.post(ROOM_PATH + "nouveau", data=form).status_code == 303
        wait_until(lambda: received(smtp_server, "mairie@exemple.fr"), timeout=120)
        (lettre,) = received(smtp_server, "mairie@exemple.fr")
        assert "La Ctg signée à Massy" in lettre["Subject"]
        text = text_part(lettre)
        assert "La commune et la Caf signent leur convention." in text
        assert f"{PUBLIC}/articles/la-ctg-signee-a-massy/" in text
        assert "/commentaires/lettre/" in lettre["List-Unsubscribe"]
        # Only the new article: the launch articles online before were not announced.
        assert len(smtp_server.messages) == 1
        assert httpx.get(service.url + "/lettres/").status_code == 200
