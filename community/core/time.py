"""Time: stored as aware UTC, shown in WITA (Asia/Makassar, UTC+8, no daylight saving)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

WITA = ZoneInfo("Asia/Makassar")


def utcnow() -> datetime:
    """The clock. Only routes, the CLI and the worker call it; rules take ``now=``."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite returns naive datetimes for aware columns; treat them as the UTC they were."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def format_wita(
    value: datetime | None, locale: str = "id", with_time: bool = True, with_year: bool = True
) -> str:
    """``Minggu, 7 Desember 2025 · 07.00 WITA`` (Indonesian uses a dot in times), day and
    month names from Babel's CLDR data for ``locale``."""
    if value is None:
        return ""
    pattern = "EEEE, d MMMM y" if with_year else "EEEE, d MMMM"
    if with_time:
        pattern += " · HH:mm 'WITA'" if locale == "en" else " · HH.mm 'WITA'"
    return format_datetime(as_utc(value), pattern, tzinfo=WITA, locale=locale)


def format_clock(value: datetime, locale: str = "id") -> str:
    """``19.45`` (id) or ``19:45`` (en), in WITA."""
    return format_datetime(
        as_utc(value), "HH:mm" if locale == "en" else "HH.mm", tzinfo=WITA, locale=locale
    )
