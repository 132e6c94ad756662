"""Time: stored as aware UTC, shown in WITA (Asia/Makassar, UTC+8, no daylight saving)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

WITA = ZoneInfo("Asia/Makassar")

HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip


def utcnow() -> datetime:
    """The clock. Only routes, the CLI and the worker call it; rules take ``now=``."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite returns naive datetimes for aware columns; treat them as the UTC they were."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def format_wita(
    value: datetime | None, locale: str = "id", with_time: bool = True, with_year: bool = True
) -> str:
    """``Minggu, 7 Desember 2025 · 07.00 WITA`` (Indonesian uses a dot in times)."""
    if value is None:
        return ""
    local = as_utc(value).astimezone(WITA)
    year = f" {local.year}" if with_year else ""
    if locale == "en":
        text = local.strftime("%A, %-d %B") + year
        return f"{text} · {local:%H:%M} WITA" if with_time else text
    text = f"{HARI[local.weekday()]}, {local.day} {BULAN[local.month - 1]}{year}"
    return f"{text} · {local:%H.%M} WITA" if with_time else text


def format_clock(value: datetime, locale: str = "id") -> str:
    """``19.45`` (id) or ``19:45`` (en), in WITA."""
    local = as_utc(value).astimezone(WITA)
    return f"{local:%H:%M}" if locale == "en" else f"{local:%H.%M}"
