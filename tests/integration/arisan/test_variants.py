"""Arisan variants through the forms as rendered: the bendahara records a late-payment
fine (denda) as a ledger line and can reverse it; bad amounts are refused with a message,
nothing written. The pengelola changes the host of the next meeting (by default the
winner); a round already drawn keeps its host."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from community.arisan import services
from community.arisan.models import ArisanEntry, ArisanGroup, ArisanMember, ArisanRound
from community.extensions import db
from tests.conftest import text_of
from tests.forms import submit_form
from tests.integration.arisan.builders import build_group

FINE_FORM = "form[action$='/denda']"
HOST_FORM = "form.arisan-host-form"


def said(response) -> str:
    return html.unescape(text_of(response))


def entries(app) -> list[tuple[str, int, int | None]]:
    with app.app_context():
        rows = db.session.scalars(select(ArisanEntry).order_by(ArisanEntry.id)).all()
        return [(r.kind, r.amount_idr, r.round_id) for r in rows]


def test_the_bendahara_records_a_fine_and_reverses_it(app, world, as_user):
    with app.app_context():
        group_id = build_group(world)
    siti = as_user(world["resident_a"])
    page = f"/arisan/{group_id}/putaran/1"
    response = submit_form(siti, page, FINE_FORM,
                           data={"amount": "Rp 5.000", "note": "Telat dua hari"})  # fmt: skip
    assert response.status_code == 303, said(response)
    shown = said(siti.get(page))
    assert "Denda keterlambatan: Rp5.000" in shown
    with app.app_context():
        fine = db.session.scalar(select(ArisanEntry))
        assert (fine.kind, fine.amount_idr, fine.note) == ("denda", 5_000, "Telat dua hari")
    # Members see it; the pot and Lunas / Belum bayar are untouched.
    ketua = said(as_user(world["pengurus_a"]).get(page))
    assert "Denda keterlambatan: Rp5.000" in ketua and ketua.count("Belum bayar") == 2
    assert "Catat denda" not in ketua  # only the bendahara records one

    undone = submit_form(siti, page, "form.inline-form[action*=koreksi]")
    assert undone.status_code == 303
    assert "Denda keterlambatan:" not in said(siti.get(page))
    assert [kind for kind, _amount, _round in entries(app)] == ["denda", "koreksi"]


@pytest.mark.parametrize(
    "typed, message",
    [
        ("5.000,50", "tanpa koma"),
        ("-5000", "tidak boleh negatif"),
        ("500", "Denda paling sedikit Rp1.000"),
        ("6.000.000", "paling banyak Rp5.000.000"),
        ("lima ribu", "dalam angka"),
        ("", "Isi jumlah dendanya"),
    ],
)
def test_bad_fines_are_refused_with_a_message(app, world, as_user, typed, message):
    with app.app_context():
        group_id = build_group(world)
    siti = as_user(world["resident_a"])
    response = submit_form(siti, f"/arisan/{group_id}/putaran/1", FINE_FORM,
                           data={"amount": typed})  # fmt: skip
    assert response.status_code == 422
    assert message in said(response)
    assert entries(app) == []


def test_a_fine_for_a_slot_of_another_group_is_404(app, world, as_user):
    with app.app_context():
        group_id = build_group(world)
        other = build_group(world)
        foreign = services.slot_ids(db.session.get(ArisanGroup, other))[0]
    siti = as_user(world["resident_a"])
    response = submit_form(siti, f"/arisan/{group_id}/putaran/1", FINE_FORM,
                           data={"amount": "5.000", "slot": str(foreign)})  # fmt: skip
    assert response.status_code == 404
    assert entries(app) == []


def test_the_pengelola_changes_the_host_the_winner_was_given(app, world, as_user):
    with app.app_context():
        group_id = build_group(world, "drawn")
        second = db.session.scalar(
            select(ArisanRound).where(ArisanRound.group_id == group_id, ArisanRound.number == 2)
        )
        winner_host = second.host_member_id
        members = db.session.scalars(
            select(ArisanMember).where(ArisanMember.group_id == group_id)
        ).all()
        other = next(m for m in members if m.id != winner_host)
        other_id, other_name = other.id, other.display_name
    assert winner_host is not None  # by default the winner hosts the next meeting
    ketua = as_user(world["pengurus_a"])
    page = f"/arisan/{group_id}"
    response = submit_form(ketua, page, HOST_FORM, data={"host": str(other_id)})
    assert response.status_code == 303, said(response)
    assert f"Tuan rumah {other_name}" in said(ketua.get(page))
    with app.app_context():
        assert db.session.get(ArisanRound, second.id).host_member_id == other_id

    undecided = submit_form(ketua, page, HOST_FORM, data={"host": ""})
    assert undecided.status_code == 303
    assert "Tuan rumah Belum ditentukan" in said(ketua.get(page))
    # The bendahara does not choose it.
    assert "Simpan tuan rumah" not in said(as_user(world["resident_a"]).get(page))


def test_a_host_of_another_group_or_of_a_drawn_round_is_refused(app, world, as_user):
    with app.app_context():
        group_id = build_group(world, "drawn")
        other = build_group(world)
        stranger = db.session.scalar(select(ArisanMember.id).where(ArisanMember.group_id == other))
    ketua = as_user(world["pengurus_a"])
    page = f"/arisan/{group_id}"
    response = submit_form(ketua, page, HOST_FORM, data={"host": str(stranger)})
    assert response.status_code == 422
    assert "Pilih tuan rumah dari anggota arisan ini" in said(response)
    # Round 1 was drawn: its page has no host form, and a post to it is refused.
    assert "Simpan tuan rumah" not in said(ketua.get(f"/arisan/{group_id}/putaran/1"))
    token_page = ketua.get(page).get_data(as_text=True)
    token = token_page.split('name="csrf_token" value="')[1].split('"')[0]
    held = ketua.post(f"/arisan/{group_id}/putaran/1/tuan-rumah",
                      data={"csrf_token": token, "host": ""})  # fmt: skip
    assert held.status_code == 422
    assert "tuan rumahnya tidak diubah lagi" in said(held)
