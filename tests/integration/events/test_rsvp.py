"""RSVP: Hadir / Mungkin / Tidak, guests, the capacity, the Daftar Tunggu and its
automatic promotion, and every way an answer is refused. Through the services and
through the routes (a plain form post and an htmx request).

World: RT A's gotong royong has capacity 3; RW 01's pengajian has no capacity.
After every step the ledger checks that ``seats_taken`` equals the confirmed parties.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from community.core.time import utcnow
from community.events import rules
from community.events.models import Answer, Rsvp
from community.extensions import db
from tests.conftest import post_form
from tests.forms import submit_form
from tests.integration.events.conftest import (
    HX,
    answer_via_route,
    count_rsvps,
    forge_answer,
    forge_withdraw,
    ledger,
    respond,
    rsvp_form,
    rsvp_ids,
    said,
    set_activity,
    submit_open_page,
    withdraw,
    withdraw_via_route,
)

HADIR, MUNGKIN, TIDAK = Answer.HADIR, Answer.MUNGKIN, Answer.TIDAK
NO_ROOM = "Kuota penuh: tidak ada tempat untuk tamu tambahan. Jawaban lama Anda tetap."


@pytest.fixture
def gotong(world) -> int:
    """RT A's gotong royong, capacity 3."""
    return world.activities["rt_a"].id


@pytest.fixture
def pengajian(world) -> int:
    """RW 01's pengajian, no capacity."""
    return world.activities["rw"].id


def panel_id(activity_id: int) -> str:
    return f'id="rsvp-panel-{activity_id}"'


def assert_fragment(response, activity_id: int) -> None:
    body = response.get_data(as_text=True)
    assert panel_id(activity_id) in body
    assert "<html" not in body and "<h1" not in body  # the panel alone, not the page
    assert "HX-Request" in response.headers.get("Vary", "")


# --- through the services ---------------------------------------------------------------


def test_hadir_mungkin_tidak_and_change(app, world, gotong):
    siti = world["resident_a"].id
    respond(app, gotong, siti, HADIR)
    state = ledger(app, gotong)
    assert state.entries[siti] == (HADIR, 0, False) and state.seats_taken == 1

    respond(app, gotong, siti, MUNGKIN)
    state = ledger(app, gotong)
    assert state.entries[siti].answer == MUNGKIN and state.seats_taken == 0

    respond(app, gotong, siti, TIDAK)
    state = ledger(app, gotong)
    assert state.entries[siti].answer == TIDAK and state.seats_taken == 0

    respond(app, gotong, siti, HADIR, guests=1)
    state = ledger(app, gotong)
    assert state.entries[siti] == (HADIR, 1, False) and state.seats_taken == 2
    assert count_rsvps(app, gotong) == 1  # changed, never duplicated


def test_guests_only_come_with_a_hadir(app, world, pengajian):
    siti = world["resident_a"].id
    respond(app, pengajian, siti, MUNGKIN, guests=4)
    state = ledger(app, pengajian)
    assert state.entries[siti] == (MUNGKIN, 0, False) and state.seats_taken == 0


def test_withdraw_removes_the_answer(app, world, gotong):
    siti = world["resident_a"].id
    respond(app, gotong, siti, HADIR, guests=1)
    assert ledger(app, gotong).seats_taken == 2
    withdraw(app, gotong, siti)
    state = ledger(app, gotong)
    assert state.entries == {} and state.seats_taken == 0
    withdraw(app, gotong, siti)  # withdrawing twice is harmless
    assert ledger(app, gotong).entries == {}


def test_no_capacity_takes_everyone(app, world, pengajian, neighbours):
    people = neighbours(12, world.rt_a)
    for person in people:
        respond(app, pengajian, person.id, HADIR, guests=2)
    state = ledger(app, pengajian)
    assert state.seats_taken == 36 and state.waitlist == []


def test_guests_fill_the_capacity_and_the_next_hadir_waits(app, world, gotong, neighbours):
    siti = world["resident_a"].id
    budi, citra = (p.id for p in neighbours(2, world.rt_a))
    respond(app, gotong, siti, HADIR, guests=2)
    assert ledger(app, gotong).seats_taken == 3

    respond(app, gotong, budi, HADIR)
    respond(app, gotong, citra, HADIR)
    state = ledger(app, gotong)
    assert state.seats_taken == 3
    assert state.entries[budi] == (HADIR, 0, True)
    assert state.waitlist == [budi, citra]


def test_a_freed_place_goes_to_the_first_in_line_only(app, world, gotong, neighbours):
    siti, rahmat = world["resident_a"].id, world["pengurus_a"].id
    budi, citra = (p.id for p in neighbours(2, world.rt_a))
    respond(app, gotong, siti, HADIR)
    respond(app, gotong, rahmat, HADIR, guests=1)
    respond(app, gotong, budi, HADIR)
    respond(app, gotong, citra, HADIR)
    assert ledger(app, gotong).waitlist == [budi, citra]

    promoted = respond(app, gotong, siti, TIDAK)
    state = ledger(app, gotong)
    assert promoted == [rsvp_ids(app, gotong)[budi]]
    assert state.entries[budi] == (HADIR, 0, False)
    assert state.waitlist == [citra] and state.seats_taken == 3


def test_withdrawing_a_big_party_promotes_several_at_once(app, world, gotong, neighbours):
    siti = world["resident_a"].id
    waiting = [p.id for p in neighbours(4, world.rt_a)]
    respond(app, gotong, siti, HADIR, guests=2)
    for person in waiting:
        respond(app, gotong, person, HADIR)
    assert ledger(app, gotong).waitlist == waiting

    withdraw(app, gotong, siti)
    state = ledger(app, gotong)
    assert state.confirmed == waiting[:3] and state.waitlist == waiting[3:]
    assert state.seats_taken == 3


def test_fewer_guests_frees_places_for_the_line(app, world, gotong, neighbours):
    siti = world["resident_a"].id
    budi = neighbours(1, world.rt_a)[0].id
    respond(app, gotong, siti, HADIR, guests=2)
    respond(app, gotong, budi, HADIR)
    respond(app, gotong, siti, HADIR, guests=1)
    state = ledger(app, gotong)
    assert state.entries[siti] == (HADIR, 1, False)
    assert state.entries[budi] == (HADIR, 0, False) and state.seats_taken == 3


def test_the_head_of_the_line_that_does_not_fit_blocks_those_behind(app, world, gotong, neighbours):
    siti = world["resident_a"].id
    budi, citra = (p.id for p in neighbours(2, world.rt_a))
    respond(app, gotong, siti, HADIR, guests=2)
    respond(app, gotong, budi, HADIR, guests=1)  # a party of two waits first
    respond(app, gotong, citra, HADIR)  # a single resident waits behind them
    respond(app, gotong, siti, HADIR, guests=1)  # one place frees up
    state = ledger(app, gotong)
    assert state.seats_taken == 2
    assert state.waitlist == [budi, citra]  # Citra does not jump the queue


def test_a_newcomer_does_not_take_a_place_ahead_of_the_line(app, world, gotong, neighbours):
    siti = world["resident_a"].id
    budi, citra, dewi = (p.id for p in neighbours(3, world.rt_a))
    respond(app, gotong, siti, HADIR, guests=2)
    respond(app, gotong, budi, HADIR, guests=1)  # party of two, first in line
    respond(app, gotong, citra, HADIR)
    respond(app, gotong, siti, HADIR, guests=1)  # one place free; Budi does not fit
    respond(app, gotong, dewi, HADIR)  # arrives last: must queue behind Budi and Citra
    state = ledger(app, gotong)
    assert state.waitlist == [budi, citra, dewi]
    assert state.seats_taken == 2


@pytest.mark.parametrize("how", ["mungkin", "withdraw"])
def test_when_the_blocking_head_leaves_the_next_in_line_moves_up(
    app, world, gotong, neighbours, how
):
    siti = world["resident_a"].id
    budi, citra = (p.id for p in neighbours(2, world.rt_a))
    respond(app, gotong, siti, HADIR, guests=2)
    respond(app, gotong, budi, HADIR, guests=1)  # party of two, first in line
    respond(app, gotong, citra, HADIR)
    respond(app, gotong, siti, HADIR, guests=1)  # one place free; Budi does not fit
    assert ledger(app, gotong).waitlist == [budi, citra]

    if how == "withdraw":
        withdraw(app, gotong, budi)
    else:
        respond(app, gotong, budi, MUNGKIN)
    state = ledger(app, gotong)
    assert state.entries[citra] == (HADIR, 0, False)  # the free place is hers now
    assert state.waitlist == [] and state.seats_taken == 3


def test_the_head_of_the_line_with_fewer_guests_takes_the_free_place(
    app, world, gotong, neighbours
):
    siti = world["resident_a"].id
    budi, citra = (p.id for p in neighbours(2, world.rt_a))
    respond(app, gotong, siti, HADIR, guests=2)
    respond(app, gotong, budi, HADIR, guests=1)
    respond(app, gotong, citra, HADIR)
    respond(app, gotong, siti, HADIR, guests=1)
    respond(app, gotong, citra, HADIR)  # second in line: still waits behind Budi
    assert ledger(app, gotong).waitlist == [budi, citra]
    respond(app, gotong, budi, HADIR)  # the head comes alone now and fits
    state = ledger(app, gotong)
    assert state.entries[budi] == (HADIR, 0, False)
    assert state.waitlist == [citra] and state.seats_taken == 3


def test_answering_hadir_again_keeps_the_place_in_line(app, world, gotong, neighbours):
    siti = world["resident_a"].id
    budi, citra = (p.id for p in neighbours(2, world.rt_a))
    respond(app, gotong, siti, HADIR, guests=2)
    respond(app, gotong, budi, HADIR)
    respond(app, gotong, citra, HADIR)
    respond(app, gotong, budi, HADIR)  # e.g. only the note changed
    assert ledger(app, gotong).waitlist == [budi, citra]

    respond(app, gotong, budi, MUNGKIN)  # leaving the line
    assert ledger(app, gotong).waitlist == [citra]
    respond(app, gotong, budi, HADIR)  # and back: at the end
    assert ledger(app, gotong).waitlist == [citra, budi]


def test_more_guests_than_free_places_keeps_the_old_answer(app, world, gotong, neighbours):
    siti = world["resident_a"].id
    budi = neighbours(1, world.rt_a)[0].id
    respond(app, gotong, siti, HADIR)
    respond(app, gotong, budi, HADIR)
    with pytest.raises(rules.EventError) as refused:
        respond(app, gotong, siti, HADIR, guests=2)
    assert refused.value.code == "no_room_for_guests"
    state = ledger(app, gotong)
    assert state.entries[siti] == (HADIR, 0, False) and state.seats_taken == 2


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"is_cancelled": True, "cancel_reason": "Hujan deras"}, "cancelled"),
        ("deadline", "deadline"),
        ("started", "started"),
    ],
)
def test_closed_activities_refuse_answers_in_the_service(app, world, gotong, change, code):
    siti, rahmat = world["resident_a"].id, world["pengurus_a"].id
    respond(app, gotong, siti, HADIR)
    close(app, gotong, change)
    before = ledger(app, gotong)
    for attempt in (
        lambda: respond(app, gotong, siti, TIDAK),
        lambda: respond(app, gotong, rahmat, HADIR),
        lambda: withdraw(app, gotong, siti),
    ):
        with pytest.raises(rules.EventError) as refused:
            attempt()
        assert refused.value.code == code
        assert ledger(app, gotong) == before


@pytest.mark.parametrize(("guests", "code"), [(11, "guests"), (-1, "guests")])
def test_guests_out_of_range_in_the_service(app, world, gotong, guests, code):
    with pytest.raises(rules.EventError) as refused:
        respond(app, gotong, world["resident_a"].id, HADIR, guests=guests)
    assert refused.value.code == code
    assert count_rsvps(app, gotong) == 0


def test_an_unknown_answer_in_the_service(app, world, gotong):
    with pytest.raises(rules.EventError) as refused:
        respond(app, gotong, world["resident_a"].id, "ya")
    assert refused.value.code == "answer"
    assert count_rsvps(app, gotong) == 0


def close(app, activity_id: int, change) -> None:
    now = utcnow()
    if change == "deadline":
        set_activity(app, activity_id, rsvp_deadline_at=now - timedelta(minutes=1))
    elif change == "started":
        set_activity(
            app, activity_id, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=2)
        )
    else:
        set_activity(app, activity_id, **change)


# --- through the routes -----------------------------------------------------------------


def test_plain_post_redirects_to_the_activity(app, world, gotong, as_user):
    siti = world["resident_a"]
    client = as_user(siti)
    response = answer_via_route(client, gotong, "hadir")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/kegiatan/{gotong}")
    page = client.get(f"/kegiatan/{gotong}")
    text = said(page)
    assert "1 hadir dari kuota 3" in text
    assert "Jawaban Anda: Hadir" in text
    assert 'aria-pressed="true"' in page.get_data(as_text=True)
    assert ledger(app, gotong).entries[siti.id] == (HADIR, 0, False)


def test_plain_post_goes_back_where_it_came_from_but_only_inside_the_site(
    app, world, gotong, as_user
):
    client = as_user(world["resident_a"])
    home = submit_form(client, "/", f"#card-answer-{gotong} form", button="[value='mungkin']")
    assert home.status_code == 303 and home.headers["Location"] in ("/", "http://localhost/")
    # tampered: not what the page renders
    away = forge_answer(client, gotong, "hadir", next="https://jahat.example/")
    assert away.status_code == 303
    assert away.headers["Location"].endswith(f"/kegiatan/{gotong}")


def test_htmx_post_answers_with_the_panel_and_the_new_count(app, world, gotong, as_user):
    siti = world["resident_a"]
    client = as_user(siti)

    response = answer_via_route(client, gotong, "hadir", htmx=True)
    assert response.status_code == 200
    assert_fragment(response, gotong)
    assert "1 hadir dari kuota 3" in said(response)
    assert "Jawaban Anda: Hadir" in said(response)
    assert ledger(app, gotong).seats_taken == 1

    response = answer_via_route(client, gotong, "mungkin", htmx=True)
    assert response.status_code == 200
    assert_fragment(response, gotong)
    text = said(response)
    assert "0 hadir dari kuota 3" in text and "1 mungkin" in text
    assert "Jawaban Anda: Mungkin Hadir" in text
    assert ledger(app, gotong).entries[siti.id].answer == MUNGKIN

    response = answer_via_route(client, gotong, "tidak", htmx=True)
    assert "Jawaban Anda: Tidak Hadir" in said(response) and "0 mungkin" in said(response)
    state = ledger(app, gotong)
    assert state.entries[siti.id].answer == TIDAK and state.seats_taken == 0


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_withdraw_through_the_route(app, world, gotong, as_user, htmx):
    siti = world["resident_a"]
    client = as_user(siti)
    answer_via_route(client, gotong, "hadir", guests=2)
    assert ledger(app, gotong).seats_taken == 3

    response = withdraw_via_route(client, gotong, htmx=htmx)
    if htmx:
        assert response.status_code == 200
        assert_fragment(response, gotong)
        assert "0 hadir dari kuota 3" in said(response)
        assert "Jawaban Anda" not in said(response)
    else:
        assert response.status_code == 303
    state = ledger(app, gotong)
    assert state.entries == {} and state.seats_taken == 0


def test_guests_fill_the_capacity_and_the_next_hadir_is_told_their_place(
    app, world, gotong, as_user, neighbours
):
    siti = world["resident_a"]
    budi, citra = neighbours(2, world.rt_a)

    response = answer_via_route(as_user(siti), gotong, "hadir", guests=2, htmx=True)
    text = said(response)
    assert "3 hadir dari kuota 3" in text and "+ 2 tamu" in text and "Kuota penuh" in text
    assert ledger(app, gotong).seats_taken == 3

    response = answer_via_route(as_user(budi), gotong, "hadir", htmx=True)
    assert response.status_code == 200
    text = said(response)
    assert "Anda di Daftar Tunggu, urutan ke-1." in text
    assert "3 hadir dari kuota 3" in text and "1 di Daftar Tunggu" in text
    assert ledger(app, gotong).waitlist == [budi.id]

    response = answer_via_route(as_user(citra), gotong, "hadir", htmx=True)
    assert "urutan ke-2" in said(response)
    state = ledger(app, gotong)
    assert state.waitlist == [budi.id, citra.id] and state.seats_taken == 3

    # The feed says so too.
    card = said(as_user(citra).get("/"))
    assert "Jawaban Anda: Hadir (Daftar Tunggu)" in card


@pytest.mark.parametrize("how", ["withdraw", "tidak"])
def test_a_confirmed_resident_leaving_promotes_the_first_in_line(
    app, world, gotong, as_user, neighbours, how
):
    siti, rahmat = world["resident_a"], world["pengurus_a"]
    budi, citra = neighbours(2, world.rt_a)
    answer_via_route(as_user(siti), gotong, "hadir")
    answer_via_route(as_user(rahmat), gotong, "hadir", guests=1)
    answer_via_route(as_user(budi), gotong, "hadir")
    answer_via_route(as_user(citra), gotong, "hadir")
    assert ledger(app, gotong).waitlist == [budi.id, citra.id]

    if how == "withdraw":
        response = withdraw_via_route(as_user(siti), gotong, htmx=True)
    else:
        response = answer_via_route(as_user(siti), gotong, "tidak", htmx=True)
    assert response.status_code == 200
    assert "3 hadir dari kuota 3" in said(response) and "1 di Daftar Tunggu" in said(response)

    state = ledger(app, gotong)
    assert state.entries[budi.id] == (HADIR, 0, False)  # waitlisted_at is NULL now
    assert state.waitlist == [citra.id] and state.seats_taken == 3

    budi_sees = said(as_user(budi).get(f"/kegiatan/{gotong}"))
    assert "Jawaban Anda: Hadir" in budi_sees and "Daftar Tunggu, urutan" not in budi_sees
    assert "urutan ke-1" in said(as_user(citra).get(f"/kegiatan/{gotong}"))


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_more_guests_than_free_places_is_refused_with_the_old_answer_kept(
    app, world, gotong, as_user, neighbours, htmx
):
    siti = world["resident_a"]
    budi = neighbours(1, world.rt_a)[0]
    answer_via_route(as_user(siti), gotong, "hadir")
    answer_via_route(as_user(budi), gotong, "hadir")

    response = answer_via_route(as_user(siti), gotong, "hadir", guests=2, htmx=htmx)
    assert response.status_code == 422
    text = said(response)
    assert NO_ROOM in text
    assert "2 hadir dari kuota 3" in text
    if htmx:
        assert_fragment(response, gotong)
    state = ledger(app, gotong)
    assert state.entries[siti.id] == (HADIR, 0, False) and state.seats_taken == 2


CLOSED = {
    "deadline": "Batas waktu konfirmasi sudah lewat.",
    "cancelled": "Kegiatan ini sudah dibatalkan.",
    "started": "Kegiatan ini sudah dimulai.",
}


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("reason", sorted(CLOSED))
def test_closed_activities_refuse_answers_through_the_route(
    app, world, gotong, as_user, reason, htmx
):
    siti, rahmat = as_user(world["resident_a"]), as_user(world["pengurus_a"])
    answer_via_route(siti, gotong, "hadir")
    # Both still have the page open from before it closed.
    siti_page = siti.get(f"/kegiatan/{gotong}").get_data(as_text=True)
    rahmat_page = rahmat.get(f"/kegiatan/{gotong}").get_data(as_text=True)
    change = {"is_cancelled": True, "cancel_reason": "Hujan deras"}
    close(app, gotong, change if reason == "cancelled" else reason)
    before = ledger(app, gotong)

    answer, leave = rsvp_form(gotong), f"form[action$='/kegiatan/{gotong}/jawab/hapus']"
    for response in (
        submit_open_page(siti, siti_page, answer, answer="tidak", htmx=htmx),
        submit_open_page(rahmat, rahmat_page, answer, answer="hadir", htmx=htmx),
        submit_open_page(siti, siti_page, leave, htmx=htmx),
    ):
        assert response.status_code == 422
        assert CLOSED[reason] in said(response)
        if htmx:
            assert_fragment(response, gotong)
        assert ledger(app, gotong) == before
    assert count_rsvps(app, gotong) == 1


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("guests", ["11", "-1", "99", "dua"])
def test_guests_outside_the_limit_are_refused(app, world, gotong, as_user, guests, htmx):
    response = answer_via_route(as_user(world["resident_a"]), gotong, "hadir", guests=guests,
                                htmx=htmx)  # fmt: skip
    assert response.status_code == 422
    text = said(response)
    if guests == "dua":
        assert "Isian ini harus berupa angka." in text
    else:
        assert "Tamu paling banyak 10 orang." in text
    assert count_rsvps(app, gotong) == 0
    assert ledger(app, gotong).seats_taken == 0


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("answer", ["ya", "", "HADIR", "hadir; DROP TABLE rsvp"])
def test_an_answer_outside_the_three_is_refused(app, world, gotong, as_user, answer, htmx):
    # tampered: not what the page renders
    response = forge_answer(as_user(world["resident_a"]), gotong, answer, htmx=htmx)
    assert response.status_code == 422
    assert "Pilih Hadir, Mungkin Hadir, atau Tidak Hadir." in said(response)
    assert count_rsvps(app, gotong) == 0


def test_an_activity_outside_the_residents_wilayah_is_not_found(app, world, as_user):
    budi = world["resident_b"]  # RT B
    rt_a = world.activities["rt_a"].id
    client = as_user(budi)
    for htmx in (False, True):  # tampered: not what the page renders (it is not found)
        assert forge_answer(client, rt_a, "hadir", htmx=htmx).status_code == 404
        assert forge_withdraw(client, rt_a, htmx=htmx).status_code == 404
    assert client.get(f"/kegiatan/{rt_a}").status_code == 404
    assert count_rsvps(app) == 0
    assert ledger(app, rt_a).seats_taken == 0

    pending = as_user(world["pending"])  # not yet a member of RT A
    assert forge_answer(pending, rt_a, "hadir").status_code == 404  # tampered, as above
    assert count_rsvps(app) == 0


def test_the_rw_activity_is_answered_by_both_rts(app, world, pengajian, as_user):
    for who in ("resident_a", "resident_b"):
        response = answer_via_route(as_user(world[who]), pengajian, "hadir", htmx=True)
        assert response.status_code == 200
    state = ledger(app, pengajian)
    assert set(state.confirmed) == {world["resident_a"].id, world["resident_b"].id}


@pytest.mark.parametrize("activity_id", ["999999", "0"])
def test_tampered_ids_are_not_found(app, world, as_user, activity_id):
    client = as_user(world["resident_a"])
    # tampered: not what the page renders
    response = post_form(client, f"/kegiatan/{activity_id}/jawab", {"answer": "hadir"})
    assert response.status_code == 404
    assert count_rsvps(app) == 0


def test_without_a_csrf_token_nothing_is_stored(app, world, gotong, as_user):
    client = as_user(world["resident_a"])
    # tampered: not what the page renders (no CSRF token)
    response = client.post(f"/kegiatan/{gotong}/jawab", data={"answer": "hadir"}, headers=HX)
    assert response.status_code in (400, 403)
    assert count_rsvps(app) == 0


def test_the_private_note_and_help_flag_are_stored(app, world, gotong, as_user):
    client = as_user(world["resident_a"])
    response = answer_via_route(
        client, gotong, "hadir", htmx=True, note="  Saya bawa cangkul  ", needs_help="y"
    )
    assert response.status_code == 200
    with app.app_context():
        rsvp = db.session.query(Rsvp).filter_by(user_id=world["resident_a"].id).one()
        assert (rsvp.note, rsvp.needs_help) == ("Saya bawa cangkul", True)
