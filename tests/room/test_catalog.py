"""The status the room shows for a file at a given time (service/room/catalog.py `status_of`):
brouillon, masqué, programmé (published, dated in the future, Paris time) or publié."""

from datetime import UTC, datetime

import pytest

from service.room.articles import parse
from service.room.catalog import status_of

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
