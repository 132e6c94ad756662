"""Direct messages: start, send, read, delete, block. Services flush; the caller commits."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from community.core.errors import DomainError
from community.extensions import db
from community.messages import notices, policies, queries, rules
from community.messages.models import Block, Conversation, ConversationMember, Message
from community.moderation import mutes

log = logging.getLogger(__name__)


class MessageError(DomainError):
    """Codes: ``rules.Refusal`` values, ``rules.BodyProblem`` values, ``not_yours``."""


def start_conversation(sender: Any, recipient: Any, *, now: datetime) -> Conversation:
    """The conversation of these two, made on first use; refused (``MessageError``) when
    the rules say no, also for an existing one (a block since, say)."""
    refusal = policies.start_refusal(sender, recipient)
    if refusal is not None:
        raise MessageError(refusal)
    found = queries.find_conversation(sender.id, recipient.id)
    if found is not None:
        return found
    low, high = sorted((sender.id, recipient.id))
    try:
        with db.session.begin_nested():  # both may tap "Kirim pesan" at the same moment
            conversation = Conversation(low_user_id=low, high_user_id=high, created_at=now)
            db.session.add(conversation)
            db.session.flush()
            db.session.add_all(
                [
                    ConversationMember(conversation_id=conversation.id, user_id=low),
                    ConversationMember(conversation_id=conversation.id, user_id=high),
                ]
            )
            db.session.flush()
    except IntegrityError:
        found = queries.find_conversation(sender.id, recipient.id)
        if found is None:
            raise
        return found
    log.info("conversation started id=%s", conversation.id)
    return conversation


def send(conversation: Conversation, sender: Any, text: str, *, now: datetime) -> Message:
    """Add ``sender``'s message (a member: the caller checked). Refused when the body is
    empty or too long after cleaning, or when either of the two blocked the other."""
    mutes.refuse_if_muted(sender.id, now=now)  # muted by a pengurus: MutedError, nothing stored
    body = rules.clean_body(text)
    problem = rules.body_problem(body)
    if problem is not None:
        raise MessageError(problem, max=rules.MAX_BODY_CHARS)
    other = queries.other_person(conversation, sender.id)
    if other is None:
        raise MessageError("gone")  # the other person deleted their account
    refusal = policies.send_refusal(sender.id, other.id)
    if refusal is not None:
        raise MessageError(refusal)
    message = Message(conversation_id=conversation.id, sender_id=sender.id, body=body,
                      created_at=now)  # fmt: skip
    db.session.add(message)
    conversation.last_message_at = now
    db.session.flush()
    _read_up_to(conversation.id, sender.id, message.id, now=now)  # one's own is read
    notices.note_unread(conversation.id, other.id)
    return message


def _read_up_to(conversation_id: int, user_id: int, message_id: int, *, now: datetime) -> bool:
    """Move the read mark forward to ``message_id``; never back. True if it moved."""
    moved = db.session.execute(
        update(ConversationMember)
        .where(
            ConversationMember.conversation_id == conversation_id,
            ConversationMember.user_id == user_id,
            func.coalesce(ConversationMember.last_read_message_id, 0) < message_id,
        )
        .values(last_read_message_id=message_id, last_read_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return bool(moved.rowcount)


def mark_read(membership: ConversationMember, up_to: int | None, *, now: datetime) -> bool:
    """Everything up to message ``up_to`` (None: nothing yet) is read. Writes only when the
    mark moves, so opening a conversation already read changes nothing."""
    if up_to is None or (membership.last_read_message_id or 0) >= up_to:
        return False
    moved = _read_up_to(membership.conversation_id, membership.user_id, up_to, now=now)
    if moved:  # read on the page: a push still waiting for it is not needed any more
        notices.note_unread(membership.conversation_id, membership.user_id)
    return moved


def get_message(conversation_id: int, message_id: int) -> Message | None:
    return db.session.scalar(
        select(Message).where(Message.id == message_id, Message.conversation_id == conversation_id)
    )


def delete_message(message: Message, user: Any, *, now: datetime) -> None:
    """The writer deletes their own message: its text is gone, "pesan dihapus" stays."""
    if message.sender_id != user.id:
        raise MessageError("not_yours")
    if message.deleted_at is None:
        message.body = ""
        message.deleted_at = now
        db.session.flush()
        conversation = db.session.get(Conversation, message.conversation_id)
        other = queries.other_person(conversation, user.id)
        if other is not None:  # what their push says (or whether it still goes) changes
            notices.note_unread(message.conversation_id, other.id)


def set_private(membership: ConversationMember, is_private: bool) -> None:
    """Private: this person's pushes about the conversation show no name and no text."""
    membership.is_private = is_private
    db.session.flush()
    notices.note_unread(membership.conversation_id, membership.user_id)


def block(blocker: Any, blocked: Any, *, now: datetime) -> None:
    """``blocker`` stops ``blocked`` from writing to them (and themself from writing back).
    Blocking twice is one block."""
    if blocker.id == blocked.id:
        raise MessageError(rules.Refusal.SELF)
    exists = db.session.get(Block, (blocker.id, blocked.id))
    if exists is None:
        try:
            with db.session.begin_nested():
                db.session.add(Block(blocker_id=blocker.id, blocked_id=blocked.id, created_at=now))
                db.session.flush()
        except IntegrityError:  # the same block from another tab at the same moment
            pass


def unblock(blocker: Any, blocked_id: int) -> None:
    db.session.execute(
        delete(Block).where(Block.blocker_id == blocker.id, Block.blocked_id == blocked_id)
    )


# --- personal data (UU PDP) ----------------------------------------------------------------


def erase_person(user: Any, *, now: datetime) -> None:
    """Before the account goes: the text of every message they wrote goes (each is shown
    as "pesan dihapus" to the other person); their memberships and blocks go with the
    account (ON DELETE CASCADE)."""
    db.session.execute(
        update(Message)
        .where(Message.sender_id == user.id)
        .values(body="", deleted_at=func.coalesce(Message.deleted_at, now))
        .execution_options(synchronize_session=False)
    )
