"""The event bus (core/events.py): each domain's setup connects its handlers, so a fully
assembled service (web or command line) has a handler for every event, and two services in one
process never hear each other."""

import pytest

from service.app import assemble
from service.core.events import EVENTS, MAIL_QUEUED, Bus
from tests.support.comments import make_config


def test_every_event_has_a_handler_once_assembled(tmp_path, comment_site):
    config = make_config(
        tmp_path,
        comment_site,
        comments={"republish": True},
        room={"publish_copy": "true", "content_dir": tmp_path / "content"},
    )
    bus = assemble(config).core.bus
    assert {name: len(bus.handlers(name)) for name in EVENTS} == {name: 1 for name in EVENTS}


def test_two_services_have_their_own_bus():
    heard = []
    first, second = Bus(), Bus()
    first.connect(MAIL_QUEUED, lambda: heard.append("first"))
    second.connect(MAIL_QUEUED, lambda: heard.append("second"))
    second.emit(MAIL_QUEUED, None)
    assert heard == ["second"]


def test_an_unknown_event_is_refused():
    with pytest.raises(KeyError, match="no event named 'comment-saved'"):
        Bus().connect("comment-saved", print)
