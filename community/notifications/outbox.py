"""Subscriptions and the outbox: what must be pushed to whom, and when.

Other domains call :func:`plan` (reminders: replace the pending rows of one subject
family with what is wanted now) and :func:`notify` (a notice due at once).  Both only
flush: the rows are committed with the change that caused them, or not at all."""

from __future__ import annotations

import json
import socket
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import case, func, select, update

from community.core import privacy
from community.core.errors import DomainError
from community.extensions import db
from community.notifications import delivery_rules, kinds
from community.notifications.models import (
    MessageStatus,
    NotificationPref,
    NotificationSwitch,
    PushMessage,
    PushSubscription,
)
from community.notifications.rules import QUIET_END_DEFAULT, QUIET_START_DEFAULT


class SubscriptionError(DomainError):
    """A subscription we refuse; ``code`` names the reason for the message shown."""


# --- subscriptions -----------------------------------------------------------------------


def allowed_hosts() -> tuple[str, ...]:
    return tuple(current_app.config["PUSH_ALLOWED_HOSTS"])


def subscribe(user_id: int, data: object, *, device: str = "") -> PushSubscription:
    """Store the browser's ``PushSubscription.toJSON()`` for ``user_id``."""
    if not isinstance(data, Mapping):
        raise SubscriptionError("endpoint_invalid")
    endpoint = data.get("endpoint")
    keys = data.get("keys") if isinstance(data.get("keys"), Mapping) else {}
    problem = delivery_rules.endpoint_problem(endpoint, allowed_hosts())
    problem = problem or delivery_rules.keys_problem(keys.get("p256dh"), keys.get("auth"))
    if problem:
        raise SubscriptionError(problem)
    if current_app.config["PUSH_CHECK_ENDPOINTS"] and _resolves_to_private(endpoint):
        raise SubscriptionError("endpoint_private")
    existing = db.session.scalar(
        select(PushSubscription).where(PushSubscription.endpoint == endpoint)
    )
    if existing is not None and existing.user_id != user_id:
        # A shared phone: the browser now belongs to someone else. Only that browser knows
        # the subscription's keys; an endpoint alone (seen in a log, say) moves nothing.
        if not delivery_rules.same_keys(
            (existing.p256dh, existing.auth), (keys["p256dh"], keys["auth"])
        ):
            raise SubscriptionError("endpoint_taken")
        unsubscribe(existing)
        db.session.flush()
        existing = None
    if existing is None:
        count = db.session.scalar(select(func.count()).where(PushSubscription.user_id == user_id))
        if count >= delivery_rules.MAX_SUBSCRIPTIONS:
            raise SubscriptionError("too_many")
        existing = PushSubscription(user_id=user_id, endpoint=endpoint)
        db.session.add(existing)
    existing.p256dh, existing.auth = keys["p256dh"], keys["auth"]
    existing.device = device[:80]
    db.session.flush()
    kinds.recipient_changed([user_id])
    return existing


def _resolves_to_private(endpoint: str) -> bool:
    """True when the push service's name points at a private address (an attacker's DNS
    aimed at the intranet).  A name that does not resolve right now is accepted: the
    worker checks the address again at every send and connects only to public ones."""
    host = urlsplit(endpoint).hostname or ""
    try:
        found = socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    return not all(delivery_rules.address_is_public(info[4][0]) for info in found)


def subscriptions_of(user_id: int) -> list[PushSubscription]:
    return list(
        db.session.scalars(
            select(PushSubscription)
            .where(PushSubscription.user_id == user_id)
            .order_by(PushSubscription.created_at, PushSubscription.id)
        )
    )


def has_devices(user_id: int) -> bool:
    return (
        db.session.scalar(
            select(PushSubscription.id).where(PushSubscription.user_id == user_id).limit(1)
        )
        is not None
    )


def get_subscription(user_id: int, subscription_id: int) -> PushSubscription | None:
    """Only the user's own: someone else's id is "not found"."""
    return db.session.scalar(
        select(PushSubscription).where(
            PushSubscription.id == subscription_id, PushSubscription.user_id == user_id
        )
    )


def find_by_endpoint(user_id: int, endpoint: str) -> PushSubscription | None:
    return db.session.scalar(
        select(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.user_id == user_id
        )
    )


def unsubscribe(subscription: PushSubscription, *, status: str = MessageStatus.CANCELLED) -> None:
    """Forget a device; what was still waiting for it will not be sent."""
    db.session.execute(
        update(PushMessage)
        .where(
            PushMessage.subscription_id == subscription.id,
            PushMessage.status.in_([MessageStatus.PENDING, MessageStatus.SENDING]),
        )
        .values(status=status, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(PushMessage)
        .where(PushMessage.subscription_id == subscription.id)
        .values(subscription_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.delete(subscription)
    db.session.flush()


# --- preferences, read in bulk -----------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    user_id: int
    quiet_start: int
    quiet_end: int
    wants: frozenset[str]
    subscription_ids: tuple[int, ...]


def recipients(user_ids: Iterable[int]) -> dict[int, Recipient]:
    """Users that have at least one device, with their preferences: their devices and
    quiet hours in one query, and the switches they set in one more (a switch without a
    row is its registered default), per 500 people."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    subs: dict[int, list[int]] = defaultdict(list)
    quiet: dict[int, tuple[int, int]] = {}
    for chunk in _chunks(ids):
        for sub_id, user_id, start, end in db.session.execute(
            select(
                PushSubscription.id,
                PushSubscription.user_id,
                NotificationPref.quiet_start_minute,
                NotificationPref.quiet_end_minute,
            )
            .outerjoin(NotificationPref, NotificationPref.user_id == PushSubscription.user_id)
            .where(PushSubscription.user_id.in_(chunk))
        ):
            subs[user_id].append(sub_id)
            if start is not None:
                quiet[user_id] = (start, end)
    with_devices = sorted(subs)
    chosen: dict[int, dict[str, bool]] = defaultdict(dict)
    for chunk in _chunks(with_devices):
        for user_id, name, is_on in db.session.execute(
            select(
                NotificationSwitch.user_id, NotificationSwitch.name, NotificationSwitch.is_on
            ).where(NotificationSwitch.user_id.in_(chunk))
        ):
            chosen[user_id][name] = is_on
    switches = kinds.switches()
    result = {}
    for user_id in with_devices:
        own = chosen.get(user_id, {})
        start, end = quiet.get(user_id, (QUIET_START_DEFAULT, QUIET_END_DEFAULT))
        result[user_id] = Recipient(
            user_id,
            start,
            end,
            frozenset(s.field for s in switches if own.get(s.field, s.default_on)),
            tuple(sorted(subs[user_id])),
        )
    return result


def _chunks(ids: list[int], size: int = 500):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# --- the outbox --------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """One thing to push to every device of one user."""

    user_id: int
    subject: str
    due_at: datetime
    payload: dict
    topic: str
    urgency: str = "normal"
    expires_at: datetime | None = None


def encode(payload: dict) -> str:
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    if len(text.encode()) > delivery_rules.MAX_PAYLOAD_BYTES:
        raise ValueError("payload too large")
    return text


def plan(
    ref: str,
    kind: str,
    user_ids: Iterable[int],
    build: Callable[[Recipient], Iterable[Message]],
    *,
    now: datetime | None = None,
) -> int:
    """Make the *pending* rows of ``kind`` about ``ref`` for ``user_ids`` exactly what
    ``build`` wants for each of them (it is given their quiet hours): insert what is
    missing, update what changed, cancel what is no longer wanted.  Rows already sent
    (or failed) stay as the ledger, and a subject already sent is not sent again.
    Given ``now``, a row already due asks the worker to send at the commit instead of at
    its next minute (a new message, an announcement). Returns the number of rows inserted."""
    user_ids = sorted(set(user_ids))
    if not user_ids:
        return 0
    pref = kinds.switch_of(kind)
    people = recipients(user_ids)
    desired: dict[tuple[int, str], Message] = {}
    for person in people.values():
        if pref not in person.wants:
            continue
        for message in build(person):
            for sub_id in person.subscription_ids:
                desired[(sub_id, message.subject)] = message
    existing: dict[tuple[int, str], PushMessage] = {}
    for chunk in _chunks(user_ids):
        for row in db.session.scalars(
            select(PushMessage).where(
                PushMessage.ref == ref,
                PushMessage.kind == kind,
                PushMessage.user_id.in_(chunk),
                PushMessage.subscription_id.is_not(None),
            )
        ):
            existing[(row.subscription_id, row.subject)] = row
    inserted = 0
    for key, row in existing.items():
        if row.status != MessageStatus.PENDING:
            continue
        if key in desired:
            _fill(row, desired[key])
        else:
            row.status = MessageStatus.CANCELLED
    for key, message in desired.items():
        if key in existing:
            continue
        row = PushMessage(subscription_id=key[0], user_id=message.user_id, ref=ref, kind=kind)
        _fill(row, message)
        db.session.add(row)
        inserted += 1
    db.session.flush()
    if now is not None and any(m.due_at <= now for m in desired.values()):
        db.session.info["rukun_push_now"] = True
    return inserted


def last_sent_at(ref: str, kind: str, user_id: int) -> datetime | None:
    """When the latest message of ``kind`` about ``ref`` went (or began going) to
    ``user_id``'s devices; None if none has."""
    return db.session.scalar(
        select(func.max(func.coalesce(PushMessage.sent_at, PushMessage.due_at))).where(
            PushMessage.ref == ref,
            PushMessage.kind == kind,
            PushMessage.user_id == user_id,
            PushMessage.status.in_([MessageStatus.SENDING, MessageStatus.SENT]),
        )
    )


def with_devices(user_ids) -> list[int]:
    """Which of ``user_ids`` (a list, or a SELECT of ids) have at least one device: a
    fan-out to a whole kelurahan plans only for them."""
    return list(
        db.session.scalars(
            select(PushSubscription.user_id)
            .distinct()
            .where(PushSubscription.user_id.in_(user_ids))
            .order_by(PushSubscription.user_id)
        )
    )


def pending_user_ids(ref: str, kind: str) -> set[int]:
    return set(
        db.session.scalars(
            select(PushMessage.user_id)
            .distinct()
            .where(
                PushMessage.ref == ref,
                PushMessage.kind == kind,
                PushMessage.status == MessageStatus.PENDING,
                PushMessage.user_id.is_not(None),
            )
        )
    )


def pending_refs(user_id: int, kind: str) -> set[str]:
    return set(
        db.session.scalars(
            select(PushMessage.ref)
            .distinct()
            .where(
                PushMessage.user_id == user_id,
                PushMessage.kind == kind,
                PushMessage.status == MessageStatus.PENDING,
            )
        )
    )


def notify(ref: str, kind: str, messages: Iterable[Message]) -> int:
    """Notices due now (cancelled, moved, off the waitlist): one row per device, unless
    that device already has this subject.  Returns the number of rows inserted."""
    messages = list(messages)
    people = recipients(m.user_id for m in messages)
    pref = kinds.switch_of(kind)
    subjects = sorted({m.subject for m in messages})
    taken = set()
    if subjects:
        taken = set(
            db.session.execute(
                select(PushMessage.subscription_id, PushMessage.subject).where(
                    PushMessage.ref == ref, PushMessage.subject.in_(subjects)
                )
            ).all()
        )
    inserted = 0
    for message in messages:
        person = people.get(message.user_id)
        if person is None or pref not in person.wants:
            continue
        for sub_id in person.subscription_ids:
            if (sub_id, message.subject) in taken:
                continue
            taken.add((sub_id, message.subject))
            row = PushMessage(subscription_id=sub_id, user_id=message.user_id, ref=ref, kind=kind)
            _fill(row, message)
            db.session.add(row)
            inserted += 1
    db.session.flush()
    if inserted:
        db.session.info["rukun_push_now"] = True
    return inserted


def _fill(row: PushMessage, message: Message) -> None:
    row.subject = message.subject
    row.due_at = message.due_at
    row.expires_at = message.expires_at
    row.payload = encode(message.payload)
    row.topic = message.topic
    row.urgency = message.urgency


@dataclass(frozen=True)
class DeliveryLine:
    kind: str
    due_at: datetime
    total: int
    attempted: int
    waiting: int
    sent: int
    failed: int
    gone: int


def delivery_report(ref: str) -> list[DeliveryLine]:
    """Per reminder (kind and time): how many rows, and what became of them."""
    status = PushMessage.status
    rows = db.session.execute(
        select(
            PushMessage.kind,
            PushMessage.due_at,
            func.count(),
            func.sum(_when(PushMessage.attempts > 0)),
            func.sum(_when(status.in_([MessageStatus.PENDING, MessageStatus.SENDING]))),
            func.sum(_when(status == MessageStatus.SENT)),
            func.sum(_when(status == MessageStatus.FAILED)),
            func.sum(_when(status == MessageStatus.GONE)),
        )
        .where(PushMessage.ref == ref, status != MessageStatus.CANCELLED)
        .group_by(PushMessage.kind, PushMessage.due_at)
        .order_by(PushMessage.due_at)
    ).all()
    return [
        DeliveryLine(k, d, t, a or 0, w or 0, s or 0, f or 0, g or 0)
        for k, d, t, a, w, s, f, g in rows
    ]


def _when(condition):
    return case((condition, 1), else_=0)


def _export(user) -> list[dict]:
    return [
        {
            "device": s.device,
            "created_at": s.created_at.isoformat(),
            "last_sent_at": s.last_sent_at.isoformat() if s.last_sent_at else None,
        }
        for s in subscriptions_of(user.id)
    ]


privacy.register_exporter("push_devices", _export)
_KEY = privacy.NotPersonal("an internal row number; means nothing outside this database")
_QUEUE = (
    "a delivery queue entry: the activity's public title and times, sent to the person's "
    "own phone; kept briefly for delivery, its user id cleared when the account goes"
)
privacy.classify("push_subscription", {
    "id": _KEY,
    "user_id": _KEY,
    "endpoint": privacy.Withheld(
        "a capability URL of the browser's push service: whoever holds it can reach the phone"
    ),
    "p256dh": privacy.Withheld("an encryption key of the phone's browser"),
    "auth": privacy.Withheld("an encryption secret of the phone's browser"),
    "device": privacy.Exported("push_devices[].device"),
    "created_at": privacy.Exported("push_devices[].created_at"),
    "last_sent_at": privacy.Exported("push_devices[].last_sent_at"),
})  # fmt: skip
privacy.classify("push_message", {
    column: _KEY if column.endswith("id") else privacy.Withheld(_QUEUE)
    for column in (
        "id", "subscription_id", "user_id", "ref", "kind", "subject", "due_at", "expires_at",
        "status", "attempts", "lease_until", "payload", "topic", "urgency", "last_error",
        "created_at", "sent_at",
    )
})  # fmt: skip
