"""French dates, independent of the machine's locale: « 10 janvier 2022 » and
« 10 janvier 2022 à 14 h 05 », formatted with Babel in Europe/Paris time.

The build's templates (filters `date_fr`, `datetime_fr`), the comment service's pages and its
e-mails all format dates here, so they read alike.
"""

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date

PARIS = ZoneInfo("Europe/Paris")


# Each date is shown on many pages (article, lists, archives): format it once.
@lru_cache(maxsize=16384)
def format_date(value: date | datetime, with_time: bool = False) -> str:
    """Return `value` as French text; aware datetimes are shown in Paris time."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(PARIS)
    # French writes the first day of a month as an ordinal: « 1er mars ».
    day = "1er" if value.day == 1 else str(value.day)
    text = f"{day} {babel_format_date(value, 'MMMM y', locale='fr')}"
    if with_time and isinstance(value, datetime):
        text += f" à {value.hour} h {value.minute:02d}"
    return text


def format_datetime(value: datetime) -> str:
    return format_date(value, with_time=True)


# The Jinja filters of the build's and the service's templates.
FILTERS = {"date_fr": format_date, "datetime_fr": format_datetime}
