"""Musyawarah through the pages, with the forms as rendered: a resident proposes, others
support (with and without htmx) and comment, the pengurus moves it through the flow and
forwards it; a pengurus makes a poll of each kind, residents vote (an open ballot changed,
a secret one refused a second time), results are hidden until closing and then shown with
turnout; bad input answers 422 in Indonesian and changes nothing."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from community.core.time import WITA
from community.extensions import db
from community.musyawarah.models import (
    Ballot,
    Poll,
    PollVoter,
    Proposal,
    ProposalComment,
    ProposalStatusChange,
    ProposalSupport,
)
from tests.conftest import text_of
from tests.forms import submit_form


def said(response) -> str:
    return html.unescape(text_of(response))


@pytest.fixture
def siti(as_user, world):
    return as_user(world["resident_a"])


@pytest.fixture
def ketua(as_user, world):
    return as_user(world["pengurus_a"])


def _propose(client, world, **data):
    fields = {"scope": str(world.rt_a.id), "title": "Lampu jalan Gang 3",
              "category": "infrastruktur", "body": "Gang 3 gelap setelah magrib.",
              "location": "Gang 3, depan musala", **data}  # fmt: skip
    return submit_form(client, "/usulan/baru", "form[action='/usulan/baru']", fields)


def _only_proposal(app) -> tuple[int, str, int]:
    with app.app_context():
        p = db.session.scalar(select(Proposal))
        return p.id, p.status, p.wilayah_id


def test_the_musyawarah_page_links_to_proposing_and_polls(siti, ketua):
    page = said(siti.get("/musyawarah"))
    assert "Buat usulan" in page
    assert "Buat jajak pendapat" not in page
    assert "Belum ada usulan." in page
    assert "Buat jajak pendapat" in said(ketua.get("/musyawarah"))


def test_a_resident_proposes_others_support_and_the_pengurus_forwards(
    app, world, siti, ketua, as_user, make_user
):
    response = _propose(siti, world)
    assert response.status_code == 303
    proposal_id, status, wilayah_id = _only_proposal(app)
    assert (status, wilayah_id) == ("diajukan", world.rt_a.id)
    url = f"/usulan/{proposal_id}"
    page = said(siti.get(url))
    assert "Lampu jalan Gang 3" in page and "0 dukungan" in page
    assert "Dukung" not in page.split("0 dukungan")[1].split("Riwayat")[0]  # not her own

    neighbours = []
    for n in range(3):
        with app.app_context():
            neighbours.append(make_user(f"Tetangga {n}", world.rt_a))
    for neighbour in neighbours:
        response = submit_form(as_user(neighbour), url, "#support-panel form")
        assert response.status_code == 303
    assert "3 dukungan" in said(siti.get(url))
    # seen on the list too
    assert "3 dukungan" in said(siti.get("/musyawarah"))

    # the pengurus: dibahas, then forwarded to the RW; supports and history stay
    form = "form[action$='/status']"
    assert submit_form(ketua, url, form, {"status": "dibahas"}).status_code == 303
    assert submit_form(ketua, url, form, {"status": "diteruskan"}).status_code == 303
    _id, status, wilayah_id = _only_proposal(app)
    assert (status, wilayah_id) == ("diteruskan", world.rw.id)
    page = said(siti.get(url))
    assert "3 dukungan" in page
    assert "Diteruskan ke RW 01" in page or "Diteruskan ke " in page
    assert page.index("Diajukan") < page.index("Dibahas") < page.index("Diteruskan ke")
    # the RT's ketua no longer decides it; the ketua RW does
    assert 'action="' + url + '/status"' not in ketua.get(url).get_data(as_text=True)
    rw = as_user(world["ketua_rw"])
    response = submit_form(rw, url, form, {"status": "ditolak", "reason": ""})
    assert response.status_code == 422
    assert "Tulis alasan penolakan." in said(response)
    assert _only_proposal(app)[1] == "diteruskan"
    response = submit_form(rw, url, form, {"status": "ditolak", "reason": "Sudah dianggarkan PU"})
    assert response.status_code == 303
    page = said(siti.get(url))
    assert "Ditolak" in page and "Alasan: Sudah dianggarkan PU" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(ProposalStatusChange.id))) == 4
        assert db.session.scalar(select(func.count(ProposalSupport.id))) == 3


def test_support_with_htmx_answers_the_panel(app, world, siti, ketua):
    _propose(siti, world)
    proposal_id, *_ = _only_proposal(app)
    url = f"/usulan/{proposal_id}"
    headers = {"HX-Request": "true"}
    response = submit_form(ketua, url, "#support-panel form", headers=headers)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section class="card" id="support-panel"')
    assert "1 dukungan" in said(response)
    assert 'aria-pressed="true"' in body
    # pressing again withdraws
    response = submit_form(ketua, url, "#support-panel form", headers=headers)
    assert "0 dukungan" in said(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(ProposalSupport.id))) == 0


def test_a_resident_of_another_rt_neither_sees_nor_supports(app, world, siti, as_user):
    _propose(siti, world)
    proposal_id, *_ = _only_proposal(app)
    budi = as_user(world["resident_b"])
    assert budi.get(f"/usulan/{proposal_id}").status_code == 404
    assert "Lampu jalan Gang 3" not in said(budi.get("/musyawarah"))


def test_comments(app, world, siti, ketua):
    _propose(siti, world)
    proposal_id, *_ = _only_proposal(app)
    url = f"/usulan/{proposal_id}"
    form = "form[action$='/komentar']"
    response = submit_form(ketua, url, form, {"body": "   "})
    assert response.status_code == 422
    assert "Komentar tidak boleh kosong." in said(response)
    response = submit_form(ketua, url, form, {"body": "x" * 1001})
    assert response.status_code == 422
    assert submit_form(ketua, url, form, {"body": "Setuju, kita bahas Jumat"}).status_code == 303
    assert "Haji Rahmat · " in said(siti.get(url))
    assert "Setuju, kita bahas Jumat" in said(siti.get(url))
    with app.app_context():
        assert db.session.scalar(select(func.count(ProposalComment.id))) == 1


def test_an_empty_proposal_is_refused(app, world, siti):
    response = _propose(siti, world, title="", body="\u200b")
    assert response.status_code == 422
    page = said(response)
    assert "Judul usulan tidak boleh kosong." in page
    assert "Uraian usulan tidak boleh kosong." in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Proposal.id))) == 0


def test_a_proposal_goes_only_to_ones_own_rt_rw_or_kelurahan(app, world, siti, as_user):
    page = siti.get("/usulan/baru").get_data(as_text=True)
    options = re.findall(r'<option[^>]*value="(\d+)"', page)
    assert options == [str(world.rt_a.id), str(world.rw.id), str(world.kelurahan.id)]
    response = _propose(siti, world, scope=str(world.rt_a.id))
    assert response.status_code == 303
    assert as_user(world["admin_kota"]).get("/usulan/baru").status_code == 403


# --- polls -------------------------------------------------------------------------------


def _day(world, days: int) -> str:
    return (world.now + timedelta(days=days)).astimezone(WITA).date().isoformat()


def _create_poll(client, world, **data):
    fields = {"scope": str(world.rt_a.id), "question": "Usulan mana yang dibawa ke Musrenbang?",
              "options": "Drainase Gang Mawar\nLampu jalan Gang 3\nPos kamling\n",
              "kind": "peringkat", "max_choices": "2", "closes_on": _day(world, 7),
              "closes_time": "20:00", **data}  # fmt: skip
    return submit_form(client, "/jajak/baru", "form[action='/jajak/baru']", fields)


def _only_poll(app):
    with app.app_context():
        poll = db.session.scalar(select(Poll).order_by(Poll.id.desc()))
        return poll.id, [o.id for o in poll.options]


def test_a_ranking_poll_hides_results_until_it_closes_then_shows_borda(
    app, world, ketua, siti, as_user, make_user
):
    assert _create_poll(ketua, world).status_code == 303
    poll_id, (drainase, lampu, pos) = _only_poll(app)
    url = f"/jajak/{poll_id}"
    with app.app_context():
        closes_at = db.session.get(Poll, poll_id).closes_at
        assert closes_at.astimezone(WITA).strftime("%H:%M") == "20:00"
    form = "form[action$='/pilih']"
    response = submit_form(siti, url, form, {"rank_1": str(lampu), "rank_2": str(lampu)})
    assert response.status_code == 422
    assert "Setiap pilihan hanya boleh muncul sekali dalam urutan." in said(response)
    assert (
        submit_form(siti, url, form, {"rank_1": str(lampu), "rank_2": str(drainase)}).status_code
        == 303
    )
    # an open ballot: the page shows her choices and she may change them
    page = siti.get(url).get_data(as_text=True)
    assert re.search(rf'<option selected value="{lampu}">|<option value="{lampu}" selected', page)
    assert (
        submit_form(ketua, url, form, {"rank_1": str(pos), "rank_2": str(lampu)}).status_code == 303
    )
    with app.app_context():
        third = make_user("Warga Ketiga", world.rt_a)
    with app.app_context():
        make_user("Warga Belum Memilih", world.rt_a)
    assert submit_form(as_user(third), url, form, {"rank_1": str(lampu)}).status_code == 303
    page = said(siti.get(url))
    assert "Hasil tampil setelah jajak pendapat ditutup." in page
    assert "3 dari 4 warga sudah memilih." in page  # Siti, Haji Rahmat, the third; not the fourth
    assert "Terbanyak" not in page
    with time_machine.travel(closes_at + timedelta(minutes=1), tick=False):
        page = said(siti.get(url))
        assert "Kirim pilihan" not in page
    # Borda, 3 options: 2, 1, 0 points. Lampu 2+1+2, Pos 2, Drainase 1.
    assert "Terbanyak: Lampu jalan Gang 3" in page
    assert "3 dari 4 warga sudah memilih (75%)." in page
    assert re.search(r"1 Lampu jalan Gang 3 5 .*2 Pos kamling 2 .*3 Drainase Gang Mawar 1", page)
    assert "Sudah ditutup" in page


def test_voting_after_closing_is_refused(app, world, ketua, siti):
    _create_poll(ketua, world, kind="tunggal")
    poll_id, (drainase, *_rest) = _only_poll(app)
    url = f"/jajak/{poll_id}"
    page = siti.get(url)  # the ballot as rendered while open
    with app.app_context():
        closes_at = db.session.get(Poll, poll_id).closes_at
    from tests.forms import find_form, form_fields

    fields = dict(form_fields(find_form(page.get_data(as_text=True), "form[action$='/pilih']")))
    fields["choice"] = str(drainase)
    with time_machine.travel(closes_at, tick=False):
        response = siti.post(f"{url}/pilih", data=fields)
    assert response.status_code == 422
    assert "Jajak pendapat ini sudah ditutup." in said(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(PollVoter.id))) == 0


def test_a_secret_multiple_choice_poll(app, world, ketua, siti):
    response = _create_poll(ketua, world, kind="ganda", max_choices="2", is_secret="y",
                            shows_live="y")  # fmt: skip
    assert response.status_code == 303
    poll_id, (drainase, lampu, pos) = _only_poll(app)
    url = f"/jajak/{poll_id}"
    assert "Suara tidak dapat diubah setelah dikirim." in said(siti.get(url))
    form = "form[action$='/pilih']"
    response = submit_form(siti, url, form, {"choice": [str(drainase), str(lampu), str(pos)]})
    assert response.status_code == 422
    assert "Terlalu banyak pilihan untuk jajak pendapat ini." in said(response)
    assert submit_form(siti, url, form, {"choice": [str(drainase), str(pos)]}).status_code == 303
    page = said(siti.get(url))
    assert "Anda sudah memilih." in page
    assert "Kirim pilihan" not in page  # a secret ballot cannot be changed
    assert "Anda sudah memilih. Suara rahasia tidak dapat diubah." in page
    # asked for live, but a secret ballot shows only how many voted until it closes
    assert "1 dari 2 warga sudah memilih." in page
    assert "Hasil tampil setelah jajak pendapat ditutup." in page
    assert "Siti" not in said(ketua.get(url))
    with app.app_context():
        assert db.session.scalar(select(Ballot.voter_id)) is None


def test_a_resident_of_another_rt_cannot_vote(app, world, ketua, as_user):
    _create_poll(ketua, world, kind="tunggal")
    poll_id, _options = _only_poll(app)
    assert as_user(world["resident_b"]).get(f"/jajak/{poll_id}").status_code == 404
    # the ketua RW sees it (a role above) but lives in RT B: no ballot
    page = said(as_user(world["ketua_rw"]).get(f"/jajak/{poll_id}"))
    assert "Hanya warga wilayah ini yang dapat memilih." in page
    assert "Kirim pilihan" not in page


def test_bad_polls_are_refused(app, world, ketua):
    response = _create_poll(ketua, world, options="Hanya satu")
    assert response.status_code == 422
    assert "Tulis paling sedikit 2 pilihan, satu per baris." in said(response)
    response = _create_poll(ketua, world, options="Sama\nsama")
    assert "Ada pilihan yang sama." in said(response)
    response = _create_poll(ketua, world, max_choices="5")
    assert "N harus antara 1 dan jumlah pilihan." in said(response)
    response = _create_poll(ketua, world, closes_on=_day(world, -1))
    assert "Waktu ditutup harus setelah sekarang." in said(response)
    response = _create_poll(ketua, world, closes_on=_day(world, 200))
    assert "Jajak pendapat paling lama dibuka 90 hari." in said(response)
    response = _create_poll(ketua, world, options="\n".join(["x" * 121, "b"]))
    assert "Setiap pilihan paling banyak 120 karakter." in said(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(Poll.id))) == 0


def test_a_resident_cannot_make_a_poll(world, siti):
    assert siti.get("/jajak/baru").status_code == 403
