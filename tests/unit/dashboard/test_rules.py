"""Dashboard rules: periods, months, the "<5" rule, shares, pillars, ranking."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from community.dashboard import rules
from community.dashboard.rules import Period, PeriodError, Pillar, Preset, SortKey, UnitFigures

TODAY = date(2026, 12, 3)


def test_constants_are_what_the_issue_says():
    assert rules.MIN_CELL == 5
    assert rules.MAX_PERIOD_DAYS == 5 * 365 + 1
    assert rules.DEFAULT_PRESET == "kuartal"
    assert rules.PRESET_MONTHS == {Preset.BULAN: 1, Preset.KUARTAL: 3, Preset.TAHUN: 12}
    assert [str(p) for p in Preset] == ["bulan", "kuartal", "tahun", "atur"]
    assert [str(k) for k in SortKey] == ["nama", "aktif", "kegiatan", "kehadiran"]
    assert rules.LEVEL_PREFIX == {
        "kecamatan": "Kecamatan ", "kelurahan": "Kelurahan ", "rw": "RW ", "rt": "RT ",
    }  # fmt: skip


def test_every_activity_kind_belongs_to_the_citys_pillar():
    assert rules.PILLAR_OF_KIND == {
        "pelatihan": Pillar.PEMBERDAYAAN,
        "musyawarah": Pillar.PARTISIPASI,
        "pengajian": Pillar.JARINGAN,
        "arisan": Pillar.JARINGAN,
        "olahraga": Pillar.JARINGAN,
        "gotong_royong": Pillar.JARINGAN,
    }
    assert [str(p) for p in Pillar] == ["pemberdayaan", "partisipasi", "jaringan"]


@pytest.mark.parametrize(
    ("preset", "first"),
    [
        (None, date(2026, 10, 1)),  # the default: this month and the two before it
        ("bulan", date(2026, 12, 1)),
        ("kuartal", date(2026, 10, 1)),
        ("tahun", date(2026, 1, 1)),
    ],
)
def test_presets_end_today_and_start_on_the_first_of_a_month(preset, first):
    period = rules.resolve_period(preset, None, None, TODAY)
    assert (period.first, period.last) == (first, TODAY)
    assert period.preset == (preset or "kuartal")


def test_a_quarter_in_february_reaches_back_over_new_year():
    period = rules.resolve_period("kuartal", None, None, date(2027, 2, 10))
    assert period.first == date(2026, 12, 1)
    assert rules.resolve_period("tahun", None, None, date(2027, 1, 31)).first == date(2026, 2, 1)


def test_two_dates_are_taken_as_they_are_both_inclusive():
    period = rules.resolve_period("atur", date(2026, 1, 1), date(2026, 1, 31), TODAY)
    assert (period.first, period.last, period.preset, period.days) == (
        date(2026, 1, 1), date(2026, 1, 31), "atur", 31,
    )  # fmt: skip
    same_day = rules.resolve_period("atur", TODAY, TODAY, TODAY)
    assert same_day.days == 1


@pytest.mark.parametrize(
    ("preset", "first", "last", "code"),
    [
        ("atur", None, date(2026, 1, 1), "missing"),
        ("atur", date(2026, 1, 1), None, "missing"),
        ("atur", date(2026, 2, 1), date(2026, 1, 31), "order"),
        ("atur", date(2021, 1, 1), date(2026, 1, 2), "too_long"),
        ("minggu", None, None, "preset"),
    ],
)
def test_a_period_that_cannot_be_is_refused_with_its_reason(preset, first, last, code):
    with pytest.raises(PeriodError, match=f"^{code}$") as refused:
        rules.resolve_period(preset, first, last, TODAY)
    assert refused.value.code == code


def test_five_years_is_the_longest_period():
    first = date(2021, 1, 1)
    longest = date.fromordinal(first.toordinal() + rules.MAX_PERIOD_DAYS - 1)
    assert rules.resolve_period("atur", first, longest, TODAY).days == rules.MAX_PERIOD_DAYS
    with pytest.raises(PeriodError):
        rules.resolve_period("atur", first, date.fromordinal(longest.toordinal() + 1), TODAY)


def test_months_lists_every_month_the_period_touches():
    assert rules.months(Period(date(2026, 11, 30), date(2027, 2, 1), "atur")) == [
        "2026-11", "2026-12", "2027-01", "2027-02",
    ]  # fmt: skip
    assert rules.months(Period(date(2026, 12, 3), date(2026, 12, 3), "atur")) == ["2026-12"]


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
       st.integers(min_value=0, max_value=rules.MAX_PERIOD_DAYS - 1))  # fmt: skip
def test_months_are_consecutive_and_cover_both_ends(first, length):
    last = date.fromordinal(first.toordinal() + length)
    found = rules.months(Period(first, last, "atur"))
    assert found[0] == f"{first.year:04d}-{first.month:02d}"
    assert found[-1] == f"{last.year:04d}-{last.month:02d}"
    as_index = [int(m[:4]) * 12 + int(m[5:]) for m in found]
    assert as_index == list(range(as_index[0], as_index[0] + len(found)))


def test_fewer_than_five_people_are_hidden_none_and_five_are_shown():
    assert [rules.hidden(n) for n in (0, 1, 4, 5, 6)] == [False, True, True, False, False]
    assert [rules.shown(n) for n in (0, 1, 4, 5)] == [0, None, None, 5]


def test_a_share_is_whole_percent_and_never_reveals_a_small_group():
    assert rules.share(1, 3) is None  # the whole is under five
    assert rules.share(3, 40) is None  # the part is "<5"
    assert rules.share(0, 40) == 0
    assert rules.share(5, 5) == 100
    assert rules.share(5, 8) == 63  # 62.5 rounds half up
    assert rules.share(10, 30) == 33
    assert rules.share(20, 30) == 67


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=5, max_value=10_000))
def test_a_share_is_between_0_and_100_when_shown(part, whole):
    part = min(part, whole)
    found = rules.share(part, whole)
    if rules.hidden(part):
        assert found is None
    else:
        assert 0 <= found <= 100
        assert abs(found - 100 * part / whole) <= 0.5


def test_the_first_of_a_month_counts_back_over_years():
    assert rules.first_of_month(date(2026, 3, 15)) == date(2026, 3, 1)
    assert rules.first_of_month(date(2026, 3, 15), 2) == date(2026, 1, 1)
    assert rules.first_of_month(date(2026, 3, 15), 3) == date(2025, 12, 1)
    assert rules.first_of_month(date(2026, 1, 31), 12) == date(2025, 1, 1)


UNITS = [
    UnitFigures(1, "RT 02", residents=40, active=20, activities=3, check_ins=30),
    UnitFigures(2, "RT 01", residents=40, active=30, activities=1, check_ins=10),
    UnitFigures(3, "RT 03", residents=40, active=3, activities=5, check_ins=3),  # share "<5"
    UnitFigures(4, "RT 04", residents=40, active=20, activities=3, check_ins=30),
]


def test_units_rank_by_the_column_asked_ties_by_name():
    names = lambda key: [u.name for u in rules.rank(UNITS, key)]  # noqa: E731
    assert names("nama") == ["RT 01", "RT 02", "RT 03", "RT 04"]
    assert names("aktif") == ["RT 01", "RT 02", "RT 04", "RT 03"]  # a hidden share last
    assert names("kegiatan") == ["RT 03", "RT 02", "RT 04", "RT 01"]
    assert names("kehadiran") == ["RT 02", "RT 04", "RT 01", "RT 03"]
    assert names("anything else") == names("nama")


def test_a_hidden_share_ranks_after_every_shown_one_even_none_at_all():
    units = [
        UnitFigures(1, "RT 01", residents=40, active=3, activities=1, check_ins=3),  # "<5"
        UnitFigures(2, "RT 02", residents=40, active=0, activities=0, check_ins=0),  # 0 %
        UnitFigures(3, "RT 03", residents=40, active=40, activities=2, check_ins=40),  # 100 %
        UnitFigures(4, "RT 04", residents=40, active=10, activities=2, check_ins=10),  # 25 %
        UnitFigures(5, "RT 05", residents=1000, active=5, activities=1, check_ins=5),  # 0.5 %
    ]
    ranked = [u.name for u in rules.rank(units, "aktif")]
    assert ranked == ["RT 03", "RT 04", "RT 05", "RT 02", "RT 01"]


def test_a_unit_is_named_with_its_level():
    assert rules.unit_label("rt", "03") == "RT 03"
    assert rules.unit_label("kelurahan", "Komet") == "Kelurahan Komet"
    assert rules.unit_label("kota", "Banjarbaru") == "Banjarbaru"
    assert UNITS[0].active_share == 50 and UNITS[2].active_share is None


def test_a_monthly_report_covers_one_calendar_month_by_default_the_last_whole_one():
    today = date(2026, 12, 3)
    assert rules.report_month(None, today) == Period(
        date(2026, 11, 1), date(2026, 11, 30), "laporan"
    )
    # any day of the month asked for; a month of 31 days, and February
    assert rules.report_month(date(2026, 10, 17), today).last == date(2026, 10, 31)
    assert rules.report_month(date(2024, 2, 29), today) == Period(
        date(2024, 2, 1), date(2024, 2, 29), "laporan"
    )
    # January's report after a new year; December's across it
    assert rules.report_month(None, date(2027, 1, 5)).first == date(2026, 12, 1)
    assert rules.report_month(date(2026, 12, 1), date(2027, 1, 5)).last == date(2026, 12, 31)
    # the month being lived ends today; a month to come is refused
    assert rules.report_month(date(2026, 12, 1), today) == Period(
        date(2026, 12, 1), today, "laporan"
    )
    with pytest.raises(PeriodError, match=r"^future$"):
        rules.report_month(date(2027, 1, 1), today)
    # on the first of a month, that month has begun: a report of its one day
    first_day = date(2027, 1, 1)
    assert rules.report_month(first_day, first_day) == Period(first_day, first_day, "laporan")


def test_the_worker_s_counts_answer_a_preset_while_current():
    now = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
    today = date(2026, 12, 4)
    year = rules.resolve_period("tahun", None, None, today)
    counted = now - rules.SNAPSHOT_MAX_AGE

    assert rules.SNAPSHOT_EVERY_MINUTES == 10
    assert timedelta(minutes=30) == rules.SNAPSHOT_MAX_AGE
    assert rules.snapshot_answers(year, year, counted, now)  # exactly the limit
    # older than the limit: a stopped worker must not hide behind old figures
    assert not rules.snapshot_answers(year, year, counted - timedelta(seconds=1), now)
    assert not rules.snapshot_answers(year, year, None, now)
    assert not rules.snapshot_answers(year, None, now, now)
    # two chosen dates are counted for the page
    chosen = rules.resolve_period("atur", year.first, year.last, today)
    assert not rules.snapshot_answers(chosen, year, now, now)
    # counted yesterday (WITA): the period has moved by a day, whichever end differs
    yesterday = rules.resolve_period("tahun", None, None, today - timedelta(days=1))
    assert not rules.snapshot_answers(year, yesterday, now, now)
    month = rules.resolve_period("bulan", None, None, today)
    assert rules.snapshot_answers(month, Period(month.first, today, "bulan"), now, now)
    assert not rules.snapshot_answers(month, Period(date(2026, 11, 30), today, "bulan"), now, now)
