"""Direct messages between two neighbours, and who blocked whom.

A conversation has exactly two members (one row each, with how far that person has read).
Nobody else reads it: there is no role, wilayah or export through which a pengurus or an
official reaches a conversation they are not a member of (see ``policies.py``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.core.time import utcnow
from community.core.types import UTCDateTime
from community.extensions import db


class Conversation(db.Model):
    """A direct conversation between two people; one per pair (``low_user_id`` <
    ``high_user_id``, unique), so "Kirim pesan" twice opens the same one."""

    __tablename__ = "conversation"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The pair, smaller id first; NULL once that person deleted their account (the other
    # keeps the conversation, shown with "warga terhapus").
    low_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    high_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the latest message came: orders the conversation list without reading messages.
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("low_user_id", "high_user_id"),
        CheckConstraint("low_user_id < high_user_id", name="pair_in_order"),
    )


class ConversationMember(db.Model):
    """One of the two people in a conversation, and how far they have read it."""

    __tablename__ = "conversation_member"

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    # Everything up to this message has been read (the unread count is "id > this").
    last_read_message_id: Mapped[int | None] = mapped_column()
    last_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "Sembunyikan isi pesan di layar kunci": a later push shows no text for it.
    is_private: Mapped[bool] = mapped_column(default=False)

    conversation: Mapped[Conversation] = relationship()

    __table_args__ = (
        # The conversation list and the nav badge start from the person.
        Index("ix_conversation_member_user_id", "user_id"),
    )


class Message(db.Model):
    """One message. Deleted by its writer: ``deleted_at`` set and the text emptied, shown as
    "pesan dihapus"; the row stays so the other person's unread count and order hold."""

    __tablename__ = "message"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"))
    # NULL once the writer deleted their account.
    sender_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Hidden by a pengurus after a report (community/moderation): shown to both as
    # "Disembunyikan oleh pengurus", the writer also sees the reason.
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (
        CheckConstraint("length(body) <= 2000", name="body_at_most_2000"),
        # The page, the poll ("after id N"), the latest message and the unread count all
        # read one conversation's messages by id.
        Index("ix_message_conversation_id_id", "conversation_id", "id"),
    )


class Block(db.Model):
    """``blocker`` no longer receives messages from ``blocked`` (nor sends to them)."""

    __tablename__ = "user_block"

    blocker_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    blocked_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("blocker_id <> blocked_id", name="not_self"),
        Index("ix_user_block_blocked_id", "blocked_id"),
    )
