"""Use-cases for activities and RSVPs. Services flush; the caller commits.

Places are claimed with a guarded ``UPDATE activity SET seats_taken = seats_taken + n
WHERE capacity IS NULL OR seats_taken + n <= capacity``: the database, not a
check-then-act in Python, makes sure the count never passes the capacity.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from community.accounts.models import User
from community.areas.models import Wilayah
from community.events import reminders, rules
from community.events.answers import lock_activity, promote_waitlist
from community.events.models import (
    Activity,
    Series,
)
from community.events.queries import following
from community.events.rules import EventError
from community.extensions import db

log = logging.getLogger(__name__)


# --- reading -----------------------------------------------------------------------------


# --- organising --------------------------------------------------------------------------


def create_activity(scope: Wilayah, *, by: User, now: datetime, **fields: Any) -> Activity:
    _check(fields)
    activity = Activity(
        wilayah_id=scope.id, created_by_id=by.id, created_at=now, updated_at=now, **fields
    )
    db.session.add(activity)
    reminders.note_activity(activity)
    db.session.flush()
    log.info("activity created id=%s scope=%s by=%s", activity.id, scope.id, by.id)
    return activity


def create_series(
    scope: Wilayah, *, by: User, now: datetime, rule: str, **fields: Any
) -> list[Activity]:
    """One Activity per occurrence of ``rule`` (RRULE, anchored on ``fields['starts_at']``
    in WITA). Raises :class:`EventError` ``too_many`` above 500 occurrences."""
    _check(fields)
    first = fields["starts_at"]
    duration = fields["ends_at"] - first
    deadline_gap = first - fields["rsvp_deadline_at"] if fields.get("rsvp_deadline_at") else None
    try:
        starts = rules.expand(rule, first)
    except ValueError as exc:
        raise EventError(str(exc)) from exc
    series = Series(wilayah_id=scope.id, rrule=rule, first_start_at=first, created_by_id=by.id,
                    created_at=now)  # fmt: skip
    db.session.add(series)
    db.session.flush()
    occurrences = []
    for start in starts:
        values = {**fields, "starts_at": start, "ends_at": start + duration}
        if deadline_gap is not None:
            values["rsvp_deadline_at"] = start - deadline_gap
        occurrences.append(
            Activity(
                wilayah_id=scope.id,
                series_id=series.id,
                created_by_id=by.id,
                created_at=now,
                updated_at=now,
                **values,
            )
        )
    db.session.add_all(occurrences)
    for occurrence in occurrences:
        reminders.note_activity(occurrence)
    db.session.flush()
    log.info("series created id=%s occurrences=%s by=%s", series.id, len(occurrences), by.id)
    return occurrences


def update_following(activity: Activity, *, now: datetime, **fields: Any) -> list[int]:
    """Apply an edit to this occurrence and the later ones: the same change of clock time
    and duration, the same title, place, capacity and notes; each keeps its own date."""
    shift = fields["starts_at"] - activity.starts_at
    duration = fields["ends_at"] - fields["starts_at"]
    deadline_gap = (
        fields["starts_at"] - fields["rsvp_deadline_at"] if fields.get("rsvp_deadline_at") else None
    )
    promoted = []
    for occurrence in following(activity):
        start = occurrence.starts_at + shift
        values = {**fields, "starts_at": start, "ends_at": start + duration}
        values["rsvp_deadline_at"] = start - deadline_gap if deadline_gap is not None else None
        promoted += update_activity(occurrence, now=now, **values)
    return promoted


def cancel_following(activity: Activity, *, reason: str, now: datetime) -> int:
    cancelled = 0
    for occurrence in following(activity):
        if not occurrence.is_cancelled:
            cancel_activity(occurrence, reason=reason, now=now)
            cancelled += 1
    return cancelled


EDITABLE = {
    "kind", "title", "description", "place", "latitude", "longitude", "accessibility_notes",
    "starts_at", "ends_at", "capacity", "rsvp_deadline_at",
    "default_reminders", "reminder_minutes", "remind_unanswered",
}  # fmt: skip


def update_activity(activity: Activity, *, now: datetime, **fields: Any) -> list[int]:
    """Change an activity; returns the RSVP ids promoted when the capacity grew."""
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValueError(sorted(unknown))  # mass-assignment guard
    _check(fields)
    capacity = fields.get("capacity")
    if capacity is not None and capacity < lock_activity(activity).seats_taken:
        raise EventError("capacity_below_taken")
    for key, value in fields.items():
        setattr(activity, key, value)
    activity.updated_at = now
    reminders.note_activity(activity)
    db.session.flush()
    return promote_waitlist(activity)


def cancel_activity(activity: Activity, *, reason: str, now: datetime) -> None:
    activity.is_cancelled = True
    activity.cancel_reason = reason
    activity.updated_at = now
    reminders.note_activity(activity)
    db.session.flush()


def _check(fields: dict[str, Any]) -> None:
    problems = rules.activity_problems(
        starts_at=fields["starts_at"],
        ends_at=fields["ends_at"],
        capacity=fields.get("capacity"),
        deadline=fields.get("rsvp_deadline_at"),
    )
    if problems:
        raise EventError(problems[0][1])


# --- answering ---------------------------------------------------------------------------


# --- privacy -----------------------------------------------------------------------------
