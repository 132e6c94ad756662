"""Answering an activity: the one path every answer takes (own, one tap on a feed card,
atas nama, for someone without an account), places and the Daftar Tunggu.

Places are claimed with a guarded ``UPDATE activity SET seats_taken = seats_taken + n
WHERE capacity IS NULL OR seats_taken + n <= capacity``: the database, not a
check-then-act in Python, makes sure the count never passes the capacity. Services
flush; the caller commits."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from community.accounts import services as accounts
from community.accounts.models import User
from community.events import reminders, rules
from community.events.models import (
    Activity,
    Answer,
    Rsvp,
)
from community.events.queries import answer_problem, following, get_rsvp, waitlist_position
from community.events.rules import EventError
from community.extensions import db

log = logging.getLogger(__name__)


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


def respond_for(
    activity: Activity,
    *,
    by: User,
    resident: User | None = None,
    name: str | None = None,
    answer: str,
    guests: int = 0,
    needs_help: bool = False,
    now: datetime,
) -> RsvpResult:
    """A pengurus answers for a resident (``resident``) or for a person without an account
    (``name``); the answer is marked *atas nama* in every list. It takes the same path as a
    resident's own answer: the same Daftar Tunggu, first come first served.

    *Butuh bantuan* for a resident with an account is kept only if they consented to keep
    their needs (on their profile or by ticking it themselves): a pengurus cannot give that
    consent for them (UU PDP). A person without an account has no profile to consent on; the
    pengurus who writes their name writes their need too."""
    if needs_help and resident is not None and not resident.needs_consent:
        raise rules.EventError("needs_consent")
    who = Respondent(user_id=resident.id) if resident is not None else Respondent(proxy_name=name)
    existing = who.find(activity)
    return record_answer(
        activity,
        who,
        answer=answer,
        guests=guests,
        note=existing.note or "" if existing is not None else "",
        needs_help=needs_help,
        proxy_by_id=by.id,
        now=now,
    )
