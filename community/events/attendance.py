"""Who comes and who came: the Peserta list for pengurus, the Daftar Hadir and QR
self check-in. Services flush; the caller commits."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.events.models import Activity, Attendance, Rsvp
from community.extensions import db


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
