"""Hostile requests to the image picker's JSON: odd page numbers and malformed bodies are
answered, never a server error."""

from tests.room.pages.test_picker import LIST, SEND
from tests.support.room import ROOM_PATH, csrf, login


def test_picker_listing_takes_any_page_number_without_a_server_error(room):
    client = login(room.url, "claire")
    for page in ("²", "١", "0", "-1", "99999", "1e3", "", "٣٣"):
        answer = client.get(LIST, params={"page": page})
        assert answer.status_code == 200, (page, answer.text)
        assert answer.json()["page"] == 1


def test_picker_upload_malformed_bodies_are_refused_in_french(room):
    client = login(room.url, "claire")
    token = csrf(client.get(ROOM_PATH + "images/"))
    bodies = [
        ("multipart/form-data; boundary=xyz", b"--xyz\r\nnot a header\r\n\r\n--"),
        ("multipart/form-data", b"garbage"),
        ("application/json", b'{"alt": "x"}'),
        ("application/x-www-form-urlencoded", f"csrf={token}&alt=x".encode()),
    ]
    for kind, body in bodies:
        answer = client.post(SEND, content=body, headers={"content-type": kind})
        assert answer.status_code < 500, (kind, answer.status_code, answer.text)
