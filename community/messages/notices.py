"""A new direct message as a push (#13): one notification per conversation, not one per
message.

What a person is told about a conversation is re-planned whenever their unread messages in
it change: a message arrives (:func:`note_unread` for the recipient), they read it, or the
writer deletes it. The plan is one row per device under the subject of the moment the push
goes (:func:`rules.push_due`): at once after a quiet spell, else at the end of the grouping
window, together with what else arrives; in quiet hours at their end. Reading the
conversation before then cancels it. A conversation the person marked private never shows
a name or a text: "2 pesan baru", nothing else. The payload never holds a phone number.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from community.accounts.models import User
from community.extensions import db
from community.messages import rules
from community.messages.models import ConversationMember, Message
from community.notifications import outbox, planning
from community.notifications import rules as delivery

KIND = "message"


def ref_of(conversation_id: int) -> str:
    return f"conversation:{conversation_id}"


def topic_of(conversation_id: int) -> str:
    return f"rukun-c{conversation_id}"  # <= 32 characters: the phone keeps one per conversation


def note_unread(conversation_id: int, user_id: int) -> None:
    """``user_id``'s unread messages in that conversation change with this transaction:
    re-plan their push at its commit."""
    planning.note(db.session(), plan_pushes, (conversation_id, user_id))


@dataclass(frozen=True)
class Unread:
    count: int
    latest_body: str
    sender_name: str | None  # None: the writer deleted their account
    is_private: bool
    language: str


def unread_of(conversation_id: int, user_id: int) -> Unread | None:
    """What ``user_id`` has not read in the conversation (None: not a member any more).
    Two statements: the count with the reader's settings, then the latest message."""
    me = ConversationMember
    row = db.session.execute(
        select(
            me.is_private,
            me.last_read_message_id,
            User.language,
            select(func.count(Message.id))
            .where(
                Message.conversation_id == conversation_id,
                Message.id > func.coalesce(me.last_read_message_id, 0),
                or_(Message.sender_id.is_(None), Message.sender_id != user_id),
                Message.deleted_at.is_(None),
            )
            .correlate(me)
            .scalar_subquery(),
        )
        .join(User, User.id == me.user_id)
        .where(me.conversation_id == conversation_id, me.user_id == user_id)
    ).one_or_none()
    if row is None:
        return None
    is_private, last_read, language, count = row
    if not count:
        return Unread(0, "", None, bool(is_private), language or "id")
    body, sender = db.session.execute(
        select(Message.body, User.name)
        .outerjoin(User, User.id == Message.sender_id)
        .where(
            Message.conversation_id == conversation_id,
            Message.id > (last_read or 0),
            or_(Message.sender_id.is_(None), Message.sender_id != user_id),
            Message.deleted_at.is_(None),
        )
        .order_by(Message.id.desc())
        .limit(1)
    ).one()
    return Unread(count, body, sender, bool(is_private), language or "id")


def _payload(conversation_id: int, unread: Unread) -> dict:
    with force_locale(unread.language):
        many = ngettext("%(num)d pesan baru", "%(num)d pesan baru", unread.count)
        if unread.is_private:
            title, body = "Rukun", many
        else:
            title = unread.sender_name or _("warga terhapus")
            preview = delivery.preview(unread.latest_body)
            body = preview if unread.count == 1 else f"{many} · {preview}"
    return {
        "title": title[:120],
        "body": body[:300],
        "url": f"/pesan/{conversation_id}",
        "tag": topic_of(conversation_id),
    }


def plan_pushes(items: Iterable[Hashable], *, now: datetime) -> None:
    """The planner: for each (conversation, person) noted, the push they should get now."""
    for conversation_id, user_id in items:  # type: ignore[misc]
        ref = ref_of(conversation_id)
        unread = unread_of(conversation_id, user_id)
        if unread is None or unread.count == 0:
            outbox.plan(ref, KIND, [user_id], lambda person: [])  # cancels what waits
            continue
        due = rules.push_due(now, outbox.last_sent_at(ref, KIND, user_id))
        payload = _payload(conversation_id, unread)

        def build(person, due=due, payload=payload, conversation_id=conversation_id):
            goes = delivery.outside_quiet_hours(due, person.quiet_start, person.quiet_end)
            return [
                outbox.Message(
                    user_id=person.user_id,
                    subject=f"c{conversation_id}:{int(goes.timestamp())}",
                    due_at=goes,
                    payload=payload,
                    topic=topic_of(conversation_id),
                )
            ]

        outbox.plan(ref, KIND, [user_id], build, now=now)
