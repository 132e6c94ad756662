"""Bubarkan through the pengelola's form as rendered: before the cycle ends the group stops,
the balik modal from the ledger is shown to every member (a winner owes what it received
beyond what it paid, the others get their iuran back), and nothing more is recorded; the
tick is required, a second dissolve is refused, the bendahara cannot dissolve."""

from __future__ import annotations

import html

from sqlalchemy import func, select

from community.arisan.models import ArisanEntry, ArisanGroup, ArisanRound
from community.extensions import db
from tests.conftest import text_of
from tests.forms import find_form, form_fields, submit_form
from tests.integration.arisan.builders import build_group

FORM = "form[action$='/bubarkan']"


def said(response) -> str:
    return html.unescape(text_of(response))


def test_the_pengelola_dissolves_and_every_member_sees_the_balik_modal(app, world, as_user):
    with app.app_context():
        group_id = build_group(world, "drawn")  # both paid round 1, one of them won it
    siti_client = as_user(world["resident_a"])
    handed = submit_form(siti_client, f"/arisan/{group_id}/putaran/1", "form.arisan-pay-form")
    assert handed.status_code == 303  # the pot of Rp100.000 went to the winner
    ketua = as_user(world["pengurus_a"])
    page = f"/arisan/{group_id}"
    preview = said(ketua.get(page))
    assert "Bubarkan arisan" in preview and "masih harus bayar Rp50.000" in preview

    response = submit_form(ketua, page, FORM, data={"confirm": "y"})
    assert response.status_code == 303, said(response)
    with app.app_context():
        group = db.session.get(ArisanGroup, group_id)
        assert group.dissolved_at is not None
        assert group.dissolved_by_id == world["pengurus_a"].id
        # the next meeting, not yet held, leaves the calendar with the reason
        rounds = db.session.scalars(
            select(ArisanRound).where(ArisanRound.group_id == group_id).order_by(ArisanRound.number)
        ).all()
        assert len(rounds) == 2
        meeting = rounds[-1].activity
        assert meeting.is_cancelled and meeting.cancel_reason == "Arisan ini dibubarkan."

    siti = said(siti_client.get(page))
    assert "Arisan ini sudah dibubarkan" in siti
    # The winner paid Rp50.000 and received the pot of Rp100.000; the other paid Rp50.000.
    assert "masih harus bayar Rp50.000" in siti
    assert "dikembalikan Rp50.000" in siti
    assert "Uang iuran yang dipegang bendahara: Rp0." in siti
    # Nothing more to record: no Tandai lunas, no kocokan, no denda, no second dissolve.
    for gone in ("Tandai lunas", "Mulai kocokan", "Catat denda", "Simpan tuan rumah"):
        assert gone not in siti
    assert "Bubarkan arisan" not in said(ketua.get(page))


def test_a_dissolved_group_records_no_payment_and_no_second_dissolve(app, world, as_user):
    with app.app_context():
        group_id = build_group(world)
    siti = as_user(world["resident_a"])
    ketua = as_user(world["pengurus_a"])
    page = f"/arisan/{group_id}"
    pay = find_form(siti.get(page).get_data(as_text=True), "form.arisan-pay-form")
    dissolve = find_form(ketua.get(page).get_data(as_text=True), FORM)
    fields = dict(form_fields(dissolve))
    fields["confirm"] = "y"
    assert ketua.post(dissolve.get("action"), data=fields).status_code == 303

    # Forms rendered before the dissolve, sent after it.
    late = siti.post(pay.get("action"), data=dict(form_fields(pay)))
    assert late.status_code == 422
    assert "sudah dibubarkan" in said(late)
    again = ketua.post(dissolve.get("action"), data=fields)
    assert again.status_code == 422
    assert "sudah dibubarkan" in said(again)
    with app.app_context():
        assert db.session.scalar(select(func.count(ArisanEntry.id))) == 0


def test_dissolving_needs_the_tick_and_the_pengelola(app, world, as_user):
    with app.app_context():
        group_id = build_group(world)
    ketua = as_user(world["pengurus_a"])
    page = f"/arisan/{group_id}"
    unticked = submit_form(ketua, page, FORM, data={"confirm": None})
    assert unticked.status_code == 422
    assert "Centang dulu" in said(unticked)
    assert "Bubarkan arisan" not in said(as_user(world["resident_a"]).get(page))
    with app.app_context():
        assert db.session.get(ArisanGroup, group_id).dissolved_at is None
