"""Online version and work in progress (issue 18): what readers see is what someone published.

Saving or restoring changes only the room's work in progress; a colleague's publication of
another article never carries it to the site."""

import httpx

from tests.support.comments import spaces
from tests.support.room import (
    ROOM_PATH,
    editor_url,
    form_fields,
    job_of,
    login,
    new_article,
    wait_job,
)

SECRET = "BROUILLON À NE PAS PUBLIER"


def published(service, client, title: str) -> str:
    """A new article, published and online; its editor's address."""
    form = {**new_article(client, title), "action": "publier"}
    job = job_of(client.post(ROOM_PATH + "nouveau", data=form))
    assert wait_job(service, job)["state"] == "done"
    slug = client.get(f"{ROOM_PATH}publications/{job}").text.split("/redaction/articles/")[1]
    return editor_url("articles", slug.split("/")[0])


def reader_sees(service, slug: str) -> str:
    """The article's page, the home page and the feed, as a reader gets them."""
    pages = [f"/articles/{slug}/", "/", "/flux/tous.atom.xml"]
    return "\n".join(httpx.get(service.url + page).text for page in pages)


def test_a_saved_change_stays_off_the_site_when_a_colleague_publishes_another(site):
    claire, karim = login(site.url, "claire"), login(site.url, "karim")
    url = published(site, claire, "Un article tenu à jour")
    saved = claire.post(url, data={**form_fields(claire.get(url)), "chapo": SECRET})
    assert saved.status_code == 303
    assert SECRET in claire.get(url).text  # the editor opens the work in progress
    published(site, karim, "L’article d’un collègue")
    seen = reader_sees(site, "un-article-tenu-a-jour")
    assert "Un article tenu à jour" in seen and SECRET not in seen


def test_restoring_the_first_revision_leaves_the_article_online(site):
    claire, karim = login(site.url, "claire"), login(site.url, "karim")
    url = published(site, claire, "Un article restauré")
    first = claire.get(url + "revisions/1")
    restored = claire.post(url + "revisions/1/restaurer", data=form_fields(first))
    assert restored.status_code == 303
    published(site, karim, "Une autre publication")
    page = httpx.get(site.url + "/articles/un-article-restaure/")
    assert page.status_code == 200 and "Un article restauré" in page.text
    assert "en ligne, modifications non publiées" in spaces(claire.get(url).text)
