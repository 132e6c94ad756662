"""Who comes and who came: the Peserta list for pengurus, the Daftar Hadir and QR
self check-in. Services flush; the caller commits."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    Subquery,
    case,
    cast,
    delete,
    func,
    null,
    select,
    union,
    union_all,
)
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.events import rules
from community.events.models import Activity, Attendance, Rsvp
from community.extensions import db

T = TypeVar("T")


@dataclass(frozen=True)
class Participant:
    rsvp: Rsvp
    name: str
    proxy_by: str | None
    position: int | None  # place on the Daftar Tunggu


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a long list for organisers (#12): a kelurahan activity has thousands of
    answers, so names are searched and paged by the database, not the template."""

    items: list[T]
    total: int  # how many match the search, on every page
    number: int  # 1-based, clamped to the pages there are
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:  # "Menampilkan 51–100 dari 3.000"
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.number * self.size, self.total)


def _clamped(number: int, total: int, size: int) -> int:
    return min(max(1, number), max(1, -(-total // size)))


def _name_matches(column: Any, query: str) -> ColumnElement[bool] | None:
    needle = " ".join(query.split()).lower()
    return func.lower(column).contains(needle, autoescape=True) if needle else None


def list_participants(activity: Activity, query: str = "", page: int = 1) -> Page[Participant]:
    """One page of answers with names, for the organiser, filtered by name: the Daftar Tunggu
    place is numbered over the whole list before the filter. Three queries at any size."""
    proxy = db.aliased(User)
    waiting = Rsvp.waitlisted_at.is_not(None)
    place = case(
        (waiting, func.row_number().over(partition_by=waiting,
                                         order_by=(Rsvp.waitlisted_at, Rsvp.responded_at, Rsvp.id))),
    )  # fmt: skip
    ranked = (
        select(Rsvp.id.label("rsvp_id"), func.coalesce(User.name, Rsvp.proxy_name, "").label("name"),
               proxy.name.label("proxy_by"), place.label("position"))
        .outerjoin(User, User.id == Rsvp.user_id)
        .outerjoin(proxy, proxy.id == Rsvp.proxy_by_id)
        .where(Rsvp.activity_id == activity.id)
        .subquery()
    )  # fmt: skip
    matches = _name_matches(ranked.c.name, query)
    # Counted without the numbering (the window is the costly part at thousands of answers).
    counted = select(func.count(Rsvp.id)).where(Rsvp.activity_id == activity.id)
    if matches is not None:
        counted = counted.outerjoin(User, User.id == Rsvp.user_id).where(
            _name_matches(func.coalesce(User.name, Rsvp.proxy_name, ""), query)
        )
    total = db.session.scalar(counted)
    number = _clamped(page, total, rules.ORGANISER_PAGE_SIZE)
    rows = db.session.execute(
        select(Rsvp, ranked.c.name, ranked.c.proxy_by, ranked.c.position)
        .join(ranked, ranked.c.rsvp_id == Rsvp.id)
        .where(*(() if matches is None else (matches,)))
        .order_by(Rsvp.waitlisted_at.is_not(None), Rsvp.waitlisted_at, Rsvp.responded_at, Rsvp.id)
        .limit(rules.ORGANISER_PAGE_SIZE)
        .offset((number - 1) * rules.ORGANISER_PAGE_SIZE)
    ).all()
    items = [Participant(rsvp, name, proxy_by, position) for rsvp, name, proxy_by, position in rows]
    return Page(items, total, number, rules.ORGANISER_PAGE_SIZE)


def list_needing_help(activity: Activity) -> list[Participant]:
    """Everyone who asked for help getting there, by name (the organiser's own short list)."""
    rows = db.session.execute(
        select(Rsvp, func.coalesce(User.name, Rsvp.proxy_name, ""))
        .outerjoin(User, User.id == Rsvp.user_id)
        .where(Rsvp.activity_id == activity.id, Rsvp.needs_help.is_(True))
        .order_by(Rsvp.responded_at, Rsvp.id)
    ).all()
    return [Participant(rsvp, name, None, None) for rsvp, name in rows]


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


def _people(activity: Activity, rt_id: int | None) -> Select:
    """The ids of everyone on the Daftar Hadir with an account: who answered, and the RT."""
    people = select(Rsvp.user_id.label("id")).where(
        Rsvp.activity_id == activity.id, Rsvp.user_id.is_not(None)
    )
    if rt_id is not None:
        people = union(people, select(User.id).where(User.rt_id == rt_id))
    return people


def _sheet_size(activity: Activity, rt_id: int | None, query: str) -> int:
    """How many lines :func:`_sheet` has, counted without its joins to answers and check-ins."""
    who = _people(activity, rt_id).subquery()
    people = select(func.count()).select_from(who)
    walk_ins = select(func.count(Attendance.id)).where(
        Attendance.activity_id == activity.id, Attendance.user_id.is_(None)
    )
    if (matches := _name_matches(User.name, query)) is not None:
        people = people.join(User, User.id == who.c.id).where(matches)
        walk_ins = walk_ins.where(_name_matches(Attendance.name, query))
    return db.session.scalar(select(people.scalar_subquery() + walk_ins.scalar_subquery()))


def _people_lines(activity: Activity, rt_id: int | None) -> Select:
    """Everyone who answered, and every member of the activity's RT, with their answer and
    check-in (one row each)."""
    who = _people(activity, rt_id).subquery()
    return (
        select(User.id.label("user_id"), User.name.label("name"), Rsvp.answer.label("answer"),
               Attendance.id.label("attendance_id"), Attendance.method.label("method"),
               Attendance.checked_in_at.label("checked_in_at"))
        .join(who, who.c.id == User.id)
        .outerjoin(Rsvp, (Rsvp.activity_id == activity.id) & (Rsvp.user_id == User.id))
        .outerjoin(Attendance,
                   (Attendance.activity_id == activity.id) & (Attendance.user_id == User.id))
    )  # fmt: skip


def _walk_in_lines(activity: Activity) -> Select:
    return select(
        cast(null(), Integer).label("user_id"), func.coalesce(Attendance.name, "").label("name"),
        cast(null(), String).label("answer"), Attendance.id.label("attendance_id"),
        Attendance.method.label("method"), Attendance.checked_in_at.label("checked_in_at"),
    ).where(Attendance.activity_id == activity.id, Attendance.user_id.is_(None))  # fmt: skip


def _sheet(activity: Activity, rt_id: int | None, query: str) -> Subquery:
    people, walk_ins = _people_lines(activity, rt_id), _walk_in_lines(activity)
    if (matches := _name_matches(User.name, query)) is not None:
        people = people.where(matches)
        walk_ins = walk_ins.where(_name_matches(Attendance.name, query))
    return union_all(people, walk_ins).subquery()


def _ordered(sheet: Subquery) -> tuple[ColumnElement[Any], ...]:
    """Those who said Hadir first, then by name: the order of the paper list."""
    return (case((sheet.c.answer == "hadir", 0), else_=1), func.lower(sheet.c.name),
            sheet.c.user_id, sheet.c.attendance_id)  # fmt: skip


def attendance_page(
    activity: Activity, rt_id: int | None, query: str = "", page: int = 1
) -> Page[AttendanceLine]:
    """One page of the Daftar Hadir: everyone who answered or is a member of the activity's
    RT (``rt_id``), plus walk-ins, filtered by name. Two queries whatever the size."""
    sheet = _sheet(activity, rt_id, query)
    total = _sheet_size(activity, rt_id, query)
    number = _clamped(page, total, rules.ORGANISER_PAGE_SIZE)
    rows = db.session.execute(
        select(sheet).order_by(*_ordered(sheet))
        .limit(rules.ORGANISER_PAGE_SIZE).offset((number - 1) * rules.ORGANISER_PAGE_SIZE)
    ).all()  # fmt: skip
    return Page([AttendanceLine(*row) for row in rows], total, number, rules.ORGANISER_PAGE_SIZE)


def attendance_sheet(activity: Activity, rt_id: int | None) -> list[AttendanceLine]:
    """The whole Daftar Hadir in its order (for the CSV download)."""
    sheet = _sheet(activity, rt_id, "")
    rows = db.session.execute(select(sheet).order_by(*_ordered(sheet))).all()
    return [AttendanceLine(*row) for row in rows]


def attendance_line(activity: Activity, rt_id: int | None, user_id: int) -> AttendanceLine | None:
    """One person's line, or None when they neither answered nor belong to the RT."""
    row = db.session.execute(_people_lines(activity, rt_id).where(User.id == user_id)).one_or_none()
    return AttendanceLine(*row) if row is not None else None


def count_attendance(activity: Activity) -> int:
    return int(
        db.session.scalar(
            select(func.count(Attendance.id)).where(Attendance.activity_id == activity.id)
        )
    )
