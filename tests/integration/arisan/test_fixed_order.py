"""Urutan tetap through the forms as rendered: a group created with a fixed order has no
"Mulai kocokan"; the pengelola records whose turn each meeting is (kept in the draw log,
the next meeting hosted by them), a name that had its turn cannot have another, a second
turn for the same round is refused; a group that draws cannot record a turn, and a fixed
order takes one name per meeting."""

from __future__ import annotations

import html

from sqlalchemy import select

from community.arisan import services
from community.arisan.models import ArisanDraw, ArisanGroup, ArisanRound
from community.extensions import db
from tests.conftest import text_of
from tests.forms import find_form, form_fields, submit_form
from tests.integration.arisan.builders import build_group
from tests.integration.arisan.test_pages import CREATE_FORM, NEW, create_data

TURN = "form.arisan-turn-form"


def said(response) -> str:
    return html.unescape(text_of(response))


def fixed_group(world, as_user) -> tuple[object, int]:
    siti = as_user(world["resident_a"])
    made = submit_form(siti, NEW, CREATE_FORM,
                       data=create_data(world, fixed_order="y", dua_nama=[]))  # fmt: skip
    assert made.status_code == 303, said(made)
    return siti, int(made.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def test_the_pengelola_records_whose_turn_it_is(app, world, as_user):
    siti, group_id = fixed_group(world, as_user)
    page = f"/arisan/{group_id}"
    shown = said(siti.get(page))
    assert "Mulai kocokan" not in shown and "Catat giliran" in shown
    with app.app_context():
        group = db.session.get(ArisanGroup, group_id)
        assert group.fixed_order
        slots = services.slot_ids(group)
    form = find_form(siti.get(page).get_data(as_text=True), TURN)
    options = [o.get("value") for o in form.cssselect("select option")]
    assert options == [str(s) for s in slots]  # nobody has had a turn yet
    chosen = str(slots[2])
    response = submit_form(siti, page, TURN, data={"slot": chosen})
    assert response.status_code == 303, said(response)
    round_page = said(siti.get(f"/arisan/{group_id}/putaran/1"))
    assert "Giliran menurut urutan tetap" in round_page
    with app.app_context():
        row = db.session.scalar(select(ArisanDraw))
        assert (row.kind, row.winners, row.seed_hex) == ("urut", chosen, "")
        second = db.session.scalar(
            select(ArisanRound).where(ArisanRound.group_id == group_id, ArisanRound.number == 2)
        )
        assert second is not None and second.host is not None  # the one whose turn it was
    # Round 2: the name that had its turn is no longer offered, and a forged post is refused.
    form = find_form(siti.get(page).get_data(as_text=True), TURN)
    assert chosen not in [o.get("value") for o in form.cssselect("select option")]
    fields = dict(form_fields(form))
    fields["slot"] = chosen
    again = siti.post(form.get("action"), data=fields)
    assert again.status_code == 422
    assert "sudah mendapat giliran" in said(again)


def test_a_second_turn_for_a_round_and_a_draw_are_refused(app, world, as_user):
    siti, group_id = fixed_group(world, as_user)
    page = f"/arisan/{group_id}"
    form = find_form(siti.get(page).get_data(as_text=True), TURN)
    fields = dict(form_fields(form))
    assert siti.post(form.get("action"), data=fields).status_code == 303
    token = fields["csrf_token"]
    twice = siti.post(form.get("action"), data=fields)  # the same form again: round 1
    assert twice.status_code == 422
    drawn = siti.post(f"/arisan/{group_id}/putaran/2/kocok", data={"csrf_token": token})
    assert drawn.status_code == 422
    assert "memakai urutan tetap" in said(drawn)
    with app.app_context():
        assert len(db.session.scalars(select(ArisanDraw)).all()) == 1


def test_a_group_that_draws_records_no_turn_and_a_fixed_order_takes_one_name(app, world, as_user):
    with app.app_context():
        group_id = build_group(world)
        slot = services.slot_ids(db.session.get(ArisanGroup, group_id))[0]
    ketua = as_user(world["pengurus_a"])
    page = f"/arisan/{group_id}"
    assert "Catat giliran" not in said(ketua.get(page))
    token = ketua.get(page).get_data(as_text=True).split('name="csrf_token" value="')[1]
    refused = ketua.post(f"/arisan/{group_id}/putaran/1/giliran",
                         data={"csrf_token": token.split('"')[0], "slot": str(slot)})  # fmt: skip
    assert refused.status_code == 422  # no names offered: a group that draws

    siti = as_user(world["resident_a"])
    two = submit_form(
        siti, NEW, CREATE_FORM, data=create_data(world, fixed_order="y", winners="2", dua_nama=[])
    )
    assert two.status_code == 422
    assert "satu penerima per pertemuan" in said(two)


ORDER = "form[action$='/urutan']"


def test_the_order_agreed_in_advance_says_whose_turn_is_next(app, world, as_user):
    siti, group_id = fixed_group(world, as_user)
    page = f"/arisan/{group_id}"
    shown = said(siti.get(page))
    assert "Urutan yang disepakati belum dicatat." in shown and "Atur urutan giliran" in shown
    with app.app_context():
        slots = services.slot_ids(db.session.get(ArisanGroup, group_id))
    # the members agreed on the reverse of the list: the last name receives first
    places = {f"urutan_{s}": str(len(slots) - i) for i, s in enumerate(slots)}
    saved = submit_form(siti, f"{page}/urutan", ORDER, data=places)
    assert saved.status_code == 303, said(saved)
    first = slots[-1]
    form = find_form(siti.get(page).get_data(as_text=True), TURN)
    selected = form.cssselect("select option[selected]")
    assert [o.get("value") for o in selected] == [str(first)]  # preset to the next in order
    labels = [o.text_content() for o in form.cssselect("select option")]
    assert labels[0].startswith("1. ") and labels[-1].startswith(f"{len(slots)}. ")
    # the pengelola sends the form as it is: the agreed first name has the turn
    assert submit_form(siti, page, TURN).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(ArisanDraw.winners)) == str(first)
    assert said(siti.get(page)).count("sudah menerima") == 1
    # agreed beforehand: once a turn is given the order stands
    again = submit_form(siti, f"{page}/urutan", ORDER, data={f"urutan_{slots[0]}": "1",
                                                             f"urutan_{first}": str(len(slots))})  # fmt: skip
    assert again.status_code == 422
    assert "Urutan tidak bisa diubah lagi" in said(again)


def test_an_order_with_a_place_given_twice_is_refused_and_nothing_kept(app, world, as_user):
    siti, group_id = fixed_group(world, as_user)
    with app.app_context():
        group = db.session.get(ArisanGroup, group_id)
        slots = services.slot_ids(group)
    twice = {f"urutan_{s}": "1" for s in slots}
    response = submit_form(siti, f"/arisan/{group_id}/urutan", ORDER, data=twice)
    assert response.status_code == 422
    assert "Setiap nomor urut hanya untuk satu nama." in said(response)
    missing = submit_form(
        siti, f"/arisan/{group_id}/urutan", ORDER, data={f"urutan_{slots[0]}": ""}
    )
    assert missing.status_code == 422
    assert "Beri setiap nama nomor urutnya." in said(missing)
    with app.app_context():
        assert set(services.turn_order(db.session.get(ArisanGroup, group_id)).values()) == {None}


def test_only_the_pengelola_of_a_fixed_order_group_sets_the_order(app, world, as_user):
    from community.accounts.models import User

    _siti, group_id = fixed_group(world, as_user)
    with app.app_context():
        group = db.session.get(ArisanGroup, group_id)
        others = [db.session.get(User, m.user_id) for m in group.members
                  if m.user_id and not m.is_pengelola]  # fmt: skip
    assert others, "the group has members besides its pengelola"
    assert as_user(others[0]).get(f"/arisan/{group_id}/urutan").status_code == 403
    assert as_user(world["resident_b"]).get(f"/arisan/{group_id}/urutan").status_code == 404
    drawing = submit_form(as_user(world["resident_a"]), NEW, CREATE_FORM,
                          data=create_data(world, dua_nama=[]))  # fmt: skip
    drawing_id = int(drawing.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert as_user(world["resident_a"]).get(f"/arisan/{drawing_id}/urutan").status_code == 404
