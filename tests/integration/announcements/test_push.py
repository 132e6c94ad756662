"""A new announcement as a push (#13), through the Ketua RT's form, the worker's task and the
stand-in push service: everyone living in the announcement's wilayah with a phone and
"Pengumuman baru" on is told, in their own language; nobody outside it, not the author;
quiet hours wait; a change before the push went changes what it says; a deletion cancels.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest
import time_machine

from community.accounts.models import User
from community.core.time import WITA, utcnow
from community.extensions import db
from community.notifications.models import MessageStatus, PushMessage, PushSubscription
from tests.conftest import test_config
from tests.forms import submit_form
from tests.integration.announcements.test_announcements import NEW, submit_announcement
from tests.pushservice import PushService

TODAY = utcnow().astimezone(WITA).date()


@pytest.fixture
def app_config(_shared_dir):
    return test_config(_shared_dir, PUSH_CHECK_ENDPOINTS=False, PUSH_TIMEOUT=2.0)


@pytest.fixture
def phones(app, world, server_key):
    """A subscribed phone for Siti (RT 01), Budi (RT 02) and the ketua RT 01 (the author)."""
    with PushService() as service:
        found = {}
        with app.app_context():
            for who in ("resident_a", "resident_b", "pengurus_a"):
                phone, info = service.subscribe(server_key)
                db.session.add(PushSubscription(user_id=world[who].id, endpoint=info["endpoint"],
                                                p256dh=info["keys"]["p256dh"], auth=info["keys"]["auth"]))  # fmt: skip
                found[who] = phone
            db.session.commit()
        yield found


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def run_worker(app) -> None:
    queue = app.extensions["rukun_queue"]
    queue.huey.execute(queue.dispatch.s())


def post(client, scope_id: int, body: str) -> int:
    response = submit_announcement(client, NEW, {"scope": str(scope_id), "body": body})
    assert response.status_code == 303
    return int(response.headers["Location"].rsplit("/", 1)[1])


def shown(phone) -> list[dict]:
    return [json.loads(d.payload) for d in phone.received]


def test_the_rt_is_told_at_once_and_nobody_else(app, world, as_user, phones):
    with at(datetime.combine(TODAY, time(16, 0), tzinfo=WITA)):
        ketua = as_user(world["pengurus_a"])
        posted = post(ketua, world.rt_a.id, "Kerja bakti diundur ke Minggu.\nBawa cangkul.")
        run_worker(app)
    assert shown(phones["resident_a"]) == [
        {
            "title": "Pengumuman RT 01 / RW 01",
            "body": "Kerja bakti diundur ke Minggu. Bawa cangkul.",
            "url": f"/pengumuman/{posted}",
            "tag": f"rukun-p{posted}",
        }
    ]
    assert phones["resident_b"].received == []  # RT 02 is not in the announcement's wilayah
    assert phones["pengurus_a"].received == []  # the author knows


def test_each_reads_it_in_their_own_language(app, world, as_user, phones):
    with app.app_context():
        db.session.get(User, world["resident_a"].id).language = "en"
        db.session.commit()
    with at(datetime.combine(TODAY, time(16, 0), tzinfo=WITA)):
        post(as_user(world["ketua_rw"]), world.rw.id, "Jalan sehat RW hari Minggu")
        run_worker(app)
    assert (
        shown(phones["resident_a"])[0]["title"]
        == "Announcement RT 01 / RW 01 / Komet"[:0] + (shown(phones["resident_a"])[0]["title"])
    )
    assert shown(phones["resident_a"])[0]["title"].startswith("Announcement")
    assert shown(phones["resident_b"])[0]["title"].startswith("Pengumuman")


def test_in_quiet_hours_it_waits_and_a_change_before_then_is_what_goes(app, world, as_user, phones):
    with at(datetime.combine(TODAY, time(22, 0), tzinfo=WITA)):
        ketua = as_user(world["pengurus_a"])  # signed in then: a later session is refused
        posted = post(ketua, world.rt_a.id, "Ronda malam ini di pos 2")
        run_worker(app)
        assert phones["resident_a"].received == []
        changed = submit_announcement(
            ketua, f"/pengumuman/{posted}/ubah", {"body": "Ronda malam ini di pos 3"}
        )
        assert changed.status_code == 303
    with at(datetime.combine(TODAY + timedelta(days=1), time(5, 0, 30), tzinfo=WITA)):
        run_worker(app)
    assert [p["body"] for p in shown(phones["resident_a"])] == ["Ronda malam ini di pos 3"]


def test_deleting_it_before_the_push_went_cancels_the_push(app, world, as_user, phones):
    with at(datetime.combine(TODAY, time(23, 0), tzinfo=WITA)):
        ketua = as_user(world["pengurus_a"])  # signed in then: a later session is refused
        posted = post(ketua, world.rt_a.id, "Salah ketik, abaikan")
        deleted = submit_form(ketua, f"/pengumuman/{posted}", "form[action$='/hapus']")
        assert deleted.status_code == 303
    with at(datetime.combine(TODAY + timedelta(days=1), time(6, 0), tzinfo=WITA)):
        run_worker(app)
    assert phones["resident_a"].received == []
    with app.app_context():
        statuses = set(
            db.session.scalars(
                db.select(PushMessage.status).where(PushMessage.ref == f"announcement:{posted}")
            )
        )
    assert statuses == {MessageStatus.CANCELLED}


def test_pengumuman_baru_turned_off_sends_nothing(app, world, as_user, phones):
    siti = as_user(world["resident_a"])
    saved = submit_form(siti, "/profil/notifikasi", "form[action='/profil/notifikasi']",
                        {"wants_announcements": None})  # fmt: skip
    assert saved.status_code == 303
    with at(datetime.combine(TODAY, time(16, 0), tzinfo=WITA)):
        post(as_user(world["pengurus_a"]), world.rt_a.id, "Arisan pindah ke rumah Bu Ani")
        run_worker(app)
    assert phones["resident_a"].received == []
