"""Hostile input to the live preview: a slug that climbs out of the account's preview folder
(the build drew the share card at `images/partage/<slug>.png`, up into the public site)."""

from pathlib import Path

from tests.room.pages.test_live import live_form, live_url
from tests.support.room import login


def test_live_preview_refuses_a_slug_climbing_out_of_the_preview_folder(room):
    client = login(room.url, "claire")
    root = Path(room.config.room.content_dir).parent
    for slug in ("../../../../evade-xyz", "../../../../../site/evade-xyz"):
        answer = client.post(live_url(), data=live_form(client, slug=slug))
        assert answer.status_code == 422, answer.text
        assert "slug" in answer.json()["problemes"]
    assert list(root.rglob("*evade-xyz*")) == []
