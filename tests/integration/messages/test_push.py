"""A new direct message as a push (#13), through the forms residents use, the worker's own
task and the stand-in push service that decrypts what it is sent: one notification per
conversation for a burst, nothing once it is read, no name or text for a conversation
marked private, the resident's switch and quiet hours respected, never a phone number.

Siti (resident A, RT 01) writes to Budi (resident B, RT 02, the same RW); Budi's phone is
subscribed.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest
import time_machine

from community.core.time import WITA, utcnow
from community.extensions import db
from community.messages.notices import ref_of
from community.notifications.models import MessageStatus, PushMessage, PushSubscription
from tests.conftest import test_config
from tests.forms import submit_form
from tests.integration.messages.test_direct_messages import start
from tests.pushservice import PushService

TODAY = utcnow().astimezone(WITA).date()
AFTERNOON = datetime.combine(TODAY, time(15, 0), tzinfo=WITA)


@pytest.fixture
def app_config(_shared_dir):
    return test_config(_shared_dir, PUSH_CHECK_ENDPOINTS=False, PUSH_TIMEOUT=2.0)


class Clock:
    """The process's clock, for the routes, the planner and the worker alike."""

    def __init__(self, start: datetime):
        self.now = start
        self.traveller = time_machine.travel(start, tick=False)
        self.traveller.start()

    def set(self, moment: datetime) -> None:
        self.traveller.stop()
        self.now = moment
        self.traveller = time_machine.travel(moment, tick=False)
        self.traveller.start()

    def advance(self, **delta) -> None:
        self.set(self.now + timedelta(**delta))


@pytest.fixture
def clock():
    running = Clock(AFTERNOON)
    yield running
    running.traveller.stop()


@pytest.fixture
def budis_phone(app, world, server_key):
    with PushService() as service:
        phone, info = service.subscribe(server_key)
        with app.app_context():  # the browser's subscription (its route is tested elsewhere)
            db.session.add(PushSubscription(user_id=world["resident_b"].id, endpoint=info["endpoint"],
                                            p256dh=info["keys"]["p256dh"], auth=info["keys"]["auth"]))  # fmt: skip
            db.session.commit()
        yield phone


def run_worker(app) -> None:
    queue = app.extensions["rukun_queue"]
    queue.huey.execute(queue.dispatch.s())  # what the worker's task runs


def write(client, talk: int, body: str) -> None:
    sent = submit_form(client, f"/pesan/{talk}", "#send-form", {"body": body})
    assert sent.status_code == 303


def shown(phone) -> list[dict]:
    return [json.loads(d.payload) for d in phone.received]


def outbox_rows(app, talk: int) -> list[tuple[str, str]]:
    with app.app_context():
        return [
            (row.status, row.subject)
            for row in db.session.query(PushMessage)
            .filter_by(ref=ref_of(talk))
            .order_by(PushMessage.id)
        ]


def test_a_message_reaches_the_phone_with_the_name_and_the_text_but_no_number(
    app, world, as_user, clock, budis_phone
):
    talk = start(app, world["resident_a"], world["resident_b"])
    write(as_user(world["resident_a"]), talk, "Pak, besok saya bawa gerobak")
    run_worker(app)
    [push] = shown(budis_phone)
    assert push == {
        "title": "Siti Aminah",
        "body": "Pak, besok saya bawa gerobak",
        "url": f"/pesan/{talk}",
        "tag": f"rukun-c{talk}",
    }
    raw = budis_phone.received[0].payload.decode()
    assert world["resident_a"].phone not in raw
    assert world["resident_a"].phone[3:] not in raw  # nor as 0813…


def test_ten_messages_in_a_minute_ring_once_more_at_most_and_the_phone_keeps_one(
    app, world, as_user, clock, budis_phone
):
    siti = as_user(world["resident_a"])
    talk = start(app, world["resident_a"], world["resident_b"])
    for n in range(10):
        write(siti, talk, f"Pesan ke-{n + 1}")
        run_worker(app)
        clock.advance(seconds=6)
    assert [p["body"] for p in shown(budis_phone)] == ["Pesan ke-1"]  # the rest are grouped
    clock.advance(minutes=1)  # the window after the first push is over
    run_worker(app)
    pushes = shown(budis_phone)
    assert len(pushes) == 2
    assert pushes[1]["body"] == "10 pesan baru · Pesan ke-10"
    assert {p["tag"] for p in pushes} == {f"rukun-c{talk}"}  # the second replaces the first


def test_reading_the_conversation_before_the_push_goes_cancels_it(
    app, world, as_user, clock, budis_phone
):
    siti, budi = as_user(world["resident_a"]), as_user(world["resident_b"])
    talk = start(app, world["resident_a"], world["resident_b"])
    write(siti, talk, "Lampu jalan di gang 3 mati")
    run_worker(app)
    clock.advance(seconds=20)
    write(siti, talk, "Sudah saya lapor ke PLN")  # within the window: waits
    assert budi.get(f"/pesan/{talk}").status_code == 200  # Budi reads it on the page
    clock.advance(minutes=3)
    run_worker(app)
    assert [p["body"] for p in shown(budis_phone)] == ["Lampu jalan di gang 3 mati"]
    assert [status for status, _ in outbox_rows(app, talk)] == [
        MessageStatus.SENT,
        MessageStatus.CANCELLED,
    ]


def test_a_conversation_marked_private_shows_neither_name_nor_text(
    app, world, as_user, clock, budis_phone
):
    siti, budi = as_user(world["resident_a"]), as_user(world["resident_b"])
    talk = start(app, world["resident_a"], world["resident_b"])
    hidden = submit_form(budi, f"/pesan/{talk}", f"form[action='/pesan/{talk}/privat']",
                         follow_redirects=True)  # fmt: skip
    assert "tidak lagi menampilkan nama dan isi pesan" in hidden.get_data(as_text=True)
    write(siti, talk, "Rahasia: kunci gudang di bawah pot")
    run_worker(app)
    [push] = shown(budis_phone)
    assert push["title"] == "Rukun"
    assert push["body"] == "1 pesan baru"
    raw = budis_phone.received[0].payload.decode()
    assert "Siti" not in raw
    assert "kunci" not in raw
    # Siti's own pushes are not private: the choice is Budi's, for Budi's phone only
    shown_again = submit_form(budi, f"/pesan/{talk}", f"form[action='/pesan/{talk}/privat']",
                              follow_redirects=True)  # fmt: skip
    assert "menampilkan nama dan isi pesan lagi" in shown_again.get_data(as_text=True)
    clock.advance(minutes=5)
    write(siti, talk, "Sudah ketemu?")
    run_worker(app)
    assert shown(budis_phone)[-1]["title"] == "Siti Aminah"


def test_pesan_langsung_turned_off_sends_nothing(app, world, as_user, clock, budis_phone):
    budi = as_user(world["resident_b"])
    saved = submit_form(budi, "/profil/notifikasi", "form[action='/profil/notifikasi']",
                        {"wants_messages": None})  # fmt: skip
    assert saved.status_code == 303
    talk = start(app, world["resident_a"], world["resident_b"])
    write(as_user(world["resident_a"]), talk, "Pak, besok saya bawa gerobak")
    run_worker(app)
    assert budis_phone.received == []
    assert outbox_rows(app, talk) == []


def test_a_message_in_quiet_hours_waits_for_their_end(app, world, as_user, clock, budis_phone):
    clock.set(datetime.combine(TODAY, time(22, 30), tzinfo=WITA))
    talk = start(app, world["resident_a"], world["resident_b"])
    write(as_user(world["resident_a"]), talk, "Maaf malam-malam, besok jadi?")
    run_worker(app)
    assert budis_phone.received == []
    with app.app_context():
        [row] = db.session.query(PushMessage).filter_by(ref=ref_of(talk)).all()
        assert row.due_at.astimezone(WITA) == datetime.combine(
            TODAY + timedelta(days=1), time(5, 0), tzinfo=WITA
        )  # the default quiet hours end at 05.00
    clock.set(datetime.combine(TODAY + timedelta(days=1), time(5, 0, 30), tzinfo=WITA))
    run_worker(app)
    assert [p["body"] for p in shown(budis_phone)] == ["Maaf malam-malam, besok jadi?"]


def test_a_deleted_message_is_not_pushed(app, world, as_user, clock, budis_phone):
    siti = as_user(world["resident_a"])
    clock.set(datetime.combine(TODAY, time(23, 0), tzinfo=WITA))  # waits for the morning
    talk = start(app, world["resident_a"], world["resident_b"])
    write(siti, talk, "Salah kirim")
    with app.app_context():
        mid = db.session.query(PushMessage).filter_by(ref=ref_of(talk)).count()
    assert mid == 1
    deleted = submit_form(
        siti, f"/pesan/{talk}", f"form[action^='/pesan/{talk}/'][action$='/hapus']"
    )
    assert deleted.status_code == 303
    assert [status for status, _ in outbox_rows(app, talk)] == [MessageStatus.CANCELLED]
