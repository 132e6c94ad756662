"""Paper ballots through the pages, with the form as rendered: the pengurus enters the
counts of a batch, the results show them apart and add them to turnout, the log says who
entered them and when; counts that do not add up answer 422 and change nothing."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import lxml.html
import pytest
import time_machine
from sqlalchemy import func, select

from community.accounts.models import User
from community.areas.models import Wilayah
from community.extensions import db
from community.musyawarah import services as musyawarah
from community.musyawarah.models import PaperTally, PaperTallyRank
from tests.conftest import text_of
from tests.forms import find_form, form_fields, submit_form


def said(response) -> str:
    return html.unescape(text_of(response))


def _poll(app, world, kind="tunggal", options=("Sabtu", "Minggu")):
    with app.app_context():
        ketua = db.session.get(User, world["pengurus_a"].id)
        poll = musyawarah.create_poll(
            db.session.get(Wilayah, world.rt_a.id), by=ketua, question="Jadwal kerja bakti",
            description="", kind=kind, options=list(options), max_choices=2,
            is_secret=False, shows_live=False, opens_at=world.now,
            closes_at=world.now + timedelta(days=2), now=world.now,
        )  # fmt: skip
        musyawarah.vote(poll, db.session.get(User, world["resident_a"].id),
                        [poll.options[0].id], now=world.now)  # fmt: skip
        db.session.commit()
        return poll.id, [o.id for o in poll.options]


def _enter(client, poll_id, **data):
    url = f"/jajak/{poll_id}/kertas"
    return submit_form(client, url, f"form[action='{url}']", data)


def test_paper_ballots_are_shown_apart_and_counted_in_turnout(app, world, as_user):
    poll_id, (sabtu, minggu) = _poll(app, world)
    ketua = as_user(world["pengurus_a"])
    assert "Catat suara kertas" in said(ketua.get(f"/jajak/{poll_id}"))
    assert "Catat suara kertas" not in said(as_user(world["resident_a"]).get(f"/jajak/{poll_id}"))
    response = _enter(ketua, poll_id, ballots="5", **{f"option_{sabtu}": "1",
                                                      f"option_{minggu}": "4"})  # fmt: skip
    assert response.status_code == 303
    page = said(ketua.get(f"/jajak/{poll_id}"))
    assert "5 surat suara" in page and "dicatat oleh Haji Rahmat" in page
    # results hidden until closing, but turnout counts the paper: 1 + 5
    assert "6 dari" in page
    with time_machine.travel(world.now + timedelta(days=2, minutes=1)):
        page = said(as_user(world["resident_a"]).get(f"/jajak/{poll_id}"))
        assert "Termasuk 5 surat suara kertas." in page
        assert "Terbanyak: Minggu" in page  # 4 on paper against 2
        assert "Kertas" in page
        # still within the grace days: a second batch adds up
        _enter(ketua, poll_id, ballots="2", **{f"option_{sabtu}": "2"})
        page = said(ketua.get(f"/jajak/{poll_id}"))
        assert "Termasuk 7 surat suara kertas." in page
        assert "8 dari" in page


def test_counts_that_do_not_add_up_change_nothing(app, world, as_user):
    poll_id, (sabtu, minggu) = _poll(app, world)
    ketua = as_user(world["pengurus_a"])
    response = _enter(ketua, poll_id, ballots="3", **{f"option_{sabtu}": "3",
                                                      f"option_{minggu}": "1"})  # fmt: skip
    assert response.status_code == 422
    assert "tidak cocok dengan jumlah surat suara" in said(response)
    response = _enter(ketua, poll_id, ballots="", **{f"option_{sabtu}": "1"})
    assert response.status_code == 422
    assert "Isi jumlah surat suara." in said(response)
    response = _enter(ketua, poll_id, ballots="3", **{f"option_{sabtu}": "-1"})
    assert response.status_code == 422
    with time_machine.travel(world.now + timedelta(days=5, minutes=1)):
        response = _enter(ketua, poll_id, ballots="1", **{f"option_{sabtu}": "1"})
        assert response.status_code == 422
        assert "paling lambat dicatat 3 hari setelah ditutup" in said(response)
    with time_machine.travel(world.now - timedelta(minutes=5)):
        response = _enter(as_user(world["pengurus_a"]), poll_id, **{f"option_{sabtu}": "1"},
                          ballots="1")  # fmt: skip
        assert response.status_code == 422
        assert "Jajak pendapat ini belum dibuka." in said(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(PaperTally.id))) == 0


def test_ranked_paper_ballots_are_entered_order_by_order(app, world, as_user):
    """A ranking on paper: the pengurus reads the ballots out and enters each order with
    how many ballots carry it, staying on the form for the next; blank ballots are an
    empty order; the points are Borda points, as on a phone."""
    poll_id, (sabtu, minggu, _senin) = _poll(app, world, "peringkat",
                                             ("Sabtu", "Minggu", "Senin"))  # fmt: skip
    ketua = as_user(world["pengurus_a"])
    assert "Catat suara kertas" in said(ketua.get(f"/jajak/{poll_id}"))
    form_page = said(ketua.get(f"/jajak/{poll_id}/kertas"))
    assert "Sudah dicatat: 0 surat suara kertas." in form_page
    assert "Pilihan ke-1" in form_page and "Pilihan ke-2" in form_page
    assert "Pilihan ke-3" not in form_page  # N = 2
    response = _enter(ketua, poll_id, rank_1=str(minggu), rank_2=str(sabtu), ballots="3")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/jajak/{poll_id}/kertas")
    page = said(ketua.get(response.headers["Location"]))
    assert "Dicatat: 3 surat suara." in page
    assert "Sudah dicatat: 3 surat suara kertas." in page
    # one blank ballot: nothing chosen (the form's own default count is 1)
    assert _enter(ketua, poll_id).status_code == 303
    with app.app_context():
        ranks = db.session.execute(
            select(PaperTally.ballots, PaperTallyRank.place, PaperTallyRank.option_id)
            .outerjoin(PaperTallyRank).order_by(PaperTally.id, PaperTallyRank.place)
        ).all()  # fmt: skip
    assert [tuple(r) for r in ranks] == [(3, 1, minggu), (3, 2, sabtu), (1, None, None)]
    # the results count them once the poll closes: phone [Sabtu] = 2, paper 3 x (Minggu 2,
    # Sabtu 1): Minggu 6, Sabtu 5, Senin 0
    with time_machine.travel(world.now + timedelta(days=2, minutes=1)):
        response = as_user(world["resident_a"]).get(f"/jajak/{poll_id}")
    page = said(response)
    assert "Termasuk 4 surat suara kertas." in page
    assert "5 dari" in page
    assert "Terbanyak: Minggu" in page
    doc = lxml.html.document_fromstring(response.get_data(as_text=True))
    rows = [[td.text_content().strip() for td in tr.cssselect("td")]
            for tr in doc.cssselect("table.poll-results tbody tr")]  # fmt: skip
    # place, option, points, of which on paper
    assert rows == [["1", "Minggu", "6", "6"], ["2", "Sabtu", "5", "3"], ["3", "Senin", "0", "0"]]


def test_an_order_a_ballot_may_not_have_changes_nothing(app, world, as_user):
    poll_id, (sabtu, _minggu, senin) = _poll(app, world, "peringkat",
                                             ("Sabtu", "Minggu", "Senin"))  # fmt: skip
    ketua = as_user(world["pengurus_a"])
    response = _enter(ketua, poll_id, rank_1=str(sabtu), rank_2=str(sabtu), ballots="2")
    assert response.status_code == 422
    assert "Setiap pilihan hanya boleh muncul sekali dalam urutan." in said(response)
    for ballots in ("0", "5001", "-3"):
        response = _enter(ketua, poll_id, rank_1=str(senin), ballots=ballots)
        assert response.status_code == 422
        assert "Jumlah surat suara antara 1 dan 5.000." in said(response)
    response = _enter(ketua, poll_id, rank_1=str(senin), ballots="")
    assert response.status_code == 422
    assert "Isi jumlah surat suara." in said(response)
    with time_machine.travel(world.now + timedelta(days=5, minutes=1)):
        response = _enter(as_user(world["pengurus_a"]), poll_id, rank_1=str(senin))
        assert response.status_code == 422
        assert "paling lambat dicatat 3 hari setelah ditutup" in said(response)
    with time_machine.travel(world.now - timedelta(minutes=5)):
        response = _enter(as_user(world["pengurus_a"]), poll_id, rank_1=str(senin))
        assert response.status_code == 422
        assert "Jajak pendapat ini belum dibuka." in said(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(PaperTally.id))) == 0
    assert "Sudah dicatat: 0 surat suara kertas." in said(ketua.get(f"/jajak/{poll_id}/kertas"))


@pytest.mark.parametrize("who", ["resident_a", "resident_b"])
def test_residents_may_not_enter_paper(app, world, as_user, who):
    poll_id, _ = _poll(app, world)
    assert as_user(world[who]).get(f"/jajak/{poll_id}/kertas").status_code in (403, 404)


WITHDRAW = re.compile(r"/jajak/\d+/kertas/\d+/batal")


def _withdraw_form(client, poll_id):
    """The first "Batalkan" form of the poll page's paper log, as rendered now."""
    html_page = client.get(f"/jajak/{poll_id}").get_data(as_text=True)
    form = find_form(html_page, f"form[action^='/jajak/{poll_id}/kertas/'][action$='/batal']")
    return form.get("action"), form_fields(form)


def test_a_batch_entered_by_mistake_is_withdrawn_and_no_longer_counts(app, world, as_user):
    """A typo in a batch (5 instead of 3 ballots) is withdrawn from the poll page: struck
    out in the log with who withdrew it, left out of the results and turnout; entered
    again right. A second tab's stale button, and any after the grace days, change
    nothing."""
    poll_id, (sabtu, minggu) = _poll(app, world)
    ketua = as_user(world["pengurus_a"])
    _enter(ketua, poll_id, ballots="5", **{f"option_{sabtu}": "5"})
    assert "6 dari" in said(ketua.get(f"/jajak/{poll_id}"))  # 1 on a phone + 5
    resident_page = as_user(world["resident_a"]).get(f"/jajak/{poll_id}").get_data(as_text=True)
    assert not WITHDRAW.search(resident_page)
    action, fields = _withdraw_form(ketua, poll_id)
    response = submit_form(ketua, f"/jajak/{poll_id}", f"form[action='{action}']")
    assert response.status_code == 303
    page = said(ketua.get(f"/jajak/{poll_id}"))
    assert "Pencatatan 5 surat suara kertas dibatalkan; tidak dihitung lagi." in page
    assert "Dibatalkan, tidak dihitung" in page and "oleh Haji Rahmat" in page
    assert "1 dari" in page  # the phone ballot only
    # the same button from a tab opened before: refused, nothing changes
    stale = ketua.post(action, data=dict(fields))
    assert stale.status_code == 422
    assert "Pencatatan ini sudah dibatalkan." in said(stale)
    _enter(ketua, poll_id, ballots="3", **{f"option_{minggu}": "3"})
    with app.app_context():
        withdrawn = db.session.scalars(select(PaperTally).order_by(PaperTally.id)).all()
        assert [(b.ballots, b.is_counted) for b in withdrawn] == [(5, False), (3, True)]
    with time_machine.travel(world.now + timedelta(days=2, minutes=1)):
        page = said(as_user(world["resident_a"]).get(f"/jajak/{poll_id}"))
        # Sabtu: 1 on a phone; Minggu: 3 on paper; the withdrawn 5 for Sabtu are not there
        assert "Termasuk 3 surat suara kertas." in page and "4 dari" in page
        assert "Terbanyak: Minggu" in page
    # the page opened on the last evening of the grace days, the button pressed after it
    with time_machine.travel(world.now + timedelta(days=4, hours=23)):
        ketua = as_user(world["pengurus_a"])
        action, fields = _withdraw_form(ketua, poll_id)  # the 3-ballot batch's
    with time_machine.travel(world.now + timedelta(days=5, minutes=1)):
        late = ketua.post(action, data=dict(fields))
        assert late.status_code == 422
        assert "Hasilnya sudah final" in said(late)
        assert not WITHDRAW.search(late.get_data(as_text=True))  # no button any more
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(PaperTally.is_counted)) == 1
