"""Reads of direct messages. Every read starts from the reader's own membership row, so a
conversation someone is not in cannot be read by any id: it is simply not found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, or_, select
from sqlalchemy.orm import aliased

from community.accounts.models import User
from community.extensions import db
from community.messages.models import Block, Conversation, ConversationMember, Message

# The conversation page shows the latest messages; "Pesan sebelumnya" loads as many again.
PAGE_MESSAGES = 100
# A poll answers at most this many new messages (a phone back from a long sleep reloads).
POLL_MESSAGES = 50
NEVER = datetime(9999, 12, 31, tzinfo=UTC)  # "since" that matches no deletion

_ME = aliased(ConversationMember, name="me")
_OTHER = aliased(ConversationMember, name="other_member")
_OTHER_USER = aliased(User, name="other_user")
_LATEST = aliased(Message, name="latest")
_UNREAD = aliased(Message, name="unread")


def _unread_in(conversation_id: Any, user_id: Any, last_read: Any) -> ColumnElement[bool]:
    """Messages of a conversation written by someone else after ``last_read``, not deleted."""
    return and_(
        _UNREAD.conversation_id == conversation_id,
        _UNREAD.id > func.coalesce(last_read, 0),
        or_(_UNREAD.sender_id.is_(None), _UNREAD.sender_id != user_id),
        _UNREAD.deleted_at.is_(None),
    )


def get_membership(conversation_id: int, user_id: int) -> ConversationMember | None:
    """The reader's membership of that conversation, or None (not theirs: 404)."""
    return db.session.get(ConversationMember, (conversation_id, user_id))


def find_conversation(user_a: int, user_b: int) -> Conversation | None:
    low, high = sorted((user_a, user_b))
    return db.session.scalar(
        select(Conversation).where(
            Conversation.low_user_id == low, Conversation.high_user_id == high
        )
    )


def other_person(conversation: Conversation, user_id: int) -> User | None:
    """The other member (None once they deleted their account)."""
    other_id = (
        conversation.high_user_id
        if conversation.low_user_id == user_id
        else conversation.low_user_id
    )
    return db.session.get(User, other_id) if other_id is not None else None


@dataclass(frozen=True)
class Line:
    """A message as the page shows it."""

    id: int
    sender_id: int | None
    body: str
    created_at: datetime
    is_deleted: bool
    # Hidden by a pengurus (moderation): the writer sees the text and this reason, the
    # other person "Disembunyikan oleh pengurus".
    is_hidden: bool = False
    hidden_reason: str | None = None


def _line(message: Message) -> Line:
    return Line(message.id, message.sender_id, message.body, message.created_at,
                message.deleted_at is not None, message.hidden_at is not None,
                message.hidden_reason)  # fmt: skip


@dataclass(frozen=True)
class MessagePage:
    """A page of a conversation: ``lines`` oldest first; ``has_older`` when messages
    before the first one exist ("Pesan sebelumnya")."""

    lines: list[Line]
    has_older: bool


def list_messages(conversation_id: int, before: int | None = None) -> MessagePage:
    """The latest ``PAGE_MESSAGES`` messages (before message ``before`` when given), oldest
    first, in one statement (one more row tells whether older ones exist)."""
    query = select(Message).where(Message.conversation_id == conversation_id)
    if before is not None:
        query = query.where(Message.id < before)
    rows = db.session.scalars(query.order_by(Message.id.desc()).limit(PAGE_MESSAGES + 1)).all()
    return MessagePage(
        [_line(m) for m in reversed(rows[:PAGE_MESSAGES])], len(rows) > PAGE_MESSAGES
    )


@dataclass(frozen=True)
class Poll:
    """What one poll found: ``is_member`` False means 404; ``lines`` the new messages and
    those of the page deleted since the last poll (the page replaces them)."""

    is_member: bool
    lines: list[Line]


# Built once: making the statement per request cost more than running it (an empty poll
# is the most frequent request of the app). The values are bound at execution. Besides
# what is new, a message the page shows (id from ``from_id``) deleted or hidden by a
# pengurus after ``since`` comes back, so "pesan dihapus" shows on the other phone too;
# ``since`` far in the future asks for new ones only.
_POLL = (
    select(ConversationMember.user_id, Message)
    .outerjoin(
        Message,
        and_(
            Message.conversation_id == ConversationMember.conversation_id,
            or_(
                Message.id > bindparam("after_id"),
                and_(
                    Message.id >= bindparam("from_id"),
                    or_(
                        Message.deleted_at > bindparam("since"),
                        Message.hidden_at > bindparam("since"),
                    ),
                ),
            ),
        ),
    )
    .where(
        ConversationMember.conversation_id == bindparam("conversation_id"),
        ConversationMember.user_id == bindparam("user_id"),
    )
    .order_by(Message.id)
    .limit(POLL_MESSAGES)
)


def poll(
    conversation_id: int,
    user_id: int,
    after_id: int,
    *,
    from_id: int | None = None,
    since: datetime | None = None,
) -> Poll:
    """New messages after ``after_id``, and those from ``from_id`` on deleted after
    ``since``, in ONE statement that also proves membership: the reader's row LEFT JOIN
    those messages. No row: not a member. One row with no message: nothing new (the
    common, cheap case)."""
    if from_id is None or since is None:
        from_id, since = after_id + 1, NEVER
    rows = db.session.execute(
        _POLL,
        {"conversation_id": conversation_id, "user_id": user_id, "after_id": after_id,
         "from_id": from_id, "since": since},
    ).all()  # fmt: skip
    if not rows:
        return Poll(False, [])
    return Poll(True, [_line(m) for _, m in rows if m is not None])


@dataclass(frozen=True)
class ConversationLine:
    """One row of the conversation list."""

    conversation_id: int
    other_id: int | None
    other_name: str | None  # None: the other person deleted their account
    latest_body: str | None  # None: no message yet
    latest_at: datetime | None
    latest_sender_id: int | None
    latest_deleted: bool
    unread: int
    latest_hidden: bool = False  # hidden by a pengurus: the list does not show its text


def list_conversations(user_id: int) -> list[ConversationLine]:
    """Every conversation of ``user_id``, latest activity first, with the other person's
    name, the latest message and the unread count: ONE statement, whatever the number of
    conversations (the latest message and the count are correlated subqueries on the
    ``(conversation_id, id)`` index)."""
    latest_id = (
        select(func.max(Message.id))
        .where(Message.conversation_id == Conversation.id)
        .correlate(Conversation)
        .scalar_subquery()
    )
    unread = (
        select(func.count(_UNREAD.id))
        .where(_unread_in(Conversation.id, user_id, _ME.last_read_message_id))
        .correlate(Conversation, _ME)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            Conversation.id,
            _OTHER_USER.id,
            _OTHER_USER.name,
            _LATEST.body,
            _LATEST.created_at,
            _LATEST.sender_id,
            _LATEST.deleted_at,
            unread,
            _LATEST.hidden_at,
        )
        .select_from(_ME)
        .join(Conversation, Conversation.id == _ME.conversation_id)
        .outerjoin(
            _OTHER,
            and_(_OTHER.conversation_id == Conversation.id, _OTHER.user_id != user_id),
        )
        .outerjoin(_OTHER_USER, _OTHER_USER.id == _OTHER.user_id)
        .outerjoin(_LATEST, _LATEST.id == latest_id)
        .where(_ME.user_id == user_id)
        .order_by(
            func.coalesce(Conversation.last_message_at, Conversation.created_at).desc(),
            Conversation.id.desc(),
        )
    ).all()
    return [
        ConversationLine(
            cid, oid, name, body, at, sender, deleted is not None, count or 0, hidden is not None
        )
        for cid, oid, name, body, at, sender, deleted, count, hidden in rows
    ]


def unread_total_expr(user_id: int) -> ColumnElement[int]:
    """SQL for the nav badge: messages unread in all of the person's conversations."""
    return (
        select(func.count(_UNREAD.id))
        .select_from(_ME)
        .join(_UNREAD, _unread_in(_ME.conversation_id, user_id, _ME.last_read_message_id))
        .where(_ME.user_id == user_id)
        .scalar_subquery()
    )


def latest_message_id(conversation_id: int) -> int | None:
    return db.session.scalar(
        select(func.max(Message.id)).where(Message.conversation_id == conversation_id)
    )


def blocks_between(user_a: int, user_b: int) -> tuple[bool, bool]:
    """(a blocked b, b blocked a), in one statement."""
    rows = db.session.execute(
        select(Block.blocker_id).where(
            or_(
                and_(Block.blocker_id == user_a, Block.blocked_id == user_b),
                and_(Block.blocker_id == user_b, Block.blocked_id == user_a),
            )
        )
    ).all()
    blockers = {blocker for (blocker,) in rows}
    return user_a in blockers, user_b in blockers


def list_blocked(user_id: int) -> list[tuple[int, str]]:
    """(id, name) of the people ``user_id`` blocked, by name."""
    return [
        (uid, name)
        for uid, name in db.session.execute(
            select(User.id, User.name)
            .join(Block, Block.blocked_id == User.id)
            .where(Block.blocker_id == user_id)
            .order_by(User.name)
        ).all()
    ]
