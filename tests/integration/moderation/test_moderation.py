"""Moderation (#13, "Safety"): reporting a message or a comment, /moderasi for the pengurus
of the report's wilayah (and nobody else), hiding with a reason the author reads, showing
again, dismissing, muting with the refusal a muted resident meets, the log, the limit, the
export and account deletion.

The world: Siti (resident A, RT 01) and Budi (resident B, RT 02) share RW 01; Haji Rahmat
is ketua of RT 01; Ahmad Fauzi is ketua RW 01 (and lives in RT 02).
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import lxml.html
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.areas import services as areas
from community.areas.models import Role, Wilayah
from community.core.time import utcnow
from community.events import comments
from community.events.models import Activity, Comment
from community.extensions import db
from community.messages import services as dm
from community.messages.models import Message
from community.moderation import services as moderation
from community.moderation.models import LogEntry, Mute, Report
from tests.conftest import PASSWORD, text_of
from tests.forms import submit_form
from tests.statements import counting

SCAM = "Transfer dulu Rp500.000 ke rekening saya, nanti pulsa dikirim"
PRIVATE = "Nomor rekening saya yang asli 1234, jangan bilang siapa-siapa"


def _talk(app, sender: User, recipient: User, *bodies: str) -> tuple[int, list[int]]:
    """A conversation of the two with ``sender``'s messages; (conversation id, message ids)."""
    with app.app_context():
        s, r = db.session.get(User, sender.id), db.session.get(User, recipient.id)
        talk = dm.start_conversation(s, r, now=utcnow())
        ids = [dm.send(talk, s, body, now=utcnow()).id for body in bodies]
        db.session.commit()
        return talk.id, ids


def _comment(app, activity_key_or_id, author: User, body: str, world) -> int:
    activity_id = (
        world.activities[activity_key_or_id].id
        if isinstance(activity_key_or_id, str)
        else activity_key_or_id
    )
    with app.app_context():
        comment = comments.add_comment(db.session.get(Activity, activity_id),
                                       db.session.get(User, author.id), body, now=utcnow())  # fmt: skip
        db.session.commit()
        return comment.id


def _report_via_form(client, talk: int, message_id: int, reason="penipuan", note=""):
    page = client.get(f"/pesan/{talk}")
    doc = lxml.html.document_fromstring(page.get_data(as_text=True))
    links = doc.cssselect(f"#pesan-{message_id} a[href='/laporkan/pesan/{message_id}']")
    assert len(links) == 1, "no Laporkan beside the message"
    return submit_form(client, links[0].get("href"), "form.report-form",
                       {"reason": reason, "note": note})  # fmt: skip


def _reports(app) -> list[Report]:
    with app.app_context():
        rows = db.session.scalars(select(Report).order_by(Report.id)).all()
        db.session.expunge_all()
        return list(rows)


def _log(app) -> list[tuple[str, int | None, int | None, str]]:
    with app.app_context():
        return [
            (e.action, e.actor_id, e.target_user_id, e.reason)
            for e in db.session.scalars(select(LogEntry).order_by(LogEntry.id))
        ]


@pytest.fixture
def siti_wrote_to_budi(app, world):
    """Siti (RT 01) wrote a scam and a private message to Budi: a report of the scam
    belongs to RT 01, whose ketua is Haji Rahmat."""
    return _talk(app, world["resident_a"], world["resident_b"], SCAM, PRIVATE)


# --- reporting ------------------------------------------------------------------------------


def test_a_resident_reports_one_message_and_the_pengurus_see_only_that(
    app, world, as_user, siti_wrote_to_budi
):
    talk, (scam, _private) = siti_wrote_to_budi
    budi = as_user(world["resident_b"])

    sent = _report_via_form(budi, talk, scam, note="Bukan Siti yang biasa")

    assert sent.status_code == 303
    assert sent.headers["Location"] == f"/pesan/{talk}#pesan-{scam}"
    assert "Laporan terkirim ke pengurus" in text_of(budi.get(f"/pesan/{talk}"))
    (report,) = _reports(app)
    assert (report.body, report.reason, report.note) == (SCAM, "penipuan", "Bukan Siti yang biasa")
    assert report.wilayah_id == world.rt_a.id  # the sender's RT
    assert (report.reporter_id, report.author_id) == (
        world["resident_b"].id,
        world["resident_a"].id,
    )

    ketua = as_user(world["pengurus_a"])
    page = ketua.get("/moderasi")
    assert page.status_code == 200
    seen = text_of(page)
    assert SCAM in seen and "Penipuan" in seen and "Bukan Siti yang biasa" in seen
    assert "Siti Aminah" in seen and "WITA" in seen
    assert PRIVATE not in page.get_data(as_text=True)  # only the reported message
    assert ketua.get(f"/pesan/{talk}").status_code == 404  # the conversation stays theirs


def test_no_laporkan_beside_ones_own_message_and_no_report_of_it(
    app, world, as_user, siti_wrote_to_budi
):
    talk, (scam, _private) = siti_wrote_to_budi
    siti = as_user(world["resident_a"])

    page = siti.get(f"/pesan/{talk}").get_data(as_text=True)

    assert f"/laporkan/pesan/{scam}" not in page
    assert siti.get(f"/laporkan/pesan/{scam}").status_code == 403
    # not a member of the conversation, whatever their role: 404
    for other in ("pengurus_a", "ketua_rw", "admin_kota"):
        assert as_user(world[other]).get(f"/laporkan/pesan/{scam}").status_code == 404
    assert _reports(app) == []


def test_a_second_report_says_it_is_already_reported(app, world, as_user, siti_wrote_to_budi):
    talk, (scam, _private) = siti_wrote_to_budi
    budi = as_user(world["resident_b"])
    assert _report_via_form(budi, talk, scam).status_code == 303
    url = f"/laporkan/pesan/{scam}"

    again = budi.get(url)
    assert "Anda sudah melaporkan ini" in text_of(again)
    assert not lxml.html.document_fromstring(again.get_data(as_text=True)).cssselect(
        "form.report-form"
    )
    with app.app_context():
        message = db.session.get(Message, scam)
        with pytest.raises(Exception) as refused:
            moderation.report_message(message, db.session.get(User, world["resident_b"].id),
                                      reason="spam", note="", now=utcnow())  # fmt: skip
        assert refused.value.code == "already"
    assert len(_reports(app)) == 1


def test_the_database_keeps_one_open_report_per_reporter_and_item(app, world, siti_wrote_to_budi):
    _talk_id, (scam, _private) = siti_wrote_to_budi
    fields = dict(reporter_id=world["resident_b"].id, author_id=world["resident_a"].id,
                  message_id=scam, wilayah_id=world.rt_a.id, reason="spam", body=SCAM)  # fmt: skip
    with app.app_context():
        db.session.add(Report(**fields, created_at=utcnow()))
        db.session.commit()
        db.session.add(Report(**fields, created_at=utcnow()))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        # once decided, a new report of the same item is possible
        db.session.execute(Report.__table__.update().values(status="dismissed", is_open=None))
        db.session.add(Report(**fields, created_at=utcnow()))
        db.session.commit()
        assert db.session.scalar(select(func.count(Report.id))) == 2


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"reason": None}, "Pilih alasan laporan."),
        ({"reason": "penipuan", "note": "x" * 501}, "Catatan paling banyak 500 karakter."),
    ],
)
def test_a_report_without_a_reason_or_with_a_long_note_is_refused(
    app, world, as_user, siti_wrote_to_budi, data, error
):
    _talk_id, (scam, _private) = siti_wrote_to_budi
    response = submit_form(as_user(world["resident_b"]), f"/laporkan/pesan/{scam}",
                           "form.report-form", data)  # fmt: skip
    assert response.status_code == 422
    assert error in text_of(response)
    assert _reports(app) == []


def test_a_tampered_reason_is_refused(app, world, as_user, siti_wrote_to_budi):
    _talk_id, (scam, _private) = siti_wrote_to_budi
    client = as_user(world["resident_b"])
    page = client.get(f"/laporkan/pesan/{scam}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    response = client.post(f"/laporkan/pesan/{scam}",
                           data={"csrf_token": token.group(1), "reason": "semua"})  # fmt: skip
    assert response.status_code == 422
    assert _reports(app) == []


def test_a_comment_is_reported_by_anyone_who_sees_it(app, world, as_user, make_user):
    # an RW activity: its report belongs to the RW, so RT 01's ketua does not see it
    comment = _comment(app, "rw", world["resident_a"], "Yang tidak datang itu malas semua", world)
    budi = as_user(world["resident_b"])
    activity = world.activities["rw"].id
    page = budi.get(f"/kegiatan/{activity}")
    assert f"/laporkan/komentar/{comment}" in page.get_data(as_text=True)

    sent = submit_form(budi, f"/laporkan/komentar/{comment}", "form.report-form",
                       {"reason": "kasar"})  # fmt: skip

    assert sent.status_code == 303
    assert sent.headers["Location"] == f"/kegiatan/{activity}#comments"
    (report,) = _reports(app)
    assert report.comment_id == comment and report.wilayah_id == world.rw.id
    assert "malas semua" in text_of(as_user(world["ketua_rw"]).get("/moderasi"))
    assert "malas semua" not in text_of(as_user(world["pengurus_a"]).get("/moderasi"))
    assert as_user(world["resident_a"]).get(f"/laporkan/komentar/{comment}").status_code == 403


def test_another_rts_resident_cannot_report_a_comment_they_cannot_see(app, world, as_user):
    comment = _comment(app, "rt_a", world["pengurus_a"], "Kumpul jam 7", world)
    assert as_user(world["resident_b"]).get(f"/laporkan/komentar/{comment}").status_code == 404
    assert as_user(world["resident_a"]).get(f"/laporkan/komentar/{comment}").status_code == 200


# --- /moderasi: who sees what ----------------------------------------------------------------


def test_pengurus_of_another_rt_neither_see_nor_act_on_a_report(
    app, world, as_user, siti_wrote_to_budi, make_user
):
    talk, (scam, _private) = siti_wrote_to_budi
    _report_via_form(as_user(world["resident_b"]), talk, scam)
    (report,) = _reports(app)
    with app.app_context():  # a ketua for RT 02, which Siti (the author) does not live in
        ketua_b = make_user("Pak RT Dua", db.session.get(Wilayah, world.rt_b.id))
        areas.appoint(db.session.get(Wilayah, world.rt_b.id), ketua_b, Role.KETUA_RT)
        db.session.commit()
        db.session.refresh(ketua_b)
    other = as_user(ketua_b)

    assert other.get("/moderasi").status_code == 200
    assert SCAM not in text_of(other.get("/moderasi"))
    token = re.search(r'name="csrf-token" content="([^"]+)"', other.get("/").get_data(as_text=True))
    for action in ("sembunyikan", "abaikan", "tampilkan"):
        response = other.post(f"/moderasi/laporan/{report.id}/{action}",
                              data={"csrf_token": token.group(1), f"hide{report.id}-reason": "x"})  # fmt: skip
        assert response.status_code == 404, action
    assert other.get(f"/moderasi/warga/{world['resident_a'].id}/bisukan").status_code == 404
    for resident in ("resident_a", "resident_b"):
        assert as_user(world[resident]).get("/moderasi").status_code == 404
    assert _reports(app)[0].status == "open" and _log(app) == []
    # the ketua RW above RT 01 and the admins see it
    for above in ("ketua_rw", "admin_kelurahan", "admin_kota"):
        assert SCAM in text_of(as_user(world[above]).get("/moderasi")), above


# --- hide, show again, dismiss ----------------------------------------------------------------


def test_hiding_a_message_tells_its_author_why(app, world, as_user, siti_wrote_to_budi):
    talk, (scam, _private) = siti_wrote_to_budi
    _report_via_form(as_user(world["resident_b"]), talk, scam)
    (report,) = _reports(app)
    ketua = as_user(world["pengurus_a"])

    hidden = submit_form(ketua, "/moderasi", f"#laporan-{report.id} form.hide-form",
                         {f"hide{report.id}-reason": "Penipuan pulsa"})  # fmt: skip

    assert hidden.status_code == 303 and hidden.headers["Location"] == "/moderasi"
    siti, budi = as_user(world["resident_a"]), as_user(world["resident_b"])
    mine = lxml.html.document_fromstring(siti.get(f"/pesan/{talk}").get_data(as_text=True))
    line = mine.cssselect(f"#pesan-{scam}")[0]
    assert line.cssselect("s")[0].text_content() == SCAM  # struck through
    assert "Disembunyikan oleh pengurus: Penipuan pulsa" in line.text_content()
    theirs = budi.get(f"/pesan/{talk}")
    assert SCAM not in theirs.get_data(as_text=True)
    assert "Disembunyikan oleh pengurus" in text_of(theirs)
    assert "Penipuan pulsa" not in text_of(theirs)  # the reason is the author's
    assert PRIVATE in text_of(theirs)  # the rest of the conversation is untouched
    assert _reports(app)[0].status == "hidden"
    assert _log(app) == [("hide", world["pengurus_a"].id, world["resident_a"].id, "Penipuan pulsa")]
    # the conversation list: the latest is the private one; hide that too and the list hides it
    assert PRIVATE in text_of(budi.get("/pesan"))

    # shown again from the "Disembunyikan" list
    shown = submit_form(
        ketua, "/moderasi", f"form[action='/moderasi/laporan/{report.id}/tampilkan']"
    )
    assert shown.status_code == 303
    assert SCAM in text_of(budi.get(f"/pesan/{talk}"))
    assert _reports(app)[0].status == "dismissed"
    assert [row[0] for row in _log(app)] == ["hide", "unhide"]


def test_a_hidden_latest_message_is_not_shown_in_the_conversation_list(app, world, as_user):
    talk, (scam,) = _talk(app, world["resident_a"], world["resident_b"], SCAM)
    _report_via_form(as_user(world["resident_b"]), talk, scam)
    (report,) = _reports(app)
    submit_form(as_user(world["pengurus_a"]), "/moderasi", f"#laporan-{report.id} form.hide-form",
                {f"hide{report.id}-reason": "Penipuan"})  # fmt: skip

    listing = text_of(as_user(world["resident_b"]).get("/pesan"))

    assert SCAM not in listing and "Disembunyikan oleh pengurus" in listing


@pytest.mark.parametrize("reason", ["", "   ", "\u200b", "x" * 301])
def test_hiding_needs_a_short_reason(app, world, as_user, siti_wrote_to_budi, reason):
    talk, (scam, _private) = siti_wrote_to_budi
    _report_via_form(as_user(world["resident_b"]), talk, scam)
    (report,) = _reports(app)

    response = submit_form(as_user(world["pengurus_a"]), "/moderasi",
                           f"#laporan-{report.id} form.hide-form",
                           {f"hide{report.id}-reason": reason})  # fmt: skip

    assert response.status_code == 422
    assert re.search(r"Tulis alasannya|Alasan paling banyak 300 karakter", text_of(response))
    with app.app_context():
        assert db.session.get(Message, scam).hidden_at is None
    assert _reports(app)[0].status == "open" and _log(app) == []


def test_dismissing_closes_the_report_and_keeps_the_message(
    app, world, as_user, siti_wrote_to_budi
):
    talk, (scam, _private) = siti_wrote_to_budi
    _report_via_form(as_user(world["resident_b"]), talk, scam)
    (report,) = _reports(app)
    ketua = as_user(world["pengurus_a"])

    response = submit_form(ketua, "/moderasi", f"#laporan-{report.id} form.dismiss-form")

    assert response.status_code == 303
    assert _reports(app)[0].status == "dismissed"
    assert SCAM in text_of(as_user(world["resident_b"]).get(f"/pesan/{talk}"))
    assert "Tidak ada laporan terbuka." in text_of(ketua.get("/moderasi"))
    assert [row[0] for row in _log(app)] == ["dismiss"]
    # a second dismiss of the same report: 422, nothing logged twice
    token = re.search(r'name="csrf-token" content="([^"]+)"', ketua.get("/").get_data(as_text=True))
    again = ketua.post(
        f"/moderasi/laporan/{report.id}/abaikan", data={"csrf_token": token.group(1)}
    )
    assert again.status_code == 422 and "sudah ditangani" in text_of(again)
    assert len(_log(app)) == 1
    # Budi may report it again now that it is decided
    assert _report_via_form(as_user(world["resident_b"]), talk, scam).status_code == 303


def test_hiding_a_comment(app, world, as_user, make_user):
    with app.app_context():
        tetangga = make_user("Rina Tetangga", db.session.get(Wilayah, world.rt_a.id))
    comment = _comment(app, "rt_a", world["resident_a"], "Kata-kata kasar di sini", world)
    activity = world.activities["rt_a"].id
    submit_form(as_user(tetangga), f"/laporkan/komentar/{comment}", "form.report-form",
                {"reason": "kasar"})  # fmt: skip
    (report,) = _reports(app)
    submit_form(as_user(world["pengurus_a"]), "/moderasi", f"#laporan-{report.id} form.hide-form",
                {f"hide{report.id}-reason": "Tolong bahasanya dijaga"})  # fmt: skip

    others = as_user(tetangga).get(f"/kegiatan/{activity}")
    author = as_user(world["resident_a"]).get(f"/kegiatan/{activity}")

    assert "Kata-kata kasar di sini" not in others.get_data(as_text=True)
    assert "Disembunyikan oleh pengurus" in text_of(others)
    doc = lxml.html.document_fromstring(author.get_data(as_text=True))
    item = doc.cssselect(f"#komentar-{comment}")[0]
    assert item.cssselect("s")[0].text_content() == "Kata-kata kasar di sini"
    assert "Disembunyikan oleh pengurus: Tolong bahasanya dijaga" in item.text_content()
    with app.app_context():
        stored = db.session.get(Comment, comment)
        assert (stored.is_hidden, stored.hidden_reason) == (True, "Tolong bahasanya dijaga")


def test_an_organiser_hides_a_comment_from_the_activity_page_with_a_reason_and_it_is_logged(
    app, world, as_user, make_user
):
    with app.app_context():
        tetangga = make_user("Rina Tetangga", db.session.get(Wilayah, world.rt_a.id))
    comment = _comment(app, "rt_a", world["resident_a"], "Jual pulsa murah, transfer dulu", world)
    page = f"/kegiatan/{world.activities['rt_a'].id}"
    submit_form(as_user(tetangga), f"/laporkan/komentar/{comment}", "form.report-form",
                {"reason": "penipuan"})  # fmt: skip
    ketua = as_user(world["pengurus_a"])
    hide_form = f"#komentar-{comment} form.hide-form"

    # no reason: the page again with the error beside the field, nothing hidden or logged
    refused = submit_form(ketua, page, hide_form)
    assert refused.status_code == 422
    refused_doc = lxml.html.document_fromstring(refused.get_data(as_text=True))
    assert "Tulis alasannya" in refused_doc.cssselect(f"#komentar-{comment}")[0].text_content()
    assert "Jual pulsa murah" in text_of(as_user(tetangga).get(page))
    assert _log(app) == [] and _reports(app)[0].status == "open"

    hidden = submit_form(ketua, page, hide_form, {f"hide{comment}-reason": "Penipuan pulsa"})

    assert hidden.status_code == 303 and hidden.location.endswith(f"#komentar-{comment}")
    assert "Jual pulsa murah" not in as_user(tetangga).get(page).get_data(as_text=True)
    mine = lxml.html.document_fromstring(
        as_user(world["resident_a"]).get(page).get_data(as_text=True)
    )
    assert "Disembunyikan oleh pengurus: Penipuan pulsa" in (
        mine.cssselect(f"#komentar-{comment}")[0].text_content()
    )
    # the open report is decided with it, and the hide is in the log with who and why
    assert _reports(app)[0].status == "hidden"
    assert "Tidak ada laporan terbuka." in text_of(ketua.get("/moderasi"))
    pengurus_id, siti_id = world["pengurus_a"].id, world["resident_a"].id
    assert _log(app) == [("hide", pengurus_id, siti_id, "Penipuan pulsa")]
    with app.app_context():
        entry = db.session.scalars(select(LogEntry)).one()
        assert (entry.item_kind, entry.item_id) == ("comment", comment)
    assert "menyembunyikan tulisan" in text_of(ketua.get("/moderasi"))
    # a second hide (another tab): refused, logged once
    token = re.search(r'name="csrf-token" content="([^"]+)"', ketua.get("/").get_data(as_text=True))
    again = ketua.post(
        f"{page}/komentar/{comment}/sembunyikan",
        data={"csrf_token": token.group(1), f"hide{comment}-reason": "Lagi"},
    )
    assert again.status_code == 422 and "sudah disembunyikan" in text_of(again)
    assert len(_log(app)) == 1

    shown = submit_form(ketua, page, f"#komentar-{comment} form.show-form")

    assert shown.status_code == 303
    assert "Jual pulsa murah" in text_of(as_user(tetangga).get(page))
    assert [row[0] for row in _log(app)] == ["hide", "unhide"]
    assert _reports(app)[0].status == "dismissed"


# --- mutes -----------------------------------------------------------------------------------


def _mute(app, world, as_user, days="3", reason="Menipu tetangga"):
    return submit_form(as_user(world["pengurus_a"]), f"/moderasi/warga/{world['resident_a'].id}/bisukan",
                       "form.mute-form", {"days": days, "reason": reason})  # fmt: skip


def test_a_muted_resident_cannot_send_until_the_mute_ends_or_is_lifted(
    app, world, as_user, siti_wrote_to_budi
):
    talk, _ids = siti_wrote_to_budi
    assert _mute(app, world, as_user).status_code == 303
    siti = as_user(world["resident_a"])
    with app.app_context():
        before = db.session.scalar(select(func.count(Message.id)))
        mute = db.session.scalars(select(Mute)).one()
        assert mute.ends_at - mute.starts_at == timedelta(days=3)

    refused = submit_form(siti, f"/pesan/{talk}", "#send-form", {"body": "Halo lagi"})

    assert refused.status_code == 422
    words = text_of(refused)
    assert re.search(r"Anda dibisukan oleh pengurus sampai \w+, \d+ \w+ \d{4} · \d\d\.\d\d WITA: "
                     r"Menipu tetangga", words), words  # fmt: skip
    activity = world.activities["rt_a"].id
    no_comment = submit_form(siti, f"/kegiatan/{activity}", "#comments form",
                             {"body": "Saya ikut"})  # fmt: skip
    assert no_comment.status_code == 422 and "Anda dibisukan oleh pengurus" in text_of(no_comment)
    with app.app_context():
        assert db.session.scalar(select(func.count(Message.id))) == before
        assert db.session.scalar(select(func.count(Comment.id))) == 0

    ketua = as_user(world["pengurus_a"])
    assert "Siti Aminah" in text_of(ketua.get("/moderasi"))
    lifted = submit_form(ketua, "/moderasi", f"form[action='/moderasi/bisukan/{mute.id}/cabut']")
    assert lifted.status_code == 303
    assert submit_form(siti, f"/pesan/{talk}", "#send-form", {"body": "Maaf"}).status_code == 303
    assert [row[0] for row in _log(app)] == ["mute", "unmute"]


def test_a_mute_ends_by_itself(app, world, as_user, siti_wrote_to_budi, time_machine):
    talk, _ids = siti_wrote_to_budi
    _mute(app, world, as_user, days="1")
    time_machine.move_to(utcnow() + timedelta(days=1, minutes=1))
    sent = submit_form(
        as_user(world["resident_a"]), f"/pesan/{talk}", "#send-form", {"body": "Halo"}
    )
    assert sent.status_code == 303


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"days": None}, "Pilih lamanya."),
        ({"days": "30"}, "Pilihan tidak valid."),
        ({"reason": ""}, "Tulis alasannya"),
        ({"reason": "x" * 301}, "Alasan paling banyak 300 karakter."),
    ],
)
def test_a_mute_needs_a_period_offered_and_a_reason(app, world, as_user, data, error):
    page = f"/moderasi/warga/{world['resident_a'].id}/bisukan"
    fields = {"days": "1", "reason": "Menipu", **data}
    client = as_user(world["pengurus_a"])
    if fields["days"] == "30":  # not on the form: a tampered value
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"',
                          client.get(page).get_data(as_text=True))  # fmt: skip
        response = client.post(
            page, data={"csrf_token": token.group(1) or token.group(2), **fields}
        )
    else:
        response = submit_form(client, page, "form.mute-form", fields)
    assert response.status_code == 422
    assert error in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(Mute.id))) == 0


def test_who_may_mute_whom(app, world, as_user, make_user):
    with app.app_context():
        rt_a = db.session.get(Wilayah, world.rt_a.id)
        sekretaris = make_user("Bu Sekretaris", rt_a)
        areas.appoint(rt_a, sekretaris, Role.SEKRETARIS)
        db.session.commit()
        db.session.refresh(sekretaris)
    ketua_page = f"/moderasi/warga/{world['pengurus_a'].id}/bisukan"
    assert as_user(sekretaris).get(ketua_page).status_code == 403  # not their ketua
    assert as_user(world["pengurus_a"]).get(ketua_page).status_code == 403  # not oneself
    assert as_user(world["ketua_rw"]).get(ketua_page).status_code == 200
    budi = f"/moderasi/warga/{world['resident_b'].id}/bisukan"
    assert as_user(world["pengurus_a"]).get(budi).status_code == 404  # another RT
    assert as_user(world["resident_a"]).get(budi).status_code == 404
    assert as_user(world["pengurus_a"]).get("/moderasi/warga/999999/bisukan").status_code == 404


# --- the log ---------------------------------------------------------------------------------


def test_the_log_is_paged_by_fifty_and_scoped(app, world, as_user):
    with app.app_context():
        ketua = db.session.get(User, world["pengurus_a"].id)
        siti = db.session.get(User, world["resident_a"].id)
        now = utcnow()
        for i in range(51):
            m = moderation.mute(
                siti, ketua, days=1, reason=f"alasan {i:02d}", now=now + timedelta(seconds=i)
            )
            moderation.unmute(m, ketua, now=now + timedelta(seconds=i, milliseconds=500))
        db.session.commit()
    client = as_user(world["pengurus_a"])

    first = text_of(client.get("/moderasi"))
    second = text_of(client.get("/moderasi?halaman=2"))
    third = text_of(client.get("/moderasi?halaman=3"))

    assert "alasan 50" in first and "Berikutnya" in first
    assert first.count("membisukan") == 25 and first.count("mencabut bisukan") == 25
    assert "Sebelumnya" in second and "alasan 25" in second
    assert "alasan 00" in third and "Berikutnya" not in third
    assert "alasan 50" in text_of(client.get("/moderasi?halaman=x"))  # a bad page: the first
    assert "alasan 50" in text_of(as_user(world["admin_kelurahan"]).get("/moderasi"))  # above


def test_the_app_has_no_way_to_edit_or_delete_a_log_row(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("moderation."):
            assert "hapus" not in rule.rule and "ubah" not in rule.rule, rule.rule
            assert not {"PUT", "PATCH", "DELETE"} & set(rule.methods), rule.rule


# --- account deletion and the export ------------------------------------------------------


def _delete_account(as_user, user):
    client = as_user(user)
    response = submit_form(
        client,
        "/profil",
        "form[action='/profil/hapus']",
        {"del-password": PASSWORD, "del-confirm": "y"},
    )
    assert response.status_code == 303


def test_deleting_accounts_keeps_reports_and_log_without_names(
    app, world, as_user, siti_wrote_to_budi
):
    talk, (scam, _private) = siti_wrote_to_budi
    _report_via_form(as_user(world["resident_b"]), talk, scam, note="Catatan Budi")
    _mute(app, world, as_user)
    (report,) = _reports(app)
    submit_form(
        as_user(world["pengurus_a"]), "/moderasi", f"#laporan-{report.id} form.dismiss-form"
    )

    _delete_account(as_user, world["resident_b"])  # the reporter
    (kept,) = _reports(app)
    assert kept.reporter_id is None and kept.body == SCAM  # the copy stays, nameless
    assert kept.note == ""  # the reporter's own words go with them

    _delete_account(as_user, world["resident_a"])  # the author (and the muted one)
    (kept,) = _reports(app)
    assert kept.author_id is None and kept.body == ""  # their text goes, like their messages
    rows = _log(app)
    assert [r[0] for r in rows] == ["mute", "dismiss"]
    assert all(target is None for _action, _actor, target, _reason in rows)
    assert all(actor == world["pengurus_a"].id for _action, actor, _target, _reason in rows)
    with app.app_context():
        assert db.session.scalar(select(func.count(Mute.id))) == 0  # the mute was about them

    _delete_account(as_user, world["pengurus_a"])  # the pengurus who acted
    rows = _log(app)
    assert len(rows) == 2 and all(actor is None for _a, actor, _t, _r in rows)
    page = text_of(as_user(world["ketua_rw"]).get("/moderasi"))
    assert "pengurus terhapus" in page and "warga terhapus" in page, page[page.find("Catatan") :]


def test_the_export_holds_the_reports_made_and_the_mutes(app, world, as_user, siti_wrote_to_budi):
    talk, (scam, _private) = siti_wrote_to_budi
    _report_via_form(as_user(world["resident_b"]), talk, scam, note="Tolong dicek")
    _mute(app, world, as_user)

    budi = json.loads(as_user(world["resident_b"]).get("/profil/data.json").get_data(as_text=True))
    siti = json.loads(as_user(world["resident_a"]).get("/profil/data.json").get_data(as_text=True))

    assert [(r["item"], r["reason"], r["note"], r["text"]) for r in budi["reports_made"]] == [
        ("message", "penipuan", "Tolong dicek", SCAM)
    ]
    assert budi["mutes"] == [] and siti["reports_made"] == []
    assert [m["reason"] for m in siti["mutes"]] == ["Menipu tetangga"]
    assert "Tolong dicek" not in json.dumps(siti)  # who reported her is not hers


# --- the limit and the badge ---------------------------------------------------------------


@pytest.mark.parametrize(
    "app_config",
    [
        {
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "REPORT_LIMIT_PER_USER": "2 per minute",
        }
    ],
    indirect=True,
)
def test_reports_are_limited_per_person(app, world, as_user):
    talk, ids = _talk(app, world["resident_a"], world["resident_b"], "satu", "dua", "tiga")
    budi = as_user(world["resident_b"])

    results = [_report_via_form(budi, talk, m).status_code for m in ids]

    assert results == [303, 303, 429]
    last = submit_form(budi, f"/laporkan/pesan/{ids[2]}", "form.report-form", {"reason": "spam"})
    assert last.status_code == 429 and "Tunggu sebentar sebelum melapor lagi." in text_of(last)
    assert len(_reports(app)) == 2


def _badge_columns(app, client) -> list[str]:
    client.get("/")
    with counting(app) as statements:
        client.get("/")
    return [s for s in statements if "__count" in s]


def test_the_badge_costs_residents_nothing_and_counts_for_pengurus(
    app, world, as_user, siti_wrote_to_budi
):
    talk, (scam, _private) = siti_wrote_to_budi
    _report_via_form(as_user(world["resident_b"]), talk, scam)
    resident = _badge_columns(app, as_user(world["resident_a"]))
    pengurus = _badge_columns(app, as_user(world["pengurus_a"]))

    assert len(resident) == 1 and "moderation__count" not in resident[0]
    assert len(pengurus) == 1 and "moderation__count" in pengurus[0]
    more = as_user(world["pengurus_a"]).get("/lainnya").get_data(as_text=True)
    link = lxml.html.document_fromstring(more).cssselect("main a[href='/moderasi']")
    assert link and "Moderasi" in link[0].text_content()
    assert "1 laporan belum ditangani" in link[0].text_content()
    assert "/moderasi" not in as_user(world["resident_a"]).get("/lainnya").get_data(as_text=True)
