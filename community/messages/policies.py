"""Who may message whom: the facts from the database, the decision from ``rules.py``.

Reading a conversation is not a policy with exceptions: only its two members read it
(``queries.get_membership``); no role, wilayah grant, export or dashboard reaches it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from community.core.authz import grants_of
from community.events.models import Rsvp
from community.extensions import db
from community.messages import queries, rules


def person(user: Any) -> rules.Person:
    return rules.Person(user.id, user.home_rt_path, rules.pengurus_rt_paths(grants_of(user)))


def answered_same_activity(user_a: int, user_b: int) -> bool:
    """Did both answer (any answer) at least one activity? Their own answers only: an answer
    atas nama someone is not that pengurus' own."""
    other = aliased(Rsvp)
    return bool(
        db.session.scalar(
            select(Rsvp.id)
            .join(other, other.activity_id == Rsvp.activity_id)
            .where(Rsvp.user_id == user_a, other.user_id == user_b)
            .limit(1)
        )
    )


def start_refusal(sender: Any, recipient: Any) -> rules.Refusal | None:
    """Why ``sender`` may not start a conversation with ``recipient``, or None."""
    me, them = person(sender), person(recipient)
    if me.id == them.id:
        return rules.Refusal.SELF
    i_blocked, they_blocked = queries.blocks_between(sender.id, recipient.id)
    same = False
    if not rules.in_scope(me, them, answered_same_activity=False):
        same = answered_same_activity(sender.id, recipient.id)
    return rules.start_refusal(
        me, them, answered_same_activity=same, sender_blocked_recipient=i_blocked,
        recipient_blocked_sender=they_blocked,
    )  # fmt: skip


def send_refusal(sender_id: int, recipient_id: int) -> rules.Refusal | None:
    """Why a member may not send into their conversation now (a block), or None."""
    i_blocked, they_blocked = queries.blocks_between(sender_id, recipient_id)
    return rules.send_refusal(
        sender_blocked_recipient=i_blocked, recipient_blocked_sender=they_blocked
    )
