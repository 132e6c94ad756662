"""Reports to the pengurus, mutes, and the moderation log.

A report belongs to a wilayah (the activity's for a comment, the sender's RT for a
message), so the pengurus of that wilayah and above see it; it keeps a copy of the one
message or comment the reporter chose to show, never more of a conversation. Hiding is a
state of the item itself (``message.hidden_at``, ``activity_comment.is_hidden``, with the
reason), so the pages that show it need no extra query.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.areas.models import Wilayah
from community.core.time import utcnow
from community.core.types import UTCDateTime
from community.extensions import db
from community.moderation.rules import ReportStatus


class Report(db.Model):
    """A resident's report of one message or one comment (exactly one of the two)."""

    __tablename__ = "moderation_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # NULL once the reporter deleted their account: the report and its copy stay.
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # Who wrote the item (NULL once they deleted their account).
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("activity_comment.id", ondelete="CASCADE")
    )
    wilayah_id: Mapped[int] = mapped_column(ForeignKey("wilayah.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(500), default="")
    # The reported text as it was when reported (the reporter chose to show this one).
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=ReportStatus.OPEN)
    # True while open, NULL once decided: the unique constraints below then hold among
    # open reports only (NULLs are distinct in SQLite and PostgreSQL alike), so a person
    # has one open report per item, enforced by the database.
    is_open: Mapped[bool | None] = mapped_column(Boolean, default=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    wilayah: Mapped[Wilayah] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("(message_id IS NULL) <> (comment_id IS NULL)", name="one_item"),
        CheckConstraint("is_open IS NULL OR status = 'open'", name="open_marker"),
        UniqueConstraint("reporter_id", "message_id", "is_open", name="uq_report_open_message"),
        UniqueConstraint("reporter_id", "comment_id", "is_open", name="uq_report_open_comment"),
        # /moderasi reads the open reports of a subtree, newest first.
        Index("ix_moderation_report_status_wilayah_id", "status", "wilayah_id"),
        Index("ix_moderation_report_message_id", "message_id"),
        Index("ix_moderation_report_comment_id", "comment_id"),
    )

    @property
    def authz_scope(self) -> tuple[str, str]:
        """:class:`community.core.authz.Scoped`: a report belongs to its wilayah."""
        return self.wilayah.authz_scope


class Mute(db.Model):
    """A resident may not send direct messages or comments from ``starts_at`` until
    ``ends_at`` (unless lifted earlier); the reason is shown to them in the refusal."""

    __tablename__ = "moderation_mute"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    # The person's RT when muted: whose pengurus see and lift it.
    wilayah_id: Mapped[int] = mapped_column(ForeignKey("wilayah.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    muted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    wilayah: Mapped[Wilayah] = relationship(lazy="joined")

    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    @property
    def authz_scope(self) -> tuple[str, str]:
        return self.wilayah.authz_scope


class LogEntry(db.Model):
    """One moderation action: who did what, to which item or person, why and when.
    Append-only: no route edits or deletes a row. A deleted account loses its name from
    the rows (``SET NULL``); the action stays."""

    __tablename__ = "moderation_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(12))
    wilayah_id: Mapped[int] = mapped_column(ForeignKey("wilayah.id", ondelete="CASCADE"))
    target_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("moderation_report.id", ondelete="SET NULL")
    )
    # "message" or "comment" and its id, kept as plain values: the row outlives the item.
    item_kind: Mapped[str | None] = mapped_column(String(10))
    item_id: Mapped[int | None] = mapped_column()
    reason: Mapped[str] = mapped_column(String(300), default="")
    # The mute period in days, for a mute.
    days: Mapped[int | None] = mapped_column()

    __table_args__ = (Index("ix_moderation_log_wilayah_id_at", "wilayah_id", "at"),)
