"""What each resident wants to be told, and when not to be disturbed."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db
from community.notifications import rules


class NotificationPref(db.Model):
    __tablename__ = "notification_pref"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    wants_reminders: Mapped[bool] = mapped_column(default=True)
    wants_changes: Mapped[bool] = mapped_column(default=True)
    wants_waitlist: Mapped[bool] = mapped_column(default=True)
    wants_announcements: Mapped[bool] = mapped_column(default=True)
    wants_messages: Mapped[bool] = mapped_column(default=True)
    wants_arisan: Mapped[bool] = mapped_column(default=True)
    # Minutes after midnight WITA; the default is 21.00–05.00.
    quiet_start_minute: Mapped[int] = mapped_column(default=rules.QUIET_START_DEFAULT)
    quiet_end_minute: Mapped[int] = mapped_column(default=rules.QUIET_END_DEFAULT)

    __table_args__ = (
        CheckConstraint("quiet_start_minute BETWEEN 0 AND 1439", name="quiet_start_range"),
        CheckConstraint("quiet_end_minute BETWEEN 0 AND 1439", name="quiet_end_range"),
    )
