"""The shipped calendar tables (core/calendar_data.py) say what lunar_python says: the solar
terms of every year in every time zone the tool knows, and the lunar months of every year."""

from __future__ import annotations

import pytest

from sheets_sync.core import calendar_data
from sheets_sync.core.calendars import (
    CHINA_MINUTES,
    UTC_OFFSET_MINUTES,
    _lunar_months,
    computed_lunar_months,
    computed_solar_terms,
    solar_terms,
)

OFFSETS = sorted({CHINA_MINUTES, *UTC_OFFSET_MINUTES.values()})
SOME_YEARS = [calendar_data.FIRST_YEAR, 1988, 2026, 2027, 2033, 2061, calendar_data.LAST_YEAR]
ALL_YEARS = range(calendar_data.FIRST_YEAR, calendar_data.LAST_YEAR + 1)


def same_terms(year: int, offset: int) -> bool:
    table, computed = solar_terms(year, offset), computed_solar_terms(year, offset)
    return [(t.date, t.key) for t in table] == [(t.date, t.key) for t in computed]


@pytest.mark.parametrize("year", SOME_YEARS)
def test_the_solar_terms_of_a_year_are_lunar_pythons_in_every_time_zone(year: int) -> None:
    assert all(same_terms(year, offset) for offset in OFFSETS)


@pytest.mark.parametrize("year", SOME_YEARS)
def test_the_lunar_months_of_a_year_are_lunar_pythons(year: int) -> None:
    assert _lunar_months(year) == computed_lunar_months(year)


def test_a_year_outside_the_tables_is_still_computed() -> None:
    year = calendar_data.LAST_YEAR + 1
    assert len(solar_terms(year)) == 24
    assert _lunar_months(year) == computed_lunar_months(year)


@pytest.mark.slow
def test_every_year_of_the_tables_matches_lunar_python() -> None:
    assert [y for y in ALL_YEARS if not all(same_terms(y, o) for o in OFFSETS)] == []
    lunar_years = range(calendar_data.LUNAR_FIRST_YEAR, calendar_data.LAST_YEAR + 1)
    assert [y for y in lunar_years if _lunar_months(y) != computed_lunar_months(y)] == []
