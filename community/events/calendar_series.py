"""How a recurring series is written in a calendar: one VEVENT with the series' RRULE
(``UNTIL`` in UTC), its occurrences paired with the rule's instances, and the pattern
most occurrences share, so that only the ones that differ become overrides."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from icalendar import vRecur

from community.core.time import WITA, as_utc
from community.events.models import Activity


def local(value: datetime) -> datetime:
    """A stored (UTC) time as WITA wall-clock time."""
    return as_utc(value).astimezone(WITA)


def utc_until_rule(rule: str, tz=WITA) -> vRecur:
    """The stored RRULE with ``UNTIL`` in UTC (``YYYYMMDDTHHMMSSZ``).

    Series keep ``UNTIL`` as a floating local time (``UNTIL=20270128T235959``, what
    dateutil expands against a naive WITA start); RFC 5545 §3.3.10 requires UTC when
    DTSTART carries a TZID. A date-only UNTIL means the end of that local day.
    """
    recur = vRecur.from_ical(rule)
    untils = recur.get("UNTIL")
    if untils:
        until = untils[0]
        if not isinstance(until, datetime):
            until = datetime.combine(until, time(23, 59, 59))
        if until.tzinfo is None:
            until = until.replace(tzinfo=tz)
        recur["UNTIL"] = [until.astimezone(UTC)]
    return recur


def pair_instances(
    instances: Sequence[datetime], occurrences: Sequence[Activity]
) -> tuple[list[tuple[datetime, Activity | None]], list[Activity]]:
    """Which occurrence stands for which instance of the rule, and the occurrences left.

    Occurrences are created in the rule's order (ids ascending), one per instance, and
    never deleted: with as many occurrences as instances the k-th by id is the k-th
    instance, even when edits moved it. Otherwise (not expected) an instance is matched
    only by an occurrence starting exactly then; the others stand alone.
    """
    by_id = sorted(occurrences, key=lambda a: a.id)
    if len(by_id) == len(instances):
        return list(zip(instances, by_id, strict=True)), []
    by_start = {local(a.starts_at): a for a in by_id}
    pairs = [(start, by_start.pop(start, None)) for start in instances]
    return pairs, sorted(by_start.values(), key=lambda a: a.id)


@dataclass(frozen=True)
class Pattern:
    """What the series' VEVENT says; occurrences that say otherwise get an override."""

    title: str
    place: str
    description: str
    accessibility_notes: str
    duration: timedelta


def _pattern_of(activity: Activity) -> Pattern:
    return Pattern(
        activity.title,
        activity.place,
        activity.description or "",
        activity.accessibility_notes or "",
        as_utc(activity.ends_at) - as_utc(activity.starts_at),
    )


def series_pattern(occurrences: Sequence[Activity]) -> Pattern:
    """The values most occurrences share (the first occurrence's on a tie), so that one
    edited occurrence, even the first, costs one override and not all the others."""
    patterns = [_pattern_of(a) for a in sorted(occurrences, key=lambda a: a.id)]
    return Counter(patterns).most_common(1)[0][0]
