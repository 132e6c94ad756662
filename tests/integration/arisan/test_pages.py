"""Arisan through its pages, submitting the forms as rendered: creating a group (amounts in
rupiah, bad amounts refused with a message), Tandai lunas and its koreksi, paying twice, the
draw with the winner announced and the log a member recomputes, the undo with a reason, the
payout."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from community.arisan import rules
from community.arisan.models import ArisanDraw, ArisanEntry, ArisanGroup, ArisanSlot
from community.extensions import db
from tests.conftest import text_of
from tests.forms import find_form, form_fields, submit_form
from tests.integration.arisan.builders import build_group

NEW = "/arisan/baru"
CREATE_FORM = "form[action='/arisan/baru']"


def said(response) -> str:
    return html.unescape(text_of(response))


def create_data(world, **changes) -> dict:
    data = {
        "name": "Arisan Bapak-bapak",
        "scope": str(world.rt_a.id),
        "contribution": "Rp 50.000",
        "kas": "",
        "period": "mingguan",
        "first_meeting_on": "2026-12-13",
        "meeting_time": "19:30",
        "place": "Pos kamling",
        "winners": "1",
        "members": [str(world["resident_a"].id), str(world["pengurus_a"].id)],
        "dua_nama": [str(world["resident_a"].id)],
        "others": "Nenek Sari\n\n  Pak Udin  ",
        "bendahara": str(world["pengurus_a"].id),
    }
    data.update(changes)
    return data


def test_a_resident_creates_a_group_and_becomes_its_pengelola(app, world, as_user):
    siti = as_user(world["resident_a"])
    response = submit_form(siti, NEW, CREATE_FORM, data=create_data(world))
    assert response.status_code == 303, said(response)
    page = siti.get(response.headers["Location"])
    text = said(page)
    assert "Arisan Bapak-bapak" in text
    assert "Rp50.000" in text
    for name in ("Siti Aminah", "Haji Rahmat", "Nenek Sari", "Pak Udin"):
        assert name in text
    assert "Mulai kocokan" in text  # Siti is the pengelola
    assert "Tandai lunas" not in text  # Haji Rahmat keeps the book
    with app.app_context():
        group = db.session.scalar(select(ArisanGroup))
        assert group.contribution_idr == 50_000 and group.kas_idr == 0
        assert db.session.scalar(select(func.count(ArisanSlot.id))) == 5  # Siti: dua nama
        roles = {(m.display_name, m.is_pengelola, m.is_bendahara) for m in group.members}
        assert ("Siti Aminah", True, False) in roles
        assert ("Haji Rahmat", False, True) in roles


@pytest.mark.parametrize(
    "typed, message",
    [
        ("50.000,50", "tanpa koma"),
        ("-50000", "tidak boleh negatif"),
        ("6.000.000", "paling banyak Rp5.000.000"),
        ("5.000", "paling sedikit Rp10.000"),
        ("lima puluh", "dalam angka"),
        ("", "Isi jumlah iurannya"),
    ],
)
def test_bad_amounts_are_refused_with_a_message(app, world, as_user, typed, message):
    siti = as_user(world["resident_a"])
    response = submit_form(siti, NEW, CREATE_FORM, data=create_data(world, contribution=typed))
    assert response.status_code == 422
    assert message in said(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(ArisanGroup.id))) == 0


def test_two_winners_need_an_even_number_of_names(app, world, as_user):
    siti = as_user(world["resident_a"])
    response = submit_form(siti, NEW, CREATE_FORM, data=create_data(world, winners="2"))
    assert response.status_code == 422
    assert "jumlah nama harus genap" in said(response)


def test_a_member_of_another_rt_is_refused(app, world, as_user, make_user):
    """Siti lives in RT 01 of RW 01: RW 01's residents are her choices (a group may belong
    to the RW), but an RT 01 group refuses Budi of RT 02, and RW 02's residents are not
    offered at all; a tampered id of theirs is refused too."""
    with app.app_context():
        far = make_user("Warga RW 02", db.session.get(type(world.rt_c), world.rt_c.id))
    siti = as_user(world["resident_a"])
    assert "Warga RW 02" not in said(siti.get(NEW))
    budi = str(world["resident_b"].id)
    refused = submit_form(siti, NEW, CREATE_FORM, data=create_data(world, members=[budi]))
    assert refused.status_code == 422
    assert "Anggota harus warga wilayah arisan ini" in said(refused)
    form = find_form(siti.get(NEW).get_data(as_text=True), CREATE_FORM)
    fields = create_data(world)
    pairs = [(n, v) for n, v in form_fields(form) if n not in fields]
    for name, value in fields.items():
        pairs += [(name, v) for v in (value if isinstance(value, list) else [value])]
    pairs.append(("members", str(far.id)))
    tampered = siti.post(NEW, data=MultiDict(pairs))
    assert tampered.status_code == 422
    assert "Pilihan tidak valid" in said(tampered)
    with app.app_context():
        assert db.session.scalar(select(func.count(ArisanGroup.id))) == 0


def test_the_bendahara_marks_payments_and_a_second_tap_is_refused(app, world, as_user):
    with app.app_context():
        group_id = build_group(world)
    siti = as_user(world["resident_a"])
    page = f"/arisan/{group_id}"
    before = said(siti.get(page))
    assert before.count("Belum bayar") == 2
    form = find_form(siti.get(page).get_data(as_text=True), "form.arisan-pay-form")
    first = submit_form(siti, page, "form.arisan-pay-form", data={"method": "transfer"})
    assert first.status_code == 303
    after = said(siti.get(page))
    assert after.count("Belum bayar") == 1 and "Lunas" in after
    assert "Rp50.000 · 1 dari 2 nama lunas" in after
    # The same rendered form sent again (a double tap on a slow connection).
    again = siti.post(form.get("action"), data=dict(form_fields(form)))
    assert again.status_code == 422
    assert "sudah lunas untuk putaran ini" in said(again)
    with app.app_context():
        rows = db.session.scalars(select(ArisanEntry)).all()
        assert [(r.kind, r.amount_idr, r.method) for r in rows] == [("iuran", 50_000, "transfer")]


def test_a_koreksi_reverses_a_payment_and_keeps_it_in_the_ledger(app, world, as_user):
    with app.app_context():
        group_id = build_group(world)
    siti = as_user(world["resident_a"])
    page = f"/arisan/{group_id}"
    submit_form(siti, page, "form.arisan-pay-form")
    response = submit_form(siti, page, "form.inline-form[action*=koreksi]")
    assert response.status_code == 303
    assert said(siti.get(page)).count("Belum bayar") == 2
    with app.app_context():
        kinds = db.session.scalars(select(ArisanEntry.kind).order_by(ArisanEntry.id)).all()
        assert kinds == ["iuran", "koreksi"]


def test_the_draw_shows_the_winner_and_a_log_any_member_recomputes(app, world, as_user):
    with app.app_context():
        group_id = build_group(world)
    siti, ketua = as_user(world["resident_a"]), as_user(world["pengurus_a"])
    page = f"/arisan/{group_id}"
    nobody = submit_form(ketua, page, "form.arisan-draw-form")
    assert nobody.status_code == 422
    assert "belum ada yang lunas" in said(nobody)
    commitment = re.search(r"[0-9a-f]{64}", said(siti.get(f"{page}/putaran/1"))).group(0)
    for _ in range(2):
        submit_form(siti, page, "form.arisan-pay-form")
    stale = find_form(ketua.get(page).get_data(as_text=True), "form.arisan-draw-form")
    drawn = submit_form(ketua, page, "form.arisan-draw-form")
    assert drawn.status_code == 303
    result = ketua.get(drawn.headers["Location"])
    body = result.get_data(as_text=True)
    status = re.search(r'<div id="kocokan" class="arisan-result is-fresh" role="status">(.*?)</div>',
                       body, re.S).group(1)  # fmt: skip
    assert "Pemenang" in status
    assert "Mulai kocokan" not in said(result)
    with app.app_context():
        log = db.session.scalar(select(ArisanDraw))
        winner = db.session.get(ArisanSlot, log.winner_ids[0]).member.display_name
        assert winner in html.unescape(status)
        # What the round page shows is enough to check the draw.
        shown = said(siti.get(f"{page}/putaran/1"))
        assert log.seed_hex in shown and commitment in shown and log.eligible in shown
        seed = bytes.fromhex(log.seed_hex)
        assert rules.verify(seed, commitment, log.round_id, log.eligible_ids, 1, log.winner_ids)
    again = ketua.post(stale.get("action"), data=dict(form_fields(stale)))
    assert again.status_code == 422
    assert "Kocokan tidak bisa diulang" in said(again)


def test_an_undo_needs_a_reason_and_shows_the_new_commitment(app, world, as_user):
    with app.app_context():
        group_id = build_group(world, "drawn")
    ketua = as_user(world["pengurus_a"])
    page = f"/arisan/{group_id}/putaran/1"
    empty = submit_form(ketua, page, "form#batal", data={"reason": "  "})
    assert empty.status_code == 422
    assert "paling sedikit 5 huruf" in said(empty)
    done = submit_form(ketua, page, "form#batal", data={"reason": "Tuan rumah belum datang"})
    assert done.status_code == 303
    shown = said(ketua.get(page))
    assert "Kocokan dibatalkan" in shown and "Tuan rumah belum datang" in shown
    assert "Mulai kocokan" in shown
    with app.app_context():
        undo = db.session.scalar(select(ArisanDraw).where(ArisanDraw.kind == "batal"))
        assert undo.next_commitment in shown


def test_the_bendahara_records_the_payout_to_the_winner(app, world, as_user):
    with app.app_context():
        group_id = build_group(world, "drawn")
    siti = as_user(world["resident_a"])
    page = f"/arisan/{group_id}/putaran/1"
    response = submit_form(siti, page, "form.arisan-pay-form", data={"method": "qris"})
    assert response.status_code == 303
    assert "Uang arisan sudah diserahkan" in said(siti.get(page))
    with app.app_context():
        payout = db.session.scalar(select(ArisanEntry).where(ArisanEntry.kind == "pembayaran_pot"))
        assert (payout.amount_idr, payout.method) == (100_000, "qris")
