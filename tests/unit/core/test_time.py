"""Dates as residents read them: Babel's CLDR day and month names, in WITA."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from babel.dates import format_date

from community.core.time import WITA, format_clock, format_wita


def test_indonesian_date_and_time():
    sunday = datetime(2025, 12, 6, 23, 0, tzinfo=UTC)  # 07.00 on Sunday in Banjarbaru
    assert format_wita(sunday) == "Minggu, 7 Desember 2025 · 07.00 WITA"
    assert format_wita(sunday, with_year=False) == "Minggu, 7 Desember · 07.00 WITA"
    assert format_wita(sunday, with_time=False) == "Minggu, 7 Desember 2025"
    assert format_wita(sunday, "en") == "Sunday, 7 December 2025 · 07:00 WITA"
    assert format_clock(sunday) == "07.00" and format_clock(sunday, "en") == "07:00"
    assert format_wita(None) == ""


def test_naive_values_from_sqlite_are_utc():
    assert format_wita(datetime(2026, 1, 2, 11, 45)) == "Jumat, 2 Januari 2026 · 19.45 WITA"


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_day_of_a_year_matches_cldr(locale):
    day = date(2026, 1, 1)
    while day.year == 2026:
        noon = datetime.combine(day, datetime.min.time(), WITA) + timedelta(hours=12)
        expected = format_date(day, "EEEE, d MMMM y", locale=locale)
        assert format_wita(noon, locale, with_time=False) == expected
        day += timedelta(days=1)
