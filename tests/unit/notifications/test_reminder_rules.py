"""When reminders are due, in WITA, and what quiet hours do to them."""

from datetime import UTC, datetime

import pytest

from community.notifications import rules
from community.notifications.rules import WITA

QUIET = {"quiet_start": 21 * 60, "quiet_end": 5 * 60}


def wita(*args) -> datetime:
    return datetime(*args, tzinfo=WITA)


def test_gotong_royong_evening_before_at_19_and_an_hour_before():
    starts = wita(2026, 12, 6, 7, 0)
    assert rules.default_reminders("gotong_royong", starts) == [
        wita(2026, 12, 5, 19, 0),
        wita(2026, 12, 6, 6, 0),
    ]


def test_across_a_month_end_the_evening_before_is_the_last_day_of_the_month():
    assert rules.default_reminders("gotong_royong", wita(2027, 3, 1, 7, 0))[0] == wita(
        2027, 2, 28, 19, 0
    )


@pytest.mark.parametrize("kind", ["pengajian", "arisan", "olahraga", "pelatihan", "musyawarah"])
def test_other_kinds_two_hours_before(kind):
    assert rules.default_reminders(kind, wita(2026, 12, 3, 19, 45)) == [wita(2026, 12, 3, 17, 45)]


def test_reminders_are_the_same_instant_whatever_zone_the_start_is_given_in():
    in_utc = datetime(2026, 12, 5, 23, 0, tzinfo=UTC)  # 07.00 WITA on the 6th
    assert rules.default_reminders("gotong_royong", in_utc)[0] == wita(2026, 12, 5, 19, 0)


@pytest.mark.parametrize(
    ("clock", "quiet"),
    [((20, 59), False), ((21, 0), True), ((23, 30), True), ((0, 0), True), ((4, 59), True),
     ((5, 0), False), ((12, 0), False)],
)  # fmt: skip
def test_default_quiet_hours_span_midnight(clock, quiet):
    moment = wita(2026, 12, 5, *clock)
    assert rules.in_quiet_hours(moment, 21 * 60, 5 * 60) is quiet


def test_quiet_hours_within_one_day_and_switched_off():
    assert rules.in_quiet_hours(wita(2026, 12, 5, 13, 0), 12 * 60, 14 * 60)
    assert not rules.in_quiet_hours(wita(2026, 12, 5, 3, 0), 0, 0)


def test_due_in_quiet_hours_goes_when_they_end():
    due = wita(2026, 12, 5, 22, 0)
    assert rules.deliver_at(due, starts_at=wita(2026, 12, 6, 9, 0), **QUIET) == wita(
        2026, 12, 6, 5, 0
    )


def test_due_in_quiet_hours_for_an_activity_starting_before_they_end_goes_on_time():
    due = wita(2026, 12, 6, 3, 0)  # an activity at 04.30 (sahur ronda)
    assert rules.deliver_at(due, starts_at=wita(2026, 12, 6, 4, 30), **QUIET) == due


def test_schedule_drops_past_reminders_and_merges_duplicates():
    starts = wita(2026, 12, 6, 7, 0)
    due = [wita(2026, 12, 5, 19, 0), wita(2026, 12, 6, 6, 0), wita(2026, 12, 6, 4, 0)]
    # 04.00 falls in quiet hours and moves to 05.00; 19.00 yesterday has passed.
    assert rules.reminder_schedule(
        due, now=wita(2026, 12, 5, 20, 0), starts_at=starts, **QUIET
    ) == [
        wita(2026, 12, 6, 5, 0),
        wita(2026, 12, 6, 6, 0),
    ]


def test_a_moved_activity_gets_reminders_from_its_new_start():
    moved = wita(2026, 12, 13, 7, 0)
    assert rules.default_reminders("gotong_royong", moved)[0] == wita(2026, 12, 12, 19, 0)


@pytest.mark.parametrize(("minutes", "problem"),
                         [(0, "not_before_start"), (-30, "not_before_start"),
                          (60, None), (14 * 24 * 60 + 1, "too_early")])  # fmt: skip
def test_organiser_offsets(minutes, problem):
    assert rules.offset_problem(minutes) == problem
