"""Adds the Jinja filters `date_fr` (« 10 janvier 2022 ») and `datetime_fr`
(« 10 janvier 2022 à 14 h 05 ») from `site_core.dates` to the build's templates."""

from pelican import signals

from site_core.dates import FILTERS


def add_filters(generator):
    generator.env.filters.update(FILTERS)


def register():
    signals.generator_init.connect(add_filters)
