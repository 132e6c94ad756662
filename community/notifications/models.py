"""What each resident wants to be told, and when not to be disturbed."""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from community.core.time import utcnow
from community.core.types import UTCDateTime
from community.extensions import db
from community.notifications import rules


class NotificationPref(db.Model):
    """A resident's quiet hours (no row: the default). What they want to be told is in
    ``NotificationSwitch``, one row per switch they set."""

    __tablename__ = "notification_pref"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    # Minutes after midnight WITA; the default is 21.00–05.00.
    quiet_start_minute: Mapped[int] = mapped_column(default=rules.QUIET_START_DEFAULT)
    quiet_end_minute: Mapped[int] = mapped_column(default=rules.QUIET_END_DEFAULT)

    __table_args__ = (
        CheckConstraint("quiet_start_minute BETWEEN 0 AND 1439", name="quiet_start_range"),
        CheckConstraint("quiet_end_minute BETWEEN 0 AND 1439", name="quiet_end_range"),
    )


class NotificationSwitch(db.Model):
    """One switch of "Pengaturan notifikasi" as a resident set it. ``name`` is the
    ``kinds.Switch.field`` a domain registered (``wants_reminders``); no row means the
    switch's registered default, so a domain adds a switch without a column or a migration."""

    __tablename__ = "notification_switch"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    is_on: Mapped[bool]


class PushSubscription(db.Model):
    """One browser on one device that agreed to receive pushes for a user."""

    __tablename__ = "push_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(100))
    auth: Mapped[str] = mapped_column(String(40))
    device: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the endpoint: lets this browser check it is still on the list
        (static/js/push.js) without the page showing the endpoint."""
        return hashlib.sha256(self.endpoint.encode()).hexdigest()


class MessageStatus(StrEnum):
    PENDING = "pending"  # waiting for its time (or for a retry)
    SENDING = "sending"  # claimed by a worker until ``lease_until``
    SENT = "sent"  # the push service accepted it (201)
    FAILED = "failed"  # refused (400/403/413) or given up after retries
    GONE = "gone"  # the subscription no longer exists (404/410, or turned off)
    CANCELLED = "cancelled"  # no longer wanted (answer changed, activity moved…)


class PushMessage(db.Model):
    """The outbox and the delivery ledger: one row per subscription and subject, written
    in the same transaction as the change that causes it.  ``subject`` is unique per
    subscription, so no duplicate is ever created; ``topic`` and the notification tag
    make an at-least-once repeat invisible on the phone."""

    __tablename__ = "push_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("push_subscription.id", ondelete="SET NULL")
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # What it is about, e.g. "activity:12" (the notifications domain imports no other).
    ref: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # reminder | changed | cancelled | promoted
    subject: Mapped[str] = mapped_column(String(120))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # After this there is no point in sending (the activity has started).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default=MessageStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    payload: Mapped[str] = mapped_column(Text)
    topic: Mapped[str] = mapped_column(String(32))
    urgency: Mapped[str] = mapped_column(String(8), default="normal")
    last_error: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("subscription_id", "subject"),
        Index("ix_push_message_status_due_at", "status", "due_at"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )
