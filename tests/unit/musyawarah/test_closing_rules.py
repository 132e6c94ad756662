"""When residents who have not voted are reminded that a poll closes (#16)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from community.musyawarah import rules

OPENS = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)


def test_a_day_before_closing_or_halfway_through_a_short_poll():
    assert timedelta(hours=24) == rules.CLOSING_REMINDER
    week = OPENS + timedelta(days=7)
    assert rules.closing_reminder_at(OPENS, week) == week - timedelta(hours=24)
    # exactly two days: a day before closing is the halfway point too
    two_days = OPENS + timedelta(days=2)
    assert rules.closing_reminder_at(OPENS, two_days) == OPENS + timedelta(days=1)
    # a poll of ten hours: reminded after five, not before it opened
    short = OPENS + timedelta(hours=10)
    assert rules.closing_reminder_at(OPENS, short) == OPENS + timedelta(hours=5)


@given(st.integers(min_value=1, max_value=60 * 24 * 60))
def test_the_reminder_falls_while_the_poll_is_open(minutes):
    closes = OPENS + timedelta(minutes=minutes)
    at = rules.closing_reminder_at(OPENS, closes)
    assert OPENS < at < closes
    assert closes - at <= rules.CLOSING_REMINDER
