"""Reads: the announcements a person sees (the list, the home feed), read counts, and
the activities an author may link to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select

from community.accounts.models import User
from community.announcements import rules
from community.announcements.models import Announcement, AnnouncementRead
from community.areas.models import Wilayah
from community.events.models import Activity
from community.events.queries import visible_scope_ids
from community.extensions import db

# Activities an announcement may point at: upcoming ones and those of the last week
# ("terima kasih sudah ikut kerja bakti Minggu lalu").
LINKABLE_PAST = timedelta(days=7)
LINKABLE_LIMIT = 60  # a select longer than this is unusable on a phone


def get_announcement(announcement_id: int) -> Announcement | None:
    return db.session.get(Announcement, announcement_id)


def _ordered(query):
    return query.order_by(
        Announcement.is_pinned.desc(), Announcement.created_at.desc(), Announcement.id.desc()
    )


def _shown_to(user: User):
    """Announcements of the user's RT and its ancestors, of where they hold a role, and
    their own (an author sees what they posted to an RT below them)."""
    return or_(
        Announcement.wilayah_id.in_(visible_scope_ids(user)), Announcement.author_id == user.id
    )


@dataclass(frozen=True)
class AnnouncementList:
    active: list[Announcement]
    expired: list[Announcement]


def list_announcements(user: User, *, now: datetime) -> AnnouncementList:
    """Every announcement the user sees: the active ones pinned first then newest, and the
    expired ones newest first (one query)."""
    rows = db.session.scalars(_ordered(select(Announcement).where(_shown_to(user)))).all()
    active = [a for a in rows if rules.is_active(a.expires_at, now)]
    expired = [a for a in rows if not rules.is_active(a.expires_at, now)]
    expired.sort(key=lambda a: rules.order_key(False, a.created_at, a.id))
    return AnnouncementList(active, expired)


def list_home(user: User, *, now: datetime) -> list[Announcement]:
    """The home feed's announcements: active ones of the user's RT and its ancestors (what
    a resident is told), pinned first, at most :data:`rules.HOME_LIMIT` (one query)."""
    return list(
        db.session.scalars(
            _ordered(
                select(Announcement).where(
                    Announcement.wilayah_id.in_(visible_scope_ids(user)),
                    or_(Announcement.expires_at.is_(None), Announcement.expires_at > now),
                )
            ).limit(rules.HOME_LIMIT)
        )
    )


@dataclass(frozen=True)
class ReadCount:
    read: int  # residents of the subtree who opened it
    residents: int  # everyone living in the subtree


def count_reads(announcement: Announcement) -> ReadCount:
    """ "Dibaca oleh N dari M warga": M lives in the announcement's subtree, N of them opened
    it (an official reading it from elsewhere is not one of the M)."""
    subtree = select(Wilayah.id).where(Wilayah.path.startswith(announcement.wilayah.path))
    residents = select(func.count(User.id)).where(User.rt_id.in_(subtree)).scalar_subquery()
    read = (
        select(func.count(AnnouncementRead.id))
        .join(User, User.id == AnnouncementRead.user_id)
        .where(AnnouncementRead.announcement_id == announcement.id, User.rt_id.in_(subtree))
        .scalar_subquery()
    )
    n, m = db.session.execute(select(read, residents)).one()
    return ReadCount(n, m)


def list_linkable_activities(
    user: User, wilayah_ids: list[int], *, now: datetime
) -> list[Activity]:
    """Activities the author may link: those they see in their feed and those of the
    wilayah they organise for, upcoming or of the last week, soonest first."""
    scope = sorted(set(visible_scope_ids(user)) | set(wilayah_ids))
    return list(
        db.session.scalars(
            select(Activity)
            .where(
                Activity.wilayah_id.in_(scope),
                Activity.ends_at >= now - LINKABLE_PAST,
                Activity.is_cancelled.is_(False),
            )
            .order_by(Activity.starts_at, Activity.id)
            .limit(LINKABLE_LIMIT)
        )
    )
