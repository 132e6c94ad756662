"""The database goes away while the reminder worker runs, and comes back: the worker
pauses (a warning, no crash, no traceback), then every due reminder is sent exactly once:
each phone receives it once and the ledger says ``sent`` after one attempt.

A real outage of the test database, not a mock: SQLite's file replaced by a directory
(SQLite cannot open it; root ignores file modes), or PostgreSQL's database closed to new
connections (``ALLOW_CONNECTIONS false``) with its open connections terminated.  The worker
is the real Huey task (``tasks.send_now`` → ``dispatch.dispatch_due``), run with
``huey.execute`` as the consumer runs it; the phones are the stand-in push service.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.engine import make_url

from community.core.time import utcnow
from community.extensions import db
from community.notifications.models import MessageStatus, PushMessage
from tests.conftest import test_config
from tests.integration.notifications.conftest import seed_due_reminders
from tests.pushservice import PushService, Subscriber

REMINDERS = 12
BATCH = 4  # three batches: the outage starts in the second one
OUTAGE_AT_PUSH = 6  # the database goes away when this push reaches the push service
OUTAGE_SECONDS = 1.0


@pytest.fixture
def app_config(_shared_dir):
    # The stand-in listens on http://127.0.0.1: only tests may switch the endpoint checks off.
    return test_config(_shared_dir, PUSH_CHECK_ENDPOINTS=False, PUSH_TIMEOUT=1.0, PUSH_BATCH=BATCH)


class Outage:
    """Takes the test database away (``down``) and brings it back (``up``), for real."""

    def __init__(self, app) -> None:
        with app.app_context():
            self.engine = db.engine
        self.url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
        self.lock = threading.Lock()
        self.is_down = False

    def down(self) -> None:
        with self.lock:
            if self.is_down:
                return
            if self.url.get_backend_name() == "sqlite":
                self.engine.dispose()  # an outage breaks the connections already open too
                path = Path(self.url.database)
                path.rename(path.with_name(path.name + ".aside"))
                path.mkdir()
            else:
                self._admin(
                    f'ALTER DATABASE "{self.url.database}" ALLOW_CONNECTIONS false',
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :name AND pid <> pg_backend_pid()",
                )
            self.is_down = True

    def up(self) -> None:
        with self.lock:
            if not self.is_down:
                return
            if self.url.get_backend_name() == "sqlite":
                path = Path(self.url.database)
                path.rmdir()
                path.with_name(path.name + ".aside").rename(path)
            else:
                self._admin(f'ALTER DATABASE "{self.url.database}" ALLOW_CONNECTIONS true')
            self.is_down = False

    def _admin(self, *statements: str) -> None:
        admin = create_engine(self.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                for statement in statements:
                    conn.execute(text(statement), {"name": self.url.database})
        finally:
            admin.dispose()


class PushServiceThatTakesTheDatabaseDown(PushService):
    """The stand-in, starting the outage when push number ``at`` arrives (the worker has
    claimed its batch and is sending) and ending it ``seconds`` later."""

    def __init__(self, outage: Outage, *, at: int, seconds: float) -> None:
        super().__init__(hang_seconds=1)
        self.outage, self.at, self.seconds = outage, at, seconds
        self.back = threading.Event()

    def _handler(self):
        base = super()._handler()
        service = self

        class Handler(base):
            def do_POST(self):
                if service.arrived() + 1 == service.at:
                    service.outage.down()
                    threading.Timer(service.seconds, service.bring_back).start()
                return super().do_POST()

        return Handler

    def bring_back(self) -> None:
        self.outage.up()
        self.back.set()


def run_worker(app) -> None:
    """One run of the worker's task, as the Huey consumer runs it (every minute, or when
    a request asks for an immediate send)."""
    queue = app.extensions["rukun_queue"]
    queue.huey.execute(queue.dispatch.s())


def after_the_lease(app) -> None:
    """What a restarted worker finds two minutes later: any row still leased to the
    paused run is up for a resend."""
    with app.app_context():
        db.session.execute(
            update(PushMessage)
            .where(PushMessage.status == MessageStatus.SENDING)
            .values(lease_until=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()


def assert_each_sent_exactly_once(app, phones: dict[int, Subscriber]) -> None:
    with app.app_context():
        rows = list(db.session.scalars(select(PushMessage).order_by(PushMessage.id)))
    assert len(rows) == REMINDERS
    ledger = [(r.status, r.attempts, r.lease_until) for r in rows]
    assert ledger == [(MessageStatus.SENT, 1, None)] * REMINDERS
    received = {sub_id: len(phone.received) for sub_id, phone in phones.items()}
    assert received == dict.fromkeys(phones, 1), "a phone got a reminder twice, or none"
    by_sub = {r.subscription_id: r for r in rows}
    for sub_id, phone in phones.items():
        assert phone.received[0].topic == by_sub[sub_id].topic


def ours(caplog, level: int) -> list[str]:
    """What the worker (Huey, and Rukun's code it runs) logged at ``level`` or above; the
    database driver's own complaints about dead connections are the outage, not a fault."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= level and r.name.split(".")[0] in ("huey", "community")
    ]


def worker_errors(caplog) -> list[str]:
    return ours(caplog, logging.ERROR)


def test_the_database_going_away_mid_run_pauses_the_worker_and_loses_nothing(
    app, server_key, caplog
):
    caplog.set_level(logging.INFO)
    outage = Outage(app)
    service = PushServiceThatTakesTheDatabaseDown(outage, at=OUTAGE_AT_PUSH, seconds=OUTAGE_SECONDS)
    with service:
        phones = seed_due_reminders(app, service, server_key, REMINDERS)
        try:
            run_worker(app)  # the outage starts during the second batch and ends 1 s later
            assert service.back.wait(timeout=10), "the outage never started"
            run_worker(app)  # the next minute
            after_the_lease(app)
            run_worker(app)  # two minutes later
        finally:
            outage.up()

    assert_each_sent_exactly_once(app, phones)
    paused = [r.getMessage() for r in caplog.records if "database unavailable" in r.getMessage()]
    assert paused, "the outage did not reach the worker"
    assert worker_errors(caplog) == []


def test_a_run_while_the_database_is_away_waits_and_the_next_one_sends_everything(
    app, server_key, caplog
):
    caplog.set_level(logging.INFO)
    outage = Outage(app)
    with PushService(hang_seconds=1) as service:
        phones = seed_due_reminders(app, service, server_key, REMINDERS)
        outage.down()
        try:
            run_worker(app)
            run_worker(app)
        finally:
            outage.up()
        assert service.arrived() == 0  # nothing was claimed, so nothing was sent
        run_worker(app)  # the first minute with the database back

    assert_each_sent_exactly_once(app, phones)
    assert (
        ours(caplog, logging.WARNING)
        == ["database unavailable, reminders paused: OperationalError"] * 2
    )
    assert worker_errors(caplog) == []
