"""When the weekly digest is due (service/lettre/announce.py `digest_period`): from its day and
hour in Paris time, whatever the zone of the clock, on both sides of a change of time, and
named by its ISO week."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from service.lettre.announce import digest_period

MONDAY, FRIDAY, SUNDAY = 0, 4, 6
WINTER = timezone(timedelta(hours=1))  # Paris in winter (CET)
SUMMER = timezone(timedelta(hours=2))  # Paris in summer (CEST)


def at(*fields, zone=WINTER) -> datetime:
    return datetime(*fields, tzinfo=zone)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(2026, 1, 12, 8, 59), None),  # Monday of week 3, before 9:00
        (at(2026, 1, 12, 9, 0), "2026-W03"),
        (at(2026, 1, 14, 16, 0), "2026-W03"),
        (at(2026, 1, 18, 23, 59), "2026-W03"),  # Sunday night: still week 3's
        (at(2026, 1, 19, 8, 59), None),  # the next Monday, before its time
        (at(2026, 1, 19, 9, 0), "2026-W04"),
    ],
)
def test_due_from_its_day_and_hour(now, expected):
    assert digest_period(now, MONDAY, 9) == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(2026, 1, 15, 20, 0), None),  # Thursday
        (at(2026, 1, 16, 16, 59), None),  # Friday, before 17:00
        (at(2026, 1, 16, 17, 0), "2026-W03"),
        (at(2026, 1, 17, 10, 0), "2026-W03"),  # Saturday
    ],
)
def test_another_day_of_the_week(now, expected):
    assert digest_period(now, FRIDAY, 17) == expected


def test_the_clock_is_read_in_paris_time():
    # 07:30 UTC is 08:30 in Paris.
    assert digest_period(datetime(2026, 1, 12, 7, 30, tzinfo=UTC), MONDAY, 8) == "2026-W03"
    assert digest_period(datetime(2026, 1, 12, 6, 59, tzinfo=UTC), MONDAY, 8) is None
    # Sunday 23:30 UTC is already Monday 00:30 in Paris: the new week's digest is due.
    assert digest_period(datetime(2026, 1, 11, 23, 30, tzinfo=UTC), MONDAY, 0) == "2026-W03"
    # ... so a digest set on Sunday at 23:00 is six days away, not half an hour ago.
    assert digest_period(datetime(2026, 1, 11, 23, 30, tzinfo=UTC), SUNDAY, 23) is None


def test_summer_time_moves_the_hour_in_utc():
    """Monday 9:00 in Paris is 08:00 UTC the week before the change (29 March 2026), 07:00 UTC
    the week after."""
    assert digest_period(datetime(2026, 3, 23, 7, 59, tzinfo=UTC), MONDAY, 9) is None
    assert digest_period(datetime(2026, 3, 23, 8, 0, tzinfo=UTC), MONDAY, 9) == "2026-W13"
    assert digest_period(datetime(2026, 3, 30, 6, 59, tzinfo=UTC), MONDAY, 9) is None
    assert digest_period(datetime(2026, 3, 30, 7, 0, tzinfo=UTC), MONDAY, 9) == "2026-W14"


def test_an_hour_that_does_not_exist_on_the_day_of_the_change():
    """On Sunday 29 March 2026 the clocks go from 2:00 to 3:00: a digest set at 2:00 is due
    from 3:00 summer time, not an hour later or never."""
    assert digest_period(at(2026, 3, 29, 1, 59), SUNDAY, 2) is None
    assert digest_period(at(2026, 3, 29, 3, 0, zone=SUMMER), SUNDAY, 2) == "2026-W13"


def test_an_hour_that_happens_twice_on_the_day_of_the_change():
    """On Sunday 25 October 2026 the clocks go from 3:00 back to 2:00: a digest set at 2:00 is
    due from the first 2:00 (summer time), for the same week both times."""
    assert digest_period(at(2026, 10, 25, 1, 59, zone=SUMMER), SUNDAY, 2) is None
    assert digest_period(at(2026, 10, 25, 2, 0, zone=SUMMER), SUNDAY, 2) == "2026-W43"
    assert digest_period(at(2026, 10, 25, 2, 0, zone=WINTER), SUNDAY, 2) == "2026-W43"


def test_the_period_is_the_iso_week_and_its_year():
    assert digest_period(at(2026, 12, 28, 9, 0), MONDAY, 9) == "2026-W53"
    assert digest_period(at(2027, 1, 1, 10, 0), MONDAY, 9) == "2026-W53"  # a Friday
    assert digest_period(at(2027, 1, 4, 9, 0), MONDAY, 9) == "2027-W01"
