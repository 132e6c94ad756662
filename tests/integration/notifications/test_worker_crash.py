"""The reminder worker killed in the middle of a fan-out, again and again, loses nothing.

Three hundred residents each have a phone (a stand-in subscription) and one reminder that
is due.  A real ``rukun worker`` process (the Huey consumer, SQLite queue, configured by
environment like in production) is started and SIGKILLed while the stand-in push service
is receiving its pushes: once as the first pushes arrive, then after a quarter, half
and most of what was still due.  After each kill the 2-minute lease of the dead worker's
rows is moved into the past in the database (the time a real restart would wait).
Results are recorded per batch of 50, so a kill repeats at most the batch in flight.  A last
worker runs until the outbox is empty and is stopped gracefully.

Then the ledger must show every reminder sent exactly once (one row per subscription and
subject, all ``sent``, nothing left ``sending`` or ``pending``), every phone must have
received its reminder, and every repeat (delivery is at least once) must carry the same
Topic and payload, so the phone replaces it instead of showing it twice.

Runs against the test database: SQLite here, PostgreSQL (``SKIP LOCKED``) when
``RUKUN_TEST_DATABASE_URL`` is set.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid
from sqlalchemy import create_engine, func, select, update

from community import ROOT
from community.accounts.models import User
from community.core.time import utcnow
from community.extensions import db
from community.notifications import outbox, services
from community.notifications.models import MessageStatus, PushMessage, PushSubscription
from tests.conftest import test_config
from tests.pushservice import PushService, Subscriber

RESIDENTS = 300
# When to kill each worker: after this fraction of what is still due has been delivered
# (0.0: as soon as the first push reaches the push service, before any is accepted).
KILL_AFTER = (0.0, 0.25, 0.5, 0.75)
DELAY = 0.02  # seconds the stand-in takes per push: a fan-out lasts ~1 s
CONCURRENCY = 8  # RUKUN_PUSH_CONCURRENCY: pushes in flight per worker
ROUND_TIMEOUT = 45.0  # start-up (~1.5 s) plus a fan-out; generous: CI runs two test workers

BATCH = 50  # RUKUN_PUSH_BATCH: rows claimed and recorded together
# `rukun worker` as `serve` starts it; its instance folder (Huey's SQLite queue) is a
# temporary one (RUKUN_INSTANCE_PATH), not the checkout's instance/.
WORKER_CODE = "from community.cli import main\nmain()\n"


@pytest.fixture
def app_config(_shared_dir):
    # The stand-in listens on http://127.0.0.1: only tests may switch the endpoint checks off.
    return test_config(_shared_dir, PUSH_CHECK_ENDPOINTS=False, PUSH_TIMEOUT=1.0)


class SlowPushService(PushService):
    """The stand-in, taking ``delay`` seconds per push like a far-away push service, and
    counting pushes that arrived (``arrived``) and are still being handled (``active``)."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.arrived = 0
        self.active = 0
        self.broken = 0  # requests cut off by a kill (half a body, or nobody to answer)
        super().__init__(hang_seconds=1)
        self.server.handle_error = self._broken

    def _broken(self, request, client_address) -> None:
        with self.lock:
            self.broken += 1

    def _handler(self):
        base = super()._handler()
        service = self

        class Slow(base):
            def do_POST(self):
                with service.lock:
                    service.arrived += 1
                    service.active += 1
                try:
                    time.sleep(service.delay)
                    return super().do_POST()
                finally:
                    with service.lock:
                        service.active -= 1

        return Slow

    def delivered(self) -> int:
        with self.lock:
            return sum(len(s.received) for s in self.subscribers.values())

    def counts(self) -> tuple[int, int]:
        with self.lock:
            return self.arrived, self.active


def wait_for(
    condition: Callable[[], bool], *, timeout: float, what: str, worker=None, every=0.003
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if worker is not None and worker.proc.poll() is not None:
            pytest.fail(f"the worker exited ({worker.proc.returncode}) {what}:\n{worker.tail()}")
        if time.monotonic() > deadline:
            tail = worker.tail() if worker is not None else ""
            pytest.fail(f"timed out after {timeout} s {what}\n{tail}")
        time.sleep(every)


class Worker:
    """One ``rukun worker`` process, in a process group of its own."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", WORKER_CODE, "worker"],
                env=env,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> int:
        """Gracefully (SIGINT, as ``rukun serve`` stops its worker); killed if it hangs."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def settle(service: SlowPushService) -> None:
    """Wait until the pushes a killed worker left on the wire have landed (or broken)."""
    seen = service.counts()
    quiet_since = time.monotonic()

    def quiet() -> bool:
        nonlocal seen, quiet_since
        now = service.counts()
        if now != seen:
            seen, quiet_since = now, time.monotonic()
        return now[1] == 0 and time.monotonic() - quiet_since > 0.05

    wait_for(quiet, timeout=15, what="for the pushes in flight to land")


def kill_during_fan_out(
    service: SlowPushService, start: Callable[[], Worker], workers: list[Worker], *, target: int
) -> int:
    """Start a worker and SIGKILL it once it has delivered ``target`` pushes (0: as soon as
    its first push reaches the push service).  Returns how many of its pushes landed."""
    arrived = service.counts()[0]
    delivered = service.delivered()
    worker = start()
    workers.append(worker)
    if target == 0:
        wait_for(lambda: service.counts()[0] > arrived, timeout=ROUND_TIMEOUT, worker=worker,
                 what="for the first push")  # fmt: skip
    else:
        wait_for(lambda: service.delivered() - delivered >= target, timeout=ROUND_TIMEOUT,
                 worker=worker, what=f"for {target} pushes")  # fmt: skip
    worker.kill()
    settle(service)
    return service.delivered() - delivered


def vapid_key() -> tuple[str, str]:
    """A fresh VAPID key: the PEM for RUKUN_VAPID_PRIVATE_KEY and the applicationServerKey."""
    vapid = Vapid()
    vapid.generate_keys()
    pem = vapid.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return pem, services.application_server_key(vapid)


def seed(app, service: SlowPushService, server_key: str) -> dict[int, Subscriber]:
    """RESIDENTS users, each with one phone and one due reminder for an activity of their
    own; returns the phone of each subscription id."""
    now = utcnow().replace(microsecond=0)
    starts = now + timedelta(hours=3)
    phones: dict[int, Subscriber] = {}
    with app.app_context():
        users = [
            User(name=f"Warga Kilat {n}", phone=f"+62857{n:08d}", password_hash="-")
            for n in range(RESIDENTS)
        ]
        db.session.add_all(users)
        db.session.flush()
        for n, user in enumerate(users):
            phone, info = service.subscribe(server_key)
            sub = PushSubscription(user_id=user.id, endpoint=info["endpoint"],
                                   p256dh=info["keys"]["p256dh"], auth=info["keys"]["auth"])  # fmt: skip
            db.session.add(sub)
            db.session.flush()
            phones[sub.id] = phone
            activity = 7000 + n
            due = now - timedelta(minutes=5, seconds=n)  # already due, oldest first
            db.session.add(
                PushMessage(
                    subscription_id=sub.id, user_id=user.id, ref=f"activity:{activity}",
                    kind="reminder",
                    subject=f"a{activity}:rem:{int(starts.timestamp())}:{int(due.timestamp())}",
                    due_at=due, expires_at=starts, topic=f"rukun-a{activity}",
                    payload=outbox.encode({
                        "title": f"Pengingat: Kerja bakti nomor {activity}",
                        "body": "Besok 07.00 WITA, pos kamling",
                        "url": f"/kegiatan/{activity}", "tag": f"rukun-a{activity}",
                    }),
                )
            )  # fmt: skip
        db.session.commit()
    return phones


def test_killing_the_worker_mid_fan_out_loses_no_reminder_and_sends_each_once(app, tmp_path):
    pem, server_key = vapid_key()
    instance = tmp_path / "instance"
    instance.mkdir()
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL" and not k.startswith("FLASK_")}
    env.update(
        DATABASE_URL=uri,
        SECRET_KEY="crash-test-secret-key-0123456789abcdef",
        RUKUN_ENV="development",
        RUKUN_WORKER="sqlite",
        RUKUN_PUSH_CHECK_ENDPOINTS="0",
        RUKUN_VAPID_PRIVATE_KEY=pem,
        RUKUN_PUSH_CONCURRENCY=str(CONCURRENCY),
        RUKUN_PUSH_TIMEOUT="5",
        RUKUN_PUSH_BATCH=str(BATCH),
        RUKUN_INSTANCE_PATH=str(instance),
        PYTHONUNBUFFERED="1",
    )
    # Watching the outbox from here must not take SQLite's write lock (the app's engine
    # begins every transaction IMMEDIATE), or it would wait for the worker it watches.
    observer = create_engine(uri)

    def statuses() -> dict[str, int]:
        with observer.connect() as conn:
            query = select(PushMessage.status, func.count()).group_by(PushMessage.status)
            return dict(conn.execute(query).all())

    workers: list[Worker] = []
    rounds: list[dict] = []
    with SlowPushService(DELAY) as service:
        phones = seed(app, service, server_key)
        try:
            for number, fraction in enumerate(KILL_AFTER, start=1):
                due = RESIDENTS - statuses().get(MessageStatus.SENT, 0)
                assert due > 0, f"nothing left to send before kill {number}: {statuses()}"
                target = 0 if fraction == 0 else max(1, int(fraction * due))
                start = functools.partial(Worker, env, tmp_path / f"worker-{number}.log")
                delivered = kill_during_fan_out(service, start, workers, target=target)
                rounds.append({"kill": number, "due": due, "delivered": delivered})
                assert delivered < due, f"worker {number} finished before it was killed: {rounds}"
                now = statuses()
                assert sum(now.values()) == RESIDENTS, now
                assert set(now) <= {
                    MessageStatus.SENT,
                    MessageStatus.SENDING,
                    MessageStatus.PENDING,
                }, now
                # Results are recorded per batch: a kill leaves at most one batch unrecorded.
                assert now.get(MessageStatus.SENDING, 0) <= BATCH, now
                # A restart would wait out the dead worker's lease (2 min): pretend it has.
                with app.app_context():
                    db.session.execute(
                        update(PushMessage)
                        .where(PushMessage.status == MessageStatus.SENDING)
                        .values(lease_until=utcnow() - timedelta(seconds=1))
                    )
                    db.session.commit()

            last_due = RESIDENTS - statuses().get(MessageStatus.SENT, 0)
            delivered_before = service.delivered()
            last = Worker(env, tmp_path / "worker-last.log")
            workers.append(last)
            wait_for(lambda: statuses() == {MessageStatus.SENT: RESIDENTS}, timeout=ROUND_TIMEOUT,
                     worker=last, every=0.05, what="for the last worker to empty the outbox")  # fmt: skip
            assert last.stop() == 0, last.tail()
            settle(service)
            last_delivered = service.delivered() - delivered_before
        finally:
            for worker in workers:
                worker.kill()
            observer.dispose()
        deliveries = {sub_id: list(phone.received) for sub_id, phone in phones.items()}
        broken = service.broken

    with app.app_context():
        rows = list(db.session.scalars(select(PushMessage).order_by(PushMessage.id)))
        subs = list(db.session.scalars(select(PushSubscription)))
    # The ledger: one row per subscription and subject, each sent exactly once.
    assert len(rows) == RESIDENTS
    assert len({(r.subscription_id, r.subject) for r in rows}) == RESIDENTS
    assert {r.subscription_id for r in rows} == set(phones)
    stuck = [(r.id, r.status, r.attempts) for r in rows if r.status != MessageStatus.SENT]
    assert stuck == [], f"not sent: {stuck[:10]}"
    assert all(r.sent_at is not None and r.lease_until is None for r in rows)
    assert all(s.last_sent_at is not None for s in subs) and len(subs) == RESIDENTS
    # Every claim counts an attempt: the kills came after claims, so rows were retried.
    attempts = [r.attempts for r in rows]
    assert max(attempts) > 1 and max(attempts) <= len(KILL_AFTER) + 1, attempts

    # The phones: every reminder arrived; repeats are the same message under the same Topic.
    lost = [r.id for r in rows if not deliveries[r.subscription_id]]
    assert lost == [], f"{len(lost)} reminders never reached the phone"
    for row in rows:
        received = deliveries[row.subscription_id]
        assert {d.topic for d in received} == {row.topic}, (row.id, [d.topic for d in received])
        assert {d.urgency for d in received} == {row.urgency}
        assert all(json.loads(d.payload) == json.loads(row.payload) for d in received)
        # each delivery came from a claim of this row (never from another worker's copy)
        assert len(received) <= row.attempts, (row.id, len(received), row.attempts)
    total = sum(len(d) for d in deliveries.values())
    duplicates = total - RESIDENTS
    assert duplicates <= len(KILL_AFTER) * BATCH, duplicates  # each kill repeats one batch at most
    repeated_phones = sum(1 for d in deliveries.values() if len(d) > 1)
    # The worker that was left alone sent each reminder still due exactly once.
    assert last_delivered == last_due, (last_delivered, last_due)
    assert total == sum(r["delivered"] for r in rounds) + last_delivered
    print(
        f"\nworker crash test: {len(KILL_AFTER)} kills {rounds}; {total} deliveries for "
        f"{RESIDENTS} reminders = {duplicates} repeats on {repeated_phones} phones "
        f"(same Topic each time); attempts per row {min(attempts)}–{max(attempts)}; "
        f"{broken} pushes cut off by kills"
    )
