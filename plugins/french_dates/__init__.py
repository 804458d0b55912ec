"""Adds the Jinja filters `date_fr` (« 10 janvier 2022 ») and `datetime_fr`
(« 10 janvier 2022 à 14 h 05 ») from `site_core.dates` to the build's templates."""

from pelican import signals

from site_core.dates import format_date, format_datetime


def add_filters(generator):
    generator.env.filters.update(date_fr=format_date, datetime_fr=format_datetime)


def register():
    signals.generator_init.connect(add_filters)
