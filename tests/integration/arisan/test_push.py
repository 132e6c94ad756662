"""Arisan pushes (#15), planned in the outbox at the commit of the change made through the
pages: the day before a meeting, each member with a slot not yet paid is reminded (after
their quiet hours); marking the payment cancels it, a koreksi brings it back. After a
draw every member with a phone is told "Pemenang kocokan: <nama>"; an undo before it went
cancels it. The "Arisan" switch off: nothing."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from community.accounts.models import User
from community.arisan import services
from community.arisan.models import ArisanRound, ArisanSlot
from community.core.time import WITA
from community.extensions import db
from community.notifications import kinds
from community.notifications import rules as delivery
from community.notifications.models import (
    MessageStatus,
    NotificationPref,
    NotificationSwitch,
    PushMessage,
    PushSubscription,
)
from tests.conftest import test_config, text_of
from tests.forms import submit_form
from tests.integration.arisan.conftest import group_of
from tests.pushservice import PushService

NAMES = ("Haji Rahmat", "Siti Aminah", "Warga Arisan 1", "Warga Arisan 2")


def with_phones(app, *names: str, quiet: dict | None = None, off: tuple = ()) -> dict[str, int]:
    """A device for each named member; ``quiet`` gives someone quiet hours (minutes), ``off``
    turns someone's "Arisan" switch off. Answers their user ids."""
    ids = {}
    with app.app_context():
        for n, name in enumerate(names):
            user = db.session.scalar(select(User).where(User.name == name))
            ids[name] = user.id
            db.session.add(PushSubscription(
                user_id=user.id, endpoint=f"https://fcm.googleapis.com/fcm/send/arisan-{n}",
                p256dh="k" * 87, auth="a" * 22,
            ))  # fmt: skip
            if name in (quiet or {}):
                start, end = quiet[name]
                db.session.add(NotificationPref(user_id=user.id, quiet_start_minute=start,
                                                quiet_end_minute=end))  # fmt: skip
            if name in off:
                db.session.add(NotificationSwitch(user_id=user.id, name="wants_arisan",
                                                  is_on=False))  # fmt: skip
        db.session.commit()
    return ids


def rows(app, kind: str) -> list[PushMessage]:
    with app.app_context():
        found = db.session.scalars(
            select(PushMessage).where(PushMessage.kind == kind).order_by(PushMessage.id)
        ).all()
        db.session.expunge_all()
        return found


def pending(app, kind: str) -> dict[int, PushMessage]:
    return {r.user_id: r for r in rows(app, kind) if r.status == MessageStatus.PENDING}


def meeting(app, group_id: int, number: int = 1) -> datetime:
    with app.app_context():
        return services.meeting_start(group_of(group_id), number)


def replan(app, user_ids) -> None:
    """What adding a phone through the app does: their pending pushes are planned again."""
    with app.app_context():
        kinds.recipient_changed(user_ids)
        db.session.commit()


def test_unpaid_members_are_reminded_the_day_before_and_a_payment_cancels_it(
    app, world, as_user, make_group
):
    group_id = make_group()
    ids = with_phones(app, *NAMES, quiet={"Warga Arisan 1": (18 * 60, 20 * 60)},
                      off=("Haji Rahmat",))  # fmt: skip
    replan(app, ids.values())  # their phones came after the group
    starts = meeting(app, group_id)
    waiting = pending(app, "arisan_iuran")

    assert set(waiting) == {ids["Siti Aminah"], ids["Warga Arisan 1"], ids["Warga Arisan 2"]}
    assert waiting[ids["Siti Aminah"]].due_at == starts - timedelta(days=1)
    # 19.30 WITA the day before is inside 18.00-20.00: at the end of her quiet hours.
    quiet_end = (starts - timedelta(days=1)).astimezone(WITA).replace(hour=20, minute=0)
    assert waiting[ids["Warga Arisan 1"]].due_at == quiet_end
    payload = json.loads(waiting[ids["Warga Arisan 2"]].payload)
    assert "Besok arisan" in payload["title"] and "belum tercatat lunas" in payload["body"]
    assert payload["url"] == f"/arisan/{group_id}/putaran/1"

    siti = as_user(world["resident_a"])
    page = f"/arisan/{group_id}"
    html = siti.get(page).get_data(as_text=True)
    warga_slot = html.split("Warga Arisan 2")[1].split('name="slot" value="')[1].split('"')[0]
    paid = submit_form(siti, page, f"form.arisan-pay-form:has(input[value='{warga_slot}'])")
    assert paid.status_code == 303, text_of(paid)
    assert ids["Warga Arisan 2"] not in pending(app, "arisan_iuran")
    assert ids["Siti Aminah"] in pending(app, "arisan_iuran")

    koreksi = submit_form(siti, page, "form[action$='/koreksi']")
    assert koreksi.status_code == 303
    assert ids["Warga Arisan 2"] in pending(app, "arisan_iuran")


def test_every_member_is_told_the_winner_and_an_undo_cancels_what_waits(
    app, world, as_user, make_group
):
    group_id = make_group(include_unpaid=True)
    ids = with_phones(app, *NAMES, quiet={"Warga Arisan 2": (0, 24 * 60 - 1)},
                      off=("Warga Arisan 1",))  # fmt: skip
    ketua = as_user(world["pengurus_a"])
    drawn = submit_form(ketua, f"/arisan/{group_id}", "form.arisan-draw-form")
    assert drawn.status_code == 303

    told = pending(app, "arisan_menang")
    assert set(told) == {ids["Haji Rahmat"], ids["Siti Aminah"], ids["Warga Arisan 2"]}
    with app.app_context():
        round_ = db.session.scalar(select(ArisanRound).where(ArisanRound.number == 1))
        draw = services.current_draw(round_)
        winner_slot, drawn_at = draw.winner_ids[0], draw.at
        winner = db.session.get(ArisanSlot, winner_slot).member.display_name or "Warga terhapus"
    payload = json.loads(told[ids["Siti Aminah"]].payload)
    assert payload["title"] == f"Pemenang kocokan: {winner}"
    # Each at the end of their own quiet hours if the draw fell in them (default 21-05).
    assert told[ids["Siti Aminah"]].due_at == max(
        delivery.outside_quiet_hours(drawn_at, delivery.QUIET_START_DEFAULT,
                                     delivery.QUIET_END_DEFAULT), drawn_at)  # fmt: skip
    assert told[ids["Warga Arisan 2"]].due_at == max(
        delivery.outside_quiet_hours(drawn_at, 0, 24 * 60 - 1), drawn_at
    )

    undone = submit_form(ketua, f"/arisan/{group_id}/putaran/1", "form#batal",
                         data={"reason": "Gulungan jatuh ke lantai"})  # fmt: skip
    assert undone.status_code == 303
    statuses = {(r.user_id, r.status) for r in rows(app, "arisan_menang")}
    assert (ids["Warga Arisan 2"], MessageStatus.CANCELLED) in statuses
    assert pending(app, "arisan_menang") == {} or all(
        r.subject.endswith(":menang:1") for r in pending(app, "arisan_menang").values()
    )


# --- through the worker and the stand-in push service ------------------------------------


@pytest.fixture
def app_config(_shared_dir):
    return test_config(_shared_dir, PUSH_CHECK_ENDPOINTS=False, PUSH_TIMEOUT=2.0)


@pytest.fixture
def phones(app, world, server_key, make_group):
    """The group, then a subscribed phone for Siti (the bendahara) and Warga Arisan 2."""
    group_id = make_group(include_unpaid=True)
    with PushService() as service:
        found = {"group": group_id}
        with app.app_context():
            for name in ("Siti Aminah", "Warga Arisan 2"):
                user = db.session.scalar(select(User).where(User.name == name))
                phone, info = service.subscribe(server_key)
                db.session.add(PushSubscription(user_id=user.id, endpoint=info["endpoint"],
                                                p256dh=info["keys"]["p256dh"],
                                                auth=info["keys"]["auth"]))  # fmt: skip
                found[name] = (user.id, phone)
            db.session.commit()
        replan(app, [uid for uid, _phone in (found["Siti Aminah"], found["Warga Arisan 2"])])
        yield found


def run_worker(app) -> None:
    queue = app.extensions["rukun_queue"]
    queue.huey.execute(queue.dispatch.s())


def shown(phone) -> list[dict]:
    return [json.loads(d.payload) for d in phone.received]


def test_the_phone_shows_the_reminder_the_day_before_and_the_winner_after_the_draw(
    app, world, as_user, phones
):
    group_id = phones["group"]
    starts = meeting(app, group_id)
    _siti, siti_phone = phones["Siti Aminah"]
    _warga, warga_phone = phones["Warga Arisan 2"]

    with time_machine.travel(starts - timedelta(days=2), tick=False):
        run_worker(app)
    assert siti_phone.received == []  # not yet: two days before
    with time_machine.travel(starts - timedelta(days=1, minutes=-1), tick=False):
        run_worker(app)
    reminded = shown(warga_phone)
    assert len(reminded) == 1
    assert reminded[0]["title"] == "Besok arisan Arisan Ibu-ibu RT 01"
    assert reminded[0]["body"] == "Iuran Anda untuk putaran 1 belum tercatat lunas."
    assert reminded[0]["url"] == f"/arisan/{group_id}/putaran/1"

    # The meeting, 19.30 WITA (outside the default quiet hours): the draw, then the winner.
    with time_machine.travel(starts + timedelta(minutes=5), tick=True):
        ketua = as_user(world["pengurus_a"])
        drawn = submit_form(ketua, f"/arisan/{group_id}", "form.arisan-draw-form")
        assert drawn.status_code == 303
        run_worker(app)
    with app.app_context():
        round_ = db.session.scalar(select(ArisanRound).where(ArisanRound.group_id == group_id))
        slot = db.session.get(ArisanSlot, services.current_draw(round_).winner_ids[0])
        winner = slot.member.display_name
    told = shown(siti_phone)[-1]
    assert told["title"] == f"Pemenang kocokan: {winner}"
    assert told["body"] == "Arisan Ibu-ibu RT 01, putaran 1"
    assert shown(warga_phone)[-1] == told


def test_dissolving_the_group_cancels_the_reminder(app, world, as_user, make_group):
    group_id = make_group()
    ids = with_phones(app, "Warga Arisan 2")
    replan(app, ids.values())
    assert ids["Warga Arisan 2"] in pending(app, "arisan_iuran")
    ketua = as_user(world["pengurus_a"])
    gone = submit_form(ketua, f"/arisan/{group_id}", "form[action$='/bubarkan']",
                       data={"confirm": "y"})  # fmt: skip
    assert gone.status_code == 303
    assert pending(app, "arisan_iuran") == {}


def test_a_fixed_order_turn_is_announced_as_a_turn(app, world, as_user, make_group):
    group_id = make_group(fixed_order=True)
    ids = with_phones(app, "Siti Aminah")
    ketua = as_user(world["pengurus_a"])
    given = submit_form(ketua, f"/arisan/{group_id}", "form.arisan-turn-form")
    assert given.status_code == 303
    payload = json.loads(pending(app, "arisan_menang")[ids["Siti Aminah"]].payload)
    assert payload["title"].startswith("Giliran arisan: ")
