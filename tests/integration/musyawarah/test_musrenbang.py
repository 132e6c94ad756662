"""The Musrenbang export: the proposals of a wilayah with supports and status, grouped by
category and origin, as a printable page and as a CSV that opens in Excel with Indonesian
settings; for whoever manages the wilayah, without names."""

from __future__ import annotations

import csv
import html
import io

import pytest

from community.accounts.models import User
from community.areas.models import Wilayah
from community.core.time import WITA
from community.extensions import db
from community.musyawarah import services as musyawarah
from tests.conftest import text_of


@pytest.fixture
def proposals(app, world, make_user):
    """RT A: a road proposal supported twice, forwarded to the RW; an economy one. RT B:
    a road proposal supported once. RW 02's RT C: one (outside RW 01)."""
    with app.app_context():
        siti = db.session.get(User, world["resident_a"].id)
        budi = db.session.get(User, world["resident_b"].id)
        ketua = db.session.get(User, world["pengurus_a"].id)
        rt_a = db.session.get(Wilayah, world.rt_a.id)
        rt_b = db.session.get(Wilayah, world.rt_b.id)
        rt_c = db.session.get(Wilayah, world.rt_c.id)
        road = musyawarah.propose(rt_a, by=siti, title="Drainase Gang Mawar", body="Banjir",
                                  category="infrastruktur", location="Gang Mawar",
                                  now=world.now)  # fmt: skip
        musyawarah.support(road, ketua, now=world.now)
        musyawarah.support(road, make_user("Tetangga", rt_a), now=world.now)
        musyawarah.change_status(road, "dibahas", by=ketua, reason="", now=world.now)
        musyawarah.change_status(road, "diteruskan", by=ketua, reason="", now=world.now)
        musyawarah.propose(rt_a, by=siti, title="=HYPERLINK('x')", body="Pelatihan",
                           category="ekonomi", location="", now=world.now)  # fmt: skip
        other = musyawarah.propose(rt_b, by=budi, title="Lampu Gang 2", body="Gelap",
                                   category="infrastruktur", location="", now=world.now)  # fmt: skip
        musyawarah.support(other, db.session.get(User, world["ketua_rw"].id), now=world.now)
        musyawarah.propose(rt_c, by=make_user("Warga RW 02", rt_c), title="Pos RW 02",
                           body="Pos", category="sosial_budaya", location="", now=world.now)  # fmt: skip
        db.session.commit()


def test_the_ketua_rw_prints_the_rw_s_proposals_grouped(world, as_user, proposals):
    rw = as_user(world["ketua_rw"])
    assert f'/musyawarah/musrenbang/{world.rw.id}"' in rw.get("/musyawarah").get_data(as_text=True)
    response = rw.get(f"/musyawarah/musrenbang/{world.rw.id}")
    assert response.status_code == 200
    text = html.unescape(text_of(response))
    assert "3 usulan" in text
    assert "Pos RW 02" not in text  # another RW
    # infrastructure first, the RT 01 one (2 supports) before RT 02's
    assert text.index("Infrastruktur") < text.index("Drainase Gang Mawar")
    assert text.index("Drainase Gang Mawar") < text.index("Lampu Gang 2")
    assert text.index("Lampu Gang 2") < text.index("Ekonomi")
    assert "Siti" not in text  # no names
    assert "Unduh CSV" in text


def test_the_csv_opens_in_excel_with_every_proposal(world, as_user, proposals):
    response = as_user(world["admin_kelurahan"]).get(
        f"/musyawarah/musrenbang/{world.kelurahan.id}.csv"
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows[0] == ["bidang", "asal", "judul", "uraian", "lokasi", "status", "sekarang_di",
                       "dukungan", "diajukan"]  # fmt: skip
    titles = [r[2] for r in rows[1:]]
    assert titles == ["Drainase Gang Mawar", "Lampu Gang 2", "'=HYPERLINK('x')", "Pos RW 02"]
    drainase = rows[1]
    assert drainase[1] == world.rt_a.full_name and drainase[6] == world.rw.full_name
    assert drainase[5] == "Diteruskan" and drainase[7] == "2"
    assert drainase[8] == world.now.astimezone(WITA).date().isoformat()


def test_residents_may_not_export(world, as_user, proposals):
    siti = as_user(world["resident_a"])
    assert siti.get(f"/musyawarah/musrenbang/{world.rt_a.id}").status_code == 403
    assert siti.get(f"/musyawarah/musrenbang/{world.rt_a.id}.csv").status_code == 403
    assert "/musyawarah/musrenbang/" not in siti.get("/musyawarah").get_data(as_text=True)


@pytest.fixture
def priority_polls(app, world, make_user):
    """RT A's ranking poll, closed yesterday: three ballots (Borda with three options:
    2 points for a first place, 1 for a second). RT A's ranking poll still open, and RW 02's
    closed one: neither is in RW 01's export."""
    from datetime import timedelta

    now = world.now
    with app.app_context():
        rt_a = db.session.get(Wilayah, world.rt_a.id)
        rt_c = db.session.get(Wilayah, world.rt_c.id)
        ketua = db.session.get(User, world["pengurus_a"].id)
        voters = [db.session.get(User, world["resident_a"].id), ketua, make_user("Tetangga", rt_a)]

        def ranking(wilayah, question, closes_in):
            return musyawarah.create_poll(
                wilayah, by=ketua, question=question, description="", kind="peringkat",
                options=["Drainase", "Lampu", "Pos ronda"], max_choices=2, is_secret=True,
                shows_live=False, opens_at=now - timedelta(days=5),
                closes_at=now + closes_in, now=now - timedelta(days=6),
            )  # fmt: skip

        closed = ranking(rt_a, "Prioritas RT 01 untuk Musrenbang", -timedelta(days=1))
        drainase, lampu, pos = (o.id for o in closed.options)
        for voter, choices in zip(voters, ([drainase, lampu], [drainase, pos], [lampu, drainase]),
                                  strict=True):  # fmt: skip
            musyawarah.vote(closed, voter, choices, now=now - timedelta(days=3))
        ranking(rt_a, "Prioritas yang masih dibuka", timedelta(days=3))
        ranking(rt_c, "Prioritas RW 02", -timedelta(days=1))
        db.session.commit()


def test_the_export_holds_the_wilayah_s_priority_results(world, as_user, priority_polls):
    rw = as_user(world["ketua_rw"])
    text = html.unescape(text_of(rw.get(f"/musyawarah/musrenbang/{world.rw.id}")))
    assert "Hasil jajak prioritas" in text
    assert "Prioritas RT 01 untuk Musrenbang" in text
    assert "3 suara dari" in text
    # Borda: Drainase 2 + 2 + 1 = 5, Lampu 1 + 2 = 3, Pos ronda 1
    assert "1 Drainase 5 2 Lampu 3 3 Pos ronda 1" in text
    assert "masih dibuka" not in text and "RW 02" not in text

    response = rw.get(f"/musyawarah/musrenbang/{world.rw.id}/prioritas.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))  # fmt: skip
    assert rows[0] == ["jajak_pendapat", "wilayah", "ditutup", "peringkat", "pilihan", "poin",
                       "suara", "warga_berhak"]  # fmt: skip
    assert [r[3:6] for r in rows[1:]] == [["1", "Drainase", "5"], ["2", "Lampu", "3"],
                                          ["3", "Pos ronda", "1"]]  # fmt: skip
    assert {r[0] for r in rows[1:]} == {"Prioritas RT 01 untuk Musrenbang"}


def test_no_closed_priority_poll_says_so(world, as_user, proposals):
    text = html.unescape(
        text_of(as_user(world["ketua_rw"]).get(f"/musyawarah/musrenbang/{world.rw.id}"))
    )
    assert "Belum ada jajak pendapat urutan prioritas yang ditutup di wilayah ini." in text
