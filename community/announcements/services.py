"""Posting, changing, pinning and deleting announcements, and marking them read.
Services flush; the route commits. Photo files are written before the commit and removed
after it (:mod:`community.announcements.photos`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.announcements import notices, rules
from community.announcements.models import Announcement, AnnouncementRead
from community.areas.models import Wilayah
from community.core.errors import DomainError
from community.events.models import Activity
from community.extensions import db


class AnnouncementRefused(DomainError):
    """``code`` is a :class:`rules.AnnouncementError`."""


def _check_expiry(expires_at: datetime | None, now: datetime, previous=None) -> None:
    problem = rules.expiry_problem(expires_at, now, previous)
    if problem is not None:
        raise AnnouncementRefused(problem)


def publish(
    wilayah: Wilayah,
    *,
    by: User,
    body: str,
    now: datetime,
    is_pinned: bool = False,
    expires_at: datetime | None = None,
    activity: Activity | None = None,
    photo_name: str | None = None,
) -> Announcement:
    """A new announcement to everyone living in ``wilayah``'s subtree (the caller checked
    that ``by`` may post there and may see ``activity``)."""
    _check_expiry(expires_at, now)
    announcement = Announcement(
        wilayah_id=wilayah.id,
        author_id=by.id,
        body=body,
        is_pinned=is_pinned,
        expires_at=expires_at,
        activity_id=activity.id if activity else None,
        photo_name=photo_name,
        created_at=now,
        updated_at=now,
    )
    db.session.add(announcement)
    db.session.flush()
    notices.note_changed(announcement.id)
    return announcement


def update(
    announcement: Announcement,
    *,
    body: str,
    now: datetime,
    expires_at: datetime | None,
    activity: Activity | None,
    photo_name: str | None,
) -> str | None:
    """Change the text, expiry, link and photo. Answers the photo file the announcement
    no longer uses (the caller removes it after the commit)."""
    _check_expiry(expires_at, now, previous=announcement.expires_at)
    old_photo = announcement.photo_name
    announcement.body = body
    announcement.expires_at = expires_at
    announcement.activity_id = activity.id if activity else None
    announcement.photo_name = photo_name
    announcement.updated_at = now
    db.session.flush()
    notices.note_changed(announcement.id)  # a push still waiting says the new text
    return old_photo if old_photo != photo_name else None


def set_pinned(announcement: Announcement, pinned: bool) -> None:
    announcement.is_pinned = pinned
    db.session.flush()


def delete(announcement: Announcement) -> str | None:
    """Delete the announcement and its reads; answers its photo file to remove after the
    commit."""
    photo = announcement.photo_name
    notices.note_changed(announcement.id)  # what still waits is cancelled
    db.session.delete(announcement)
    db.session.flush()
    return photo


def mark_read(announcement: Announcement, user: User, *, now: datetime) -> bool:
    """Note the first time ``user`` opens it; True when this was the first time. Two tabs
    opening it at once store one row (the unique constraint decides)."""
    seen = db.session.scalar(
        select(AnnouncementRead.id).where(
            AnnouncementRead.announcement_id == announcement.id,
            AnnouncementRead.user_id == user.id,
        )
    )
    if seen is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(
                AnnouncementRead(announcement_id=announcement.id, user_id=user.id, read_at=now)
            )
    except IntegrityError:
        return False
    return True
