"""Musyawarah as a push (#16), through the pages, the worker's task and the stand-in push
service: a new poll reaches the residents of its wilayah when it opens (not its maker,
nobody outside it); a decision on a proposal reaches the residents of the wilayah it lies
with (not the pengurus who decided); "Musyawarah" off stops both."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest
import time_machine

from community.core.time import WITA, utcnow
from community.extensions import db
from community.notifications import kinds
from community.notifications import services as notifications
from community.notifications.models import PushSubscription
from tests.conftest import test_config
from tests.forms import submit_form
from tests.pushservice import PushService

TODAY = utcnow().astimezone(WITA).date()
NOON = datetime.combine(TODAY, time(12, 0), tzinfo=WITA)


@pytest.fixture
def app_config(_shared_dir):
    return test_config(_shared_dir, PUSH_CHECK_ENDPOINTS=False, PUSH_TIMEOUT=2.0)


@pytest.fixture
def phones(app, world, server_key):
    """A subscribed phone for Siti (RT 01), Budi (RT 02) and the ketua RT 01."""
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


def run_worker(app) -> None:
    queue = app.extensions["rukun_queue"]
    queue.huey.execute(queue.dispatch.s())


def shown(phone) -> list[dict]:
    return [json.loads(d.payload) for d in phone.received]


def _make_poll(client, world, opens_on=None) -> int:
    data = {"scope": str(world.rt_a.id), "question": "Hari kerja bakti", "kind": "tunggal",
            "options": "Sabtu\nMinggu", "closes_on": (TODAY + timedelta(days=5)).isoformat()}  # fmt: skip
    if opens_on is not None:
        data["opens_on"] = opens_on.isoformat()
    response = submit_form(client, "/jajak/baru", "form[action='/jajak/baru']", data)
    assert response.status_code == 303
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_the_switch_is_registered_by_the_domain(app):
    switch = {s.field: s for s in kinds.switches()}["wants_musyawarah"]
    assert switch.default_on
    assert kinds.switch_of("new_poll") == kinds.switch_of("decision") == "wants_musyawarah"


def test_a_new_poll_reaches_the_rt_and_nobody_else(app, world, as_user, phones):
    with time_machine.travel(NOON, tick=False):
        poll_id = _make_poll(as_user(world["pengurus_a"]), world)
        run_worker(app)
    assert shown(phones["resident_a"]) == [
        {"title": "Jajak pendapat baru RT 01 / RW 01", "body": "Hari kerja bakti",
         "url": f"/jajak/{poll_id}", "tag": f"rukun-j{poll_id}"}
    ]  # fmt: skip
    assert phones["resident_b"].received == []  # RT 02
    assert phones["pengurus_a"].received == []  # its maker


def test_a_poll_opening_later_is_pushed_when_it_opens(app, world, as_user, phones):
    with time_machine.travel(NOON, tick=False):
        _make_poll(as_user(world["pengurus_a"]), world, opens_on=TODAY + timedelta(days=2))
        run_worker(app)
    assert phones["resident_a"].received == []
    opening = datetime.combine(TODAY + timedelta(days=2), time(0, 1), tzinfo=WITA)
    with time_machine.travel(opening + timedelta(hours=8), tick=False):  # after quiet hours
        run_worker(app)
    assert [p["title"] for p in shown(phones["resident_a"])] == [
        "Jajak pendapat baru RT 01 / RW 01"
    ]


def test_a_decision_reaches_the_wilayah_but_not_who_decided(app, world, as_user, phones):
    with time_machine.travel(NOON, tick=False):
        siti, ketua = as_user(world["resident_a"]), as_user(world["pengurus_a"])
        fields = {"scope": str(world.rt_a.id), "title": "Lampu Gang 3",
                  "category": "infrastruktur", "body": "Gelap"}  # fmt: skip
        response = submit_form(siti, "/usulan/baru", "form[action='/usulan/baru']", fields)
        url = response.headers["Location"]
        form = "form[action$='/status']"
        submit_form(ketua, url, form, {"status": "dibahas"})
        run_worker(app)
        assert phones["resident_a"].received == []  # discussing is not a decision
        submit_form(ketua, url, form, {"status": "diterima"})
        run_worker(app)
    proposal_id = int(url.rsplit("/", 1)[1])
    assert shown(phones["resident_a"]) == [
        {"title": "Usulan diterima: RT 01 / RW 01", "body": "Lampu Gang 3",
         "url": f"/usulan/{proposal_id}", "tag": f"rukun-u{proposal_id}"}
    ]  # fmt: skip
    assert phones["pengurus_a"].received == []
    assert phones["resident_b"].received == []


def test_musyawarah_off_stops_both(app, world, as_user, phones):
    with app.app_context():
        notifications.save_prefs(world["resident_a"].id, wants_musyawarah=False)
        db.session.commit()
    with time_machine.travel(NOON, tick=False):
        _make_poll(as_user(world["pengurus_a"]), world)
        run_worker(app)
    assert phones["resident_a"].received == []
