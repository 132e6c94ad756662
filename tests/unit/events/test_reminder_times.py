"""When an activity's reminders fall: the kind's defaults, the organiser's own times, and
what moving the activity does to them (all in WITA)."""

from __future__ import annotations

from datetime import datetime

import pytest

from community.core.time import WITA
from community.events.models import Activity
from community.events.reminders import due_times


def activity(kind: str, start: datetime, *, defaults: bool = True, own: str = "") -> Activity:
    return Activity(kind=kind, starts_at=start, default_reminders=defaults, reminder_minutes=own)


SUNDAY_7 = datetime(2026, 12, 6, 7, 0, tzinfo=WITA)


def test_gotong_royong_the_evening_before_and_an_hour_before():
    assert due_times(activity("gotong_royong", SUNDAY_7)) == [
        datetime(2026, 12, 5, 19, 0, tzinfo=WITA),
        datetime(2026, 12, 6, 6, 0, tzinfo=WITA),
    ]


@pytest.mark.parametrize("kind", ["pengajian", "arisan", "olahraga", "pelatihan", "musyawarah"])
def test_other_kinds_two_hours_before(kind):
    start = datetime(2026, 12, 3, 19, 45, tzinfo=WITA)
    assert due_times(activity(kind, start)) == [datetime(2026, 12, 3, 17, 45, tzinfo=WITA)]


def test_moving_the_activity_moves_every_reminder():
    moved = activity("gotong_royong", datetime(2026, 12, 7, 16, 0, tzinfo=WITA), own="1 hari")
    assert due_times(moved) == [
        datetime(2026, 12, 6, 16, 0, tzinfo=WITA),  # 1 hari before
        datetime(2026, 12, 6, 19, 0, tzinfo=WITA),  # the evening before
        datetime(2026, 12, 7, 15, 0, tzinfo=WITA),  # 60 minutes before
    ]


def test_own_times_replace_the_defaults_when_those_are_off():
    own = activity("pengajian", SUNDAY_7, defaults=False, own="30 menit, 3 jam")
    assert due_times(own) == [
        datetime(2026, 12, 6, 4, 0, tzinfo=WITA),
        datetime(2026, 12, 6, 6, 30, tzinfo=WITA),
    ]


def test_the_same_moment_twice_is_one_reminder():
    same = activity("gotong_royong", SUNDAY_7, own="60 menit, 1 jam")
    assert len(due_times(same)) == 2


def test_no_reminders_at_all_when_defaults_are_off_and_none_added():
    assert due_times(activity("olahraga", SUNDAY_7, defaults=False)) == []
