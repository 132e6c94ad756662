"""The mute check the sending paths call (direct messages, comments). Imports no other
domain, so ``messages.services`` and ``events`` can call it without a cycle."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from community.core.errors import DomainError
from community.core.time import format_wita
from community.extensions import db
from community.moderation.models import Mute

REFUSAL = _l("Anda dibisukan oleh pengurus sampai %(until)s: %(reason)s")


class MutedError(DomainError):
    """The sender is muted: ``until`` (aware UTC) and the pengurus' ``reason``."""

    def __init__(self, mute: Mute) -> None:
        super().__init__("muted", until=mute.ends_at, reason=mute.reason)

    def message(self, messages: Mapping[str, Any] | None = None) -> str:
        """Its own words whatever table the route has: when the mute ends (WITA) and why."""
        until = format_wita(self.details["until"], str(get_locale() or "id"))
        return str(REFUSAL) % {"until": until, "reason": self.details["reason"]}


def active_mute(user_id: int, *, now: datetime) -> Mute | None:
    """The mute in force on ``user_id`` at ``now`` that ends last, or None. One indexed
    statement; the same test as ``rules.mute_is_active``."""
    return db.session.scalar(
        select(Mute)
        .where(
            Mute.user_id == user_id,
            Mute.starts_at <= now,
            Mute.ends_at > now,
            Mute.lifted_at.is_(None),
        )
        .order_by(Mute.ends_at.desc())
        .limit(1)
    )


def refuse_if_muted(user_id: int, *, now: datetime) -> None:
    """Raise :class:`MutedError` when ``user_id`` is muted at ``now``."""
    mute = active_mute(user_id, now=now)
    if mute is not None:
        raise MutedError(mute)
