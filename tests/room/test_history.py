"""The articles list (statuses, filters, search, last change, pending comments) and an
article's history (view, compare, restore), over real HTTP; and the status the list shows for a
file at a given time (catalog.py `status_of`): brouillon, masqué, programmé (published, dated
in the future, Paris time) or en ligne."""

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from service.core import db
from service.room.articles import parse
from service.room.catalog import status_of
from tests.support.comments import spaces
from tests.support.room import (
    ROOM_PATH,
    add_account,
    csrf,
    editor_url,
    forget,
    form_fields,
    login,
    work_text,
)


def titles(page: httpx.Response) -> list[str]:
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', spaces(page.text))


def test_every_area_page_needs_the_redaction_role(room):
    add_account(room.config.core.database, "modo", ("moderation",))
    anonymous = httpx.get(room.url + ROOM_PATH + "articles/30-ans-caf-essonne/revisions")
    assert anonymous.status_code == 303
    assert (
        "suite=%2Fredaction%2Farticles%2F30-ans-caf-essonne%2Frevisions"
        in (anonymous.headers["location"])
    )
    modo = login(room.url, "modo")
    for path in ("", "nouveau", "articles/30-ans-caf-essonne/", "pages/a-propos/revisions"):
        assert modo.get(ROOM_PATH + path).status_code == 403, path
    token = csrf(modo.get(ROOM_PATH))
    refused = modo.post(editor_url("pages", "a-propos"), data={"csrf": token, "chapo": "x"})
    assert refused.status_code == 403


def test_the_list_shows_statuses_filters_and_searches(room):
    client = login(room.url, "claire")
    page = client.get(ROOM_PATH)
    assert page.status_code == 200
    assert len(titles(page)) == 11  # 5 articles and 6 pages
    assert titles(page)[0] == "Les enjeux prioritaires de 2022"  # newest first
    assert "10 en ligne, 0 programmé, 1 masqué, 0 brouillon, 0 retiré." in spaces(page.text)
    # A draft, saved by Claire.
    form = form_fields(client.get(ROOM_PATH + "nouveau"))
    form.update(
        titre="Économie sociale : un entretien",
        theme="Solidarité",
        chapo="Un chapô.",
        **{"intervenant-1-nom": "Awa Diallo"},
    )
    assert client.post(ROOM_PATH + "nouveau", data=form).status_code == 303
    drafts = client.get(ROOM_PATH + "?statut=brouillon")
    assert titles(drafts) == ["Économie sociale : un entretien"]
    assert "Claire Martin" in drafts.text and "status--brouillon" in drafts.text
    assert titles(client.get(ROOM_PATH + "?q=economie"))[0].startswith("Économie")
    assert titles(client.get(ROOM_PATH + "?q=CONCRETISE")) == [
        "La démarche de territorialisation se concrétise"
    ]
    themed = titles(client.get(ROOM_PATH + "?theme=Vie+de+la+Caf&type=articles"))
    assert themed == [
        "Les enjeux prioritaires de 2022",
        "30 ans d’actions innovantes et partenariales au service des Essonniens",
    ]
    assert titles(client.get(ROOM_PATH + "?statut=masque")) == ["Page introuvable"]
    assert len(titles(client.get(ROOM_PATH + "?type=pages"))) == 6
    assert not Path(
        room.config.room.content_dir, "articles", "economie-sociale-un-entretien.md"
    ).exists()
    forget(room, "articles/economie-sociale-un-entretien.md")


def test_pending_comments_are_counted_per_article(room):
    conn = db.connect(room.config.core.database)
    conn.execute(
        "INSERT INTO comments (article_slug, author_name, author_email, body, status, created_at)"
        " VALUES ('30-ans-caf-essonne', 'Léa', 'lea@example.org', 'Bravo', 'pending', 'now')"
    )
    conn.close()
    page = login(room.url, "claire").get(ROOM_PATH + "?q=30+ans")
    row = page.text.split("30 ans d’actions")[1].split("</tr>")[0]
    last_cell = r"<td><span class=\"cell-label\">Commentaires en attente\s:\s</span>"
    assert re.search(last_cell + r"(<a [^>]+>)?1(</a>)?</td>$", row.strip())


def test_any_revision_is_shown_compared_and_restored(room):
    url = editor_url("articles", "service-public-mobilise-crise-sanitaire")
    path = Path(
        room.config.room.content_dir, "articles", "service-public-mobilise-crise-sanitaire.md"
    )
    original = path.read_text(encoding="utf-8")
    claire = login(room.url, "claire")
    saved = claire.post(url, data={**form_fields(claire.get(url)), "titre": "Un titre changé"})
    assert saved.status_code == 303
    relative = "articles/service-public-mobilise-crise-sanitaire.md"
    assert "Title: Un titre changé\n" in work_text(room, relative)
    assert path.read_text(encoding="utf-8") == original  # work in progress, not online
    history = claire.get(url + "revisions")
    assert history.status_code == 200
    assert "n° 2 (actuelle)" in spaces(history.text) and "Claire Martin" in history.text
    assert "Enregistrement demandé" not in history.text  # the log says « Enregistrement »
    first = claire.get(url + "revisions/1")
    assert "Retiré : </span>Title: Un employeur responsable" in spaces(first.text)
    assert "Ajouté : </span>Title: Un titre changé" in spaces(first.text)
    # A restore from a page opened before someone else's save is refused.
    stale = form_fields(first)
    karim = login(room.url, "karim")
    assert (
        karim.post(
            url, data={**form_fields(karim.get(url)), "chapo": "Chapô de Karim."}
        ).status_code
        == 303
    )
    refused = claire.post(url + "revisions/1/restaurer", data=stale)
    assert refused.status_code == 409 and "karim a enregistré" in spaces(refused.text)
    restored = claire.post(
        url + "revisions/1/restaurer", data=form_fields(claire.get(url + "revisions/1"))
    )
    assert restored.status_code == 303 and "fait=restaure&n=4" in restored.headers["location"]
    assert work_text(room, relative) == original
    assert path.read_text(encoding="utf-8") == original
    kinds = re.findall(r"<td>([^<]+)</td>\s*<td>\s*<a", claire.get(url + "revisions").text)
    assert kinds[0] == "Restauration d’une révision"
    assert claire.get(url + "revisions/99").status_code == 404
    assert claire.post(url + "revisions/1/restaurer", data={"revision": "4"}).status_code == 403


PARIS = "Europe/Paris"
# 2 March 2026, 10:00 in Paris is 09:00 UTC (winter time).
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def status(metadata: str, kind: str = "article", now: datetime = NOW) -> str:
    return status_of(parse(f"Title: Un titre\n{metadata}\nCorps.\n"), kind, PARIS, now)


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ("Date: 2026-03-01 10:00\n", "publie"),
        ("Date: 2026-03-01\nStatus: published\n", "publie"),
        ("", "publie"),  # no date: the build dates it, it is online
        ("Date: pas une date\n", "publie"),
        ("Date: 2026-03-01\nStatus: draft\n", "brouillon"),
        ("Date: 2026-03-01\nStatus: Draft\n", "brouillon"),
        ("Date: 2027-01-01\nStatus: draft\n", "brouillon"),  # a draft, even dated later
        ("Date: 2026-03-01\nStatus: hidden\n", "masque"),
        ("Date: 2027-01-01\nStatus: hidden\n", "masque"),
        ("Date: 2026-03-03 08:00\n", "programme"),
        ("Date: 2026-03-03 08:00\nStatus: published\n", "programme"),
    ],
)
def test_the_status_of_an_article(metadata, expected):
    assert status(metadata) == expected


def test_a_page_dated_in_the_future_is_not_scheduled():
    assert status("Date: 2027-01-01\n", kind="page") == "publie"
    assert status("Date: 2027-01-01\nStatus: hidden\n", kind="page") == "masque"


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2026-03-02 09:59", "publie"),
        ("2026-03-02 10:00", "publie"),  # its time has come
        ("2026-03-02 10:01", "programme"),
        ("2026-03-02T10h01", "programme"),
        ("2026-03-02", "publie"),  # midnight
    ],
)
def test_the_date_is_read_in_the_site_time_zone(date, expected):
    """10:00 Paris is 09:00 UTC: an article dated 10:01 is still a minute away."""
    assert status(f"Date: {date}\n") == expected


def test_summer_time_moves_the_hour():
    """On 30 March (summer time, UTC+2) 10:00 in Paris is 08:00 UTC."""
    at_eight_utc = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    assert status("Date: 2026-03-30 10:00\n", now=at_eight_utc) == "publie"
    assert status("Date: 2026-03-30 10:01\n", now=at_eight_utc) == "programme"


def test_history_times_are_shown_to_the_second_in_paris_time(room):
    """Two saves in the same minute must be told apart: « 10 h 02 min 37 s »."""
    url = editor_url("articles", "30-ans-caf-essonne")
    claire = login(room.url, "claire")
    saved = claire.post(url, data={**form_fields(claire.get(url)), "chapo": "Chapô à la seconde."})
    assert saved.status_code == 303
    for page in (claire.get(url + "revisions"), claire.get(url + "revisions/1")):
        times = re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', page.text)
        assert times
        for stored, shown in times:
            moment = datetime.fromisoformat(stored).astimezone(ZoneInfo(PARIS))
            wanted = f"à {moment.hour} h {moment.minute:02d} min {moment.second:02d} s"
            assert spaces(shown).endswith(wanted), (stored, shown)


def test_history_links_and_buttons_names_contain_their_visible_label(room):
    """RGAA 6.1.5 / 11.9.2: a name set by aria-label keeps the words shown, in their order."""
    url = editor_url("articles", "service-public-mobilise-crise-sanitaire")
    claire = login(room.url, "claire")
    claire.post(url, data={**form_fields(claire.get(url)), "chapo": "Un chapô changé."})
    page = claire.get(url + "revisions").text
    named = re.findall(r'<(?:a|button)\b[^>]*aria-label="([^"]+)"[^>]*>([^<]+)<', page)
    assert len(named) >= 3
    for name, shown in named:
        assert " ".join(shown.split()).lower() in name.lower(), (name, shown)
