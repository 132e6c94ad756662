"""A test-only guard: no path may change an answer or an activity's planned fields
without noting the plan for it (``reminders.note_*``) before the flush.

Production has no listener that infers intent from attribute history; the services say
what changed. This guard does the inference instead, during the suite only, and fails the
test when a flush carries a change the services did not note: the coverage the old
listeners bought ("no path can forget to plan") without their invisibility.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from community.events import reminders
from community.events.models import Activity, Rsvp
from community.extensions import db
from community.notifications import planning

_ANSWER_FIELDS = ("answer", "waitlisted_at", "user_id")
_violations: list[str] = []


class UnplannedChange(AssertionError):
    """A flush changed what reminders depend on, and nobody noted the plan."""


def _changed(obj, name: str) -> bool:
    return inspect(obj).attrs[name].history.has_changes()


def required_notes(session: Session) -> list[tuple]:
    """What the services must have noted for this flush (what the removed listeners
    inferred from attribute history)."""
    wanted: list[tuple] = []
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Activity):
            if obj in session.new:
                wanted.append(("activity", obj, None))
            elif obj not in session.deleted and any(
                _changed(obj, f) for f in reminders.PLANNED_FIELDS
            ):
                wanted.append(("activity", obj, None))
                if _changed(obj, "is_cancelled") and obj.is_cancelled:
                    wanted.append(("cancelled", obj, None))
                elif any(_changed(obj, f) for f in reminders.NOTICE_FIELDS):
                    wanted.append(("changed", obj, None))
        elif isinstance(obj, Rsvp) and obj.user_id is not None:
            if obj in session.dirty:
                if not any(_changed(obj, f) for f in _ANSWER_FIELDS):
                    continue
                history = inspect(obj).attrs.waitlisted_at.history
                left_line = history.deleted and history.deleted[0] is not None
                if left_line and obj.waitlisted_at is None and not _changed(obj, "responded_at"):
                    wanted.append(("promoted", obj.activity_id, obj.user_id))
            wanted.append(("answer", obj.activity_id, obj.user_id))
    return wanted


def _before_flush(session: Session, _context, _instances) -> None:
    noted = planning.noted(session, reminders.plan_noted)
    missing = [item for item in required_notes(session) if item not in noted]
    if missing:
        message = f"flushed without a planning note (reminders.note_*): {missing}"
        _violations.append(message)
        raise UnplannedChange(message)


@pytest.fixture(autouse=True)
def _planning_guard():
    """Fail the test even where the exception was caught (a worker, a 500 page)."""
    target = db.session.session_factory
    event.listen(target, "before_flush", _before_flush)
    _violations.clear()
    try:
        yield
    finally:
        event.remove(target, "before_flush", _before_flush)
    if _violations:
        pytest.fail(_violations[0], pytrace=False)
