"""Push messages about activities, planned in the same transaction as the change that
causes them: reminders for those who are coming, a notice when an activity is
cancelled or changes time or place, and a word to whoever leaves the Daftar Tunggu.

The services say what changed, next to the change (:func:`note_activity`,
:func:`note_answer`, :func:`note_promoted`); :mod:`community.notifications.planning`
runs :func:`plan_noted` once, at the real commit, with the request's ``now``. The test
suite fails any flush that changes an answer or a planned field without such a note
(``tests/planning_guard.py``), so no path (own answer, atas nama, waitlist promotion,
series edit) can forget to plan."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import inspect, select

from community.accounts.models import User
from community.areas.models import Wilayah
from community.core.time import as_utc
from community.events import queries
from community.events.models import Activity, Answer, Rsvp
from community.events.notices import (
    _languages,
    _payload,
    _text,
    _when_where,
    notify_cancelled,
    notify_changed,
    notify_promoted,
    ref_of,
    topic_of,
)
from community.extensions import db
from community.notifications import outbox, planning
from community.notifications import rules as notif_rules

PLANNED_FIELDS = (
    "starts_at", "ends_at", "place", "title", "kind", "is_cancelled",
    "default_reminders", "reminder_minutes", "remind_unanswered",
)  # fmt: skip
NOTICE_FIELDS = ("starts_at", "place")
HORIZON = timedelta(minutes=notif_rules.MAX_OFFSET_MINUTES + 24 * 60)


def due_times(activity: Activity) -> list[datetime]:
    times: set[datetime] = set()
    if activity.default_reminders:
        times.update(notif_rules.default_reminders(activity.kind, activity.starts_at))
    custom, _problem = notif_rules.parse_offsets(activity.reminder_minutes or "")
    times.update(activity.starts_at - timedelta(minutes=m) for m in custom)
    return sorted(times)


@dataclass(frozen=True)
class PlannedReminder:
    at: datetime
    missed: bool  # already past when the activity was created: never sent


def planned_reminders(activity: Activity) -> list[PlannedReminder]:
    """The reminder times for the organiser's page; those that had passed when the
    activity was created (an H-1 reminder for an activity made the same evening) are
    marked, since nobody received them."""
    created = as_utc(activity.created_at)
    return [PlannedReminder(at, as_utc(at) < created) for at in due_times(activity)]


def reminded_ids(activity: Activity, only: Iterable[int] | None = None) -> set[int]:
    """Who is reminded: Hadir (with a place) and Mungkin; and, if the organiser chose so,
    everyone in scope who has not answered."""
    if activity.is_cancelled:
        return set()
    query = select(Rsvp.user_id).where(
        Rsvp.activity_id == activity.id,
        Rsvp.user_id.is_not(None),
        Rsvp.answer.in_([Answer.HADIR, Answer.MUNGKIN]),
        Rsvp.waitlisted_at.is_(None),
    )
    only = None if only is None else sorted(set(only))
    if only is not None:
        query = query.where(Rsvp.user_id.in_(only))
    ids = set(db.session.scalars(query))
    if activity.remind_unanswered:
        answered = select(Rsvp.user_id).where(
            Rsvp.activity_id == activity.id, Rsvp.user_id.is_not(None)
        )
        members = (
            select(User.id)
            .join(Wilayah, User.rt_id == Wilayah.id)
            .where(Wilayah.path.startswith(activity.wilayah.path), User.id.not_in(answered))
        )
        if only is not None:
            members = members.where(User.id.in_(only))
        ids.update(db.session.scalars(members))
    return ids


def plan_reminders(activity: Activity, *, now: datetime, only: Iterable[int] | None = None) -> int:
    """Re-plan the reminders of one activity (for everyone, or ``only`` these users)."""
    ref = ref_of(activity.id)
    wanted = reminded_ids(activity, only)
    affected = set(wanted) | (
        set(only) if only is not None else outbox.pending_user_ids(ref, "reminder")
    )
    if not affected:
        return 0
    if activity.starts_at <= now:  # (a cancelled activity has nobody in ``wanted``)
        wanted = set()
    times = due_times(activity)
    languages = _languages(wanted)
    texts: dict[str, dict] = {}

    def build(person: outbox.Recipient) -> list[outbox.Message]:
        if person.user_id not in wanted:
            return []
        lang = languages.get(person.user_id, "id")
        if lang not in texts:
            texts[lang] = _text(
                lang,
                lambda: _payload(
                    activity, _("Pengingat: %(title)s", title=activity.title), _when_where(activity)
                ),
            )
        schedule = notif_rules.reminder_schedule(
            times,
            now=now,
            starts_at=activity.starts_at,
            quiet_start=person.quiet_start,
            quiet_end=person.quiet_end,
        )
        start = int(activity.starts_at.timestamp())
        return [
            outbox.Message(
                user_id=person.user_id,
                subject=f"a{activity.id}:rem:{start}:{int(at.timestamp())}",
                due_at=at,
                payload=texts[lang],
                topic=topic_of(activity.id),
                expires_at=activity.starts_at,
            )
            for at in schedule
        ]

    return outbox.plan(ref, "reminder", affected, build)


def plan_for_user(user_id: int, *, now: datetime) -> None:
    """Re-plan one person's reminders (a new device, new preferences)."""
    user = db.session.get(User, user_id)
    if user is None:
        return
    scopes = queries.visible_scope_ids(user)
    answered = select(Rsvp.activity_id).where(Rsvp.user_id == user_id)
    upcoming = select(Activity).where(
        Activity.starts_at > now,
        Activity.starts_at <= now + HORIZON,
        Activity.is_cancelled.is_(False),
        Activity.id.in_(answered)
        | (Activity.remind_unanswered.is_(True) & Activity.wilayah_id.in_(scopes)),
    )
    activities = {a.id: a for a in db.session.scalars(upcoming)}
    for ref in outbox.pending_refs(user_id, "reminder"):
        activity_id = int(ref.partition(":")[2])
        if activity_id not in activities:
            found = db.session.get(Activity, activity_id)
            if found is not None:
                activities[activity_id] = found
    for activity in activities.values():
        plan_reminders(activity, now=now, only=[user_id])


# --- noted where the change is made, planned at the commit ---------------------------------
#
# The services call these next to the change (after setting the fields, before the flush);
# ``planning`` runs :func:`plan_noted` once at the real commit with the request's ``now``.


def note_activity(activity: Activity) -> None:
    """An activity was created or edited or cancelled: re-plan its reminders, and tell
    those who answered if it is now cancelled or has a new time or place (read from
    what is about to be flushed, so setting a field to its own value changes nothing)."""
    session = db.session()
    if activity in session.new:
        _note(("activity", activity, None))
        return
    if not any(_changed(activity, f) for f in PLANNED_FIELDS):
        return
    _note(("activity", activity, None))
    if _changed(activity, "is_cancelled") and activity.is_cancelled:
        _note(("cancelled", activity, None))
    elif any(_changed(activity, f) for f in NOTICE_FIELDS):
        _note(("changed", activity, None))


def note_answer(activity: Activity, user_id: int | None) -> None:
    """``user_id``'s answer was given, changed or withdrawn: re-plan their reminders."""
    if user_id is not None:
        _note(("answer", activity.id, user_id))


def note_promoted(activity: Activity, user_id: int | None) -> None:
    """``user_id`` left the Daftar Tunggu for a place: tell them, and plan their reminders."""
    if user_id is not None:
        _note(("promoted", activity.id, user_id))
        _note(("answer", activity.id, user_id))


def replan_people(user_ids: Iterable[int], *, now: datetime) -> None:
    """Devices or preferences changed (registered with ``kinds.on_recipient_changed``)."""
    for user_id in user_ids:
        plan_for_user(user_id, now=now)


def _note(item: tuple) -> None:
    planning.note(db.session(), plan_noted, item)


def _changed(obj, name: str) -> bool:
    return inspect(obj).attrs[name].history.has_changes()


def plan_noted(notes: list[tuple], *, now: datetime) -> None:
    """Whole activities first, then single answers of the others, then the notices."""
    session = db.session()
    activities = {a.id: a for kind, a, _ in notes if kind == "activity" and a.id is not None}
    for activity in activities.values():
        plan_reminders(activity, now=now)
    answers: dict[int, set[int]] = {}
    for kind, activity_id, user_id in notes:
        if kind == "answer" and activity_id not in activities:
            answers.setdefault(activity_id, set()).add(user_id)
    for activity_id, user_ids in answers.items():
        activity = session.get(Activity, activity_id)
        if activity is not None:
            plan_reminders(activity, now=now, only=user_ids)
    promoted: dict[int, set[int]] = {}
    notified: set[tuple[str, int]] = set()
    for kind, target, user_id in notes:
        if kind in ("cancelled", "changed") and (kind, id(target)) not in notified:
            notified.add((kind, id(target)))
            (notify_cancelled if kind == "cancelled" else notify_changed)(target, now=now)
        elif kind == "promoted":
            promoted.setdefault(target, set()).add(user_id)
    for activity_id, user_ids in promoted.items():
        activity = session.get(Activity, activity_id)
        if activity is not None:
            notify_promoted(activity, user_ids, now=now)
