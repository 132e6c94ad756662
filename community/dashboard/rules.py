"""Dasbor ketahanan sosial: pure decisions. Plain values in, plain values out (no Flask, no SQL).

- the period a figure covers (this month, three months, a year, or two dates), and its months;
- which pillar of the city's policy an activity kind belongs to;
- when a count or a share may be shown (fewer than five people is "<5");
- how the units are ranked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

# A cell that describes fewer people than this is shown as "<5": with the unit's name beside
# it, one, two or four people are recognisable in a kampung.
MIN_CELL = 5
# A custom period may span five years at most (the limit): longer is not a question
# anyone asks of participation, and it keeps every query bounded.
MAX_PERIOD_DAYS = 5 * 365 + 1
# A month-by-month trend over five years is 61 points: still one readable line.
DEFAULT_PRESET = "kuartal"
# The worker counts the city's preset periods this often (minutes); a page sums its counts
# while they are younger than SNAPSHOT_MAX_AGE, so two missed runs still answer from them.
SNAPSHOT_EVERY_MINUTES = 10
SNAPSHOT_MAX_AGE = timedelta(minutes=30)


class Preset(StrEnum):
    BULAN = "bulan"  # this calendar month so far
    KUARTAL = "kuartal"  # this month and the two before it
    TAHUN = "tahun"  # this month and the eleven before it
    ATUR = "atur"  # two dates chosen by the official


# How many calendar months each preset covers, counting the current one.
PRESET_MONTHS = {Preset.BULAN: 1, Preset.KUARTAL: 3, Preset.TAHUN: 12}


class Pillar(StrEnum):
    PEMBERDAYAAN = "pemberdayaan"
    PARTISIPASI = "partisipasi"
    JARINGAN = "jaringan"


# The city's pillars of ketahanan sosial, by activity kind (the fourth, inclusion, is about
# who takes part, not about a kind).
PILLAR_OF_KIND = {
    "pelatihan": Pillar.PEMBERDAYAAN,
    "musyawarah": Pillar.PARTISIPASI,
    "pengajian": Pillar.JARINGAN,
    "arisan": Pillar.JARINGAN,
    "olahraga": Pillar.JARINGAN,
    "gotong_royong": Pillar.JARINGAN,
}


class PeriodError(ValueError):
    """``code``: ``missing`` (a custom period without both dates), ``order`` (the end before
    the start), ``too_long`` (over MAX_PERIOD_DAYS), ``preset`` (not a known period),
    ``future`` (a report's month that has not begun)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Period:
    """From ``first`` to ``last``, both dates inclusive, in WITA."""

    first: date
    last: date
    preset: str

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def first_of_month(day: date, months_back: int = 0) -> date:
    """The first day of the month ``months_back`` months before ``day``'s month."""
    index = day.year * 12 + (day.month - 1) - months_back
    return date(index // 12, index % 12 + 1, 1)


def resolve_period(preset: str | None, first: date | None, last: date | None,
                   today: date) -> Period:  # fmt: skip
    """The period an official asked for; the default is the last three months."""
    preset = preset or DEFAULT_PRESET
    if preset == Preset.ATUR:
        if first is None or last is None:
            raise PeriodError("missing")
        if last < first:
            raise PeriodError("order")
        if (last - first).days + 1 > MAX_PERIOD_DAYS:
            raise PeriodError("too_long")
        return Period(first, last, Preset.ATUR)
    if preset not in PRESET_MONTHS:
        raise PeriodError("preset")
    start = first_of_month(today, PRESET_MONTHS[Preset(preset)] - 1)
    return Period(start, today, str(preset))


def report_month(month: date | None, today: date) -> Period:
    """The calendar month of a monthly report: the one asked for (any day of it), by
    default the last whole month before ``today``; a month that has not begun is refused
    (``future``). The month being lived ends today."""
    first = first_of_month(today, 1) if month is None else first_of_month(month)
    if first > today:
        raise PeriodError("future")
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return Period(first, min(following - timedelta(days=1), today), "laporan")


def snapshot_answers(period: Period, snapshot: Period | None, computed_at: datetime | None,
                     now: datetime) -> bool:  # fmt: skip
    """True when the worker's counts of a preset period may answer a page (for all kinds
    or one: they are counted by kind too): the page asks for a preset (two chosen dates
    are counted live), the counts cover the same days (a new day in WITA begins a new
    period), and they are younger than SNAPSHOT_MAX_AGE (a worker that stopped is not
    hidden behind old figures)."""
    if period.preset not in PRESET_MONTHS or snapshot is None:
        return False
    if (snapshot.first, snapshot.last) != (period.first, period.last):
        return False
    return computed_at is not None and now - computed_at <= SNAPSHOT_MAX_AGE


def months(period: Period) -> list[str]:
    """``YYYY-MM`` of every month the period touches, in order."""
    found, day = [], first_of_month(period.first)
    while day <= period.last:
        found.append(f"{day.year:04d}-{day.month:02d}")
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return found


def hidden(people: int) -> bool:
    """True when a count of people must be shown as "<5" (none at all may be shown)."""
    return 0 < people < MIN_CELL


def shown(people: int) -> int | None:
    """The count, or None for "<5"."""
    return None if hidden(people) else people


def share(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` in whole percent (half up), or None when it would reveal a
    small group: the part is "<5", or the whole is under MIN_CELL."""
    if whole < MIN_CELL or hidden(part):
        return None
    return (200 * part + whole) // (2 * whole)


# How a unit is named in the ranking ("RT 03", "Kelurahan Komet"): wilayah names are bare.
LEVEL_PREFIX = {"kecamatan": "Kecamatan ", "kelurahan": "Kelurahan ", "rw": "RW ", "rt": "RT "}


def unit_label(level: str, name: str) -> str:
    return LEVEL_PREFIX.get(level, "") + name


class SortKey(StrEnum):
    NAMA = "nama"
    AKTIF = "aktif"  # share of residents who took part
    KEGIATAN = "kegiatan"
    KEHADIRAN = "kehadiran"


@dataclass(frozen=True)
class UnitFigures:
    """One unit (a child of the scope) as the ranking shows it."""

    wilayah_id: int
    name: str
    residents: int
    active: int
    activities: int
    check_ins: int

    @property
    def active_share(self) -> int | None:
        return share(self.active, self.residents)


def rank(units: list[UnitFigures], key: str) -> list[UnitFigures]:
    """Units by ``key``: names A–Z, the others highest first (a hidden share comes after
    every shown one, 0 % included, so "<5" never sorts into a position that reveals it);
    ties by name."""
    if key == SortKey.AKTIF:
        return sorted(units, key=lambda u: (u.active_share is None, -(u.active_share or 0), u.name))
    if key == SortKey.KEGIATAN:
        return sorted(units, key=lambda u: (-u.activities, u.name))
    if key == SortKey.KEHADIRAN:
        return sorted(units, key=lambda u: (-u.check_ins, u.name))
    return sorted(units, key=lambda u: u.name)
