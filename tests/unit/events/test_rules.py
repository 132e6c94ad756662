"""Activity and RSVP rules: plain values in, plain values out (no app, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from community.events.rules import (
    MAX_CAPACITY,
    MAX_DURATION_HOURS,
    MAX_GUESTS,
    Waiting,
    activity_problems,
    fits,
    promotions,
    rsvp_problem,
)

START = datetime(2026, 12, 5, 23, 0, tzinfo=UTC)  # Minggu 6 Desember 2026, 07.00 WITA
END = START + timedelta(hours=3)
BEFORE = START - timedelta(days=2)


def problem(*, now=BEFORE, deadline=None, cancelled=False, guests=0):
    return rsvp_problem(
        now=now, starts_at=START, deadline=deadline, is_cancelled=cancelled, guests=guests
    )


# --- rsvp_problem ---------------------------------------------------------------------


def test_an_open_activity_accepts_an_answer():
    assert problem() is None
    assert problem(guests=MAX_GUESTS) is None
    assert problem(deadline=START - timedelta(hours=12)) is None


def test_cancelled_wins_over_everything_else():
    assert problem(cancelled=True) == "cancelled"
    assert problem(cancelled=True, now=START + timedelta(hours=1), guests=99) == "cancelled"


def test_deadline_passed():
    deadline = START - timedelta(hours=12)
    assert problem(deadline=deadline, now=deadline) is None  # up to and including the minute
    assert problem(deadline=deadline, now=deadline + timedelta(seconds=1)) == "deadline"
    assert problem(deadline=deadline, now=START + timedelta(hours=1)) == "deadline"


def test_without_a_deadline_answers_close_when_the_activity_starts():
    assert problem(now=START - timedelta(seconds=1)) is None
    assert problem(now=START) == "started"
    assert problem(now=END + timedelta(days=1)) == "started"


def test_a_deadline_replaces_the_start_as_the_closing_time():
    # A deadline equal to the start: answers close at the start, reported as "deadline".
    assert problem(deadline=START, now=START) is None
    assert problem(deadline=START, now=START + timedelta(minutes=1)) == "deadline"


@pytest.mark.parametrize("guests", [-1, -10, MAX_GUESTS + 1, 11, 1000])
def test_guests_out_of_range(guests):
    assert problem(guests=guests) == "guests"


@pytest.mark.parametrize("guests", [0, 1, 5, MAX_GUESTS])
def test_guests_in_range(guests):
    assert MAX_GUESTS == 10
    assert problem(guests=guests) is None


def test_closed_is_reported_before_bad_guests():
    assert problem(now=START, guests=50) == "started"
    assert problem(deadline=BEFORE - timedelta(hours=1), guests=50) == "deadline"


# --- fits -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("capacity", "taken", "party", "expected"),
    [
        (None, 0, 1, True),
        (None, 10_000, 11, True),  # no capacity: always room
        (3, 0, 3, True),  # exactly full is fine
        (3, 0, 4, False),
        (3, 2, 1, True),
        (3, 2, 2, False),
        (3, 3, 1, False),
        (10, 9, 1, True),
        (1, 0, 1, True),
        (1, 1, 1, False),
    ],
)
def test_fits(capacity, taken, party, expected):
    assert fits(capacity, taken, party) is expected


# --- promotions: strict first come, first served ----------------------------------------


def test_nobody_waiting_nobody_promoted():
    assert promotions(5, 0, []) == []


def test_one_free_place_promotes_the_first_in_line_only():
    queue = [Waiting(11, 1), Waiting(12, 1), Waiting(13, 1)]
    assert promotions(3, 2, queue) == [11]


def test_several_promoted_at_once_in_queue_order():
    queue = [Waiting(21, 2), Waiting(22, 1), Waiting(23, 1), Waiting(24, 1)]
    assert promotions(10, 6, queue) == [21, 22, 23]  # 6+2+1+1 = 10: the fourth waits


def test_the_first_in_line_who_does_not_fit_blocks_those_behind():
    # Two places free: the family of three at the head of the line does not fit, and the
    # single resident behind them must not jump the queue.
    queue = [Waiting(31, 3), Waiting(32, 1)]
    assert promotions(5, 3, queue) == []


def test_blocking_happens_after_some_were_promoted():
    queue = [Waiting(41, 1), Waiting(42, 3), Waiting(43, 1)]
    assert promotions(5, 2, queue) == [41]  # 2+1 = 3; the party of 3 needs 6 > 5


def test_order_given_is_the_order_used():
    queue = [Waiting(52, 1), Waiting(51, 1)]
    assert promotions(2, 1, queue) == [52]


def test_no_places_free_nobody_promoted():
    assert promotions(3, 3, [Waiting(61, 1)]) == []


def test_unlimited_capacity_promotes_everybody():
    queue = [Waiting(n, 1 + n % 4) for n in range(70, 90)]
    assert promotions(None, 500, queue) == list(range(70, 90))


def test_promotions_never_exceed_capacity():
    queue = [Waiting(n, 1 + (n * 7) % 4) for n in range(100)]
    for capacity in range(1, 40):
        chosen = promotions(capacity, 0, queue)
        parties = {w.rsvp_id: w.party for w in queue}
        assert sum(parties[i] for i in chosen) <= capacity
        assert chosen == [w.rsvp_id for w in queue[: len(chosen)]]  # always a prefix


# --- activity_problems ------------------------------------------------------------------


def problems(starts=START, ends=END, capacity=None, deadline=None):
    return activity_problems(starts_at=starts, ends_at=ends, capacity=capacity, deadline=deadline)


def test_a_sound_activity_has_no_problems():
    assert problems() == []
    assert problems(capacity=1, deadline=START) == []
    assert problems(capacity=MAX_CAPACITY, deadline=START - timedelta(days=1)) == []


@pytest.mark.parametrize("ends", [START, START - timedelta(minutes=1), START - timedelta(days=1)])
def test_end_before_or_at_start(ends):
    assert problems(ends=ends) == [("end_date", "end_before_start")]


def test_too_long():
    longest = START + timedelta(hours=MAX_DURATION_HOURS)
    assert problems(ends=longest) == []
    assert problems(ends=longest + timedelta(minutes=1)) == [("end_time", "too_long")]


@pytest.mark.parametrize("capacity", [0, -1, -100, MAX_CAPACITY + 1, 10**9])
def test_capacity_out_of_range(capacity):
    assert problems(capacity=capacity) == [("capacity", "capacity")]


def test_deadline_after_start():
    late = START + timedelta(minutes=1)
    assert problems(deadline=late) == [("deadline_date", "deadline_after_start")]


def test_every_problem_is_reported_at_once():
    found = problems(ends=START - timedelta(hours=1), capacity=0, deadline=START + timedelta(1))
    assert found == [
        ("end_date", "end_before_start"),
        ("capacity", "capacity"),
        ("deadline_date", "deadline_after_start"),
    ]
