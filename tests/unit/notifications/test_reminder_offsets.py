"""The organiser's own reminder times ("30 menit, 3 jam, 1 hari"): what is read, what is
refused, and how they are shown back."""

from __future__ import annotations

import pytest

from community.notifications.rules import MAX_OFFSET_MINUTES, format_offsets, parse_offsets


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("30 menit, 3 jam, 1 hari", [1440, 180, 30]),
        ("1 hari, 30 menit, 3 jam", [1440, 180, 30]),
        ("30 menit; 3 jam; 1 hari", [1440, 180, 30]),
        ("45", [45]),
        ("2jam", [120]),
        ("30m", [30]),
        ("2 hours", [120]),
        ("1 day", [1440]),
        ("10 minutes", [10]),
        ("30 MENIT", [30]),
        ("  15 menit  ,  ", [15]),
        ("60 menit, 1 jam", [60]),  # the same moment twice is one reminder
        ("30, 30 menit, 30m", [30]),
        ("14 hari", [MAX_OFFSET_MINUTES]),
        ("1 menit", [1]),
    ],
)
def test_offsets_are_read_as_minutes_before_the_start_latest_first(text, minutes):
    assert parse_offsets(text) == (minutes, None)


@pytest.mark.parametrize("text", ["", "   ", " , ; ", None])
def test_no_offsets_is_no_custom_reminders(text):
    assert parse_offsets(text) == ([], None)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("-30 menit", "not_before_start"),
        ("30 menit, -1 jam", "not_before_start"),
        ("0", "not_before_start"),
        ("0 hari", "not_before_start"),
        ("15 hari", "too_early"),
        (f"{MAX_OFFSET_MINUTES + 1}", "too_early"),
        ("337 jam", "too_early"),
        ("besok", "offset_unreadable"),
        ("3 minggu", "offset_unreadable"),
        ("1.5 jam", "offset_unreadable"),
        ("1,5 jam", "offset_unreadable"),  # a decimal comma, not reminders at 1 min and 5 h
        ("2 hr", "offset_unreadable"),  # hours or hari? refused rather than guessed
        ("1h", "offset_unreadable"),  # "H-1" is the day before in Indonesian
        ("jam 3", "offset_unreadable"),
        ("1 jam 30 menit", "offset_unreadable"),
        ("30 menit, sebentar", "offset_unreadable"),
        ("1, 2, 3, 4, 5, 6", "too_many_offsets"),
        ("5 menit, 10 menit, 30 menit, 1 jam, 3 jam, 1 hari", "too_many_offsets"),
    ],
)
def test_offsets_that_cannot_be_a_reminder_are_refused_with_the_reason(text, problem):
    assert parse_offsets(text) == ([], problem)


def test_five_offsets_are_allowed_and_duplicates_do_not_count_towards_the_limit():
    assert parse_offsets("5 menit, 10 menit, 30 menit, 1 jam, 60 menit, 1 hari") == (
        [1440, 60, 30, 10, 5],
        None,
    )


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        ([1440, 180, 30], "1 hari, 3 jam, 30 menit"),
        ([2880], "2 hari"),
        ([90], "90 menit"),
        ([1500], "25 jam"),
        ([1470], "1470 menit"),
        ([], ""),
    ],
)
def test_offsets_are_shown_in_the_largest_whole_unit(minutes, text):
    assert format_offsets(minutes) == text


@pytest.mark.parametrize(
    "minutes",
    [[1440, 180, 30], [MAX_OFFSET_MINUTES, 1], [2880, 1500, 1470, 90, 5], [45], []],
)
def test_what_is_shown_reads_back_to_the_same_offsets(minutes):
    assert parse_offsets(format_offsets(minutes)) == (minutes, None)
