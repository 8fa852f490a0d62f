"""Public holidays by country, from the ``holidays`` package: which dates a person has off.

A country is an ISO 3166-1 code, optionally with a region after a hyphen (``DE``, ``DE-BY``,
``US-CA``), since many holidays are regional. Lookups are cached per country and year: the tick
asks for the same few calendars again and again, and the answer never changes.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays


def normalise_country(code: str) -> str | None:
    """The stored form of a country code (``de-by`` → ``DE-BY``), or None if the package does not
    know that country or region."""
    country, _, region = code.strip().upper().partition("-")
    supported = _supported()
    if country not in supported:
        return None
    if region and region not in supported[country]:
        return None
    return f"{country}-{region}" if region else country


@lru_cache(maxsize=1)
def _supported() -> dict[str, frozenset[str]]:
    return {
        country: frozenset(region.upper() for region in regions)
        for country, regions in holidays.list_supported_countries().items()
    }


@lru_cache(maxsize=512)
def _dates(code: str, year: int) -> frozenset[date]:
    country, _, region = code.partition("-")
    calendar = holidays.country_holidays(country, subdiv=region or None, years=year)
    return frozenset(calendar.keys())


def is_public_holiday(code: str | None, day: date) -> bool:
    """Whether ``day`` is a public holiday where ``code`` (a normalised country code) applies."""
    if not code:
        return False
    return day in _dates(code, day.year)
