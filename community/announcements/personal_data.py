"""What the announcements domain keeps about a person (UU PDP): the announcements they
posted and the ones they opened are in their download. Deleting the account deletes
their read marks (``ON DELETE CASCADE``); what they posted stays for the wilayah, nameless
(``ON DELETE SET NULL``), like an activity they organised."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from community.accounts.models import User
from community.announcements.models import Announcement, AnnouncementRead
from community.core import privacy
from community.core.time import as_utc
from community.extensions import db


def _export_written(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Announcement).where(Announcement.author_id == user.id).order_by(Announcement.id)
    ).all()
    return [
        {
            "wilayah": a.wilayah.full_name,
            "body": a.body,
            "has_photo": a.photo_name is not None,
            "pinned": a.is_pinned,
            "expires_at": as_utc(a.expires_at).isoformat() if a.expires_at else None,
            "posted_at": as_utc(a.created_at).isoformat(),
        }
        for a in rows
    ]


def _export_read(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(AnnouncementRead.read_at, Announcement.id)
        .join(Announcement, Announcement.id == AnnouncementRead.announcement_id)
        .where(AnnouncementRead.user_id == user.id)
        .order_by(AnnouncementRead.read_at)
    ).all()
    return [{"announcement": a_id, "read_at": as_utc(at).isoformat()} for at, a_id in rows]


def register_exports() -> None:
    privacy.register_exporter("announcements_written", _export_written)
    privacy.register_exporter("announcements_read", _export_read)
    E, N = privacy.Exported, privacy.NotPersonal
    key = N("an internal row number; means nothing outside this database")
    privacy.classify("announcement", {
        "id": key,
        "wilayah_id": E("announcements_written[].wilayah"),
        "author_id": key,
        "body": E("announcements_written[].body"),
        "photo_name": N(
            "a random file name the server chose; whether there is a photo is in "
            "announcements_written[].has_photo"
        ),
        "activity_id": N("a link to an activity, the activity's own content"),
        "is_pinned": E("announcements_written[].pinned"),
        "expires_at": E("announcements_written[].expires_at"),
        "created_at": E("announcements_written[].posted_at"),
        "updated_at": N("when the text last changed; the text itself is exported"),
    })  # fmt: skip
    privacy.classify("announcement_read", {
        "id": key,
        "announcement_id": E("announcements_read[].announcement"),
        "user_id": key,
        "read_at": E("announcements_read[].read_at"),
    })  # fmt: skip
