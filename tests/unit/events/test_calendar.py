"""The calendar builders without an app or a database: RRULE UNTIL in UTC, pairing of
occurrences with the rule's instances, the series pattern, and bytes parsed back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from icalendar import Calendar

from community.core.time import WITA
from community.events import rules
from community.events.calendar import activity_calendar, feed_calendar
from community.events.calendar_series import pair_instances, series_pattern, utc_until_rule
from community.events.models import Activity, Series

NOW = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def link(activity) -> str:
    return f"https://rukun.example/kegiatan/{activity.id}"


def occurrence(id_: int, start: datetime, *, title="Kerja bakti bulanan", hours=3, **extra):
    return Activity(
        id=id_, kind="gotong_royong", title=title, place="Pos kamling", description="",
        accessibility_notes="", starts_at=start.astimezone(UTC),
        ends_at=(start + timedelta(hours=hours)).astimezone(UTC), is_cancelled=False,
        cancel_reason="", updated_at=NOW, **extra,
    )  # fmt: skip


# --- RRULE UNTIL --------------------------------------------------------------------------


def test_floating_until_becomes_utc():
    recur = utc_until_rule("FREQ=WEEKLY;BYDAY=TH;UNTIL=20270128T235959")
    assert recur["UNTIL"] == [datetime(2027, 1, 28, 15, 59, 59, tzinfo=UTC)]
    assert recur.to_ical() == b"FREQ=WEEKLY;UNTIL=20270128T155959Z;BYDAY=TH"


def test_date_only_until_means_the_end_of_that_local_day():
    recur = utc_until_rule("FREQ=MONTHLY;BYMONTHDAY=15;UNTIL=20270115")
    assert recur["UNTIL"] == [datetime(2027, 1, 15, 15, 59, 59, tzinfo=UTC)]


def test_utc_until_and_count_stay_as_they_are():
    assert (
        b"UNTIL=20270128T155959Z"
        in utc_until_rule("FREQ=WEEKLY;BYDAY=TH;UNTIL=20270128T155959Z").to_ical()
    )
    assert utc_until_rule("FREQ=MONTHLY;BYDAY=2SU;COUNT=4").to_ical() == (
        b"FREQ=MONTHLY;COUNT=4;BYDAY=2SU"
    )


# --- pairing and pattern ------------------------------------------------------------------


def _thursdays(n: int) -> list[datetime]:
    first = datetime(2026, 12, 3, 19, 45, tzinfo=WITA)
    return [first + timedelta(weeks=i) for i in range(n)]


def test_pairing_follows_creation_order_even_when_an_occurrence_moved():
    starts = _thursdays(3)
    moved = starts[0] + timedelta(days=15)  # the first one moved past the second and third
    rows = [SimpleNamespace(id=10, starts_at=moved), SimpleNamespace(id=11, starts_at=starts[1]),
            SimpleNamespace(id=12, starts_at=starts[2])]  # fmt: skip
    pairs, alone = pair_instances(starts, list(reversed(rows)))
    assert [(s, o.id) for s, o in pairs] == list(zip(starts, [10, 11, 12], strict=True))
    assert alone == []


def test_pairing_by_exact_start_when_the_counts_differ():
    starts = _thursdays(3)
    rows = [SimpleNamespace(id=1, starts_at=starts[0]),
            SimpleNamespace(id=2, starts_at=starts[2] + timedelta(hours=1))]  # fmt: skip
    pairs, alone = pair_instances(starts, rows)
    assert [(s, o.id if o else None) for s, o in pairs] == [
        (starts[0], 1), (starts[1], None), (starts[2], None)
    ]  # fmt: skip
    assert [a.id for a in alone] == [2]


def test_pattern_is_what_most_occurrences_share():
    first = datetime(2026, 12, 13, 7, 0, tzinfo=WITA)
    rows = [occurrence(1, first, title="Kerja bakti + syukuran")] + [
        occurrence(i, first + timedelta(weeks=4 * i)) for i in (2, 3)
    ]
    assert series_pattern(rows).title == "Kerja bakti bulanan"
    assert series_pattern(rows).duration == timedelta(hours=3)


# --- bytes parsed back --------------------------------------------------------------------


def test_one_activity_calendar():
    start = datetime(2026, 12, 6, 7, 0, tzinfo=WITA)
    activity = occurrence(7, start, latitude=-3.44, longitude=114.83)
    cal = Calendar.from_ical(
        activity_calendar(activity, link=link, now=NOW, domain="rukun.example")
    )
    [event] = cal.walk("VEVENT")
    assert str(event["uid"]) == "activity-7@rukun.example"
    assert event.decoded("dtstart") == start and event["dtstart"].params["TZID"] == "Asia/Makassar"
    assert event.decoded("dtstart").astimezone(UTC) == datetime(2026, 12, 5, 23, 0, tzinfo=UTC)
    assert event.decoded("dtstamp") == NOW
    assert str(event["url"]) == "https://rukun.example/kegiatan/7"
    assert event["geo"].latitude == -3.44 and event["geo"].longitude == 114.83
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Makassar"]


def test_monthly_series_with_count_and_an_edited_first_occurrence():
    first = datetime(2026, 12, 13, 7, 0, tzinfo=WITA)  # second Sunday
    rule = rules.recurrence_rule("monthly_nth", first, until=None, count=3)
    series = Series(id=5, rrule=rule, first_start_at=first.astimezone(UTC))
    starts = rules.expand(rule, first)
    rows = [occurrence(20 + i, s, series_id=5, series=series) for i, s in enumerate(starts)]
    rows[0].title = "Kerja bakti + syukuran"
    body = feed_calendar(
        rows, siblings={5: rows}, link=link, now=NOW, name="Rukun: uji", domain="rukun.example"
    )
    cal = Calendar.from_ical(body)
    assert str(cal["x-wr-calname"]) == "Rukun: uji"
    master, override = cal.walk("VEVENT")
    assert str(master["uid"]) == str(override["uid"]) == "series-5@rukun.example"
    assert master["rrule"].to_ical() == b"FREQ=MONTHLY;COUNT=3;BYDAY=2SU"
    assert str(master["summary"]) == "Kerja bakti bulanan"
    assert "exdate" not in master
    assert override.decoded("recurrence-id") == first
    assert str(override["summary"]) == "Kerja bakti + syukuran"
    assert str(master["url"]) == "https://rukun.example/kegiatan/20"  # the next one
