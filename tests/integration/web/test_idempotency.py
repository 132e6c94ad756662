"""A phone that lost its signal sends its kept answer again, maybe twice: it runs once (#18).

The forms are the ones the activity page renders, sent with an ``Idempotency-Key`` header
as the phone's service worker does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from community.core.idempotency import KEEP_FOR, IdempotentRequest
from community.core.time import utcnow
from community.events import services
from community.events.models import Activity, Rsvp
from community.extensions import db
from tests.forms import submit_form
from tests.integration.events.conftest import rsvp_form, said

KEY = "0b6f3a7e-1c2d-4e5f-8a9b-c0d1e2f3a4b5"


def answer(client, activity_id: int, value: str, key: str | None = KEY, **extra):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return submit_form(client, f"/kegiatan/{activity_id}", rsvp_form(activity_id), extra,
                       button=f"button[name='answer'][value='{value}']", headers=headers)  # fmt: skip


def answers_of(app, activity_id: int) -> list[tuple[int | None, str, int]]:
    with app.app_context():
        rows = db.session.execute(
            select(Rsvp.user_id, Rsvp.answer, Rsvp.guests).where(Rsvp.activity_id == activity_id)
        ).all()
        return sorted(tuple(r) for r in rows)


@pytest.fixture
def activity_id(world) -> int:
    return world.activities["rt_a"].id


def test_the_same_answer_sent_twice_is_recorded_once_and_answered_alike(
    app, world, as_user, activity_id
):
    client = as_user(world["resident_a"])
    first = answer(client, activity_id, "hadir", guests="1")
    with app.app_context():
        responded = db.session.scalar(
            select(Rsvp.responded_at).where(Rsvp.activity_id == activity_id)
        )
    again = answer(client, activity_id, "hadir", guests="1")  # the response was lost: resent

    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert answers_of(app, activity_id) == [(world["resident_a"].id, "hadir", 1)]
    with app.app_context():
        assert db.session.scalar(select(Rsvp.responded_at)) == responded  # not answered anew


def test_a_replay_of_an_htmx_answer_gets_the_same_panel(app, world, as_user, activity_id):
    client = as_user(world["resident_a"])
    htmx = {"HX-Request": "true", "Idempotency-Key": KEY}
    first = submit_form(client, f"/kegiatan/{activity_id}", rsvp_form(activity_id),
                        button="button[name='answer'][value='mungkin']", headers=htmx)  # fmt: skip
    again = submit_form(client, f"/kegiatan/{activity_id}", rsvp_form(activity_id),
                        button="button[name='answer'][value='mungkin']", headers=htmx)  # fmt: skip
    assert first.status_code == again.status_code == 200
    assert again.get_data(as_text=True) == first.get_data(as_text=True)
    assert "Jawaban Anda:" in said(again)


def test_other_fields_under_a_used_key_are_refused_and_change_nothing(
    app, world, as_user, activity_id
):
    client = as_user(world["resident_a"])
    answer(client, activity_id, "hadir")
    other = answer(client, activity_id, "tidak")
    assert other.status_code == 422
    assert "sudah dipakai untuk isian lain" in other.get_data(as_text=True)
    assert answers_of(app, activity_id) == [(world["resident_a"].id, "hadir", 0)]


def test_keys_belong_to_one_account(app, world, as_user, activity_id):
    answer(as_user(world["resident_a"]), activity_id, "hadir")
    theirs = answer(as_user(world["pengurus_a"]), activity_id, "tidak")  # the same key string
    assert theirs.status_code == 303 and "Idempotent-Replayed" not in theirs.headers
    assert answers_of(app, activity_id) == sorted(
        [(world["resident_a"].id, "hadir", 0), (world["pengurus_a"].id, "tidak", 0)]
    )


def test_an_answer_kept_while_the_activity_was_cancelled_is_reported_not_lost(
    app, world, as_user, activity_id
):
    client = as_user(world["resident_a"])
    page = client.get(f"/kegiatan/{activity_id}")  # the form the phone kept, read before
    with app.app_context():
        services.cancel_activity(db.session.get(Activity, activity_id), reason="Hujan deras",
                                 now=utcnow())  # fmt: skip
        db.session.commit()
    from tests.forms import find_form, form_fields

    fields = dict(form_fields(find_form(page.get_data(as_text=True), rsvp_form(activity_id))))
    sent = client.post(f"/kegiatan/{activity_id}/jawab", data={**fields, "answer": "hadir"},
                       headers={"Idempotency-Key": KEY})  # fmt: skip
    replayed = client.post(f"/kegiatan/{activity_id}/jawab", data={**fields, "answer": "hadir"},
                           headers={"Idempotency-Key": KEY})  # fmt: skip
    assert sent.status_code == replayed.status_code == 422
    assert "Kegiatan ini sudah dibatalkan." in said(
        sent
    ) and "Kegiatan ini sudah dibatalkan." in said(replayed)
    assert answers_of(app, activity_id) == []


@pytest.mark.parametrize("key", ["short", "x" * 65, "kunci dengan spasi!!", "ключ-ключ-ключ-ключ"])
def test_a_malformed_key_is_refused_before_anything_runs(app, world, as_user, activity_id, key):
    response = answer(as_user(world["resident_a"]), activity_id, "hadir", key=key)
    assert response.status_code == 400
    assert answers_of(app, activity_id) == []


def test_a_replay_while_the_first_still_runs_is_asked_to_wait(app, world, as_user, activity_id):
    with app.app_context():
        from tests.forms import find_form, form_fields

        client = as_user(world["resident_a"])
        page = client.get(f"/kegiatan/{activity_id}").get_data(as_text=True)
        fields = [(n, v) for n, v in form_fields(find_form(page, rsvp_form(activity_id)))]
        from community.core.idempotency import fingerprint

        db.session.add(IdempotentRequest(
            user_id=world["resident_a"].id, key=KEY, created_at=utcnow(), status=None,
            fingerprint=fingerprint("POST", f"/kegiatan/{activity_id}/jawab", [*fields, ("answer", "hadir")]),
        ))  # fmt: skip
        db.session.commit()
    waiting = answer(client, activity_id, "hadir")
    assert waiting.status_code == 409
    assert answers_of(app, activity_id) == []


def test_keys_older_than_a_week_are_forgotten(app, world, as_user, activity_id):
    client = as_user(world["resident_a"])
    answer(client, activity_id, "hadir")
    with app.app_context():
        db.session.execute(
            IdempotentRequest.__table__.update().values(
                created_at=utcnow() - KEEP_FOR - timedelta(hours=1)
            )
        )
        db.session.commit()
    answer(client, activity_id, "tidak", key="a-new-key-from-the-phone-0001")
    with app.app_context():
        keys = db.session.scalars(select(IdempotentRequest.key)).all()
        assert keys == ["a-new-key-from-the-phone-0001"]
        assert db.session.scalar(select(func.count(Rsvp.id))) == 1


def test_without_the_header_nothing_is_recorded(app, world, as_user, activity_id):
    answer(as_user(world["resident_a"]), activity_id, "hadir", key=None)
    with app.app_context():
        assert db.session.scalar(select(func.count(IdempotentRequest.id))) == 0
