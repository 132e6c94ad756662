"""Paper ballots through the pages, with the form as rendered: the pengurus enters the
counts of a batch, the results show them apart and add them to turnout, the log says who
entered them and when; counts that do not add up answer 422 and change nothing."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from community.accounts.models import User
from community.areas.models import Wilayah
from community.extensions import db
from community.musyawarah import services as musyawarah
from community.musyawarah.models import PaperTally
from tests.conftest import text_of
from tests.forms import submit_form


def said(response) -> str:
    return html.unescape(text_of(response))


def _poll(app, world, kind="tunggal"):
    with app.app_context():
        ketua = db.session.get(User, world["pengurus_a"].id)
        poll = musyawarah.create_poll(
            db.session.get(Wilayah, world.rt_a.id), by=ketua, question="Jadwal kerja bakti",
            description="", kind=kind, options=["Sabtu", "Minggu"], max_choices=2,
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
    with app.app_context():
        assert db.session.scalar(select(func.count(PaperTally.id))) == 0


def test_a_ranking_has_no_paper_form(app, world, as_user):
    poll_id, _ = _poll(app, world, kind="peringkat")
    ketua = as_user(world["pengurus_a"])
    assert "Catat suara kertas" not in said(ketua.get(f"/jajak/{poll_id}"))
    page = ketua.get(f"/jajak/{poll_id}/kertas")
    assert "Suara kertas hanya untuk pilih satu atau pilih beberapa." in said(page)


@pytest.mark.parametrize("who", ["resident_a", "resident_b"])
def test_residents_may_not_enter_paper(app, world, as_user, who):
    poll_id, _ = _poll(app, world)
    assert as_user(world[who]).get(f"/jajak/{poll_id}/kertas").status_code in (403, 404)
