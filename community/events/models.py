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
