"""Use-cases for activities and RSVPs. Services flush; the caller commits.

Places are claimed with a guarded ``UPDATE activity SET seats_taken = seats_taken + n
WHERE capacity IS NULL OR seats_taken + n <= capacity``: the database, not a
check-then-act in Python, makes sure the count never passes the capacity.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from community.accounts import services as accounts
from community.accounts.models import User
from community.areas.models import Wilayah
from community.core import privacy
from community.core.errors import DomainError
from community.core.time import as_utc
from community.events import reminders, rules
from community.events.models import (
    Activity,
    Answer,
    Attendance,
    CalendarFeed,
    Comment,
    Rsvp,
    Series,
    Task,
    TaskSignup,
)
from community.extensions import db

log = logging.getLogger(__name__)
PAST_WINDOW = timedelta(days=90)  # "Kegiatan lalu" shows the last three months


class EventError(DomainError):
    """A rule refused the action; ``code`` says which (the route turns it into words)."""


# --- reading -----------------------------------------------------------------------------


def visible_scope_ids(user: User) -> list[int]:
    """Wilayah whose activities the user sees in the feed: their RT and every ancestor,
    and the wilayah where they hold a role."""
    ids: set[int] = set(user.rt.ancestor_ids) if user.rt is not None else set()
    ids.update(a.wilayah_id for a in user.roles)
    return sorted(ids)


@dataclass(frozen=True)
class FeedItem:
    activity: Activity
    answer: str | None
    is_waitlisted: bool


@dataclass(frozen=True)
class FeedPage:
    items: list[FeedItem]
    next_cursor: rules.FeedCursor | None  # where "Lihat lebih banyak" goes on; None: the end


def list_feed(
    user: User,
    *,
    now: datetime,
    kind: str | None = None,
    past: bool = False,
    after: rules.FeedCursor | None = None,
    limit: int = rules.FEED_PAGE_SIZE,
) -> FeedPage:
    """One page of upcoming activities soonest first (or past ones, latest first), with
    the user's own answer, continuing ``after`` a cursor: one query whatever the number
    of activities.

    Upcoming, a recurring series is one card, its next meeting: the folding is done by
    the query (``row_number()`` per series), so a weekly pengajian of 60 meetings takes
    one place on a page, not 60. Past meetings each keep their own card (their own
    attendance).
    """
    scope = visible_scope_ids(user)
    if not scope:
        return FeedPage([], None)
    shown = [Activity.wilayah_id.in_(scope)]
    if kind:
        shown.append(Activity.kind == kind)
    if past:
        shown += [Activity.ends_at < now, Activity.ends_at >= now - PAST_WINDOW]
    else:
        shown.append(Activity.ends_at >= now)
    query = select(Activity, Rsvp.answer, Rsvp.waitlisted_at).outerjoin(
        Rsvp, (Rsvp.activity_id == Activity.id) & (Rsvp.user_id == user.id)
    )
    if past:
        query = query.where(*shown)
    else:
        one_off = case((Activity.series_id.is_(None), Activity.id))
        ranked = (
            select(
                Activity.id,
                func.row_number()
                .over(
                    partition_by=(Activity.series_id, one_off),
                    order_by=(Activity.starts_at, Activity.id),
                )
                .label("place"),
            )
            .where(*shown)
            .subquery()
        )
        query = query.join(ranked, ranked.c.id == Activity.id).where(ranked.c.place == 1)
    start, tie = Activity.starts_at, Activity.id
    if past:
        query = query.order_by(start.desc(), tie.desc())
        if after is not None:
            query = query.where(
                or_(start < after.starts_at, (start == after.starts_at) & (tie < after.activity_id))
            )
    else:
        query = query.order_by(start, tie)
        if after is not None:
            query = query.where(
                or_(start > after.starts_at, (start == after.starts_at) & (tie > after.activity_id))
            )
    rows = db.session.execute(query.limit(limit + 1)).all()
    items = [FeedItem(a, answer, waitlisted is not None) for a, answer, waitlisted in rows[:limit]]
    if len(rows) <= limit:
        return FeedPage(items, None)
    last = items[-1].activity
    return FeedPage(items, rules.FeedCursor(as_utc(last.starts_at), last.id))


def answer_problem(activity: Activity, *, now: datetime, guests: int = 0) -> str | None:
    return rules.rsvp_problem(
        now=now,
        starts_at=as_utc(activity.starts_at),
        deadline=as_utc(activity.rsvp_deadline_at) if activity.rsvp_deadline_at else None,
        is_cancelled=activity.is_cancelled,
        guests=guests,
    )


def get_activity(activity_id: int) -> Activity | None:
    return db.session.get(Activity, activity_id)


def get_rsvp(activity: Activity, user: User) -> Rsvp | None:
    return db.session.scalar(
        select(Rsvp).where(Rsvp.activity_id == activity.id, Rsvp.user_id == user.id)
    )


@dataclass(frozen=True)
class Counts:
    hadir: int  # people confirmed, guests included
    mungkin: int
    tidak: int
    waiting: int  # people on the Daftar Tunggu, guests included
    guests: int


def count_answers(activity: Activity) -> Counts:
    party = 1 + Rsvp.guests
    confirmed = (Rsvp.answer == Answer.HADIR) & Rsvp.waitlisted_at.is_(None)
    row = db.session.execute(
        select(
            func.coalesce(func.sum(case((confirmed, party), else_=0)), 0),
            func.coalesce(func.sum(case((Rsvp.answer == Answer.MUNGKIN, 1), else_=0)), 0),
            func.coalesce(func.sum(case((Rsvp.answer == Answer.TIDAK, 1), else_=0)), 0),
            func.coalesce(func.sum(case((Rsvp.waitlisted_at.is_not(None), party), else_=0)), 0),
            func.coalesce(func.sum(case((confirmed, Rsvp.guests), else_=0)), 0),
        ).where(Rsvp.activity_id == activity.id)
    ).one()
    return Counts(*(int(v) for v in row))


def waitlist_position(rsvp: Rsvp) -> int | None:
    """1 for the first in line; ``None`` when not on the Daftar Tunggu."""
    if rsvp.waitlisted_at is None:
        return None
    ahead = db.session.scalar(
        select(func.count(Rsvp.id)).where(
            Rsvp.activity_id == rsvp.activity_id,
            Rsvp.waitlisted_at.is_not(None),
            or_(
                Rsvp.waitlisted_at < rsvp.waitlisted_at,
                (Rsvp.waitlisted_at == rsvp.waitlisted_at) & (Rsvp.id < rsvp.id),
            ),
        )
    )
    return int(ahead) + 1


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


def following(activity: Activity) -> list[Activity]:
    """This occurrence and every later one of its series (just this one when alone)."""
    if activity.series_id is None:
        return [activity]
    return list(
        db.session.scalars(
            select(Activity)
            .where(
                Activity.series_id == activity.series_id, Activity.starts_at >= activity.starts_at
            )
            .order_by(Activity.starts_at)
        )
    )


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


def respond_to_following(activity: Activity, user: User, *, now: datetime) -> int:
    """ "Hadir for all coming ones": answer Hadir to every later occurrence still open."""
    answered = 0
    for occurrence in following(activity):
        existing = get_rsvp(occurrence, user)
        if existing is not None and existing.answer == Answer.HADIR:
            continue  # keep their guests and place in line as they are
        if answer_problem(occurrence, now=now) is None:
            respond(occurrence, user, answer=Answer.HADIR, now=now)
            answered += 1
    return answered


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


@dataclass(frozen=True)
class RsvpResult:
    rsvp: Rsvp | None
    promoted: list[int]  # RSVP ids that left the Daftar Tunggu because of this change


def lock_activity(activity: Activity) -> Activity:
    """Re-read the activity row under a row lock (PostgreSQL; SQLite's BEGIN IMMEDIATE
    already serialises writers)."""
    # OF activity: the eagerly joined wilayah is an outer join, which FOR UPDATE refuses
    lock = {"of": Activity} if db.engine.dialect.name != "sqlite" else None
    db.session.refresh(activity, with_for_update=lock)
    return activity


def claim_places(activity: Activity, party: int) -> bool:
    """Take ``party`` places if they are free; the guarded UPDATE decides."""
    claimed = db.session.execute(
        update(Activity)
        .where(
            Activity.id == activity.id,
            or_(Activity.capacity.is_(None), Activity.seats_taken + party <= Activity.capacity),
        )
        .values(seats_taken=Activity.seats_taken + party)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def release_places(activity: Activity, party: int) -> None:
    db.session.execute(
        update(Activity)
        .where(Activity.id == activity.id)
        .values(seats_taken=Activity.seats_taken - party)
        .execution_options(synchronize_session=False)
    )


def respond(
    activity: Activity,
    user: User,
    *,
    answer: str,
    guests: int = 0,
    note: str = "",
    needs_help: bool = False,
    now: datetime,
) -> RsvpResult:
    """Give or change ``user``'s answer. Hadir takes places or joins the Daftar Tunggu.

    *Butuh bantuan* ticked by the person themselves records their consent to keep needs
    (the box says the pengurus will see it); it is withdrawn on the profile."""
    if needs_help:
        accounts.give_needs_consent(user, now=now)
    return record_answer(
        activity,
        Respondent(user_id=user.id),
        answer=answer,
        guests=guests,
        note=note,
        needs_help=needs_help,
        now=now,
    )


def change_answer(activity: Activity, user: User, *, answer: str, now: datetime) -> RsvpResult:
    """The one-tap answer of a feed card: only the answer changes. Guests (while Hadir),
    the note and *butuh bantuan* stay as the resident gave them on the activity page."""
    rsvp = get_rsvp(activity, user)
    if rsvp is None:
        return respond(activity, user, answer=answer, now=now)
    return respond(
        activity,
        user,
        answer=answer,
        guests=rsvp.guests,
        note=rsvp.note or "",
        needs_help=rsvp.needs_help,
        now=now,
    )


@dataclass(frozen=True)
class Respondent:
    """Whose answer: a resident's account, or a person without one known by name."""

    user_id: int | None = None
    proxy_name: str | None = None

    def find(self, activity: Activity) -> Rsvp | None:
        query = select(Rsvp).where(Rsvp.activity_id == activity.id)
        if self.user_id is not None:
            return db.session.scalar(query.where(Rsvp.user_id == self.user_id))
        return db.session.scalar(
            query.where(Rsvp.user_id.is_(None), Rsvp.proxy_name == self.proxy_name)
        )

    def new(self, activity: Activity) -> Rsvp:
        return Rsvp(activity_id=activity.id, user_id=self.user_id, proxy_name=self.proxy_name)


def record_answer(
    activity: Activity,
    who: Respondent,
    *,
    answer: str,
    guests: int = 0,
    note: str = "",
    needs_help: bool = False,
    proxy_by_id: int | None = None,
    now: datetime,
) -> RsvpResult:
    """The one path every answer takes (own, atas nama, for someone without an account):
    the same deadline, capacity and first-come-first-served Daftar Tunggu for all."""
    problem = answer_problem(activity, now=now, guests=guests)
    if problem:
        raise EventError(problem)
    if answer not in set(Answer):
        raise EventError("answer")
    if answer != Answer.HADIR:
        guests = 0  # guests only come along with someone who comes
    lock_activity(activity)
    rsvp = who.find(activity)
    released = 0
    was_confirmed = rsvp is not None and rsvp.answer == Answer.HADIR and not rsvp.waitlisted_at
    was_waiting = rsvp is not None and rsvp.waitlisted_at is not None
    if was_confirmed:
        release_places(activity, rsvp.party)
        released = rsvp.party
    waitlisted_at = None
    hadir = answer == Answer.HADIR
    queue_ahead = hadir and not was_confirmed and _someone_waiting_ahead(activity, rsvp)
    if hadir and (queue_ahead or not claim_places(activity, 1 + guests)):
        if was_confirmed:  # more guests than free places: keep what they had, say why
            raise EventError("no_room_for_guests")
        # keep the place in line of someone already waiting who only changes their note
        keep = rsvp is not None and rsvp.answer == Answer.HADIR and rsvp.waitlisted_at
        waitlisted_at = rsvp.waitlisted_at if keep else now
    try:
        # The savepoint guards the INSERT of a first answer, so the row is added inside
        # it: begin_nested() flushes what is already pending before its SAVEPOINT.
        with db.session.begin_nested():
            if rsvp is None:
                rsvp = who.new(activity)
                db.session.add(rsvp)
            rsvp.answer, rsvp.guests, rsvp.note, rsvp.needs_help = answer, guests, note, needs_help
            rsvp.waitlisted_at, rsvp.responded_at = waitlisted_at, now
            rsvp.proxy_by_id = proxy_by_id
            reminders.note_answer(activity, rsvp.user_id)
    except IntegrityError as exc:  # the same person answered twice at the same moment
        raise EventError("conflict") from exc
    # A place freed, the head of the line left or shrank, or this answer joined the line
    # (its ``now`` may be earlier than that of one already waiting): the line decides.
    promoted = promote_waitlist(activity) if released or was_waiting or waitlisted_at else []
    return RsvpResult(rsvp, [i for i in promoted if i != rsvp.id])


def _someone_waiting_ahead(activity: Activity, rsvp: Rsvp | None) -> bool:
    """Strict first come, first served also for newcomers: while anyone waits ahead of
    this answer, a free place is not theirs to take."""
    if rsvp is not None and rsvp.waitlisted_at is not None:
        return (waitlist_position(rsvp) or 1) > 1
    first = select(Rsvp.id).where(Rsvp.activity_id == activity.id, Rsvp.waitlisted_at.is_not(None))
    return db.session.scalar(first.limit(1)) is not None


def withdraw(activity: Activity, user: User, *, now: datetime) -> RsvpResult:
    """Remove the user's answer altogether (a freed place goes to the first in line)."""
    problem = answer_problem(activity, now=now)
    if problem:
        raise EventError(problem)
    lock_activity(activity)
    rsvp = get_rsvp(activity, user)
    if rsvp is None:
        return RsvpResult(None, [])
    freed = rsvp.answer == Answer.HADIR and rsvp.waitlisted_at is None
    if freed:
        release_places(activity, rsvp.party)
    left_line = rsvp.waitlisted_at is not None  # maybe the head that blocked the others
    db.session.delete(rsvp)
    reminders.note_answer(activity, rsvp.user_id)
    db.session.flush()
    return RsvpResult(None, promote_waitlist(activity) if freed or left_line else [])


def promote_waitlist(activity: Activity) -> list[int]:
    """Move people from the Daftar Tunggu into free places, first in line first."""
    db.session.refresh(activity)
    queue = db.session.scalars(
        select(Rsvp)
        .where(Rsvp.activity_id == activity.id, Rsvp.waitlisted_at.is_not(None))
        .order_by(Rsvp.waitlisted_at, Rsvp.id)
    ).all()
    chosen = rules.promotions(
        activity.capacity, activity.seats_taken, [rules.Waiting(r.id, r.party) for r in queue]
    )
    by_id = {r.id: r for r in queue}
    promoted = []
    for rsvp_id in chosen:
        if not claim_places(activity, by_id[rsvp_id].party):
            break
        by_id[rsvp_id].waitlisted_at = None
        reminders.note_promoted(activity, by_id[rsvp_id].user_id)
        promoted.append(rsvp_id)
    db.session.flush()
    if promoted:
        log.info("waitlist promoted activity=%s rsvps=%s", activity.id, promoted)
    return promoted


# --- privacy -----------------------------------------------------------------------------


def erase_person(user: User) -> None:
    """Before the account goes: what the person wrote goes with it (UU PDP). Their answers
    keep counting without note or need, their comments are deleted, and answers they gave
    for someone without an account keep the count but lose the name they typed."""
    db.session.execute(
        update(Rsvp).where(Rsvp.user_id == user.id).values(note="", needs_help=False)
    )
    db.session.execute(
        update(Rsvp)
        .where(Rsvp.proxy_by_id == user.id, Rsvp.user_id.is_(None))
        .values(proxy_name=None, note="")
    )
    db.session.execute(delete(Comment).where(Comment.user_id == user.id))


def forget_needs(user: User) -> None:
    """Consent withdrawn: no answer of ``user`` keeps *butuh bantuan*."""
    db.session.execute(
        update(Rsvp).where(Rsvp.user_id == user.id, Rsvp.needs_help).values(needs_help=False)
    )


def _export(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Rsvp, Activity.title, Activity.starts_at)
        .join(Activity, Activity.id == Rsvp.activity_id)
        .where(Rsvp.user_id == user.id)
        .order_by(Activity.starts_at)
    ).all()
    return [
        {
            "activity": title,
            "starts_at": as_utc(starts_at).isoformat(),
            "answer": rsvp.answer,
            "guests": rsvp.guests,
            "note": rsvp.note,
            "needs_help": rsvp.needs_help,
            "waitlisted": rsvp.is_waitlisted,
            "responded_at": as_utc(rsvp.responded_at).isoformat(),
        }
        for rsvp, title, starts_at in rows
    ]


def _export_comments(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Comment, Activity.title)
        .join(Activity, Activity.id == Comment.activity_id)
        .where(Comment.user_id == user.id)
        .order_by(Comment.created_at)
    ).all()
    return [
        {
            "activity": title,
            "body": c.body,
            "hidden_by_pengurus": c.is_hidden,
            "written_at": as_utc(c.created_at).isoformat(),
        }
        for c, title in rows
    ]


def _export_tasks(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(TaskSignup, Task.label, Activity.title)
        .join(Task, Task.id == TaskSignup.task_id)
        .join(Activity, Activity.id == Task.activity_id)
        .where(TaskSignup.user_id == user.id)
        .order_by(TaskSignup.created_at)
    ).all()
    return [
        {
            "activity": title,
            "task": label,
            "quantity": s.quantity,
            "signed_up_at": as_utc(s.created_at).isoformat(),
        }
        for s, label, title in rows
    ]


def _export_attendance(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Attendance, Activity.title)
        .join(Activity, Activity.id == Attendance.activity_id)
        .where(Attendance.user_id == user.id)
        .order_by(Attendance.checked_in_at)
    ).all()
    return [
        {"activity": title, "method": a.method, "at": as_utc(a.checked_in_at).isoformat()}
        for a, title in rows
    ]


def _export_feed(user: User) -> dict[str, Any] | None:
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:
        return None
    return {"scope": feed.scope, "created_at": as_utc(feed.created_at).isoformat()}


def register_exports() -> None:
    privacy.register_exporter("rsvps", _export)
    privacy.register_exporter("comments", _export_comments)
    privacy.register_exporter("tasks", _export_tasks)
    privacy.register_exporter("attendance", _export_attendance)
    privacy.register_exporter("calendar_feed", _export_feed)
    _classify()


def _classify() -> None:
    E, W, N = privacy.Exported, privacy.Withheld, privacy.NotPersonal
    key = N("an internal row number; means nothing outside this database")
    content = N("the activity's own content, published to its wilayah; not about a person")
    organiser = W(
        "who organised or recorded it for the wilayah: the pengurus' data, kept for the RT"
    )
    privacy.classify("activity_series", {
        "id": key, "wilayah_id": content, "rrule": content, "first_start_at": content,
        "created_by_id": organiser, "created_at": content,
    })  # fmt: skip
    privacy.classify("activity", {
        column: content for column in (
            "wilayah_id", "series_id", "kind", "title", "description", "place", "latitude",
            "longitude", "accessibility_notes", "starts_at", "ends_at", "capacity",
            "seats_taken", "rsvp_deadline_at", "is_cancelled", "default_reminders",
            "reminder_minutes", "remind_unanswered", "cancel_reason", "created_at",
            "updated_at",
        )
    } | {"id": key, "created_by_id": organiser})  # fmt: skip
    privacy.classify("activity_task", {
        "id": key, "activity_id": content, "label": content, "quantity_needed": content,
        "quantity_taken": N("a count of everyone's sign-ups"),
    })  # fmt: skip
    privacy.classify("rsvp", {
        "id": key,
        "activity_id": E("rsvps[].activity"),
        "user_id": key,
        "proxy_name": W(
            "the name of someone without an account, written by a pengurus who answered "
            "for them: no account holder's data"
        ),
        "proxy_by_id": organiser,
        "answer": E("rsvps[].answer"),
        "guests": E("rsvps[].guests"),
        "note": E("rsvps[].note"),
        "needs_help": E("rsvps[].needs_help"),
        "waitlisted_at": E("rsvps[].waitlisted"),
        "responded_at": E("rsvps[].responded_at"),
    })  # fmt: skip
    privacy.classify("task_signup", {
        "id": key,
        "task_id": E("tasks[].task"),
        "user_id": key,
        "quantity": E("tasks[].quantity"),
        "created_at": E("tasks[].signed_up_at"),
    })  # fmt: skip
    privacy.classify("attendance", {
        "id": key,
        "activity_id": E("attendance[].activity"),
        "user_id": key,
        "name": W("a walk-in's name, written by a pengurus: no account holder's data"),
        "method": E("attendance[].method"),
        "marked_by_id": organiser,
        "checked_in_at": E("attendance[].at"),
    })  # fmt: skip
    privacy.classify("activity_comment", {
        "id": key,
        "activity_id": E("comments[].activity"),
        "user_id": key,
        "body": E("comments[].body"),
        "is_hidden": E("comments[].hidden_by_pengurus"),
        "created_at": E("comments[].written_at"),
    })  # fmt: skip
    privacy.classify("calendar_feed", {
        "id": key,
        "user_id": key,
        "token": W("a credential: the feed URL is on the profile page, not in a file"),
        "scope": E("calendar_feed.scope"),
        "created_at": E("calendar_feed.created_at"),
    })  # fmt: skip
