"""What a resident relies on in the activity rules: when the QR check-in opens, which
dates a repeating activity lands on, and the limits the forms announce (issue #19)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from community.core.time import WITA
from community.events import rules

# --- QR self check-in ---------------------------------------------------------------------

START = datetime(2026, 12, 6, 7, 0, tzinfo=WITA)  # Minggu 07.00: kerja bakti
END = datetime(2026, 12, 6, 10, 0, tzinfo=WITA)


def check_in(now: datetime) -> bool:
    return rules.check_in_open(now=now, starts_at=START, ends_at=END)


@pytest.mark.parametrize(
    ("clock", "open_"),
    [
        ((4, 59), False),  # too early: the QR poster is not up yet
        ((5, 0), True),  # two hours before: people come to set up chairs
        ((6, 30), True),
        ((7, 0), True),
        ((9, 0), True),  # during the activity
        ((10, 0), True),  # the last minute
        ((10, 1), False),  # it is over
    ],
)
def test_check_in_opens_two_hours_before_the_start_and_closes_at_the_end(clock, open_):
    assert check_in(START.replace(hour=clock[0], minute=clock[1])) is open_


def test_check_in_is_closed_the_day_before_and_the_day_after():
    assert not check_in(START - timedelta(days=1))
    assert not check_in(END + timedelta(days=1))


def test_check_in_does_not_depend_on_the_zone_the_clock_is_read_in():
    assert check_in(datetime(2026, 12, 5, 21, 0, tzinfo=UTC))  # 05.00 WITA
    assert not check_in(datetime(2026, 12, 5, 20, 59, tzinfo=UTC))  # 04.59 WITA


# --- repeating activities ----------------------------------------------------------------


def dates(repeat: str, first: datetime, *, count=None, until=None) -> list[date]:
    rule = rules.recurrence_rule(repeat, first, until=until, count=count)
    return [start.date() for start in rules.expand(rule, first)]


def test_every_week_on_the_same_weekday_at_the_same_time():
    rule = rules.recurrence_rule("weekly", START, until=None, count=3)
    assert rule == "FREQ=WEEKLY;BYDAY=SU;COUNT=3"
    assert rules.expand(rule, START) == [
        START,
        datetime(2026, 12, 13, 7, 0, tzinfo=WITA),
        datetime(2026, 12, 20, 7, 0, tzinfo=WITA),
    ]


def test_every_month_on_the_same_date():
    first = datetime(2026, 12, 15, 19, 30, tzinfo=WITA)  # arisan on the 15th, after Isya
    rule = rules.recurrence_rule("monthly_day", first, until=None, count=3)
    assert rule == "FREQ=MONTHLY;BYMONTHDAY=15;COUNT=3"
    assert rules.expand(rule, first) == [
        first,
        datetime(2027, 1, 15, 19, 30, tzinfo=WITA),
        datetime(2027, 2, 15, 19, 30, tzinfo=WITA),
    ]


@pytest.mark.parametrize(
    ("day", "nth"),
    [
        (1, "1TU"),  # December 2026 starts on a Tuesday
        (7, "1MO"),
        (8, "2TU"),
        (14, "2MO"),
        (15, "3TU"),
        (21, "3MO"),
        (22, "4TU"),
        (28, "4MO"),
        (29, "-1TU"),  # a fifth Tuesday: "the last Tuesday", so no month is skipped
        (31, "-1TH"),
    ],
)
def test_the_nth_weekday_of_the_month_counts_whole_weeks_from_the_first(day, nth):
    first = datetime(2026, 12, day, 19, 0, tzinfo=WITA)
    rule = rules.recurrence_rule("monthly_nth", first, until=None, count=2)
    assert rule == f"FREQ=MONTHLY;BYDAY={nth};COUNT=2"


def test_the_second_sunday_stays_the_second_sunday():
    first = datetime(2026, 12, 13, 7, 0, tzinfo=WITA)
    assert dates("monthly_nth", first, count=3) == [
        date(2026, 12, 13),
        date(2027, 1, 10),
        date(2027, 2, 14),
    ]


def test_a_meeting_on_a_fifth_weekday_repeats_on_the_last_one_every_month():
    first = datetime(2026, 12, 29, 19, 0, tzinfo=WITA)  # the fifth Tuesday of December
    # January and February 2027 have no fifth Tuesday: the meeting is on the last one.
    assert dates("monthly_nth", first, count=3) == [
        date(2026, 12, 29),
        date(2027, 1, 26),
        date(2027, 2, 23),
    ]


def test_a_series_runs_through_its_last_day():
    until = datetime(2026, 12, 20, 0, 0)  # the form's "sampai tanggal" (local, no zone)
    rule = rules.recurrence_rule("weekly", START, until=until, count=None)
    assert rule == "FREQ=WEEKLY;BYDAY=SU;UNTIL=20261220T235959"
    assert dates("weekly", START, until=until) == [
        date(2026, 12, 6),
        date(2026, 12, 13),
        date(2026, 12, 20),
    ]


def test_a_count_wins_over_an_end_date():
    until = datetime(2027, 12, 31)
    assert rules.recurrence_rule("weekly", START, until=until, count=2).endswith(";COUNT=2")


def test_a_series_without_an_end_is_refused():
    with pytest.raises(ValueError, match=r"^a series needs an end date or a count$"):
        rules.recurrence_rule("weekly", START, until=None, count=None)


def test_an_unknown_repeat_choice_is_refused():
    with pytest.raises(ValueError, match=r"^daily$"):
        rules.recurrence_rule("daily", START, until=None, count=3)


def test_a_series_that_ends_before_it_starts_is_empty():
    # The route shows "Tidak ada tanggal yang cocok sebelum tanggal akhir." for "empty".
    rule = rules.recurrence_rule("weekly", START, until=datetime(2026, 12, 1), count=None)
    with pytest.raises(ValueError, match=r"^empty$"):
        rules.expand(rule, START)


def test_at_most_500_meetings_in_a_series():
    assert len(dates("weekly", START, count=500)) == 500
    with pytest.raises(ValueError, match=r"^too_many$"):
        dates("weekly", START, count=501)


def test_the_repeat_choices_the_form_offers():
    assert rules.REPEAT_CHOICES == ("weekly", "monthly_day", "monthly_nth")


# --- limits the forms announce ------------------------------------------------------------


def test_a_family_may_bring_ten_guests_not_eleven():
    def guests(n):
        return rules.rsvp_problem(
            now=START - timedelta(days=1), starts_at=START, deadline=None, is_cancelled=False,
            guests=n,
        )  # fmt: skip

    assert guests(10) is None
    assert guests(11) == "guests"


def test_capacity_may_be_ten_thousand_not_more():
    def capacity(n):
        return rules.activity_problems(starts_at=START, ends_at=END, capacity=n, deadline=None)

    assert capacity(10_000) == []
    assert capacity(10_001) == [("capacity", "capacity")]


def test_an_activity_may_last_a_week_not_longer():
    def lasting(delta):
        return rules.activity_problems(
            starts_at=START, ends_at=START + delta, capacity=None, deadline=None
        )

    assert lasting(timedelta(days=7)) == []
    assert lasting(timedelta(days=7, seconds=1)) == [("end_time", "too_long")]


def test_text_limits_match_the_numbers_the_form_messages_state():
    # "Judul paling banyak 120 karakter.", "Tempat paling banyak 200 karakter.",
    # "Catatan paling banyak 300 karakter.", "Komentar paling banyak 1000 karakter.",
    # "Jumlah harus antara 1 dan 500." (tasks); descriptions stop at 5000.
    assert rules.TITLE_MAX == 120
    assert rules.PLACE_MAX == 200
    assert rules.NOTE_MAX == 300
    assert rules.COMMENT_MAX == 1000
    assert rules.MAX_TASK_QUANTITY == 500
    assert rules.DESCRIPTION_MAX == 5000


def test_the_home_feed_shows_eight_cards_a_page():
    assert rules.FEED_PAGE_SIZE == 8  # a phone's first load (#12)


def test_the_organisers_lists_show_fifty_names_a_page():
    assert rules.ORGANISER_PAGE_SIZE == 50  # Peserta and Daftar Hadir (#12)


def test_a_feed_cursor_is_written_in_utc_whatever_the_servers_zone(monkeypatch):
    import time

    cursor = rules.FeedCursor(datetime(2026, 12, 6, 7, 0, tzinfo=WITA), 42)
    monkeypatch.setenv("TZ", "Asia/Makassar")
    time.tzset()
    try:
        assert str(cursor) == "20261205T230000Z-42"
    finally:
        monkeypatch.undo()
        time.tzset()
