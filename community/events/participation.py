"""Use-cases around an activity beyond answering: gotong royong tasks, answers given
*atas nama*, the Daftar Hadir, comments. Services flush; the caller commits."""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.events import rules
from community.events.models import Activity, Attendance, Comment, Rsvp, Task, TaskSignup
from community.events.services import (
    EventError,
    Respondent,
    RsvpResult,
    record_answer,
)
from community.extensions import db

log = logging.getLogger(__name__)


# --- tasks -------------------------------------------------------------------------------


def add_task(activity: Activity, *, label: str, quantity: int) -> Task:
    if not 1 <= quantity <= rules.MAX_TASK_QUANTITY:
        raise EventError("task_quantity")
    task = Task(activity_id=activity.id, label=label, quantity_needed=quantity)
    db.session.add(task)
    db.session.flush()
    return task


def get_task(activity: Activity, task_id: int) -> Task | None:
    return db.session.scalar(
        select(Task).where(Task.id == task_id, Task.activity_id == activity.id)
    )


def remove_task(task: Task) -> None:
    db.session.delete(task)
    db.session.flush()


@dataclass(frozen=True)
class TaskLine:
    task: Task
    mine: int  # how many the signed-in resident promised
    names: list[str]  # who promised (for the organiser)

    @property
    def missing(self) -> int:
        return self.task.quantity_needed - self.task.quantity_taken


def list_tasks(activity: Activity, user: User) -> list[TaskLine]:
    """Tasks in order with who signed up: two queries whatever the number of tasks."""
    tasks = db.session.scalars(
        select(Task).where(Task.activity_id == activity.id).order_by(Task.id)
    ).all()
    if not tasks:
        return []
    rows = db.session.execute(
        select(TaskSignup.task_id, TaskSignup.user_id, TaskSignup.quantity, User.name)
        .outerjoin(User, User.id == TaskSignup.user_id)
        .where(TaskSignup.task_id.in_([t.id for t in tasks]))
        .order_by(TaskSignup.created_at)
    ).all()
    mine: dict[int, int] = {}
    names: dict[int, list[str]] = {}
    for task_id, user_id, quantity, name in rows:
        if user_id == user.id:
            mine[task_id] = quantity
        names.setdefault(task_id, []).append(f"{name or '—'} ×{quantity}")
    return [TaskLine(t, mine.get(t.id, 0), names.get(t.id, [])) for t in tasks]


def sign_up(task: Task, user: User, *, quantity: int) -> None:
    """Promise ``quantity`` of a task; never more than is still missing (guarded UPDATE)."""
    existing = db.session.scalar(
        select(TaskSignup).where(TaskSignup.task_id == task.id, TaskSignup.user_id == user.id)
    )
    previous = existing.quantity if existing else 0
    delta = quantity - previous
    if quantity < 1 or quantity > rules.MAX_TASK_QUANTITY:
        raise EventError("task_quantity")
    claimed = db.session.execute(
        update(Task)
        .where(Task.id == task.id, Task.quantity_taken + delta <= Task.quantity_needed)
        .values(quantity_taken=Task.quantity_taken + delta)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise EventError("task_full")
    try:
        # Added inside the savepoint: begin_nested() flushes what is pending before it.
        with db.session.begin_nested():
            if existing is None:
                db.session.add(TaskSignup(task_id=task.id, user_id=user.id, quantity=quantity))
            else:
                existing.quantity = quantity
    except IntegrityError as exc:
        raise EventError("conflict") from exc
    db.session.refresh(task)


def withdraw_signup(task: Task, user: User) -> None:
    existing = db.session.scalar(
        select(TaskSignup).where(TaskSignup.task_id == task.id, TaskSignup.user_id == user.id)
    )
    if existing is None:
        return
    db.session.execute(
        update(Task)
        .where(Task.id == task.id)
        .values(quantity_taken=Task.quantity_taken - existing.quantity)
        .execution_options(synchronize_session=False)
    )
    db.session.delete(existing)
    db.session.flush()
    db.session.refresh(task)


# --- answers atas nama --------------------------------------------------------------------


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
    resident's own answer: the same Daftar Tunggu, first come first served."""
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


@dataclass(frozen=True)
class Participant:
    rsvp: Rsvp
    name: str
    proxy_by: str | None
    position: int | None  # place on the Daftar Tunggu


def list_participants(activity: Activity) -> list[Participant]:
    """Every answer with names, for the organiser (one query)."""
    proxy = db.aliased(User)
    rows = db.session.execute(
        select(Rsvp, User.name, proxy.name)
        .outerjoin(User, User.id == Rsvp.user_id)
        .outerjoin(proxy, proxy.id == Rsvp.proxy_by_id)
        .where(Rsvp.activity_id == activity.id)
        .order_by(Rsvp.waitlisted_at.is_not(None), Rsvp.waitlisted_at, Rsvp.responded_at, Rsvp.id)
    ).all()
    out, position = [], 0
    for rsvp, name, proxy_name in rows:
        if rsvp.waitlisted_at is not None:
            position += 1
        out.append(
            Participant(
                rsvp,
                name or rsvp.proxy_name or "",
                proxy_name,
                position if rsvp.waitlisted_at is not None else None,
            )
        )
    return out


# --- attendance ---------------------------------------------------------------------------


def check_in_token(activity: Activity) -> str:
    """The secret in the QR code at the venue: only people there can check themselves in."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"check-in:{activity.id}".encode(), hashlib.sha256).hexdigest()
    return digest[:24]


def valid_check_in_token(activity: Activity, token: str) -> bool:
    # compare_digest raises TypeError on non-ASCII text: such a token is simply wrong.
    return token.isascii() and hmac.compare_digest(check_in_token(activity), token)


def mark_attendance(
    activity: Activity,
    *,
    user: User | None = None,
    name: str | None = None,
    method: str,
    by: User | None,
    now: datetime,
) -> Attendance:
    """Record that someone came; marking twice is harmless (the first record stays)."""
    if user is not None:
        existing = db.session.scalar(
            select(Attendance).where(
                Attendance.activity_id == activity.id, Attendance.user_id == user.id
            )
        )
        if existing is not None:
            return existing
    record = Attendance(
        activity_id=activity.id,
        user_id=user.id if user else None,
        name=None if user else name,
        method=method,
        marked_by_id=by.id if by else None,
        checked_in_at=now,
    )
    try:
        # Added inside the savepoint: begin_nested() flushes what is pending before it,
        # so an add before the block would run outside it and a clash would end the whole
        # transaction (PendingRollbackError) instead of only the savepoint.
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:  # marked at the same moment by the pengurus and by QR
        return db.session.scalar(
            select(Attendance).where(
                Attendance.activity_id == activity.id, Attendance.user_id == user.id
            )
        )
    return record


def unmark_attendance(activity: Activity, attendance_id: int) -> None:
    db.session.execute(
        delete(Attendance).where(
            Attendance.id == attendance_id, Attendance.activity_id == activity.id
        )
    )


@dataclass(frozen=True)
class AttendanceLine:
    user_id: int | None
    name: str
    answer: str | None
    attendance_id: int | None
    method: str | None
    checked_in_at: datetime | None


def attendance_sheet(
    activity: Activity, members: list[User], query: str = ""
) -> list[AttendanceLine]:
    """Everyone who answered or is a member of the scope's RT, plus walk-ins, with their
    check-in state, filtered by name. Three queries whatever the size of the RT."""
    answers = dict(
        db.session.execute(
            select(Rsvp.user_id, Rsvp.answer).where(
                Rsvp.activity_id == activity.id, Rsvp.user_id.is_not(None)
            )
        ).all()
    )
    records = db.session.scalars(
        select(Attendance).where(Attendance.activity_id == activity.id)
    ).all()
    by_user = {r.user_id: r for r in records if r.user_id is not None}
    people: dict[int, str] = {m.id: m.name for m in members}
    missing = [uid for uid in answers if uid not in people]
    if missing:
        people.update(
            db.session.execute(select(User.id, User.name).where(User.id.in_(missing))).all()
        )
    needle = query.strip().lower()
    lines = []
    for uid, name in people.items():
        if needle and needle not in name.lower():
            continue
        record = by_user.get(uid)
        lines.append(AttendanceLine(uid, name, answers.get(uid), record.id if record else None,
                                    record.method if record else None,
                                    record.checked_in_at if record else None))  # fmt: skip
    for record in records:
        if record.user_id is None and (not needle or needle in (record.name or "").lower()):
            lines.append(AttendanceLine(None, record.name or "", None, record.id, record.method,
                                        record.checked_in_at))  # fmt: skip
    lines.sort(key=lambda line: (line.answer != "hadir", line.name.lower()))
    return lines


def count_attendance(activity: Activity) -> int:
    return int(
        db.session.scalar(
            select(func.count(Attendance.id)).where(Attendance.activity_id == activity.id)
        )
    )


# --- comments -----------------------------------------------------------------------------


def add_comment(activity: Activity, user: User, body: str, *, now: datetime) -> Comment:
    comment = Comment(activity_id=activity.id, user_id=user.id, body=body, created_at=now)
    db.session.add(comment)
    db.session.flush()
    return comment


def get_comment(activity: Activity, comment_id: int) -> Comment | None:
    return db.session.scalar(
        select(Comment).where(Comment.id == comment_id, Comment.activity_id == activity.id)
    )


def set_hidden(comment: Comment, hidden: bool) -> None:
    comment.is_hidden = hidden
    db.session.flush()


@dataclass(frozen=True)
class CommentLine:
    comment: Comment
    author: str | None  # None: the writer deleted their account ("warga terhapus")


def list_comments(activity: Activity, *, include_hidden: bool) -> list[CommentLine]:
    query = (
        select(Comment, User.name)
        .outerjoin(User, User.id == Comment.user_id)
        .where(Comment.activity_id == activity.id)
        .order_by(Comment.created_at, Comment.id)
    )
    if not include_hidden:
        query = query.where(or_(Comment.is_hidden.is_(False)))
    return [CommentLine(c, name) for c, name in db.session.execute(query).all()]
