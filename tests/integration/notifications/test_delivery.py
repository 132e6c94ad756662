"""The outbox and the worker against the stand-in push service: what the phone receives,
byte for byte, and what every answer of a push service does to the ledger."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest
from py_vapid import Vapid
from sqlalchemy import select

from community.core.time import WITA, utcnow
from community.events import answers, reminders
from community.events import services as events
from community.events.models import Activity
from community.extensions import db
from community.notifications import dispatch, services
from community.notifications.models import MessageStatus, PushSubscription
from tests.conftest import test_config
from tests.integration.notifications.conftest import rows


@pytest.fixture
def app_config(_shared_dir):
    # The stand-in listens on http://127.0.0.1: only tests may switch the endpoint checks off.
    return test_config(_shared_dir, PUSH_CHECK_ENDPOINTS=False, PUSH_TIMEOUT=1.0)


def add_device(app, push_service, server_key, user, mode="201"):
    subscriber, info = push_service.subscribe(server_key, mode)
    with app.app_context():
        db.session.add(PushSubscription(user_id=user.id, endpoint=info["endpoint"],
                                        p256dh=info["keys"]["p256dh"], auth=info["keys"]["auth"]))  # fmt: skip
        db.session.commit()
    return subscriber


def coming(app, world, push_service, server_key, mode: str = "201"):
    """Siti has a phone (answering ``mode``) and said Hadir to a gotong royong in three
    days at 07.00: her reminders are planned for 19.00 the evening before and 06.00."""
    phone = add_device(app, push_service, server_key, world["resident_a"], mode=mode)
    with app.app_context():
        activity_id = gotong_royong(world, wita(3, 7))
        answer(world, activity_id, "resident_a")
    return phone, activity_id


def wita(days: int, hour: int, minute: int = 0) -> datetime:
    day = utcnow().astimezone(WITA).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=WITA)


def gotong_royong(world, starts_at: datetime) -> int:
    ketua = world["pengurus_a"]
    activity = events.create_activity(
        world.rt_a, by=ketua, now=utcnow(), kind="gotong_royong",
        title="Kerja bakti bersihkan saluran RT 03", place="Pos kamling, bawa cangkul",
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=3),
    )  # fmt: skip
    db.session.commit()
    return activity.id


def answer(world, activity_id: int, who: str, value: str = "hadir") -> None:
    activity = db.session.get(Activity, activity_id)
    answers.respond(activity, world[who], answer=value, now=utcnow())
    db.session.commit()


def send_due(now: datetime) -> dispatch.Tally:
    return dispatch.run_batch(dispatch.make_signer(), now=now)


def test_gotong_royong_reminders_are_due_the_evening_before_and_an_hour_before(
    app, world, push_service, server_key
):
    phone = add_device(app, push_service, server_key, world["resident_a"])
    starts = wita(3, 7)
    with app.app_context():
        activity_id = gotong_royong(world, starts)
        assert rows(activity_id) == []  # nobody answered yet
        answer(world, activity_id, "resident_a")
        due = [(r.kind, r.due_at.astimezone(WITA), r.status) for r in rows(activity_id)]
        assert due == [
            ("reminder", wita(2, 19), MessageStatus.PENDING),
            ("reminder", wita(3, 6), MessageStatus.PENDING),
        ]
        tally = send_due(wita(2, 19))
        assert (tally.claimed, tally.sent) == (1, 1)
    [delivery] = phone.received
    payload = json.loads(delivery.payload)
    assert payload == {
        "title": "Pengingat: Kerja bakti bersihkan saluran RT 03",
        "body": payload["body"],
        "url": f"/kegiatan/{activity_id}",
        "tag": f"rukun-a{activity_id}",
    }
    assert "07.00 WITA" in payload["body"] and "bawa cangkul" in payload["body"]
    assert "+62" not in delivery.payload.decode() and "kursi" not in delivery.payload.decode()
    assert delivery.topic == f"rukun-a{activity_id}" and delivery.urgency == "normal"
    assert delivery.ttl == 12 * 3600  # until the start, 19.00 → 07.00
    with app.app_context():
        assert [r.status for r in rows(activity_id)] == [MessageStatus.SENT, MessageStatus.PENDING]


def test_cancelling_sends_a_notice_instead_of_the_reminders(app, world, push_service, server_key):
    phone, activity_id = coming(app, world, push_service, server_key)
    with app.app_context():
        events.cancel_activity(
            db.session.get(Activity, activity_id), reason="Hujan deras", now=utcnow()
        )
        db.session.commit()
        kinds = [(r.kind, r.status) for r in rows(activity_id)]
        assert sorted(kinds) == sorted([
            ("reminder", MessageStatus.CANCELLED), ("reminder", MessageStatus.CANCELLED),
            ("cancelled", MessageStatus.PENDING),
        ])  # fmt: skip
        assert send_due(utcnow()).sent == 1
    payload = json.loads(phone.received[0].payload)
    assert (
        payload["title"].startswith("Dibatalkan: Kerja bakti") and payload["body"] == "Hujan deras"
    )


def test_moving_an_activity_rewrites_reminders_and_tells_who_answered(
    app, world, push_service, server_key
):
    phone = add_device(app, push_service, server_key, world["resident_a"])
    with app.app_context():
        activity_id = gotong_royong(world, wita(3, 7))
        answer(world, activity_id, "resident_a", "mungkin")
        activity = db.session.get(Activity, activity_id)
        new_start = wita(5, 8)
        events.update_activity(activity, now=utcnow(), starts_at=new_start,
                               ends_at=new_start + timedelta(hours=2))  # fmt: skip
        db.session.commit()
        pending = [(r.kind, r.due_at.astimezone(WITA)) for r in rows(activity_id)
                   if r.status == MessageStatus.PENDING]  # fmt: skip
        assert sorted(pending) == sorted([
            ("changed", pending[0][1] if pending[0][0] == "changed" else pending[-1][1]),
            ("reminder", wita(4, 19)), ("reminder", wita(5, 7)),
        ])  # fmt: skip
        send_due(utcnow())
    assert json.loads(phone.received[0].payload)["title"].startswith("Berubah: ")


def test_only_people_who_come_are_reminded_and_tidak_cancels_their_reminders(
    app, world, push_service, server_key
):
    add_device(app, push_service, server_key, world["resident_a"])
    add_device(app, push_service, server_key, world["pengurus_a"])
    with app.app_context():
        activity_id = gotong_royong(world, wita(3, 7))
        answer(world, activity_id, "resident_a", "tidak")
        answer(world, activity_id, "pengurus_a", "hadir")
        assert {r.user_id for r in rows(activity_id)} == {world["pengurus_a"].id}
        answer(world, activity_id, "pengurus_a", "tidak")
        assert {r.status for r in rows(activity_id)} == {MessageStatus.CANCELLED}


def test_one_row_per_device_and_no_duplicates_when_answering_again(
    app, world, push_service, server_key
):
    phone = add_device(app, push_service, server_key, world["resident_a"])
    tablet = add_device(app, push_service, server_key, world["resident_a"])
    with app.app_context():
        activity_id = gotong_royong(world, wita(3, 7))
        answer(world, activity_id, "resident_a", "hadir")
        answer(world, activity_id, "resident_a", "mungkin")
        answer(world, activity_id, "resident_a", "hadir")
        assert len(rows(activity_id)) == 4  # 2 reminders × 2 devices
        send_due(wita(3, 6, 1))
    assert len(phone.received) == len(tablet.received) == 2


def test_a_push_service_that_forgot_the_device_removes_it(app, world, push_service, server_key):
    _phone, activity_id = coming(app, world, push_service, server_key, mode="410")
    with app.app_context():
        tally = send_due(wita(3, 6, 1))
        assert tally.gone == 2
        assert [r.status for r in rows(activity_id)] == [MessageStatus.GONE] * 2
        assert db.session.scalar(select(PushSubscription)) is None


def test_404_also_means_gone(app, world, push_service, server_key):
    _phone, activity_id = coming(app, world, push_service, server_key, mode="404")
    with app.app_context():
        assert send_due(wita(2, 19)).gone == 1
        # the device's other row (the 06.00 reminder) will not be tried either
        assert [r.status for r in rows(activity_id)] == [MessageStatus.GONE] * 2
        assert db.session.scalar(select(PushSubscription)) is None


def test_429_waits_as_long_as_the_push_service_asks(app, world, push_service, server_key):
    _phone, activity_id = coming(app, world, push_service, server_key, mode="429")
    with app.app_context():
        before = utcnow()
        assert send_due(wita(2, 19)).retry == 1
        first = rows(activity_id)[0]
        assert first.status == MessageStatus.PENDING and first.last_error == "429"
        wait = (first.due_at - before).total_seconds()
        assert 119 <= wait <= 125  # Retry-After: 120


@pytest.mark.parametrize("mode", ["500", "hang"])
def test_server_errors_and_timeouts_back_off_and_are_tried_again(
    app, world, push_service, server_key, mode
):
    _phone, activity_id = coming(app, world, push_service, server_key, mode=mode)
    with app.app_context():
        before = utcnow()
        assert send_due(wita(2, 19)).retry == 1
        first = rows(activity_id)[0]
        assert first.status == MessageStatus.PENDING and first.attempts == 1
        assert first.last_error == ("timeout" if mode == "hang" else "500")
        assert timedelta(seconds=10) <= first.due_at - before <= timedelta(seconds=35)


def test_retries_stop_when_the_activity_has_started(app, world, push_service, server_key):
    add_device(app, push_service, server_key, world["resident_a"], mode="500")
    with app.app_context():
        activity_id = gotong_royong(world, utcnow() + timedelta(minutes=70))
        answer(world, activity_id, "resident_a")
        [row] = rows(activity_id)  # only the 60-minute reminder is still ahead
        row.due_at = utcnow() - timedelta(seconds=1)
        row.expires_at = utcnow() + timedelta(seconds=5)  # back-off would end after the start
        db.session.commit()
        tally = send_due(utcnow())
        assert tally.failed == 1 and rows(activity_id)[0].last_error == "gave_up:500"


def test_a_wrong_vapid_key_is_not_retried(app, world, push_service, server_key):
    stranger = Vapid()
    stranger.generate_keys()  # the device subscribed with another server's key
    other_key = services.application_server_key(stranger)
    subscriber, info = push_service.subscribe(other_key)
    with app.app_context():
        db.session.add(PushSubscription(user_id=world["resident_a"].id, endpoint=info["endpoint"],
                                        p256dh=info["keys"]["p256dh"], auth=info["keys"]["auth"]))  # fmt: skip
        db.session.commit()
        activity_id = gotong_royong(world, wita(3, 7))
        answer(world, activity_id, "resident_a")
        tally = send_due(wita(2, 19))
        assert tally.failed == 1 and rows(activity_id)[0].last_error == "403"
        assert rows(activity_id)[0].status == MessageStatus.FAILED
    assert subscriber.received == []


@pytest.mark.parametrize("mode", ["400", "413"])
def test_a_refused_message_is_counted_as_failed_and_not_retried(
    app, world, push_service, server_key, mode
):
    _phone, activity_id = coming(app, world, push_service, server_key, mode=mode)
    with app.app_context():
        assert send_due(wita(2, 19)).failed == 1
        first = rows(activity_id)[0]
        assert (first.status, first.last_error, first.attempts) == (MessageStatus.FAILED, mode, 1)
        assert send_due(wita(2, 19, 30)).claimed == 0  # not tried again
        assert db.session.scalar(select(PushSubscription)) is not None  # the device stays


def test_expired_messages_are_counted_not_sent(app, world, push_service, server_key):
    phone, _activity_id = coming(app, world, push_service, server_key)
    with app.app_context():
        tally = send_due(wita(3, 7, 30))  # the worker was down all night
        assert tally.expired == 2 and tally.sent == 0
    assert phone.received == []


def test_quiet_hours_move_a_reminder_to_their_end(app, world, push_service, server_key):
    add_device(app, push_service, server_key, world["resident_a"])
    with app.app_context():
        services.save_prefs(
            world["resident_a"].id, quiet_start_minute=18 * 60, quiet_end_minute=6 * 60
        )
        db.session.commit()
        activity_id = gotong_royong(world, wita(3, 9))
        answer(world, activity_id, "resident_a")
        due = [r.due_at.astimezone(WITA) for r in rows(activity_id)]
        assert due == [wita(3, 6), wita(3, 8)]  # H-1 19.00 falls in 18.00–06.00


def test_turning_reminders_off_cancels_what_was_planned(app, world, push_service, server_key):
    _phone, activity_id = coming(app, world, push_service, server_key)
    with app.app_context():
        services.save_prefs(world["resident_a"].id, wants_reminders=False)
        db.session.commit()
        assert {r.status for r in rows(activity_id)} == {MessageStatus.CANCELLED}
        services.save_prefs(world["resident_a"].id, wants_reminders=True)
        db.session.commit()
        assert [r.status for r in rows(activity_id)].count(MessageStatus.PENDING) == 0


def test_a_run_stops_at_its_time_limit_and_says_more_is_due(
    app, pinned_clock, world, push_service, server_key
):
    # At 10.00 WITA: from 03.30 to 05.00 the two reminders fell in quiet hours and were
    # both moved to 05.00, one row (the test failed 90 minutes a night).
    phone = add_device(app, push_service, server_key, world["resident_a"])
    with app.app_context():
        activity_id = gotong_royong(world, utcnow() + timedelta(minutes=90))
        activity = db.session.get(Activity, activity_id)
        activity.reminder_minutes = "30 menit"  # and 60 (default)
        reminders.note_activity(activity)
        db.session.commit()
        answer(world, activity_id, "resident_a")
        assert len(rows(activity_id)) == 2
        for row in rows(activity_id):
            row.due_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        first = dispatch.dispatch_due(max_seconds=0, limit=1)
        assert (first.sent, first.more) == (1, True)
        rest = dispatch.dispatch_due(limit=1)
        assert (rest.sent, rest.more) == (1, False)
    assert len(phone.received) == 2


def test_a_hanging_push_service_holds_no_lock_that_pages_would_wait_for(
    app, world, push_service, server_key
):
    """While the worker waits for a push service that does not answer, residents' answers
    (writes) go through at once: no transaction is open during the fan-out."""
    import threading

    from sqlalchemy import create_engine, text

    _phone, activity_id = coming(app, world, push_service, server_key, mode="hang")
    with app.app_context():
        [first_id, _second] = [r.id for r in rows(activity_id)]
    uri = app.config["SQLALCHEMY_DATABASE_URI"]

    def work():
        with app.app_context():
            send_due(wita(2, 19))

    worker = threading.Thread(target=work)
    worker.start()
    try:
        deadline = utcnow() + timedelta(seconds=5)
        while not push_service.arrived() and utcnow() < deadline:
            threading.Event().wait(0.01)
        assert push_service.arrived() == 1  # the push is on the wire, unanswered
        sqlite = uri.startswith("sqlite")
        other = create_engine(uri, connect_args={"timeout": 0} if sqlite else {})
        try:
            with other.connect() as conn:
                if sqlite:
                    conn.exec_driver_sql(
                        "BEGIN IMMEDIATE"
                    )  # fails at once if a writer holds the file
                else:
                    conn.execute(text("SET lock_timeout = '200ms'"))
                conn.execute(
                    text("UPDATE push_message SET last_error = last_error WHERE id = :id"),
                    {"id": first_id},
                )
                conn.rollback()
        finally:
            other.dispose()
    finally:
        worker.join(timeout=10)
    with app.app_context():
        assert rows(activity_id)[0].last_error == "timeout"


def test_sending_works_when_called_inside_a_running_event_loop(
    app, world, push_service, server_key
):
    """Browser tests (Playwright) leave an event loop running in the main thread."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    phone, _activity_id = coming(app, world, push_service, server_key)

    async def inside_a_loop():
        with app.app_context():
            return send_due(wita(2, 19))

    with ThreadPoolExecutor(max_workers=1) as pool:  # a thread of our own, with a loop running
        assert pool.submit(asyncio.run, inside_a_loop()).result().sent == 1
    assert len(phone.received) == 1


def test_a_deleted_account_gets_nothing_more_and_its_devices_are_gone(
    app, world, push_service, server_key, as_user
):
    from tests.conftest import PASSWORD
    from tests.forms import submit_form

    phone, activity_id = coming(app, world, push_service, server_key)
    client = as_user(world["resident_a"])
    deleted = submit_form(client, "/profil", "form[action$='/profil/hapus']",
                          {"del-password": PASSWORD, "del-confirm": "y"})  # fmt: skip
    assert deleted.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(PushSubscription)) is None
        tally = send_due(wita(3, 6, 1))
        assert (tally.sent, tally.gone) == (0, 2)
        assert all(r.user_id is None and r.status == MessageStatus.GONE for r in rows(activity_id))
    assert phone.received == []


def test_a_new_place_is_announced_and_a_new_title_only_rewrites_the_reminders(
    app, world, push_service, server_key
):
    _phone, activity_id = coming(app, world, push_service, server_key)
    with app.app_context():
        activity = db.session.get(Activity, activity_id)
        same_time = {"starts_at": activity.starts_at, "ends_at": activity.ends_at}
        events.update_activity(activity, now=utcnow(), place="Balai RT 01", **same_time)
        db.session.commit()
        notices = [r for r in rows(activity_id) if r.kind == "changed"]
        assert len(notices) == 1 and "Balai RT 01" in json.loads(notices[0].payload)["body"]
        reminders = [r for r in rows(activity_id) if r.kind == "reminder"]
        assert [r.status for r in reminders] == [MessageStatus.PENDING] * 2
        assert all("Balai RT 01" in json.loads(r.payload)["body"] for r in reminders)

        events.update_activity(activity, now=utcnow(), title="Kerja bakti besar", **same_time)
        db.session.commit()
        assert len([r for r in rows(activity_id) if r.kind == "changed"]) == 1  # no new notice
        assert all(
            json.loads(r.payload)["title"] == "Pengingat: Kerja bakti besar"
            for r in rows(activity_id)
            if r.kind == "reminder"
        )
