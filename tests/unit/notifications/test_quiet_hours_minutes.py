"""Quiet hours set to the minute (22.15 to 05.30), and the reminder limits residents see
(issue #19)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from community.notifications import rules
from community.notifications.rules import WITA

QUIET_START = 22 * 60 + 15  # 22.15
QUIET_END = 5 * 60 + 30  # 05.30


def wita(*args) -> datetime:
    return datetime(*args, tzinfo=WITA)


@pytest.mark.parametrize(
    ("clock", "quiet"),
    [
        ((22, 14), False),
        ((22, 15), True),
        ((23, 59), True),
        ((0, 0), True),
        ((5, 29), True),
        ((5, 30), False),  # quiet hours end at 05.30, not 05.00 nor 06.00
        ((5, 31), False),
        ((12, 0), False),
    ],
)
def test_quiet_hours_start_and_end_on_the_minute(clock, quiet):
    assert rules.in_quiet_hours(wita(2026, 12, 5, *clock), QUIET_START, QUIET_END) is quiet


@pytest.mark.parametrize(
    ("clock", "quiet"),
    [((13, 29), False), ((13, 30), True), ((15, 44), True), ((15, 45), False)],
)
def test_a_nap_within_one_afternoon(clock, quiet):
    assert rules.in_quiet_hours(wita(2026, 12, 5, *clock), 13 * 60 + 30, 15 * 60 + 45) is quiet


def test_quiet_hours_are_read_on_the_wita_clock():
    # 14.20 UTC is 22.20 WITA: quiet, although 14.20 is not in 22.15-05.30.
    assert rules.in_quiet_hours(datetime(2026, 12, 5, 14, 20, tzinfo=UTC), QUIET_START, QUIET_END)
    assert not rules.in_quiet_hours(
        datetime(2026, 12, 5, 21, 30, tzinfo=UTC), QUIET_START, QUIET_END
    )  # 05.30 WITA


def test_the_end_of_quiet_hours_is_the_next_05_30():
    assert rules.quiet_end_after(wita(2026, 12, 5, 23, 0), QUIET_END) == wita(2026, 12, 6, 5, 30)
    assert rules.quiet_end_after(wita(2026, 12, 6, 2, 0), QUIET_END) == wita(2026, 12, 6, 5, 30)
    assert rules.quiet_end_after(wita(2026, 12, 6, 5, 30), QUIET_END) == wita(2026, 12, 6, 5, 30)
    assert rules.quiet_end_after(wita(2026, 12, 6, 5, 31), QUIET_END) == wita(2026, 12, 7, 5, 30)


def test_a_reminder_due_in_quiet_hours_waits_until_05_30():
    due = wita(2026, 12, 5, 23, 0)
    starts = wita(2026, 12, 6, 7, 0)
    delivered = rules.deliver_at(
        due, starts_at=starts, quiet_start=QUIET_START, quiet_end=QUIET_END
    )
    assert delivered == wita(2026, 12, 6, 5, 30)


def test_an_activity_starting_exactly_when_quiet_hours_end_is_reminded_on_time():
    # A reminder at 05.30 for a 05.30 start (Subuh keliling) would come too late.
    due = wita(2026, 12, 6, 3, 30)
    starts = wita(2026, 12, 6, 5, 30)
    delivered = rules.deliver_at(
        due, starts_at=starts, quiet_start=QUIET_START, quiet_end=QUIET_END
    )
    assert delivered == due


def test_an_activity_starting_a_minute_after_quiet_hours_waits_for_their_end():
    due = wita(2026, 12, 6, 3, 30)
    starts = wita(2026, 12, 6, 5, 31)
    delivered = rules.deliver_at(
        due, starts_at=starts, quiet_start=QUIET_START, quiet_end=QUIET_END
    )
    assert delivered == wita(2026, 12, 6, 5, 30)


def test_a_reminder_outside_quiet_hours_goes_when_due():
    due = wita(2026, 12, 6, 5, 30)
    starts = wita(2026, 12, 6, 7, 0)
    assert (
        rules.deliver_at(due, starts_at=starts, quiet_start=QUIET_START, quiet_end=QUIET_END) == due
    )


def test_a_schedule_with_minute_quiet_hours():
    starts = wita(2026, 12, 6, 7, 0)
    due = [wita(2026, 12, 5, 19, 0), wita(2026, 12, 6, 5, 0), wita(2026, 12, 6, 6, 0)]
    schedule = rules.reminder_schedule(
        due, now=wita(2026, 12, 5, 18, 0), starts_at=starts, quiet_start=QUIET_START,
        quiet_end=QUIET_END,
    )  # fmt: skip
    assert schedule == [wita(2026, 12, 5, 19, 0), wita(2026, 12, 6, 5, 30), wita(2026, 12, 6, 6, 0)]


def test_a_reminder_due_exactly_now_still_goes_but_not_one_due_at_the_start():
    starts = wita(2026, 12, 6, 9, 0)
    now = wita(2026, 12, 6, 7, 0)
    schedule = rules.reminder_schedule(
        [now, starts], now=now, starts_at=starts, quiet_start=0, quiet_end=0
    )
    assert schedule == [now]


# --- defaults and limits -------------------------------------------------------------------


def test_default_quiet_hours_are_21_00_to_05_00():
    defaults = (rules.QUIET_START_DEFAULT, rules.QUIET_END_DEFAULT)
    assert rules.in_quiet_hours(wita(2026, 12, 5, 21, 0), *defaults)
    assert not rules.in_quiet_hours(wita(2026, 12, 5, 20, 59), *defaults)
    assert rules.in_quiet_hours(wita(2026, 12, 6, 4, 59), *defaults)
    assert not rules.in_quiet_hours(wita(2026, 12, 6, 5, 0), *defaults)


def test_gotong_royong_is_announced_at_19_00_the_evening_before():
    starts = wita(2026, 12, 6, 7, 0)
    assert rules.default_reminders("gotong_royong", starts)[0] == wita(2026, 12, 5, 19, 0)


def test_an_organiser_may_remind_up_to_two_weeks_ahead():
    assert rules.offset_problem(14 * 24 * 60) is None
    assert rules.offset_problem(14 * 24 * 60 + 1) == "too_early"
    assert rules.parse_offsets("14 hari") == ([14 * 24 * 60], None)
    assert rules.parse_offsets("15 hari") == ([], "too_early")


def test_an_organiser_may_add_five_reminders_not_six():
    assert rules.parse_offsets("1 hari, 5 jam, 3 jam, 2 jam, 30 menit")[1] is None
    assert rules.parse_offsets("1 hari, 5 jam, 3 jam, 2 jam, 30 menit, 10 menit") == (
        [],
        "too_many_offsets",
    )


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("45", [45]),
        ("45 menit", [45]),
        ("45mnt", [45]),
        ("45 m", [45]),
        ("45 min", [45]),
        ("1 minute", [1]),
        ("2 minutes", [2]),
        ("3 jam", [180]),
        ("3j", [180]),
        ("1 hour", [60]),
        ("2 hours", [120]),
        ("2 hari", [2880]),
        ("2d", [2880]),
        ("1 day", [1440]),
        ("2 days", [2880]),
    ],
)
def test_units_residents_type(typed, minutes):
    assert rules.parse_offsets(typed) == (minutes, None)


def test_h_is_not_an_hour_because_h_1_means_a_day_before():
    assert rules.parse_offsets("1h") == ([], "offset_unreadable")


def test_the_end_of_quiet_hours_is_found_on_the_wita_date():
    # 07.00 WITA on the 6th is still the 5th in UTC: the next 05.30 is on the 7th.
    assert rules.quiet_end_after(wita(2026, 12, 6, 7, 0), QUIET_END) == wita(2026, 12, 7, 5, 30)
    moment = datetime(2026, 12, 5, 23, 0, tzinfo=UTC)  # the same instant, read in UTC
    assert rules.quiet_end_after(moment, QUIET_END) == wita(2026, 12, 7, 5, 30)


def test_an_empty_entry_between_commas_is_skipped_not_the_end():
    assert rules.parse_offsets("1 jam,, 30 menit") == ([60, 30], None)
    assert rules.parse_offsets("1 jam; ;30 menit") == ([60, 30], None)


@pytest.mark.parametrize(
    ("due", "goes"),
    [
        (wita(2026, 12, 1, 22, 14), wita(2026, 12, 1, 22, 14)),  # before quiet hours: then
        (wita(2026, 12, 1, 22, 15), wita(2026, 12, 2, 5, 30)),  # inside: at their end
        (wita(2026, 12, 2, 3, 0), wita(2026, 12, 2, 5, 30)),  # after midnight: same morning
        (wita(2026, 12, 2, 5, 30), wita(2026, 12, 2, 5, 30)),  # the end itself is not quiet
    ],
)
def test_a_message_or_announcement_due_in_quiet_hours_waits_for_their_end(due, goes):
    assert rules.outside_quiet_hours(due, QUIET_START, QUIET_END) == goes


def test_without_quiet_hours_it_goes_when_due():
    due = wita(2026, 12, 2, 3, 0)
    assert rules.outside_quiet_hours(due, 0, 0) == due


def test_a_push_previews_one_line_of_at_most_120_characters():
    assert rules.PREVIEW_CHARS == 120
    assert rules.preview("Pak, besok\n\nsaya  bawa gerobak") == "Pak, besok saya bawa gerobak"
    exact = "a" * 120
    assert rules.preview(exact) == exact
    assert rules.preview("b" * 121) == "b" * 119 + "…"
    cut = rules.preview("kata " * 40)
    assert len(cut) <= 120
    assert cut.endswith("a…")  # the space before the cut is not kept
    assert rules.preview("a" * 118 + " " + "b" * 10) == "a" * 118 + "…"  # cut at a space
