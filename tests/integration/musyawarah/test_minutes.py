"""Notulen of a musyawarah meeting through the pages, with the form as rendered: the
organiser writes them with the proposals and polls the meeting settled, residents read
them (links clickable, no HTML), every change keeps who and when; the proposal and poll
pages link to them; bad input answers 422 in Indonesian and changes nothing."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from community.accounts.models import User
from community.areas.models import Wilayah
from community.events import services as events
from community.extensions import db
from community.musyawarah import services as musyawarah
from community.musyawarah.models import Minutes, MinutesRevision
from tests.conftest import text_of
from tests.forms import submit_form


def said(response) -> str:
    return html.unescape(text_of(response))


@pytest.fixture
def meeting(app, world):
    """A musyawarah of RT A that started an hour ago, with a proposal and a poll of RT A
    and a proposal of RT B (which RT A's meeting cannot attach)."""
    with app.app_context():
        rt_a = db.session.get(Wilayah, world.rt_a.id)
        ketua = db.session.get(User, world["pengurus_a"].id)
        siti = db.session.get(User, world["resident_a"].id)
        start = world.now - timedelta(hours=1)
        activity = events.create_activity(
            rt_a, by=ketua, now=world.now, kind="musyawarah", title="Musyawarah RT 01",
            place="Rumah ketua RT", starts_at=start, ends_at=start + timedelta(hours=2),
        )  # fmt: skip
        proposal = musyawarah.propose(
            rt_a, by=siti, title="Lampu jalan Gang 3", body="Gelap setelah magrib",
            category="infrastruktur", location="", now=world.now,
        )  # fmt: skip
        budi = db.session.get(User, world["resident_b"].id)
        other = musyawarah.propose(
            db.session.get(Wilayah, world.rt_b.id), by=budi, title="Pos ronda RT 02",
            body="Pos ronda rusak", category="sosial_budaya", location="", now=world.now,
        )  # fmt: skip
        poll = musyawarah.create_poll(
            rt_a, by=ketua, question="Prioritas RT 01", description="", kind="tunggal",
            options=["Drainase", "Lampu"], max_choices=1, is_secret=False, shows_live=False,
            opens_at=world.now - timedelta(days=2), closes_at=world.now + timedelta(days=3),
            now=world.now - timedelta(days=2),
        )  # fmt: skip
        db.session.commit()
        return {"activity": activity.id, "proposal": proposal.id, "other": other.id,
                "poll": poll.id}  # fmt: skip


def _write(client, activity_id, **data):
    url = f"/kegiatan/{activity_id}/notulen/tulis"
    return submit_form(client, url, f"form[action='{url}']", data)


def test_the_organiser_writes_notulen_residents_read_them(app, world, as_user, meeting):
    ketua, siti = as_user(world["pengurus_a"]), as_user(world["resident_a"])
    url = f"/kegiatan/{meeting['activity']}/notulen"
    assert "Belum ada notulen." in said(siti.get(url))
    assert "Tulis notulen" not in said(siti.get(url))
    form_page = said(ketua.get(url + "/tulis"))
    assert "Lampu jalan Gang 3" in form_page and "Prioritas RT 01" in form_page
    assert "Pos ronda RT 02" not in form_page  # another RT's proposal

    body = "Hadir 14 warga.\nLampu Gang 3 disetujui, lihat https://pu.banjarbarukota.go.id <b>"
    response = _write(ketua, meeting["activity"], body=body,
                      proposals=[str(meeting["proposal"])], polls=[str(meeting["poll"])])  # fmt: skip
    assert response.status_code == 303
    assert response.headers["Location"].endswith(url)

    page = siti.get(url).get_data(as_text=True)
    assert '<a href="https://pu.banjarbarukota.go.id" rel="noopener nofollow ugc">' in page
    assert "&lt;b&gt;" in page and "<b>" not in page
    text = said(siti.get(url))
    assert "Hadir 14 warga." in text
    assert "Lampu jalan Gang 3" in text and "Prioritas RT 01" in text
    assert "Ditulis" in text and "Haji Rahmat" in text
    # the proposal and the poll link back to the notulen
    for page_url in (f"/usulan/{meeting['proposal']}", f"/jajak/{meeting['poll']}"):
        page = siti.get(page_url).get_data(as_text=True)
        assert "Dibahas di musyawarah" in page and f'href="{url}"' in page
    # the activity page links to them
    assert f'href="{url}"' in siti.get(f"/kegiatan/{meeting['activity']}").get_data(as_text=True)


def test_an_edit_keeps_who_and_when_and_replaces_the_attachments(app, world, as_user, meeting):
    ketua = as_user(world["pengurus_a"])
    _write(ketua, meeting["activity"], body="Draf", proposals=[str(meeting["proposal"])])
    rw = as_user(world["ketua_rw"])  # organises RT A's activities too
    form_page = rw.get(f"/kegiatan/{meeting['activity']}/notulen/tulis").get_data(as_text=True)
    assert "Draf" in form_page and "checked" in form_page  # the current text and ticks
    response = _write(rw, meeting["activity"], body="Versi akhir", proposals=None)
    assert response.status_code == 303
    text = said(as_user(world["resident_a"]).get(f"/kegiatan/{meeting['activity']}/notulen"))
    assert "Versi akhir" in text and "Draf" not in text
    assert "Ditulis" in text and "Diubah" in text
    assert "Haji Rahmat" in text and "Ahmad Fauzi" in text
    assert "Usulan yang dibahas" not in text
    with app.app_context():
        assert db.session.scalar(select(func.count(Minutes.id))) == 1
        revisions = db.session.scalars(select(MinutesRevision).order_by(MinutesRevision.id)).all()
        assert [r.body for r in revisions] == ["Draf", "Versi akhir"]
        assert [r.edited_by_id for r in revisions] == [
            world["pengurus_a"].id, world["ketua_rw"].id,
        ]  # fmt: skip


def test_empty_notulen_are_refused(app, world, as_user, meeting):
    response = _write(as_user(world["pengurus_a"]), meeting["activity"], body="   ")
    assert response.status_code == 422
    assert "Notulen tidak boleh kosong." in said(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(Minutes.id))) == 0


def test_notulen_wait_for_the_meeting_to_start(app, world, as_user, meeting):
    with app.app_context():
        activity = events.create_activity(
            db.session.get(Wilayah, world.rt_a.id),
            by=db.session.get(User, world["pengurus_a"].id), now=world.now,
            kind="musyawarah", title="Musyawarah depan", place="Balai",
            starts_at=world.now + timedelta(days=2), ends_at=world.now + timedelta(days=2, hours=1),
        )  # fmt: skip
        db.session.commit()
        activity_id = activity.id
    response = _write(as_user(world["pengurus_a"]), activity_id, body="Terlalu cepat")
    assert response.status_code == 422
    assert "Notulen dapat ditulis setelah musyawarah dimulai." in said(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(Minutes.id))) == 0


def test_only_musyawarah_activities_have_notulen(world, as_user):
    ketua = as_user(world["pengurus_a"])
    gotong_royong = world.activities["rt_a"].id
    assert ketua.get(f"/kegiatan/{gotong_royong}/notulen").status_code == 404
    assert ketua.get(f"/kegiatan/{gotong_royong}/notulen/tulis").status_code == 404
    page = ketua.get(f"/kegiatan/{gotong_royong}").get_data(as_text=True)
    assert "/notulen" not in page
