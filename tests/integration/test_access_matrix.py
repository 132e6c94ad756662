"""Access-control matrix: every route × every principal, as a page and as an htmx request.

Later issues extend this by appending their routes to ``ROUTES``. The guard test
fails when a route exists in the app but not in the matrix.

Expected outcomes:
  ``"200"``/``"303"``/``"422"``/``"403"``/``"404"`` - that status code;
  ``"303/200"`` - 303 for a plain form post, 200 (the fragment) for htmx;
  ``"login"`` - redirected to the sign-in page;  ``"home"`` - redirected to ``/``.
A POST is sent with a valid CSRF token and the route's ``data`` (chosen so an
allowed request either acts harmlessly or fails validation with 422).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from community.areas.models import JoinRequest, RoleAssignment
from community.events import attendance, comments, tasks
from community.events.models import Activity
from community.extensions import db
from tests.conftest import PRINCIPALS, World, csrf_token, sign_in
from tests.integration.arisan.builders import build_group, first_entry, first_report

P = PRINCIPALS
SIGNED_IN = [p for p in P if p != "anonymous"]
RESIDENTS = ["resident_a", "resident_b", "pengurus_a", "ketua_rw"]  # people with an RT


def expect(default: str, **overrides: str) -> dict[str, str]:
    table = {p: default for p in P}
    table.update(overrides)
    return table


def _pending_request_id(w: World) -> int:
    return db.session.scalar(select(JoinRequest.id).where(JoinRequest.user_id == w["pending"].id))


def _ketua_rt_assignment(w: World) -> int:
    return db.session.scalar(
        select(RoleAssignment.id).where(RoleAssignment.user_id == w["pengurus_a"].id)
    )


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    url: Callable[[World], str]
    expected: dict[str, str]
    data: dict = field(default_factory=dict)


ORGANISERS = ("pengurus_a", "ketua_rw", "admin_kelurahan", "admin_kota")
# RT A's activity: its residents and everyone with a role above it see it.
SEE_ACTIVITY_A = dict(anonymous="login", pending="404", resident_b="404")
MANAGE_ACTIVITY_A = dict(anonymous="login", pending="404", resident_a="403", resident_b="404")
# The people behind RT A's answers (names, notes, the Daftar Hadir): its pengurus only.
# Everyone above who manages the activity sees the counts on /peserta, nothing per person.
SEE_PEOPLE_A = dict(MANAGE_ACTIVITY_A, ketua_rw="403", admin_kelurahan="403", admin_kota="403")
# Who may manage RT A's members: its pengurus and the ketua RW above it. Officials above
# the RW may see RT A exists (403) but not its residents; other RTs get 404.
MANAGE_RT_A = dict(
    anonymous="login",
    pending="404",
    resident_a="403",
    resident_b="404",
    admin_kelurahan="403",
    admin_kota="403",
)
OVERVIEW_RT_A = dict(anonymous="login", pending="404", resident_a="403", resident_b="404")

ACT = "/kegiatan/{}"

# An arisan group of RT A (tests/integration/arisan/builders.py): Haji Rahmat (pengurus_a) is
# its pengelola, Siti (resident_a) its bendahara. Nobody else sees it, not even the ketua RW
# or the officials: 404 as for a resident of another RT.
ARISAN_MEMBERS = dict(
    anonymous="login", pending="404", resident_b="404", ketua_rw="404", admin_kelurahan="404",
    admin_kota="404",
)  # fmt: skip
ARISAN_BENDAHARA = dict(ARISAN_MEMBERS, pengurus_a="403")
ARISAN_PENGELOLA = dict(ARISAN_MEMBERS, resident_a="403")
# Residents (of their RT or RW) and pengurus create groups; officials and people without an
# RT do not.
ARISAN_CREATE = dict(anonymous="login", pending="403", admin_kelurahan="403", admin_kota="403")


def arisan(suffix: str = "", state: str = "new") -> Callable[[World], str]:
    return lambda w: f"/arisan/{build_group(w, state)}{suffix}"


def arisan_report(suffix: str) -> Callable[[World], str]:
    """A waiting report of Haji Rahmat's (``suffix`` after ``/laporan/<id>``), or with
    ``suffix`` "bukti" its receipt."""

    def url(w: World) -> str:
        group_id = build_group(w, "reported")
        report_id, receipt_id = first_report(group_id)
        if suffix == "bukti":
            return f"/arisan/{group_id}/bukti/{receipt_id}"
        return f"/arisan/{group_id}/laporan/{report_id}{suffix}"

    return url


def act(key: str, suffix: str = "") -> Callable[[World], str]:
    return lambda w: ACT.format(w.activities[key].id) + suffix


def _task(w: World) -> int:

    task = tasks.add_task(
        db.session.get(Activity, w.activities["rt_a"].id), label="Bawa cangkul", quantity=5
    )
    db.session.commit()
    return task.id


def _walk_in(w: World) -> int:
    record = attendance.mark_attendance(
        db.session.get(Activity, w.activities["rt_a"].id), name="Tamu", method="pengurus",
        by=None, now=w.now,
    )  # fmt: skip
    db.session.commit()
    return record.id


def _comment(w: World) -> int:
    from community.accounts.models import User

    comment = comments.add_comment(
        db.session.get(Activity, w.activities["rt_a"].id),
        db.session.get(User, w["resident_a"].id), "Saya bawa sapu", now=w.now,
    )  # fmt: skip
    db.session.commit()
    return comment.id


def _check_in(w: World) -> str:

    activity = db.session.get(Activity, w.activities["rt_a"].id)
    return f"/kegiatan/{activity.id}/hadir/{attendance.check_in_token(activity)}"


def _announcement(w: World, scope: str = "rt_a", photo: bool = False) -> int:
    """An announcement to RT A (by its ketua RT) or to RT B (by the ketua RW), made for this
    request; with ``photo`` a stored photo too."""
    from community.accounts.models import User
    from community.announcements import photos, services
    from community.areas.models import Wilayah

    wilayah, author = {"rt_a": (w.rt_a, "pengurus_a"), "rt_b": (w.rt_b, "ketua_rw")}[scope]
    name = photos.store(io.BytesIO(_PHOTO)) if photo else None
    announcement = services.publish(
        db.session.get(Wilayah, wilayah.id), by=db.session.get(User, w[author].id),
        body="Kerja bakti diundur ke Minggu", now=w.now, photo_name=name,
    )  # fmt: skip
    db.session.commit()
    return announcement.id


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, "JPEG")
    return out.getvalue()


_PHOTO = _jpeg()


def ann(suffix: str = "", scope: str = "rt_a", photo: bool = False) -> Callable[[World], str]:
    return lambda w: f"/pengumuman/{_announcement(w, scope, photo)}{suffix}"


def _conversation(w: World, suffix: str = "") -> str:
    """/pesan/<id> of resident A and resident B (one RW) with one message of A, read by both
    (so opening it writes nothing), made for this request."""
    from community.accounts.models import User
    from community.messages import queries as dm_queries
    from community.messages import services as dm
    from community.moderation.models import Mute

    a, b = db.session.get(User, w["resident_a"].id), db.session.get(User, w["resident_b"].id)
    # A muted A cannot write: tests that run every route on one world (the headers test)
    # may have muted A with a moderation route first.
    db.session.query(Mute).filter(Mute.user_id == a.id).delete()
    talk = dm.start_conversation(a, b, now=w.now)
    message = dm.send(talk, a, "Besok saya bawa gerobak", now=w.now)
    dm.mark_read(dm_queries.get_membership(talk.id, b.id), message.id, now=w.now)
    db.session.commit()
    return f"/pesan/{talk.id}" + suffix.replace("<m>", str(message.id))


def _with_a_block(w: World) -> str:
    """/pesan after resident A blocked the ketua RT: the list shows "Buka blokir"."""
    from community.accounts.models import User
    from community.messages import services as dm

    dm.block(db.session.get(User, w["resident_a"].id), db.session.get(User, w["pengurus_a"].id),
             now=w.now)  # fmt: skip
    db.session.commit()
    return "/pesan"


# Direct messages: the two members only; everyone else, whatever their role, 404.
DM_MEMBERS = dict(anonymous="login", resident_a="200", resident_b="200")


def _dm(**members: str) -> dict[str, str]:
    return expect("404", anonymous="login", **members)


# --- moderation: a report, a hidden item, a mute, made for the request ---------------------


def _siti_message(w: World) -> int:
    """A message of resident A (RT 01) to resident B: reports of it belong to RT 01."""
    from community.accounts.models import User
    from community.messages import services as dm

    a, b = db.session.get(User, w["resident_a"].id), db.session.get(User, w["resident_b"].id)
    message = dm.send(dm.start_conversation(a, b, now=w.now), a, "Transfer dulu", now=w.now)
    db.session.commit()
    return message.id


def _report(w: World, about: str = "rt_a") -> int:
    """An open report by B of A's message (RT 01), or by A of B's message (RT 02)."""
    from community.accounts.models import User
    from community.messages import services as dm
    from community.moderation import services as moderation

    writer, reporter = (
        ("resident_a", "resident_b") if about == "rt_a" else ("resident_b", "resident_a")
    )
    a, b = db.session.get(User, w[writer].id), db.session.get(User, w[reporter].id)
    message = dm.send(dm.start_conversation(a, b, now=w.now), a, "Beli pulsa murah", now=w.now)
    report = moderation.report_message(message, b, reason="penipuan", note="", now=w.now)
    db.session.commit()
    return report.id


def _moderation_page(w: World) -> str:
    """/moderasi with an open report, a hidden one, a mute and their log rows (so every
    form of the page is there for the fuzzer)."""
    from community.accounts.models import User
    from community.moderation import queries as mq
    from community.moderation import services as moderation

    ketua = db.session.get(User, w["pengurus_a"].id)
    _report(w)
    moderation.hide(mq.get_report(_report(w)), ketua, "Penipuan", now=w.now)
    moderation.mute(db.session.get(User, w["resident_a"].id), ketua, days=1, reason="Menipu",
                    now=w.now)  # fmt: skip
    db.session.commit()
    return "/moderasi"


def _mute(w: World) -> int:
    from community.accounts.models import User
    from community.moderation import services as moderation

    muted = moderation.mute(db.session.get(User, w["resident_a"].id),
                            db.session.get(User, w["pengurus_a"].id), days=3, reason="Menipu",
                            now=w.now)  # fmt: skip
    db.session.commit()
    return muted.id


def _moderate(allowed: str, **others: str) -> dict[str, str]:
    """The pengurus of RT 01 and everyone above (``allowed``); residents 404 (no /moderasi)."""
    table = {p: allowed for p in ORGANISERS}
    return expect("404", anonymous="login", **{**table, **others})


# --- musyawarah: a proposal by Siti to RT A, a poll of RT A, made for the request -------


def _usulan(w: World, photo: bool = False) -> int:
    from community.accounts.models import User
    from community.areas.models import Wilayah
    from community.musyawarah import services as musyawarah
    from community.musyawarah.photos import PHOTOS

    siti = db.session.get(User, w["resident_a"].id)
    siti.rt_id = w.rt_a.id  # a route run before on the same world (headers test) may move her
    db.session.flush()
    db.session.expire(siti)
    proposal = musyawarah.propose(
        db.session.get(Wilayah, w.rt_a.id), by=siti,
        title="Lampu jalan gang 3", body="Gelap setelah magrib", category="infrastruktur",
        location="", now=w.now, photo_name=PHOTOS.store(io.BytesIO(_PHOTO)) if photo else None,
    )  # fmt: skip
    db.session.commit()
    return proposal.id


def _jajak(w: World, kind: str = "peringkat") -> int:
    from datetime import timedelta

    from community.accounts.models import User
    from community.areas.models import Wilayah
    from community.musyawarah import services as musyawarah

    poll = musyawarah.create_poll(
        db.session.get(Wilayah, w.rt_a.id), by=db.session.get(User, w["pengurus_a"].id),
        question="Prioritas RT", description="", kind=kind, options=["Drainase", "Lampu"],
        max_choices=2, is_secret=False, shows_live=True, opens_at=w.now,
        closes_at=w.now + timedelta(days=30), now=w.now,
    )  # fmt: skip
    db.session.commit()
    return poll.id


def _kertas(w: World, poll_id: int | None = None) -> str:
    """The withdraw URL of a batch of paper ballots entered for RT A's poll (or, with
    ``poll_id``, the URL naming that other poll)."""
    from community.accounts.models import User
    from community.musyawarah import queries
    from community.musyawarah import services as musyawarah

    own = _jajak(w, "tunggal")
    poll = queries.get_poll(own)
    batch = musyawarah.enter_paper(poll, by=db.session.get(User, w["pengurus_a"].id), ballots=2,
                                   votes={poll.options[0].id: 2}, now=w.now)  # fmt: skip
    db.session.commit()
    return f"/jajak/{poll_id or own}/kertas/{batch.id}/batal"


def _usulan_supported(w: World) -> str:
    """RT A's proposal that its ketua supports: his page shows the withdraw button."""
    from community.accounts.models import User
    from community.musyawarah import queries
    from community.musyawarah import services as musyawarah

    proposal_id = _usulan(w)
    musyawarah.support(queries.get_proposal(proposal_id), db.session.get(User, w["pengurus_a"].id),
                       now=w.now)  # fmt: skip
    db.session.commit()
    return f"/usulan/{proposal_id}"


def _musyawarah_held(w: World) -> int:
    """A musyawarah of RT A that started an hour ago (its notulen may be written)."""
    from datetime import timedelta

    from community.accounts.models import User
    from community.areas.models import Wilayah
    from community.events import services as events

    start = w.now - timedelta(hours=1)
    activity = events.create_activity(
        db.session.get(Wilayah, w.rt_a.id), by=db.session.get(User, w["pengurus_a"].id),
        now=w.now, kind="musyawarah", title="Musyawarah RT 01", place="Rumah ketua",
        starts_at=start, ends_at=start + timedelta(hours=2),
    )  # fmt: skip
    db.session.commit()
    return activity.id


def _waktu(w: World) -> int:
    """A time poll of RT A with two evenings ahead."""
    from datetime import timedelta

    from community.accounts.models import User
    from community.areas.models import Wilayah
    from community.musyawarah import services as musyawarah

    poll = musyawarah.create_time_poll(
        db.session.get(Wilayah, w.rt_a.id), by=db.session.get(User, w["pengurus_a"].id),
        title="Musyawarah RT 01", place="Rumah ketua",
        times=[w.now + timedelta(days=3), w.now + timedelta(days=4)], now=w.now,
    )  # fmt: skip
    db.session.commit()
    return poll.id


def waktu(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/waktu-musyawarah/{_waktu(w)}{suffix}"


def notulen(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/kegiatan/{_musyawarah_held(w)}/notulen{suffix}"


def usulan(suffix: str = "", photo: bool = False) -> Callable[[World], str]:
    return lambda w: f"/usulan/{_usulan(w, photo)}{suffix}"


# People with an RT may propose; those without one (pending, the admins) may not.
PROPOSE = dict(anonymous="login", pending="403", admin_kelurahan="403", admin_kota="403")
NO_ROLE_403 = dict(anonymous="login", pending="403", resident_a="403", resident_b="403")
# Supporting RT A's proposal by Siti: its other residents; Siti herself, the ketua RW
# (living in RT B) and the admins see it but may not (422); others 404.
SUPPORT_A = dict(SEE_ACTIVITY_A, pengurus_a="303/200")


ROUTES: list[Route] = [
    # --- events: tasks, atas nama, Daftar Hadir, comments ---
    Route(
        "events.add_task",
        "POST",
        act("rt_a", "/tugas"),
        expect("303/200", **MANAGE_ACTIVITY_A),
        {"label": "Bawa sapu", "quantity": "3"},
    ),
    Route(
        "events.remove_task",
        "POST",
        lambda w: f"/kegiatan/{w.activities['rt_a'].id}/tugas/{_task(w)}/hapus",
        expect("303/200", **MANAGE_ACTIVITY_A),
    ),
    Route(
        "events.sign_up",
        "POST",
        lambda w: f"/kegiatan/{w.activities['rt_a'].id}/tugas/{_task(w)}/ambil",
        expect("303/200", **SEE_ACTIVITY_A),
        {"quantity": "1"},
    ),
    Route(
        "events.withdraw_signup",
        "POST",
        lambda w: f"/kegiatan/{w.activities['rt_a'].id}/tugas/{_task(w)}/batal",
        expect("303/200", **SEE_ACTIVITY_A),
    ),
    Route(
        "events.participants", "GET", act("rt_a", "/peserta"), expect("200", **MANAGE_ACTIVITY_A)
    ),
    Route(
        "events.respond_for",
        "POST",
        act("rt_a", "/atas-nama"),
        expect("303", **SEE_PEOPLE_A),
        {"resident": "0", "name": "Nenek Ijah", "answer": "hadir"},
    ),
    Route("events.attendance", "GET", act("rt_a", "/daftar-hadir"), expect("200", **SEE_PEOPLE_A)),
    Route(
        "events.reminders_report",
        "GET",
        act("rt_a", "/pengingat"),
        expect("200", **MANAGE_ACTIVITY_A),
    ),
    Route(
        "events.toggle_attendance",
        "POST",
        lambda w: f"/kegiatan/{w.activities['rt_a'].id}/daftar-hadir/{w['resident_a'].id}",
        expect("303/200", **SEE_PEOPLE_A),
    ),
    Route(
        "events.toggle_attendance",
        "POST",  # a resident of another RT is not on this sheet
        lambda w: f"/kegiatan/{w.activities['rt_a'].id}/daftar-hadir/{w['resident_b'].id}",
        expect("404", **{k: v for k, v in SEE_PEOPLE_A.items() if v != "404"}),
    ),
    Route(
        "events.walk_in",
        "POST",
        act("rt_a", "/daftar-hadir/tamu"),
        expect("303", **SEE_PEOPLE_A),
        {"name": "Pak Tamu"},
    ),
    Route(
        "events.remove_attendance",
        "POST",
        lambda w: f"/kegiatan/{w.activities['rt_a'].id}/daftar-hadir/catatan/{_walk_in(w)}/hapus",
        expect("303", **SEE_PEOPLE_A),
    ),
    Route(
        "events.attendance_csv",
        "GET",
        act("rt_a", "/daftar-hadir.csv"),
        expect("200", **SEE_PEOPLE_A),
    ),
    Route(
        "events.check_in_qr",
        "GET",
        act("rt_a", "/daftar-hadir/qr.svg"),
        expect("200", **SEE_PEOPLE_A),
    ),
    Route("events.self_check_in", "GET", _check_in, expect("200", **SEE_ACTIVITY_A)),
    # the world's activity is next week: check-in is not open yet
    Route("events.self_check_in", "POST", _check_in, expect("422", **SEE_ACTIVITY_A)),
    Route(
        "events.comment",
        "POST",
        act("rt_a", "/komentar"),
        expect("303", **SEE_ACTIVITY_A),
        {"body": "Saya ikut"},
    ),
    Route(
        "events.hide_comment",
        "POST",
        lambda w: f"/kegiatan/{w.activities['rt_a'].id}/komentar/{_comment(w)}/sembunyikan",
        expect("422", **MANAGE_ACTIVITY_A),  # no reason given: the page with the error
    ),
    Route(
        "events.show_comment",
        "POST",
        lambda w: f"/kegiatan/{w.activities['rt_a'].id}/komentar/{_comment(w)}/tampilkan",
        expect("303", **MANAGE_ACTIVITY_A),  # not hidden: back to it with a note
    ),
    # --- messages (direct messages, blocking) ---
    Route("messages.index", "GET", lambda w: "/pesan", expect("200", anonymous="login")),
    Route("messages.index", "GET", _with_a_block, expect("200", anonymous="login")),
    # Allowed or refused (oneself, out of scope), the answer is a 303 (to the conversation,
    # or back with the reason); tests/integration/messages tells them apart.
    Route(
        "messages.start",
        "POST",
        lambda w: f"/pesan/mulai/{w['resident_b'].id}",
        expect("303", anonymous="login"),
    ),
    Route(
        "messages.start", "POST", lambda w: "/pesan/mulai/999999", expect("404", anonymous="login")
    ),
    Route("messages.conversation", "GET", _conversation, _dm(resident_a="200", resident_b="200")),
    Route("messages.conversation", "GET", lambda w: "/pesan/999999", _dm()),
    Route(
        "messages.send",
        "POST",
        _conversation,
        _dm(resident_a="303/200", resident_b="303/200"),
        {"body": "Siap, saya bawa cangkul"},
    ),
    Route(
        "messages.send",
        "POST",
        _conversation,
        _dm(resident_a="422", resident_b="422"),
        {"body": "   "},
    ),
    Route(
        "messages.poll",
        "GET",
        lambda w: _conversation(w, "/baru?setelah=0"),
        _dm(resident_a="200", resident_b="200"),
    ),
    Route("messages.poll", "GET", lambda w: "/pesan/999999/baru?setelah=0", _dm()),
    Route(
        "messages.delete",
        "POST",
        lambda w: _conversation(w, "/<m>/hapus"),
        _dm(resident_a="303/200", resident_b="403"),
    ),
    Route(
        "messages.private",
        "POST",
        lambda w: _conversation(w, "/privat"),
        _dm(resident_a="303", resident_b="303"),
    ),
    Route("messages.private", "POST", lambda w: "/pesan/999999/privat", _dm()),
    Route(
        "messages.block",
        "POST",
        lambda w: f"/blokir/{w['resident_b'].id}",
        # people who could write to B (one RW) may block B; nobody else learns B's name
        _dm(resident_a="303", pengurus_a="303", ketua_rw="303"),
    ),
    Route(
        "messages.unblock",
        "POST",
        lambda w: f"/blokir/{w['resident_b'].id}/buka",
        expect("303", anonymous="login"),
    ),
    # --- moderation (reports, hiding, mutes) ---
    Route(
        "moderation.report_message",
        "GET",
        lambda w: f"/laporkan/pesan/{_siti_message(w)}",
        _dm(resident_a="403", resident_b="200"),
    ),
    Route(
        "moderation.report_message",
        "POST",
        lambda w: f"/laporkan/pesan/{_siti_message(w)}",
        _dm(resident_a="403", resident_b="303"),
        {"reason": "spam"},
    ),
    Route(
        "moderation.report_message",
        "POST",
        lambda w: f"/laporkan/pesan/{_siti_message(w)}",
        _dm(resident_a="403", resident_b="422"),
        {"reason": "semua"},
    ),
    Route("moderation.report_message", "GET", lambda w: "/laporkan/pesan/999999", _dm()),
    Route(
        "moderation.report_comment",
        "GET",
        lambda w: f"/laporkan/komentar/{_comment(w)}",
        expect("200", resident_a="403", **SEE_ACTIVITY_A),
    ),
    Route(
        "moderation.report_comment",
        "POST",
        lambda w: f"/laporkan/komentar/{_comment(w)}",
        expect("303", resident_a="403", **SEE_ACTIVITY_A),
        {"reason": "kasar", "note": "Tolong dicek"},
    ),
    Route("moderation.report_comment", "GET", lambda w: "/laporkan/komentar/999999", _dm()),
    Route("moderation.index", "GET", _moderation_page, _moderate("200")),
    Route(
        "moderation.hide",
        "POST",
        lambda w: f"/moderasi/laporan/{_report(w)}/sembunyikan",
        _moderate("422"),  # no reason sent: 422 for those who may
    ),
    Route(
        "moderation.hide",
        "POST",  # a report of RT 02: not RT 01's ketua
        lambda w: f"/moderasi/laporan/{_report(w, 'rt_b')}/sembunyikan",
        _moderate("422", pengurus_a="404"),
    ),
    Route(
        "moderation.unhide",
        "POST",  # an open report is not hidden: 422 for those who may
        lambda w: f"/moderasi/laporan/{_report(w)}/tampilkan",
        _moderate("422"),
    ),
    Route(
        "moderation.dismiss",
        "POST",
        lambda w: f"/moderasi/laporan/{_report(w)}/abaikan",
        _moderate("303"),
    ),
    Route(
        "moderation.dismiss",
        "POST",
        lambda w: f"/moderasi/laporan/{_report(w, 'rt_b')}/abaikan",
        _moderate("303", pengurus_a="404"),
    ),
    Route("moderation.dismiss", "POST", lambda w: "/moderasi/laporan/999999/abaikan", _dm()),
    Route(
        "moderation.mute",
        "GET",
        lambda w: f"/moderasi/warga/{w['resident_a'].id}/bisukan",
        _moderate("200"),
    ),
    Route(
        "moderation.mute",
        "GET",  # RT 01's ketua: not themselves; the ketua RW and admins above may
        lambda w: f"/moderasi/warga/{w['pengurus_a'].id}/bisukan",
        _moderate("200", pengurus_a="403"),
    ),
    Route(
        "moderation.mute",
        "GET",  # RT 02's resident: not RT 01's ketua
        lambda w: f"/moderasi/warga/{w['resident_b'].id}/bisukan",
        _moderate("200", pengurus_a="404"),
    ),
    Route(
        "moderation.mute",
        "POST",  # no period or reason: 422 for those who may
        lambda w: f"/moderasi/warga/{w['resident_a'].id}/bisukan",
        _moderate("422"),
    ),
    Route(
        "moderation.mute",
        "POST",
        lambda w: f"/moderasi/warga/{w['resident_a'].id}/bisukan",
        _moderate("303"),
        {"days": "1", "reason": "Menipu tetangga"},
    ),
    Route(
        "moderation.unmute",
        "POST",
        lambda w: f"/moderasi/bisukan/{_mute(w)}/cabut",
        _moderate("303"),
    ),
    Route("moderation.unmute", "POST", lambda w: "/moderasi/bisukan/999999/cabut", _dm()),
    # --- events ---
    Route(
        "events.create",
        "GET",
        lambda w: "/kegiatan/baru",
        expect("403", anonymous="login", **dict.fromkeys(ORGANISERS, "200")),
    ),
    Route(
        "events.create",
        "POST",
        lambda w: "/kegiatan/baru",
        expect("403", anonymous="login", **dict.fromkeys(ORGANISERS, "422")),
    ),
    Route("events.detail", "GET", act("rt_a"), expect("200", **SEE_ACTIVITY_A)),
    Route("events.detail", "GET", act("rw"), expect("200", anonymous="login", pending="404")),
    Route(
        "events.detail",
        "GET",
        act("rt_b"),
        expect("200", anonymous="login", pending="404", resident_a="404", pengurus_a="404"),
    ),
    Route("events.detail", "GET", lambda w: "/kegiatan/999999", expect("404", anonymous="login")),
    Route("events.edit", "GET", act("rt_a", "/ubah"), expect("200", **MANAGE_ACTIVITY_A)),
    Route("events.edit", "POST", act("rt_a", "/ubah"), expect("422", **MANAGE_ACTIVITY_A)),
    Route(
        "events.edit",
        "GET",
        act("rw", "/ubah"),  # an RT's pengurus does not run the RW's
        expect(
            "200",
            anonymous="login",
            pending="404",
            resident_a="403",
            resident_b="403",
            pengurus_a="403",
        ),
    ),
    Route("events.cancel", "POST", act("rt_a", "/batalkan"), expect("422", **MANAGE_ACTIVITY_A)),
    Route(
        "events.respond",
        "POST",
        act("rt_a", "/jawab"),
        expect("303/200", **SEE_ACTIVITY_A),
        {"answer": "hadir"},
    ),
    Route(
        "events.respond",
        "POST",
        act("rt_b", "/jawab"),
        expect("303/200", anonymous="login", pending="404", resident_a="404", pengurus_a="404"),
        {"answer": "mungkin"},
    ),
    Route(
        "events.respond_card",
        "POST",
        act("rt_a", "/jawab/kartu"),
        expect("303/200", **SEE_ACTIVITY_A),
        {"answer": "hadir"},
    ),
    Route(
        "events.respond_card",
        "POST",
        act("rt_b", "/jawab/kartu"),
        expect("303/200", anonymous="login", pending="404", resident_a="404", pengurus_a="404"),
        {"answer": "mungkin"},
    ),
    Route(
        "events.respond_all", "POST", act("rt_a", "/jawab/semua"), expect("303", **SEE_ACTIVITY_A)
    ),
    Route(
        "events.withdraw", "POST", act("rt_a", "/jawab/hapus"), expect("303/200", **SEE_ACTIVITY_A)
    ),
    Route("events.past", "GET", lambda w: "/kegiatan/lalu", expect("200", anonymous="login")),
    # --- announcements (pengumuman) ---
    Route("announcements.index", "GET", lambda w: "/pengumuman", expect("200", anonymous="login")),
    Route(
        "announcements.create",
        "GET",
        lambda w: "/pengumuman/baru",
        expect("403", anonymous="login", **dict.fromkeys(ORGANISERS, "200")),
    ),
    Route(
        "announcements.create",
        "POST",  # an empty text
        lambda w: "/pengumuman/baru",
        expect("403", anonymous="login", **dict.fromkeys(ORGANISERS, "422")),
    ),
    Route(
        "announcements.create",
        "POST",  # to RT B: its ketua RW posts; the ketua RT of RT A and the admins (more
        # than one level above an RT) are not offered RT B: a tampered choice, 422
        lambda w: "/pengumuman/baru",
        expect("403", anonymous="login", **{**dict.fromkeys(ORGANISERS, "422"), "ketua_rw": "303"}),
        {"scope": "__rt_b__", "body": "Lampu jalan gang 3 mati"},
    ),
    Route("announcements.detail", "GET", ann(), expect("200", **SEE_ACTIVITY_A)),
    Route(
        "announcements.detail",
        "GET",  # RT B's, posted by the ketua RW: nothing for RT A
        ann(scope="rt_b"),
        expect("200", anonymous="login", pending="404", resident_a="404", pengurus_a="404"),
    ),
    Route(
        "announcements.detail",
        "GET",
        lambda w: "/pengumuman/999999",
        expect("404", anonymous="login"),
    ),
    Route("announcements.photo", "GET", ann("/foto", photo=True), expect("200", **SEE_ACTIVITY_A)),
    Route("announcements.photo", "GET", ann("/foto"), expect("404", anonymous="login")),
    Route("announcements.edit", "GET", ann("/ubah"), expect("200", **MANAGE_ACTIVITY_A)),
    Route(
        "announcements.edit",
        "POST",
        ann("/ubah"),
        expect("422", **MANAGE_ACTIVITY_A),
        {"body": " "},
    ),
    Route(
        "announcements.edit",
        "GET",
        ann("/ubah", scope="rt_b"),
        expect(
            "200",
            anonymous="login",
            pending="404",
            resident_a="404",
            resident_b="403",
            pengurus_a="404",
        ),
    ),
    Route("announcements.pin", "POST", ann("/sematkan"), expect("303", **MANAGE_ACTIVITY_A)),
    Route("announcements.delete", "POST", ann("/hapus"), expect("303", **MANAGE_ACTIVITY_A)),
    Route("announcements.poster", "GET", ann("/poster"), expect("200", **MANAGE_ACTIVITY_A)),
    Route("announcements.poster_qr", "GET", ann("/qr.svg"), expect("200", **MANAGE_ACTIVITY_A)),
    # --- arisan: only the group's members see it; officials and other RTs get 404 ---
    Route("arisan.index", "GET", lambda w: "/arisan", expect("200", anonymous="login")),
    Route("arisan.create", "GET", lambda w: "/arisan/baru", expect("200", **ARISAN_CREATE)),
    Route("arisan.create", "POST", lambda w: "/arisan/baru", expect("422", **ARISAN_CREATE)),
    Route("arisan.group", "GET", arisan(), expect("200", **ARISAN_MEMBERS)),
    Route("arisan.group", "GET", arisan("", "over"), expect("200", **ARISAN_MEMBERS)),
    Route("arisan.group", "GET", arisan("", "fixed"), expect("200", **ARISAN_MEMBERS)),
    Route("arisan.group", "GET", lambda w: "/arisan/999999", expect("404", anonymous="login")),
    Route("arisan.round_page", "GET", arisan("/putaran/1"), expect("200", **ARISAN_MEMBERS)),
    Route(
        "arisan.round_page", "GET", arisan("/putaran/1", "drawn"), expect("200", **ARISAN_MEMBERS)
    ),
    Route("arisan.round_page", "GET", arisan("/putaran/9"), expect("404", anonymous="login")),
    Route(
        "arisan.pay",
        "POST",
        arisan("/putaran/1/bayar"),
        expect("422", **ARISAN_BENDAHARA),
        {"slot": "", "method": "tunai", "paid_on": ""},
    ),
    Route(
        "arisan.reverse",
        "POST",
        lambda w: f"/arisan/{(g := build_group(w, 'drawn'))}/entri/{first_entry(g)}/koreksi",
        expect("303", **ARISAN_BENDAHARA),
    ),
    Route(
        "arisan.payout",
        "POST",
        arisan("/putaran/1/pot"),
        expect("422", **ARISAN_BENDAHARA),
        {"slot": "", "method": "cek"},
    ),
    # A denda with no amount (the empty form: 422).
    Route(
        "arisan.fine",
        "POST",
        arisan("/putaran/1/denda"),
        expect("422", **ARISAN_BENDAHARA),
        {"slot": "", "amount": ""},
    ),
    Route(
        "arisan.host",
        "POST",
        arisan("/putaran/1/tuan-rumah"),
        expect("303", **ARISAN_PENGELOLA),
        {"host": ""},
    ),
    Route("arisan.draw", "POST", arisan("/putaran/1/kocok"), expect("422", **ARISAN_PENGELOLA)),
    # Urutan tetap in a group that draws: no name to choose, 422.
    Route(
        "arisan.turn",
        "POST",
        arisan("/putaran/1/giliran"),
        expect("422", **ARISAN_PENGELOLA),
        {"slot": "1"},
    ),
    Route(
        "arisan.undo",
        "POST",
        arisan("/putaran/1/batal", "drawn"),
        expect("303", **ARISAN_PENGELOLA),
        {"reason": "Gulungan jatuh"},
    ),
    # The order agreed in advance, in a fixed-order group: its pengelola (an empty form: 422)
    Route("arisan.order", "GET", arisan("/urutan", "fixed"), expect("200", **ARISAN_PENGELOLA)),
    Route("arisan.order", "POST", arisan("/urutan", "fixed"), expect("422", **ARISAN_PENGELOLA)),
    Route("arisan.new_cycle", "POST", arisan("/siklus-baru"), expect("422", **ARISAN_PENGELOLA)),
    # Bubarkan without the tick: 422, nothing changed.
    Route("arisan.dissolve", "POST", arisan("/bubarkan"), expect("422", **ARISAN_PENGELOLA)),
    # "Sudah transfer": any member, for their own slot (the empty form: 422).
    Route(
        "arisan.report",
        "POST",
        arisan("/putaran/1/lapor"),
        expect("422", **ARISAN_MEMBERS),
        {"slot": "", "method": "transfer", "paid_on": ""},
    ),
    Route(
        "arisan.round_page",
        "GET",
        arisan("/putaran/1", "reported"),
        expect("200", **ARISAN_MEMBERS),
    ),
    Route("arisan.approve", "POST", arisan_report("/setujui"), expect("303", **ARISAN_BENDAHARA)),
    Route("arisan.reject", "POST", arisan_report("/tolak"), expect("422", **ARISAN_BENDAHARA)),
    # The receipt of Haji Rahmat's slot: his own, seen by Siti as bendahara too.
    Route("arisan.receipt", "GET", arisan_report("bukti"), expect("200", **ARISAN_MEMBERS)),
    # --- notifications ---
    Route(
        "notifications.preferences",
        "GET",
        lambda w: "/profil/notifikasi",
        expect("200", anonymous="login"),
    ),
    Route(
        "notifications.preferences",
        "POST",
        lambda w: "/profil/notifikasi",
        expect("422", anonymous="login"),
    ),
    # A form post is not the JSON a browser's PushSubscription sends: refused, nothing stored.
    Route(
        "notifications.subscribe",
        "POST",
        lambda w: "/profil/notifikasi/perangkat",
        expect("422", anonymous="login"),
    ),
    Route(
        "notifications.unsubscribe_this",
        "POST",
        lambda w: "/profil/notifikasi/perangkat/lepas",
        expect("404", anonymous="login"),
    ),
    Route(
        "notifications.remove_device",
        "POST",
        lambda w: "/profil/notifikasi/perangkat/999999/hapus",
        expect("404", anonymous="login"),
    ),
    # --- web ---
    Route("web.index", "GET", lambda w: "/", expect("200")),
    Route("web.more", "GET", lambda w: "/lainnya", expect("200", anonymous="login")),
    Route("web.manifest", "GET", lambda w: "/manifest.webmanifest", expect("200")),
    Route("web.service_worker", "GET", lambda w: "/sw.js", expect("200")),
    Route("web.offline", "GET", lambda w: "/offline", expect("200")),
    Route("web.session_state", "GET", lambda w: "/sesi.json", expect("200", anonymous="401")),
    Route("web.set_language", "POST", lambda w: "/bahasa", expect("303"), {"language": "en"}),
    Route("web.healthz", "GET", lambda w: "/healthz", expect("200")),
    # --- accounts ---
    Route("accounts.register", "GET", lambda w: "/daftar", expect("home", anonymous="200")),
    Route("accounts.register", "POST", lambda w: "/daftar", expect("home", anonymous="422")),
    Route("accounts.login", "GET", lambda w: "/masuk", expect("home", anonymous="200")),
    Route("accounts.login", "POST", lambda w: "/masuk", expect("home", anonymous="422")),
    Route("accounts.logout", "POST", lambda w: "/keluar", expect("303")),
    Route("accounts.reset", "GET", lambda w: "/lupa-sandi", expect("200")),
    Route("accounts.reset", "POST", lambda w: "/lupa-sandi", expect("422")),
    Route("accounts.profile", "GET", lambda w: "/profil", expect("200", anonymous="login")),
    Route("accounts.profile", "POST", lambda w: "/profil", expect("303", anonymous="login")),
    Route(
        "accounts.change_password",
        "POST",
        lambda w: "/profil/sandi",
        expect("422", anonymous="login"),
    ),
    Route(
        "accounts.export", "GET", lambda w: "/profil/data.json", expect("200", anonymous="login")
    ),
    Route("accounts.delete", "POST", lambda w: "/profil/hapus", expect("422", anonymous="login")),
    # --- areas: joining ---
    Route("areas.join", "GET", lambda w: "/gabung", expect("200", anonymous="login")),
    Route("areas.join", "POST", lambda w: "/gabung", expect("422", anonymous="login")),
    Route(
        "areas.join_link",
        "GET",
        lambda w: f"/gabung/{w.rt_a.invite_code}",
        expect("200", anonymous="login"),
    ),
    Route(
        "areas.join_link",
        "POST",
        lambda w: f"/gabung/{w.rt_a.invite_code}",
        # Officials without an RT may join one; everyone else already is in one or waiting.
        expect("422", anonymous="login", admin_kelurahan="303", admin_kota="303"),
        {"code": "__code_a__"},
    ),
    Route("areas.cancel_join", "POST", lambda w: "/gabung/batal", expect("303", anonymous="login")),
    Route(
        "areas.neighbours",
        "GET",
        lambda w: "/tetangga",
        expect("home", anonymous="login", **dict.fromkeys(RESIDENTS, "200")),
    ),
    # --- areas: the wilayah pages ---
    Route("areas.detail", "GET", lambda w: f"/wilayah/{w.rt_a.id}", expect("200", **OVERVIEW_RT_A)),
    Route(
        "areas.detail",
        "GET",
        lambda w: f"/wilayah/{w.rt_b.id}",
        expect(
            "200",
            anonymous="login",
            pending="404",
            resident_a="404",
            resident_b="403",
            pengurus_a="404",
        ),
    ),
    Route(
        "areas.detail",
        "GET",
        lambda w: f"/wilayah/{w.rw.id}",
        expect(
            "200",
            anonymous="login",
            pending="404",
            resident_a="403",
            resident_b="403",
            pengurus_a="403",
        ),
    ),
    Route(
        "areas.detail",
        "GET",
        lambda w: f"/wilayah/{w.kelurahan.id}",
        expect(
            "403",
            anonymous="login",
            pending="404",
            admin_kelurahan="200",
            admin_kota="200",
        ),
    ),
    Route(
        "areas.detail",
        "GET",
        lambda w: f"/wilayah/{w.other_kelurahan.id}",
        expect("404", anonymous="login", admin_kota="200"),
    ),
    Route("areas.detail", "GET", lambda w: "/wilayah/999999", expect("404", anonymous="login")),
    Route(
        "areas.decide",
        "POST",
        lambda w: f"/wilayah/{w.rt_a.id}/permintaan/{_pending_request_id(w)}/setujui",
        expect("303", **MANAGE_RT_A),
    ),
    Route(
        "areas.decide",
        "POST",
        lambda w: f"/wilayah/{w.rt_a.id}/permintaan/{_pending_request_id(w)}/tolak",
        expect("303", **MANAGE_RT_A),
    ),
    Route(
        "areas.decide",
        "POST",  # RT A's request through RT B's page: a tampered id
        lambda w: f"/wilayah/{w.rt_b.id}/permintaan/{_pending_request_id(w)}/setujui",
        expect("404", anonymous="login", resident_b="403", admin_kelurahan="403", admin_kota="403"),
    ),
    Route(
        "areas.regenerate_code",
        "POST",
        lambda w: f"/wilayah/{w.rt_a.id}/kode-baru",
        expect("303", **MANAGE_RT_A),
    ),
    Route(
        "areas.invite_qr",
        "GET",
        lambda w: f"/wilayah/{w.rt_a.id}/kode-qr.svg",
        expect("200", **MANAGE_RT_A),
    ),
    Route(
        "areas.poster",
        "GET",
        lambda w: f"/wilayah/{w.rt_a.id}/poster",
        expect("200", **MANAGE_RT_A),
    ),
    Route(
        "areas.issue_reset",
        "POST",
        lambda w: f"/wilayah/{w.rt_a.id}/anggota/{w['resident_a'].id}/kode-reset",
        expect("200", **MANAGE_RT_A),
    ),
    Route(
        "areas.issue_reset",
        "POST",  # a resident of RT B through RT A's page
        lambda w: f"/wilayah/{w.rt_a.id}/anggota/{w['resident_b'].id}/kode-reset",
        expect("404", **{k: v for k, v in MANAGE_RT_A.items() if v != "404"}),
    ),
    Route(
        "areas.remove_member",
        "POST",
        lambda w: f"/wilayah/{w.rt_a.id}/anggota/{w['resident_a'].id}/keluarkan",
        expect("303", **MANAGE_RT_A),
    ),
    # The ketua RT holds a role: only who may give that role may reset or remove them.
    Route(
        "areas.issue_reset",
        "POST",
        lambda w: f"/wilayah/{w.rt_a.id}/anggota/{w['pengurus_a'].id}/kode-reset",
        expect("403", anonymous="login", pending="404", resident_b="404", ketua_rw="200"),
    ),
    Route(
        "areas.remove_member",
        "POST",  # removing oneself is refused with a message (303)
        lambda w: f"/wilayah/{w.rt_a.id}/anggota/{w['pengurus_a'].id}/keluarkan",
        expect(
            "403",
            anonymous="login",
            pending="404",
            resident_b="404",
            pengurus_a="303",
            ketua_rw="303",
        ),
    ),
    Route(
        "areas.appoint",
        "POST",
        lambda w: f"/wilayah/{w.rt_a.id}/peran",
        expect("422", anonymous="login", pending="404", resident_a="403", resident_b="404"),
    ),
    Route(
        "areas.revoke",
        "POST",
        lambda w: f"/wilayah/{w.rt_a.id}/peran/{_ketua_rt_assignment(w)}/hapus",
        # a ketua RT may not remove themself as ketua: only the RW and above can
        expect(
            "303",
            anonymous="login",
            pending="404",
            resident_a="403",
            resident_b="404",
            pengurus_a="404",
        ),
    ),
    Route(
        "areas.add_child",
        "POST",
        lambda w: f"/wilayah/{w.rw.id}/tambah",
        expect(
            "422",
            anonymous="login",
            pending="404",
            resident_a="403",
            resident_b="403",
            pengurus_a="403",
        ),
    ),
    Route(
        "areas.add_child",
        "POST",
        lambda w: f"/wilayah/{w.kelurahan.id}/tambah",
        expect("403", anonymous="login", pending="404", admin_kelurahan="422", admin_kota="422"),
    ),
    # --- musyawarah (usulan, jajak pendapat) ---
    Route("musyawarah.index", "GET", lambda w: "/musyawarah", expect("200", anonymous="login")),
    Route("musyawarah.propose", "GET", lambda w: "/usulan/baru", expect("200", **PROPOSE)),
    Route("musyawarah.propose", "POST", lambda w: "/usulan/baru", expect("422", **PROPOSE)),
    Route("musyawarah.proposal", "GET", usulan(), expect("200", **SEE_ACTIVITY_A)),
    Route(
        "musyawarah.proposal_photo",
        "GET",
        usulan("/foto", photo=True),
        expect("200", **SEE_ACTIVITY_A),
    ),
    Route("musyawarah.proposal_photo", "GET", usulan("/foto"), expect("404", anonymous="login")),
    Route("musyawarah.proposal", "GET", _usulan_supported, expect("200", **SEE_ACTIVITY_A)),
    Route(
        "musyawarah.proposal", "GET", lambda w: "/usulan/999999", expect("404", anonymous="login")
    ),
    Route("musyawarah.support", "POST", usulan("/dukung"), expect("422", **SUPPORT_A)),
    Route("musyawarah.unsupport", "POST", usulan("/batal-dukung"), expect("422", **SUPPORT_A)),
    Route("musyawarah.comment", "POST", usulan("/komentar"), expect("422", **SEE_ACTIVITY_A)),
    Route(
        "musyawarah.comment",
        "POST",
        usulan("/komentar"),
        expect("303", **SEE_ACTIVITY_A),
        {"body": "Setuju, gang 3 memang gelap"},
    ),
    Route(
        "musyawarah.change_status", "POST", usulan("/status"), expect("422", **MANAGE_ACTIVITY_A)
    ),
    Route(
        "musyawarah.change_status",
        "POST",
        usulan("/status"),
        expect("303", **MANAGE_ACTIVITY_A),
        {"status": "dibahas"},
    ),
    Route("musyawarah.create_poll", "GET", lambda w: "/jajak/baru", expect("200", **NO_ROLE_403)),
    Route("musyawarah.create_poll", "POST", lambda w: "/jajak/baru", expect("422", **NO_ROLE_403)),
    Route(
        "musyawarah.poll", "GET", lambda w: f"/jajak/{_jajak(w)}", expect("200", **SEE_ACTIVITY_A)
    ),
    Route(
        "musyawarah.poll",
        "GET",
        lambda w: f"/jajak/{_jajak(w, 'ganda')}",
        expect("200", **SEE_ACTIVITY_A),
    ),
    Route(
        "musyawarah.poll",
        "GET",
        lambda w: f"/jajak/{_jajak(w, 'tunggal')}",
        expect("200", **SEE_ACTIVITY_A),
    ),
    Route("musyawarah.poll", "GET", lambda w: "/jajak/999999", expect("404", anonymous="login")),
    # no choice sent: 422 for everyone who sees the poll (residents of RT A: no choice; the
    # others: not living there)
    Route(
        "musyawarah.vote",
        "POST",
        lambda w: f"/jajak/{_jajak(w)}/pilih",
        expect("422", **SEE_ACTIVITY_A),
    ),
    # notulen of RT A's musyawarah: read by whoever sees it, written by its organisers
    Route("musyawarah.minutes", "GET", notulen(), expect("200", **SEE_ACTIVITY_A)),
    Route("musyawarah.minutes", "GET", act("rt_a", "/notulen"), expect("404", anonymous="login")),
    Route("musyawarah.write_minutes", "GET", notulen("/tulis"), expect("200", **MANAGE_ACTIVITY_A)),
    Route(
        "musyawarah.write_minutes", "POST", notulen("/tulis"), expect("422", **MANAGE_ACTIVITY_A)
    ),
    Route(
        "musyawarah.write_minutes",
        "POST",
        notulen("/tulis"),
        expect("303", **MANAGE_ACTIVITY_A),
        {"body": "Hadir 12 warga. Drainase Gang 3 disepakati."},
    ),
    Route(
        "musyawarah.write_minutes",
        "GET",
        act("rt_a", "/notulen/tulis"),
        expect("404", anonymous="login", resident_a="403"),
    ),
    # a time poll of RT A: seen like its activities; ticked by its residents (422 for the
    # rest: not living there); picked by its organisers
    Route(
        "musyawarah.create_time_poll",
        "GET",
        lambda w: "/waktu-musyawarah/baru",
        expect("200", **NO_ROLE_403),
    ),
    Route(
        "musyawarah.create_time_poll",
        "POST",
        lambda w: "/waktu-musyawarah/baru",
        expect("422", **NO_ROLE_403),
    ),
    Route("musyawarah.time_poll", "GET", waktu(), expect("200", **SEE_ACTIVITY_A)),
    Route(
        "musyawarah.time_poll",
        "GET",
        lambda w: "/waktu-musyawarah/999999",
        expect("404", anonymous="login"),
    ),
    Route(
        "musyawarah.mark_times",
        "POST",
        waktu("/tandai"),
        expect("422", **SEE_ACTIVITY_A, resident_a="303", pengurus_a="303"),
    ),
    Route("musyawarah.pick_time", "POST", waktu("/tetapkan"), expect("422", **MANAGE_ACTIVITY_A)),
    # paper ballots of RT A's poll: its pengurus and those above
    Route(
        "musyawarah.paper",
        "GET",
        lambda w: f"/jajak/{_jajak(w, 'tunggal')}/kertas",
        expect("200", **MANAGE_ACTIVITY_A),
    ),
    Route(
        "musyawarah.paper",
        "POST",
        lambda w: f"/jajak/{_jajak(w, 'tunggal')}/kertas",
        expect("422", **MANAGE_ACTIVITY_A),
    ),
    Route(
        "musyawarah.paper",
        "GET",
        lambda w: f"/jajak/{_jajak(w)}/kertas",
        expect("200", **MANAGE_ACTIVITY_A),
    ),
    Route(
        "musyawarah.withdraw_paper",
        "POST",
        _kertas,
        expect("303", **MANAGE_ACTIVITY_A),
    ),
    Route(  # a batch named under another poll: not found by those who manage that poll
        "musyawarah.withdraw_paper",
        "POST",
        lambda w: _kertas(w, poll_id=_jajak(w, "tunggal")),
        expect("404", **MANAGE_ACTIVITY_A),
    ),
    # the Musrenbang export of RT A: whoever manages it (no names on it)
    Route(
        "musyawarah.musrenbang",
        "GET",
        lambda w: f"/musyawarah/musrenbang/{w.rt_a.id}",
        expect("200", **MANAGE_ACTIVITY_A),
    ),
    Route(
        "musyawarah.musrenbang_csv",
        "GET",
        lambda w: f"/musyawarah/musrenbang/{w.rt_a.id}.csv",
        expect("200", **MANAGE_ACTIVITY_A),
    ),
    Route(
        "musyawarah.musrenbang_priorities_csv",
        "GET",
        lambda w: f"/musyawarah/musrenbang/{w.rt_a.id}/prioritas.csv",
        expect("200", **MANAGE_ACTIVITY_A),
    ),
    Route(
        "musyawarah.musrenbang",
        "GET",
        lambda w: "/musyawarah/musrenbang/999999",
        expect("404", anonymous="login"),
    ),
    # --- events: share and calendar ---
    Route("events.activity_ics", "GET", act("rt_a", ".ics"), expect("200", **SEE_ACTIVITY_A)),
    Route(
        "events.activity_ics",
        "GET",
        act("rt_b", ".ics"),
        expect("200", anonymous="login", pending="404", resident_a="404", pengurus_a="404"),
    ),
    Route(
        "events.activity_ics",
        "GET",
        lambda w: "/kegiatan/999999.ics",
        expect("404", anonymous="login"),
    ),
    Route("events.poster", "GET", act("rt_a", "/poster"), expect("200", **MANAGE_ACTIVITY_A)),
    Route("events.poster_qr", "GET", act("rt_a", "/qr.svg"), expect("200", **MANAGE_ACTIVITY_A)),
    Route(
        "events.feed_create",
        "POST",
        lambda w: "/profil/kalender",
        expect("303", anonymous="login"),
        {"scope": "rt"},
    ),
    Route(
        "events.feed_create",
        "POST",  # a tampered scope
        lambda w: "/profil/kalender",
        expect("422", anonymous="login"),
        {"scope": "semua"},
    ),
    Route(
        "events.feed_revoke",
        "POST",
        lambda w: "/profil/kalender/hapus",
        expect("303", anonymous="login"),
    ),
    # The feed needs no sign-in (calendar apps cannot): the secret token is the key.
    Route("events.feed", "GET", lambda w: _calendar_feed_path(w), expect("200")),
    Route("events.feed", "GET", lambda w: "/kalender/tidak-dikenal.ics", expect("404")),
    # --- dashboard (#17): the figures of a wilayah for those with a role on it or above ---
    # /dasbor sends a role holder to their own wilayah; people without a role have none.
    Route(
        "dashboard.home",
        "GET",
        lambda w: "/dasbor",
        expect("303", anonymous="login", pending="404", resident_a="404", resident_b="404"),
    ),
    Route(
        "dashboard.scope", "GET", lambda w: f"/dasbor/{w.rt_a.id}", expect("200", **OVERVIEW_RT_A)
    ),
    # the kelurahan: its admin and the admin kota; the ketua RW and ketua RT below it 403
    Route(
        "dashboard.scope",
        "GET",
        lambda w: f"/dasbor/{w.kelurahan.id}",
        expect("403", anonymous="login", pending="404", admin_kelurahan="200", admin_kota="200"),
    ),
    # another kelurahan: only the admin kota (the admin of Komet does not see Mentaos exists)
    Route(
        "dashboard.scope",
        "GET",
        lambda w: f"/dasbor/{w.other_kelurahan.id}",
        expect("404", anonymous="login", admin_kota="200"),
    ),
    Route("dashboard.scope", "GET", lambda w: "/dasbor/999999", expect("404", anonymous="login")),
    Route(
        "dashboard.chart",
        "GET",
        lambda w: f"/dasbor/{w.rt_a.id}/grafik/bulan.svg",
        expect("200", **OVERVIEW_RT_A),
    ),
    Route(
        "dashboard.export",
        "GET",
        lambda w: f"/dasbor/{w.rt_a.id}/unduh/unit.csv",
        expect("200", **OVERVIEW_RT_A),
    ),
    Route(
        "dashboard.report",
        "GET",
        lambda w: f"/dasbor/{w.rt_a.id}/laporan",
        expect("200", **OVERVIEW_RT_A),
    ),
    Route(
        "dashboard.report",
        "GET",
        lambda w: f"/dasbor/{w.kelurahan.id}/laporan",
        expect("403", anonymous="login", pending="404", admin_kelurahan="200", admin_kota="200"),
    ),
]


def _calendar_feed_path(w: World) -> str:
    """A feed of RT A's resident, created for this request (runs in an app context)."""
    import secrets

    from community.events.models import CalendarFeed

    feed = CalendarFeed(user_id=w["resident_a"].id, token=secrets.token_urlsafe(32), scope="rt")
    db.session.add(feed)
    db.session.commit()
    return f"/kalender/{feed.token}.ics"


def _outcome(response) -> str:
    if response.status_code in (301, 302, 303) and response.status_code != 303:
        location = response.headers.get("Location", "")
        if "/masuk" in location:
            return "login"
        if location in ("/", "http://localhost/"):
            return "home"
    return str(response.status_code)


# Signed out, waiting to join, the other RT's resident, a ketua RT and an official above:
# one of each kind of answer (login, 404, 403, allowed) on PostgreSQL.
SECOND_PASS = frozenset({"anonymous", "pending", "resident_b", "pengurus_a", "admin_kelurahan"})

CASES = [
    pytest.param(
        route,
        principal,
        htmx,
        id=f"{i:02d}-{route.method}-{route.endpoint}-{principal}" + ("-htmx" if htmx else ""),
        # The htmx variant asks the same queries as the page, and the scoping queries are
        # the same for every principal of one kind: the PostgreSQL pass runs the page
        # variant for the principals of SECOND_PASS (tests/conftest.py FIRST_PASS_ONLY), to
        # keep CI under 20 minutes; the SQLite pass runs every case.
        marks=[pytest.mark.first_pass_only] if htmx or principal not in SECOND_PASS else [],
    )
    for i, route in enumerate(ROUTES)
    for principal in P
    for htmx in (False, True)
]


@pytest.mark.parametrize(("route", "principal", "htmx"), CASES)
def test_access(app, world, route: Route, principal: str, htmx: bool):
    client = sign_in(app.test_client(), world[principal])
    with app.app_context():
        url = route.url(world)
    headers = {"HX-Request": "true"} if htmx else {}
    if route.method == "GET":
        response = client.get(url, headers=headers)
    else:
        data = {
            k: (world.rt_a.invite_code if v == "__code_a__" else v) for k, v in route.data.items()
        }
        data = {k: (str(world.rt_b.id) if v == "__rt_b__" else v) for k, v in data.items()}
        token = csrf_token(client, "/")
        response = client.post(url, data={"csrf_token": token, **data}, headers=headers)
    assert response.status_code != 500
    expected = route.expected[principal]
    if "/" in expected:
        expected = expected.split("/")[1 if htmx else 0]
    assert _outcome(response) == expected, (
        f"{principal} {route.method} {url}: got {response.status_code} "
        f"{response.headers.get('Location', '')}"
    )


def test_every_route_is_in_the_matrix(app):
    """A new route without access expectations fails here."""
    covered = {(r.endpoint, r.method) for r in ROUTES}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (rule.endpoint, method) not in covered:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes missing from the access matrix: " + ", ".join(missing)


def test_post_without_csrf_token_is_refused_everywhere(app, world):
    """Every state-changing route answers 400 without a CSRF token, for a pengurus too."""
    client = sign_in(app.test_client(), world["pengurus_a"])
    for route in ROUTES:
        if route.method != "POST":
            continue
        with app.app_context():
            url = route.url(world)
        response = client.post(url, data=route.data)
        assert response.status_code == 400, f"{url} accepted a POST without CSRF token"
