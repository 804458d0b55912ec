"""Hostile requests to the autosave and live preview routes: another account's autosave out
of reach, odd paths and malformed or huge bodies refused without a server error."""

import httpx

from tests.room.pages.test_drafts import autosave_rows, typed
from tests.room.pages.test_live import live_url
from tests.support.room import ROOM_PATH, add_account, editor_url, form_fields, login

ARTICLE = "territorialisation-se-concretise"


def test_malformed_or_huge_bodies_to_the_new_routes_never_give_a_server_error(room):
    client = login(room.url, "claire")
    url = editor_url("articles", ARTICLE)
    fields = form_fields(client.get(url))
    posts = [
        ("multipart/form-data; boundary=xyz", b"--xyz\r\nbroken\r\n\r\n--"),
        ("multipart/form-data", b"garbage"),
        ("application/x-www-form-urlencoded", b"%%%=%zz&csrf=" + fields["csrf"].encode()),
        ("application/x-www-form-urlencoded", b"x=" + b"a" * (9 * 1024 * 1024)),
        ("application/json", b"{"),
    ]
    for target in (url + "brouillon", ROOM_PATH + "nouveau/brouillon", live_url()):
        for kind, body in posts:
            answer = client.post(target, content=body, headers={"content-type": kind})
            assert answer.status_code < 500, (target, kind, answer.status_code, answer.text)


def test_path_tricks_in_the_autosave_routes_keep_nothing(room):
    client = login(room.url, "claire")
    fields = typed(form_fields(client.get(editor_url("articles", ARTICLE))))
    for path in (
        "articles/..%2F..%2Fetc/brouillon",
        "..%2Farticles/x/brouillon",
        "images/x/brouillon",
        "articles/.hidden/brouillon",
    ):
        answer = client.post(ROOM_PATH + path, data=fields)
        assert answer.status_code in (404, 405), (path, answer.status_code, answer.text)
    for key in ("../../x", "short", "a" * 41, "abc/defghij"):
        answer = client.post(ROOM_PATH + "nouveau/brouillon", data={**fields, "cle": key})
        assert answer.status_code == 404, (key, answer.text)


def test_a_colleague_neither_reads_nor_forgets_anothers_autosave(room):
    claire, karim = login(room.url, "claire"), login(room.url, "karim")
    url = editor_url("articles", ARTICLE)
    fields = typed(form_fields(claire.get(url)))
    assert claire.post(url + "brouillon", data=fields).status_code == 200
    seen = karim.get(url + "?brouillon=reprendre")
    assert "Un chapô tapé avant la panne." not in seen.text
    theirs = form_fields(karim.get(url))
    karim.post(url + "brouillon/ignorer", data={"csrf": theirs["csrf"]})
    assert [row["username"] for row in autosave_rows(room, f"articles/{ARTICLE}.md")] == ["claire"]


def test_the_new_routes_are_for_the_redaction_role_and_need_a_token(room):
    add_account(room.config.core.database, "modo", ("moderation",))
    url = editor_url("articles", ARTICLE)
    claire = login(room.url, "claire")
    fields = typed(form_fields(claire.get(url)))
    before = [tuple(row) for row in autosave_rows(room, f"articles/{ARTICLE}.md")]
    gets = [ROOM_PATH + "images/choix", url + "?brouillon=reprendre"]
    posts = [
        url + "brouillon",
        url + "brouillon/ignorer",
        ROOM_PATH + "nouveau/brouillon",
        live_url(),
        ROOM_PATH + "images/envoi",
    ]
    modo, stranger = login(room.url, "modo"), httpx.Client(base_url=room.url)
    for client in (modo, stranger):
        for target in gets:
            answer = client.get(target)
            assert answer.status_code in (302, 303, 403), (target, answer.status_code)
            assert "Un chapô tapé" not in answer.text and '"images"' not in answer.text
        for target in posts:
            answer = client.post(target, data=fields)
            assert answer.status_code in (302, 303, 403), (target, answer.status_code)
    for target in posts:  # claire, with a token not hers
        answer = claire.post(target, data={**fields, "csrf": "pas-le-bon"})
        assert answer.status_code in (403, 400), (target, answer.status_code)
    assert [tuple(row) for row in autosave_rows(room, f"articles/{ARTICLE}.md")] == before
