"""Activities and the answers residents give to them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.areas.models import Wilayah
from community.core.time import utcnow
from community.core.types import UTCDateTime
from community.extensions import db


class Kind(StrEnum):
    PENGAJIAN = "pengajian"
    ARISAN = "arisan"
    OLAHRAGA = "olahraga"
    GOTONG_ROYONG = "gotong_royong"
    PELATIHAN = "pelatihan"
    MUSYAWARAH = "musyawarah"


class Answer(StrEnum):
    HADIR = "hadir"
    MUNGKIN = "mungkin"
    TIDAK = "tidak"


class Series(db.Model):
    """A recurring activity ("every Thursday 19.45"): one Activity row per occurrence,
    each with its own answers; the rule is kept for calendars (RRULE)."""

    __tablename__ = "activity_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    wilayah_id: Mapped[int] = mapped_column(ForeignKey("wilayah.id", ondelete="CASCADE"))
    rrule: Mapped[str] = mapped_column(String(200))
    first_start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Activity(db.Model):
    """One activity, visible to everyone in the subtree of its ``wilayah`` (its scope)."""

    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    wilayah_id: Mapped[int] = mapped_column(ForeignKey("wilayah.id", ondelete="CASCADE"))
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("activity_series.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(200))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    accessibility_notes: Mapped[str] = mapped_column(String(300), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int | None]
    # Confirmed places (residents plus their guests); changed only by guarded UPDATEs.
    seats_taken: Mapped[int] = mapped_column(default=0)
    rsvp_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_cancelled: Mapped[bool] = mapped_column(default=False)
    # Reminders: the defaults for the kind (gotong royong H-1 19.00 and 60 min before,
    # others 2 h before) unless switched off, plus the organiser's own, in minutes before
    # the start ("30,1440").  By default only Hadir and Mungkin are reminded.
    default_reminders: Mapped[bool] = mapped_column(default=True)
    reminder_minutes: Mapped[str] = mapped_column(String(60), default="")
    remind_unanswered: Mapped[bool] = mapped_column(default=False)
    cancel_reason: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    wilayah: Mapped[Wilayah] = relationship(lazy="joined")
    series: Mapped[Series | None] = relationship()

    __table_args__ = (
        Index("ix_activity_wilayah_id_starts_at", "wilayah_id", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint(
            "capacity IS NULL OR seats_taken <= capacity", name="seats_within_capacity"
        ),
        CheckConstraint("seats_taken >= 0", name="seats_not_negative"),
    )

    @property
    def authz_scope(self) -> tuple[str, str]:
        """:class:`community.core.authz.Scoped`: an activity belongs to its scope's wilayah."""
        return self.wilayah.authz_scope


class Rsvp(db.Model):
    """A resident's answer (or one given *atas nama* someone by a pengurus)."""

    __tablename__ = "rsvp"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activity.id", ondelete="CASCADE"), index=True
    )
    # NULL after the resident deleted their account (the answer still counts, nameless).
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # Atas nama: a pengurus answered for a resident, or for someone with no account
    # (``user_id`` NULL and ``proxy_name`` set), e.g. an elderly neighbour without a phone.
    proxy_name: Mapped[str | None] = mapped_column(String(80))
    proxy_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    answer: Mapped[str] = mapped_column(String(8))
    guests: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(String(300), default="")
    needs_help: Mapped[bool] = mapped_column(default=False)
    # Set while a "hadir" waits for a free place; the order of the Daftar Tunggu.
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("activity_id", "user_id"),
        CheckConstraint("guests >= 0", name="guests_not_negative"),
    )

    @property
    def party(self) -> int:
        return 1 + self.guests

    @property
    def is_waitlisted(self) -> bool:
        return self.waitlisted_at is not None


class Task(db.Model):
    """Something a gotong royong needs ("Bawa cangkul" ×5); residents sign up for it."""

    __tablename__ = "activity_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activity.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(120))
    quantity_needed: Mapped[int]
    # Promised so far; changed only by guarded UPDATEs like the seats of an activity.
    quantity_taken: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        CheckConstraint("quantity_needed > 0", name="needed_positive"),
        CheckConstraint(
            "quantity_taken >= 0 AND quantity_taken <= quantity_needed", name="taken_within_needed"
        ),
    )


class TaskSignup(db.Model):
    __tablename__ = "task_signup"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(
        ForeignKey("activity_task.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    quantity: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("task_id", "user_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )


class Attendance(db.Model):
    """Who really came (the Daftar Hadir): what participation figures count."""

    __tablename__ = "attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activity.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(80))  # a walk-in without an account
    method: Mapped[str] = mapped_column(String(10))  # "pengurus" or "qr"
    marked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("activity_id", "user_id"),)


class Comment(db.Model):
    __tablename__ = "activity_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activity.id", ondelete="CASCADE"), index=True
    )
    # NULL once the writer deleted their account: shown as "warga terhapus".
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    is_hidden: Mapped[bool] = mapped_column(default=False)
    # Why a pengurus hid it (community/moderation; None for a hide without one): its
    # writer reads it under their own text.
    hidden_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarFeed(db.Model):
    """A resident's secret calendar subscription URL (revocable: delete the row)."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(10), default="answered")  # or "rt"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
