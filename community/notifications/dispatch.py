"""The outbox worker's work: claim due rows under a lease, send them, record the result.

Delivery is at least once: a worker that dies after sending but before recording leaves
its rows leased; when the lease ends another worker sends them again, and the phone
hides the repeat (same Topic and notification tag).  The ledger keeps one row per
subscription and subject, so it shows each reminder sent exactly once."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from community.core.time import utcnow
from community.extensions import db
from community.notifications import delivery_rules, outbox, sender, services
from community.notifications.models import MessageStatus, PushMessage, PushSubscription

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)


@dataclass
class Tally:
    claimed: int = 0
    sent: int = 0
    retry: int = 0
    failed: int = 0
    gone: int = 0
    expired: int = 0
    by_reason: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, other: Tally) -> None:
        for name in ("claimed", "sent", "retry", "failed", "gone", "expired"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for reason, count in other.by_reason.items():
            self.by_reason[reason] += count


def claim(now: datetime, limit: int) -> tuple[datetime, list[PushMessage]]:
    """Lease up to ``limit`` due rows (and rows whose lease ran out: a dead worker's).
    Committed before anything is sent."""
    lease_until = now + LEASE
    due = or_(
        and_(PushMessage.status == MessageStatus.PENDING, PushMessage.due_at <= now),
        and_(PushMessage.status == MessageStatus.SENDING, PushMessage.lease_until < now),
    )
    query = select(PushMessage.id).where(due).order_by(PushMessage.due_at).limit(limit)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    if not ids:
        db.session.rollback()
        return lease_until, []
    db.session.execute(
        update(PushMessage)
        .where(PushMessage.id.in_(ids))
        .values(
            status=MessageStatus.SENDING,
            lease_until=lease_until,
            attempts=PushMessage.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    rows = list(db.session.scalars(select(PushMessage).where(PushMessage.id.in_(ids))))
    return lease_until, rows


def _finish(ids: list[int], lease_until: datetime, **values) -> None:
    if ids:
        db.session.execute(
            update(PushMessage)
            .where(
                PushMessage.id.in_(ids),
                PushMessage.status == MessageStatus.SENDING,
                PushMessage.lease_until == lease_until,  # still ours
            )
            .values(lease_until=None, **values)
            .execution_options(synchronize_session=False)
        )


def run_batch(
    signer: sender.VapidSigner, *, now: datetime | None = None, limit: int = 1000
) -> Tally:
    """One claim, one concurrent fan-out, one commit of the results."""
    now = now or utcnow()
    tally = Tally()
    lease_until, rows = claim(now, limit)
    if not rows:
        return tally
    tally.claimed = len(rows)
    config = current_app.config
    allowed = outbox.allowed_hosts()
    subs = {
        s.id: s
        for s in db.session.scalars(
            select(PushSubscription).where(
                PushSubscription.id.in_({r.subscription_id for r in rows if r.subscription_id})
            )
        )
    }
    pushes: list[sender.Push] = []
    by_id = {r.id: r for r in rows}
    gone_ids, expired_ids, refused_ids = [], [], []
    for row in rows:
        sub = subs.get(row.subscription_id)
        if sub is None:
            gone_ids.append(row.id)
            continue
        if row.expires_at is not None and row.expires_at <= now:
            expired_ids.append(row.id)
            continue
        if config["PUSH_CHECK_ENDPOINTS"] and delivery_rules.endpoint_problem(
            sub.endpoint, allowed
        ):
            refused_ids.append(row.id)
            continue
        pushes.append(
            sender.Push(
                row.id, sub.endpoint, sub.p256dh, sub.auth, row.payload,
                delivery_rules.ttl_seconds(now, row.expires_at), row.urgency, row.topic,
            )
        )  # fmt: skip
    started = time.monotonic()
    answers = asyncio.run(
        sender.send_all(
            pushes,
            signer,
            concurrency=config["PUSH_CONCURRENCY"],
            timeout=config["PUSH_TIMEOUT"],
            public_only=config["PUSH_CHECK_ENDPOINTS"],
        )
    )
    elapsed = time.monotonic() - started
    done = utcnow()
    sent_ids, retry, failed = [], defaultdict(list), defaultdict(list)
    for answer in answers:
        row = by_id[answer.id]
        result = delivery_rules.outcome(
            answer.status_code,
            now=done,
            attempt=row.attempts,
            give_up_at=row.expires_at,
            retry_after=delivery_rules.parse_retry_after(answer.retry_after, done),
        )
        if result.status == "sent":
            sent_ids.append(row.id)
        elif result.status == "gone":
            gone_ids.append(row.id)
        elif result.status == "retry":
            retry[(result.retry_at, result.reason)].append(row.id)
        else:
            failed[result.reason].append(row.id)
        if answer.status_code in (400, 401, 403, 413):
            log.warning(
                "push %s refused with %s (403: check the VAPID key)", row.id, answer.status_code
            )
    _finish(sent_ids, lease_until, status=MessageStatus.SENT, sent_at=done, last_error="")
    for (retry_at, reason), ids in retry.items():
        _finish(ids, lease_until, status=MessageStatus.PENDING, due_at=retry_at, last_error=reason)
    for reason, ids in failed.items():
        _finish(ids, lease_until, status=MessageStatus.FAILED, last_error=reason[:40])
    _finish(expired_ids, lease_until, status=MessageStatus.FAILED, last_error="expired")
    _finish(refused_ids, lease_until, status=MessageStatus.FAILED, last_error="endpoint_refused")
    _finish(gone_ids, lease_until, status=MessageStatus.GONE, last_error="gone")
    dead_subs = {by_id[i].subscription_id for i in gone_ids} - {None}
    for sub_id in dead_subs:
        sub = subs.get(sub_id)
        if sub is not None:
            outbox.unsubscribe(sub, status=MessageStatus.GONE)
    if sent_ids:
        db.session.execute(
            update(PushSubscription)
            .where(PushSubscription.id.in_({by_id[i].subscription_id for i in sent_ids}))
            .values(last_sent_at=done)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    tally.sent = len(sent_ids)
    tally.retry = sum(len(v) for v in retry.values())
    tally.failed = sum(len(v) for v in failed.values()) + len(refused_ids)
    tally.expired = len(expired_ids)
    tally.gone = len(gone_ids)
    for reason, ids in failed.items():
        tally.by_reason[reason] += len(ids)
    log.info(
        "push batch claimed=%s sent=%s retry=%s failed=%s gone=%s expired=%s in %.2fs",
        tally.claimed, tally.sent, tally.retry, tally.failed, tally.gone, tally.expired, elapsed,
    )  # fmt: skip
    return tally


def dispatch_due(*, max_seconds: float = 50.0, limit: int = 1000) -> Tally:
    """Send everything that is due, batch after batch, for at most ``max_seconds``.
    Idempotent: with nothing due it does one query and returns."""
    signer = make_signer()
    total = Tally()
    deadline = time.monotonic() + max_seconds
    while time.monotonic() < deadline:
        tally = run_batch(signer, limit=limit)
        total.add(tally)
        if tally.claimed < limit:
            break
    return total


_SIGNERS: dict[str, sender.VapidSigner] = {}


def make_signer() -> sender.VapidSigner:
    """One signer per process and key, so VAPID headers are reused across batches."""
    vapid = services.load_vapid()
    public = services.application_server_key(vapid)
    signer = _SIGNERS.get(public)
    if signer is None:
        signer = _SIGNERS[public] = sender.VapidSigner(vapid, current_app.config["PUSH_CONTACT"])
    return signer
