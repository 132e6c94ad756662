"""The issue's "done when", through the routes a Ketua RT and a resident use: a gotong
royong for tomorrow 07.00, a resident who answered Hadir on a phone with notifications
on, reminders due at 19.00 today and 06.00 tomorrow, the worker's task delivering the
first one, and a cancellation sending a notice instead of the second."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest
import time_machine

from community.core.time import WITA, utcnow
from community.extensions import db
from community.notifications.models import MessageStatus, PushSubscription
from tests.conftest import test_config
from tests.forms import submit_form
from tests.integration.notifications.conftest import rows
from tests.pushservice import PushService

TODAY = utcnow().astimezone(WITA).date()
MORNING = datetime.combine(TODAY, time(10, 0), tzinfo=WITA)


@pytest.fixture
def app_config(_shared_dir):
    return test_config(_shared_dir, PUSH_CHECK_ENDPOINTS=False, PUSH_TIMEOUT=2.0)


class Clock:
    """One clock for the routes, the reminder planner and the worker: the process's."""

    def __init__(self, start: datetime):
        self.traveller = time_machine.travel(start, tick=False)
        self.traveller.start()

    def set(self, moment: datetime) -> None:
        self.traveller.stop()
        self.traveller = time_machine.travel(moment, tick=False)
        self.traveller.start()

    def stop(self) -> None:
        self.traveller.stop()


@pytest.fixture
def clock():
    running = Clock(MORNING)
    yield running
    running.stop()


def test_gotong_royong_tomorrow_reminds_tonight_and_at_six_then_cancelling_sends_a_notice(
    app,
    world,
    as_user,
    clock,
    server_key,
):
    ketua, resident = as_user(world["pengurus_a"]), as_user(world["resident_a"])
    with PushService() as push_service:
        phone, info = push_service.subscribe(server_key)
        with app.app_context():  # the browser's subscription (the route itself is tested elsewhere)
            db.session.add(PushSubscription(user_id=world["resident_a"].id, endpoint=info["endpoint"],
                                            p256dh=info["keys"]["p256dh"], auth=info["keys"]["auth"]))  # fmt: skip
            db.session.commit()
        tomorrow = TODAY + timedelta(days=1)
        created = submit_form(ketua, "/kegiatan/baru", "form[action='/kegiatan/baru']", {
            "scope": str(world.rt_a.id), "kind": "gotong_royong",
            "title": "Kerja bakti bersihkan saluran RT 03", "place": "Pos kamling — bawa cangkul",
            "start_date": tomorrow.isoformat(), "start_time": "07:00", "end_time": "10:00",
            "default_reminders": "y", "repeat": "",
        })  # fmt: skip
        assert created.status_code == 303
        activity_id = int(created.headers["Location"].rstrip("/").split("/")[-1])
        answered = submit_form(resident, f"/kegiatan/{activity_id}", "form[action$='/jawab']",
                               button="button[value='hadir']")  # fmt: skip
        assert answered.status_code == 303

        with app.app_context():
            due = [(r.kind, r.due_at.astimezone(WITA)) for r in rows(activity_id)]
        assert due == [
            ("reminder", datetime.combine(TODAY, time(19, 0), tzinfo=WITA)),
            ("reminder", datetime.combine(tomorrow, time(6, 0), tzinfo=WITA)),
        ]

        queue = app.extensions["rukun_queue"]
        clock.set(datetime.combine(TODAY, time(19, 0, 30), tzinfo=WITA))
        queue.huey.execute(queue.dispatch.s())  # what the worker's task runs
        [evening] = phone.received
        assert (
            json.loads(evening.payload)["title"] == "Pengingat: Kerja bakti bersihkan saluran RT 03"
        )

        clock.set(datetime.combine(TODAY, time(21, 15), tzinfo=WITA))
        # A one-off activity: its cancel form has no "Terapkan ke" to fill.
        cancelled = submit_form(ketua, f"/kegiatan/{activity_id}", "form[action$='/batalkan']",
                                {"reason": "Hujan deras, diundur"})  # fmt: skip
        assert cancelled.status_code == 303
        queue.huey.execute(queue.dispatch.s())
        clock.set(datetime.combine(tomorrow, time(6, 0, 30), tzinfo=WITA))
        queue.huey.execute(queue.dispatch.s())

    assert [json.loads(d.payload)["title"] for d in phone.received] == [
        "Pengingat: Kerja bakti bersihkan saluran RT 03",
        "Dibatalkan: Kerja bakti bersihkan saluran RT 03",
    ]
    assert json.loads(phone.received[1].payload)["body"] == "Hujan deras, diundur"
    with app.app_context():
        ledger = [(r.kind, r.status) for r in rows(activity_id)]
    assert ledger == [
        ("reminder", MessageStatus.SENT),
        ("cancelled", MessageStatus.SENT),
        ("reminder", MessageStatus.CANCELLED),
    ]
