"""Pengumuman (announcements) to a wilayah subtree, and who has read them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.areas.models import Wilayah
from community.core.time import utcnow
from community.core.types import UTCDateTime
from community.extensions import db


class Announcement(db.Model):
    """Plain text to everyone living in the subtree of ``wilayah`` (its scope), like an
    activity. ``photo_name`` is a random file name in the photo folder (never typed by
    anyone); ``activity`` an optional link to one activity the author could see."""

    __tablename__ = "announcement"

    id: Mapped[int] = mapped_column(primary_key=True)
    wilayah_id: Mapped[int] = mapped_column(ForeignKey("wilayah.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    photo_name: Mapped[str | None] = mapped_column(String(64))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id", ondelete="SET NULL"))
    is_pinned: Mapped[bool] = mapped_column(default=False)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    wilayah: Mapped[Wilayah] = relationship(lazy="joined")
    author: Mapped[User | None] = relationship()  # noqa: F821
    activity: Mapped[Activity | None] = relationship()  # noqa: F821

    __table_args__ = (
        Index("ix_announcement_wilayah_id_created_at", "wilayah_id", "created_at"),
        # The form refuses more; the database keeps the promise for every other writer.
        CheckConstraint("length(body) BETWEEN 1 AND 2000", name="body_length"),
    )

    @property
    def authz_scope(self) -> tuple[str, str]:
        """:class:`community.core.authz.Scoped`: an announcement belongs to its wilayah."""
        return self.wilayah.authz_scope


class AnnouncementRead(db.Model):
    """The first time a person opened an announcement ("dibaca oleh N dari M warga")."""

    __tablename__ = "announcement_read"

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcement.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("announcement_id", "user_id"),)
