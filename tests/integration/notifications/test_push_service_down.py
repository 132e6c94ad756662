"""The push service down for an hour: pages answer as usual and fast, and the reminders
go out once it is back, each exactly once.

"Down" for real: the stand-in push service hangs (takes a push and does not answer
within the worker's timeout) or is gone (nothing listens on its port: connection
refused).  The hour passes on a travelling clock (time-machine moves every wall clock of
this process: the worker's ``utcnow``, its VAPID expiry, the stand-in's check of it;
monotonic timers such as the sender's timeout keep real time), with the worker's real
task run once a simulated minute, as the consumer's periodic task runs it.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from community.core.time import utcnow
from community.events.models import Answer, Rsvp
from community.extensions import db
from community.notifications.models import MessageStatus, PushMessage
from tests.conftest import test_config
from tests.forms import submit_form
from tests.integration.notifications.conftest import seed_due_reminders
from tests.pushservice import PushService

PUSH_TIMEOUT = 2.0  # the worker's wait for an answer: a hanging push service holds it this long
FAST = 1.0  # seconds: a page that waited for the worker would take PUSH_TIMEOUT or more
REMINDERS = 5


@pytest.fixture
def app_config(_shared_dir):
    # The stand-in listens on http://127.0.0.1: only tests may switch the endpoint checks off.
    return test_config(_shared_dir, PUSH_CHECK_ENDPOINTS=False, PUSH_TIMEOUT=PUSH_TIMEOUT)


class PushServiceThatGoesDown(PushService):
    """The stand-in, which can hang on every push, or stop listening and come back on the
    same port (the endpoints the phones gave name it)."""

    def hang(self) -> None:
        with self.lock:
            for subscriber in self.subscribers.values():
                subscriber.mode = "hang"

    def refuse(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def come_back(self) -> None:
        port = self.server.server_port
        self.server = type(self.server)(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def delivered(self) -> dict[str, int]:
        with self.lock:
            return {s.id: len(s.received) for s in self.subscribers.values()}


def run_worker(app) -> None:
    """One run of the worker's task, as the Huey consumer runs it every minute."""
    queue = app.extensions["rukun_queue"]
    queue.huey.execute(queue.dispatch.s())


def outbox() -> list[PushMessage]:
    return list(db.session.scalars(select(PushMessage).order_by(PushMessage.id)))


@pytest.mark.parametrize("outage", ["hang", "refuse"])
def test_pages_answer_fast_while_the_push_service_is_down(app, world, server_key, as_user, outage):
    client = as_user(world["resident_b"])
    activity_id = world.activities["rt_b"].id
    for page in ("/", f"/kegiatan/{activity_id}"):  # a running server has its templates compiled
        assert client.get(page).status_code == 200
    with PushServiceThatGoesDown(hang_seconds=PUSH_TIMEOUT + 1) as service:
        seed_due_reminders(app, service, server_key, REMINDERS)
        getattr(service, outage)()
        stop = threading.Event()

        def worker() -> None:  # a worker that keeps trying, like one that just restarted
            while not stop.wait(0.05):
                run_worker(app)

        busy = threading.Thread(target=worker)
        busy.start()
        try:
            if outage == "hang":
                deadline = time.monotonic() + 5
                while not service.arrived() and time.monotonic() < deadline:
                    time.sleep(0.01)
                assert service.arrived(), "the worker never reached the push service"
            started = time.monotonic()
            home = client.get("/")
            answered = submit_form(
                client,
                f"/kegiatan/{activity_id}",
                f"#rsvp-panel-{activity_id} form[action$='/jawab']",
                button="button[name='answer'][value='hadir']",
            )
            took = time.monotonic() - started
            with app.app_context():
                on_the_wire = [r.id for r in outbox() if r.status == MessageStatus.SENDING]
        finally:
            stop.set()
            busy.join(timeout=PUSH_TIMEOUT + 10)

    assert home.status_code == 200 and "Voli sore RT 02" in home.get_data(as_text=True)
    assert answered.status_code == 303
    assert took < FAST, f"pages took {took:.2f}s while the push service was down"
    if outage == "hang":  # the worker's pushes were still unanswered when the pages were
        assert len(on_the_wire) == REMINDERS
    with app.app_context():
        response = db.session.scalar(
            select(Rsvp).where(
                Rsvp.activity_id == activity_id, Rsvp.user_id == world["resident_b"].id
            )
        )
        assert response is not None and response.answer == Answer.HADIR
        assert {r.status for r in outbox() if r.ref.startswith("activity:80")} <= {
            MessageStatus.PENDING,
            MessageStatus.SENDING,
        }  # not given up, not lost


def test_an_hour_without_the_push_service_delays_reminders_and_loses_none(app, server_key):
    with (
        time_machine.travel(utcnow(), tick=True) as clock,
        PushServiceThatGoesDown() as service,
    ):
        phones = seed_due_reminders(app, service, server_key, REMINDERS)
        service.refuse()
        for _minute in range(60):
            run_worker(app)
            clock.shift(timedelta(minutes=1))
        with app.app_context():
            during = [(r.status, r.attempts, r.last_error) for r in outbox()]
        service.come_back()
        back_at = utcnow()
        sent_after = None
        for minute in range(75):  # back-off is capped at an hour: all go within it
            run_worker(app)
            if sent_after is None and sum(service.delivered().values()) == REMINDERS:
                sent_after = minute
            clock.shift(timedelta(minutes=1))
        with app.app_context():
            after = outbox()

    assert all(status == MessageStatus.PENDING for status, _, _ in during), during
    assert all(error == "timeout" for _, _, error in during), during  # connection refused
    assert all(3 <= attempts <= 11 for _, attempts, _ in during), during  # backing off
    assert sent_after is not None and sent_after <= 61, sent_after
    assert [(r.status, r.last_error) for r in after] == [(MessageStatus.SENT, "")] * REMINDERS
    assert all(r.sent_at >= back_at for r in after)
    assert service.delivered() == dict.fromkeys((p.id for p in phones.values()), 1)
    for row in after:
        [delivery] = phones[row.subscription_id].received
        assert delivery.topic == row.topic
