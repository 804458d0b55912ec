"""French dates, independent of the machine's locale: « 10 janvier 2022 » and
« 10 janvier 2022 à 14 h 05 », formatted with Babel in Europe/Paris time.

The build's templates (filters `date_fr`, `datetime_fr`), the comment service's pages and its
e-mails all format dates here, so they read alike. A date is never split across two lines:
day, month and year, and the parts of « 14 h 05 », are joined by no-break spaces (U+00A0).
"""

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import get_month_names

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"
MONTHS = get_month_names("wide", locale="fr")


# Each date is shown on many pages (article, lists, archives): format it once.
@lru_cache(maxsize=16384)
def format_date(value: date | datetime, with_time: bool = False) -> str:
    """Return `value` as French text; aware datetimes are shown in Paris time."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(PARIS)
    # French writes the first day of a month as an ordinal: « 1er mars ».
    day = "1er" if value.day == 1 else str(value.day)
    text = f"{day}{NBSP}{MONTHS[value.month]}{NBSP}{value.year}"
    if with_time and isinstance(value, datetime):
        text += f" à {value.hour}{NBSP}h{NBSP}{value.minute:02d}"
    return text


def format_datetime(value: datetime) -> str:
    return format_date(value, with_time=True)


def format_datetime_seconds(value: datetime) -> str:
    """« 8 mars 2026 à 10 h 02 min 37 s »: for a history, where two saves in one minute must
    be told apart."""
    if value.tzinfo is not None:
        value = value.astimezone(PARIS)
    minute = format_date(value.replace(second=0, microsecond=0), with_time=True)
    return f"{minute}{NBSP}min{NBSP}{value.second:02d}{NBSP}s"


# The Jinja filters of the build's and the service's templates.
FILTERS = {"date_fr": format_date, "datetime_fr": format_datetime}
