"""What the messages domain keeps about a person: erased with the account, exported on
request (UU PDP). Only the person's own messages are exported: the other person's words
are the other person's data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from community.core import privacy
from community.core.time import as_utc
from community.extensions import db
from community.messages.models import Block, ConversationMember, Message


def _export_messages(user: Any) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Message).where(Message.sender_id == user.id).order_by(Message.id)
    ).all()
    return [
        {
            "conversation": m.conversation_id,
            "body": m.body,
            "sent_at": as_utc(m.created_at).isoformat(),
            "deleted_at": as_utc(m.deleted_at).isoformat() if m.deleted_at else None,
        }
        for m in rows
    ]


def _export_conversations(user: Any) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(ConversationMember)
        .where(ConversationMember.user_id == user.id)
        .order_by(ConversationMember.conversation_id)
    ).all()
    return [
        {
            "conversation": m.conversation_id,
            "read_up_to_message": m.last_read_message_id,
            "read_at": as_utc(m.last_read_at).isoformat() if m.last_read_at else None,
            "private_on_lock_screen": m.is_private,
        }
        for m in rows
    ]


def _export_blocks(user: Any) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Block).where(Block.blocker_id == user.id).order_by(Block.created_at)
    ).all()
    return [{"blocked": b.blocked_id, "at": as_utc(b.created_at).isoformat()} for b in rows]


def register_exports() -> None:
    privacy.register_exporter("messages", _export_messages)
    privacy.register_exporter("conversations", _export_conversations)
    privacy.register_exporter("blocks", _export_blocks)
    E, W, N = privacy.Exported, privacy.Withheld, privacy.NotPersonal
    key = N("an internal row number; means nothing outside this database")
    pair = W(
        "who is in the conversation: the other person's id is theirs; the person's own "
        "conversations are listed under conversations[]"
    )
    privacy.classify("conversation", {
        "id": key, "low_user_id": pair, "high_user_id": pair,
        "created_at": N("when the pair first wrote: about both, shown on neither's data"),
        "last_message_at": N("the time of the latest message, whoever wrote it"),
    })  # fmt: skip
    privacy.classify("conversation_member", {
        "conversation_id": E("conversations[].conversation"),
        "user_id": key,
        "last_read_message_id": E("conversations[].read_up_to_message"),
        "last_read_at": E("conversations[].read_at"),
        "is_private": E("conversations[].private_on_lock_screen"),
    })  # fmt: skip
    privacy.classify("message", {
        "id": key,
        "conversation_id": E("messages[].conversation"),
        "sender_id": key,
        "body": E("messages[].body"),
        "created_at": E("messages[].sent_at"),
        "deleted_at": E("messages[].deleted_at"),
    })  # fmt: skip
    privacy.classify("user_block", {
        "blocker_id": key,
        "blocked_id": E("blocks[].blocked"),
        "created_at": E("blocks[].at"),
    })  # fmt: skip
