"""The outbox worker's work: claim due rows under a lease, send them, record the result.

Delivery is at least once: a worker that dies after sending but before recording leaves
its rows leased; when the lease ends another worker sends them again, and the phone
hides the repeat (same Topic and notification tag).  The ledger keeps one row per
subscription and subject, so it shows each reminder sent exactly once.

No database transaction is open while pushes are on the wire (on SQLite a writer holds
the whole file, and residents' answers must not wait for a slow push service): rows are
read into plain values when claimed, and results are written in a short transaction per
batch, so a crash resends at most one batch."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from community.core.time import utcnow
from community.extensions import db
from community.notifications import delivery_rules, outbox, sender, services
from community.notifications.models import MessageStatus, PushMessage, PushSubscription
from community.web.errors import database_down

log = logging.getLogger(__name__)
# Results of pushes already sent wait for the database: soon at first (a restart), then
# every few seconds, and never into the last seconds of the lease (then a resend is due).
RECORD_RETRY_FIRST_SECONDS = 0.25
RECORD_RETRY_MAX_SECONDS = 5.0
RECORD_MARGIN_SECONDS = 10


@dataclass
class Tally:
    claimed: int = 0
    sent: int = 0
    retry: int = 0
    failed: int = 0
    gone: int = 0
    expired: int = 0
    more: bool = False  # stopped at the time limit with rows still due

    def add(self, other: Tally) -> None:
        for name in ("claimed", "sent", "retry", "failed", "gone", "expired"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class Claimed:
    """A leased row, with its device, as plain values."""

    id: int
    subscription_id: int | None
    endpoint: str | None
    p256dh: str | None
    auth: str | None
    payload: str
    urgency: str
    topic: str
    attempts: int
    expires_at: datetime | None


def claim(now: datetime, limit: int) -> tuple[datetime, list[Claimed]]:
    """Lease up to ``limit`` due rows (and rows whose lease ran out: a dead worker's),
    read them, and commit: the caller sends with no transaction open."""
    lease_until = now + timedelta(seconds=current_app.config["PUSH_LEASE_SECONDS"])
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
    columns = (
        PushMessage.id, PushMessage.subscription_id, PushSubscription.endpoint,
        PushSubscription.p256dh, PushSubscription.auth, PushMessage.payload,
        PushMessage.urgency, PushMessage.topic, PushMessage.attempts, PushMessage.expires_at,
    )  # fmt: skip
    rows = db.session.execute(
        select(*columns)
        .outerjoin(PushSubscription, PushSubscription.id == PushMessage.subscription_id)
        .where(PushMessage.id.in_(ids))
    ).all()
    db.session.commit()
    return lease_until, [Claimed(*row) for row in rows]


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


@dataclass
class Batch:
    lease_until: datetime
    claimed: dict[int, Claimed]
    pushes: list[sender.Push]
    gone: list[int]
    expired: list[int]
    refused: list[int]


def prepare(lease_until: datetime, claimed: list[Claimed], now: datetime) -> Batch:
    """Decide what to send: a row without a device is gone, one past its activity's start
    has expired, one whose push service is no longer allowed is refused."""
    check = current_app.config["PUSH_CHECK_ENDPOINTS"]
    allowed = outbox.allowed_hosts()
    batch = Batch(lease_until, {c.id: c for c in claimed}, [], [], [], [])
    for row in claimed:
        if row.endpoint is None:
            batch.gone.append(row.id)
        elif row.expires_at is not None and row.expires_at <= now:
            batch.expired.append(row.id)
        elif check and delivery_rules.endpoint_problem(row.endpoint, allowed):
            batch.refused.append(row.id)
        else:
            batch.pushes.append(
                sender.Push(
                    row.id, row.endpoint, row.p256dh, row.auth, row.payload,
                    delivery_rules.ttl_seconds(now, row.expires_at), row.urgency, row.topic,
                )
            )  # fmt: skip
    return batch


def record(batch: Batch, answers: list[sender.Answer]) -> Tally:
    """Write what the push services said, in one short transaction."""
    done = utcnow()
    sent_ids, retry, failed = [], defaultdict(list), defaultdict(list)
    gone_ids = list(batch.gone)
    for answer in answers:
        row = batch.claimed[answer.id]
        result = delivery_rules.outcome(
            answer.status_code,
            now=done,
            attempt=row.attempts,
            give_up_at=row.expires_at,
            retry_after=delivery_rules.parse_retry_after(answer.retry_after, done),
            address_refused=answer.error == sender.ADDRESS_REFUSED,
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
    lease = batch.lease_until
    _finish(sent_ids, lease, status=MessageStatus.SENT, sent_at=done, last_error="")
    for (retry_at, reason), ids in retry.items():
        _finish(ids, lease, status=MessageStatus.PENDING, due_at=retry_at, last_error=reason)
    for reason, ids in failed.items():
        _finish(ids, lease, status=MessageStatus.FAILED, last_error=reason[:40])
    _finish(batch.expired, lease, status=MessageStatus.FAILED, last_error="expired")
    _finish(batch.refused, lease, status=MessageStatus.FAILED, last_error="endpoint_refused")
    _finish(gone_ids, lease, status=MessageStatus.GONE, last_error="gone")
    for sub_id in {batch.claimed[i].subscription_id for i in gone_ids} - {None}:
        sub = db.session.get(PushSubscription, sub_id)
        if sub is not None:
            outbox.unsubscribe(sub, status=MessageStatus.GONE)
    if sent_ids:
        db.session.execute(
            update(PushSubscription)
            .where(PushSubscription.id.in_({batch.claimed[i].subscription_id for i in sent_ids}))
            .values(last_sent_at=done)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return Tally(
        claimed=len(batch.claimed),
        sent=len(sent_ids),
        retry=sum(len(v) for v in retry.values()),
        failed=sum(len(v) for v in failed.values()) + len(batch.refused),
        gone=len(gone_ids),
        expired=len(batch.expired),
    )


async def _record_when_back(
    batch: Batch, answers: list[sender.Answer], *, lease_ends: float
) -> Tally:
    """:func:`record`, waiting for a database that went away while the pushes were on the
    wire: the phones have them, so the results are kept and written when it is back,
    instead of leaving the rows leased to be sent again.  Waits until shortly before the
    lease ends (``lease_ends``, monotonic); after that another worker may claim the rows."""
    delay = RECORD_RETRY_FIRST_SECONDS
    while True:
        try:
            return record(batch, answers)
        except Exception as exc:
            if not database_down(exc) or time.monotonic() + delay >= lease_ends:
                raise
            log.warning(
                "database unavailable while recording %s pushes: %s; retrying in %.1fs",
                len(batch.claimed), type(exc).__name__, delay,
            )  # fmt: skip
            db.session.remove()  # its connection is dead; the next try opens a new one
        await asyncio.sleep(delay)
        delay = min(delay * 2, RECORD_RETRY_MAX_SECONDS)


async def _run(
    signer: sender.VapidSigner, *, now: datetime | None, limit: int, max_seconds: float, once: bool
) -> Tally:
    config = current_app.config
    lease_seconds = config["PUSH_LEASE_SECONDS"] - RECORD_MARGIN_SECONDS
    total = Tally()
    deadline = time.monotonic() + max_seconds
    async with sender.Sender(
        signer,
        concurrency=config["PUSH_CONCURRENCY"],
        timeout=config["PUSH_TIMEOUT"],
        public_only=config["PUSH_CHECK_ENDPOINTS"],
    ) as push:
        while True:
            moment = now or utcnow()
            lease_until, claimed = claim(moment, limit)
            if not claimed:
                break
            batch = prepare(lease_until, claimed, moment)
            started = time.monotonic()
            answers = await push.send(batch.pushes)
            tally = await _record_when_back(batch, answers, lease_ends=started + lease_seconds)
            total.add(tally)
            log.info(
                "push batch claimed=%s sent=%s retry=%s failed=%s gone=%s expired=%s in %.2fs",
                tally.claimed, tally.sent, tally.retry, tally.failed, tally.gone, tally.expired,
                time.monotonic() - started,
            )  # fmt: skip
            if once or len(claimed) < limit:
                break
            if time.monotonic() >= deadline:
                total.more = True
                break
    return total


def run_batch(
    signer: sender.VapidSigner, *, now: datetime | None = None, limit: int | None = None
) -> Tally:
    """One claim, one concurrent fan-out, one commit of the results."""
    limit = limit or current_app.config["PUSH_BATCH"]
    return _run_to_end(_run(signer, now=now, limit=limit, max_seconds=0, once=True))


def dispatch_due(*, max_seconds: float = 20.0, limit: int | None = None) -> Tally:
    """Send everything that is due, batch after batch over one connection pool, for at
    most ``max_seconds`` (``Tally.more`` says the caller should go on: short runs let a
    stopping worker finish its task quickly).  Idempotent: with nothing due it does one
    query and returns."""
    limit = limit or current_app.config["PUSH_BATCH"]
    return _run_to_end(
        _run(make_signer(), now=None, limit=limit, max_seconds=max_seconds, once=False)
    )


def _run_to_end(coroutine) -> Tally:
    """``asyncio.run``, also when called from a thread whose event loop is already running
    (e.g. inside another framework's loop): then on a helper thread that carries this
    context (the app context) along, while this thread waits."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    context = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(context.run, asyncio.run, coroutine).result()


_SIGNERS: dict[str, sender.VapidSigner] = {}


def make_signer() -> sender.VapidSigner:
    """One signer per process and key, so VAPID headers are reused across batches."""
    vapid = services.load_vapid()
    public = services.application_server_key(vapid)
    signer = _SIGNERS.get(public)
    if signer is None:
        signer = _SIGNERS[public] = sender.VapidSigner(vapid, current_app.config["PUSH_CONTACT"])
    return signer
