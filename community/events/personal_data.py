"""What the events domain keeps about a person: erased with the account, exported on
request, needs forgotten when consent is withdrawn (UU PDP)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from community.accounts.models import User
from community.core import privacy
from community.core.time import as_utc
from community.events.models import (
    Activity,
    Attendance,
    CalendarFeed,
    Comment,
    Rsvp,
    Task,
    TaskSignup,
)
from community.extensions import db


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
