"""Joining an RT, the pengurus tools, roles, the wilayah tree and the health check."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from flask import Flask
from sqlalchemy import select

from community import create_app
from community.accounts.models import ResetCode, User
from community.accounts.rules import display_phone
from community.areas import services as areas
from community.areas.models import JoinRequest, JoinStatus, Level, Role, RoleAssignment, Wilayah
from community.areas.rules import INVITE_ALPHABET, INVITE_LENGTH, format_invite_code
from community.core.time import as_utc, utcnow
from community.extensions import db
from tests.conftest import PASSWORD, login_with_password, post_form, text_of
from tests.conftest import test_config as make_test_config
from tests.forms import submit_form

NEW_PASSWORD = "jembatan kayu 9"
BAD_CODE = "Kode undangan tidak dikenal atau sudah tidak berlaku."


def said(response) -> str:
    return html.unescape(text_of(response))


def is_signed_in(client) -> bool:
    return client.get("/profil").status_code == 200


def press(client, page: str, action: str, headers=None, **data):
    """On ``page`` as rendered, fill the form that posts to ``action`` and submit it."""
    return submit_form(client, page, f"form[action='{action}']", data, headers=headers)


def join(client, code: str, page: str = "/gabung", **data):
    """Type ``code`` into "Gabung ke RT Anda" (or press the button on a QR link page)."""
    action = page if page.startswith("/gabung/") else "/gabung"
    return press(client, page, action, code=code, **data)


def on_wilayah_page(client, wilayah_id: int, tail: str, **data):
    """Press a button (or fill a form) on the wilayah's page that posts to ``tail``."""
    return press(client, f"/wilayah/{wilayah_id}", f"/wilayah/{wilayah_id}/{tail}", **data)


# --- reading the database in its own app context (requests must not share one) ------------


def invite_code(app: Flask, rt_id: int) -> str:
    with app.app_context():
        return db.session.get(Wilayah, rt_id).invite_code


def requests_of(app: Flask, user_id: int) -> list[tuple[int, str, bool]]:
    with app.app_context():
        rows = db.session.scalars(
            select(JoinRequest).where(JoinRequest.user_id == user_id).order_by(JoinRequest.id)
        )
        return [(r.rt_id, r.status, r.is_move) for r in rows]


def pending_request_id(app: Flask, user_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(JoinRequest.id).where(
                JoinRequest.user_id == user_id, JoinRequest.status == JoinStatus.PENDING
            )
        )


def rt_of(app: Flask, user_id: int) -> int | None:
    with app.app_context():
        return db.session.get(User, user_id).rt_id


def roles_of(app: Flask, user_id: int) -> set[tuple[str, int]]:
    with app.app_context():
        rows = db.session.scalars(select(RoleAssignment).where(RoleAssignment.user_id == user_id))
        return {(a.role, a.wilayah_id) for a in rows}


def assignment_id(app: Flask, user_id: int, role: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(RoleAssignment.id).where(
                RoleAssignment.user_id == user_id, RoleAssignment.role == role
            )
        )


def new_person(app: Flask, make_user, name: str, rt=None, **fields) -> User:
    with app.app_context():
        user = make_user(name, rt, **fields)
        db.session.refresh(user)
        db.session.expunge(user)
        return user


def give_role(app: Flask, rt_id: int, user_id: int, role: str) -> None:
    with app.app_context():
        areas.appoint(db.session.get(Wilayah, rt_id), db.session.get(User, user_id), role)
        db.session.commit()


@pytest.fixture
def newcomer(app, make_user) -> User:
    """Registered, in no RT, no request sent yet."""
    return new_person(app, make_user, "Dian Permata")


# --- joining with a typed code ------------------------------------------------------------


@pytest.mark.parametrize(
    "how",
    ["as-printed", "lower-case", "lower-with-dash", "with-spaces"],
)
def test_join_with_a_typed_code(app, world, as_user, newcomer, how):
    code = invite_code(app, world.rt_a.id)
    typed = {
        "as-printed": format_invite_code(code),
        "lower-case": code.lower(),
        "lower-with-dash": format_invite_code(code).lower(),
        "with-spaces": " " + " ".join(code[i : i + 2] for i in range(0, len(code), 2)) + " ",
    }[how]
    client = as_user(newcomer)

    response = join(client, typed)

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert requests_of(app, newcomer.id) == [(world.rt_a.id, JoinStatus.PENDING, False)]
    home = said(client.get("/"))
    assert "Permintaan bergabung ke RT 01 / RW 01 terkirim." in home
    assert "Menunggu persetujuan" in home


def test_join_page_invites_a_code(world, as_user, newcomer):
    page = as_user(newcomer).get("/gabung")
    assert page.status_code == 200
    assert "Kode undangan" in said(page)
    assert 'name="is_move"' not in page.get_data(as_text=True)  # only members can move


@pytest.mark.parametrize("typed", ["", "SALAH", "ABCDE-FGHJK", "x" * 40])
def test_unknown_code_is_refused(app, world, as_user, newcomer, typed):
    response = join(as_user(newcomer), typed)

    assert response.status_code == 422
    assert "Kode undangan" in said(response)
    assert requests_of(app, newcomer.id) == []


# --- joining through the QR link ----------------------------------------------------------


def test_join_through_the_qr_link(app, world, as_user, newcomer):
    code = invite_code(app, world.rt_a.id)
    client = as_user(newcomer)

    page = client.get(f"/gabung/{code}")
    assert page.status_code == 200
    assert "Gabung ke RT 01 / RW 01" in said(page)
    assert "Kelurahan Komet, Banjarbaru" in said(page)

    response = join(client, code, page=f"/gabung/{code}")

    assert response.status_code == 303
    assert requests_of(app, newcomer.id) == [(world.rt_a.id, JoinStatus.PENDING, False)]


def test_qr_link_accepts_a_hand_typed_lower_case_url(app, world, as_user, newcomer):
    typed = format_invite_code(invite_code(app, world.rt_a.id)).lower()
    page = as_user(newcomer).get(f"/gabung/{typed}")
    assert page.status_code == 200
    assert "Gabung ke RT 01 / RW 01" in said(page)


def test_qr_link_sends_anonymous_visitors_to_sign_in_and_back(app, world, client, newcomer):
    code = invite_code(app, world.rt_a.id)

    response = client.get(f"/gabung/{code}")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/masuk?next={quote(f'/gabung/{code}', safe='')}"
    signed_in = submit_form(client, response.headers["Location"], "form[action^='/masuk']",
                            {"phone": newcomer.phone, "password": PASSWORD})  # fmt: skip
    assert signed_in.headers["Location"] == f"/gabung/{code}"


def test_qr_code_and_poster_for_the_pengurus(app, world, as_user):
    code = invite_code(app, world.rt_a.id)
    client = as_user(world["pengurus_a"])

    svg = client.get(f"/wilayah/{world.rt_a.id}/kode-qr.svg")
    assert svg.status_code == 200
    assert svg.mimetype == "image/svg+xml"
    body = svg.get_data(as_text=True)
    assert "<svg" in body
    assert "<title>RT 01 / RW 01</title>" in body
    assert "<script" not in body

    poster = client.get(f"/wilayah/{world.rt_a.id}/poster")
    assert poster.status_code == 200
    text = said(poster)
    assert format_invite_code(code) in text
    assert f"/gabung/{code}" in text
    assert f'src="/wilayah/{world.rt_a.id}/kode-qr.svg"' in poster.get_data(as_text=True)


@pytest.mark.parametrize(("principal", "status"), [("resident_a", 403), ("resident_b", 404)])
@pytest.mark.parametrize("what", ["kode-qr.svg", "poster"])
def test_qr_code_and_poster_are_for_pengurus_only(world, as_user, principal, status, what):
    response = as_user(world[principal]).get(f"/wilayah/{world.rt_a.id}/{what}")
    assert response.status_code == status
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/html"  # the error page, not the QR image
    assert world.rt_a.invite_code not in body  # nor the code it would print
    assert "/gabung/" not in body


# --- waiting, approval, rejection ---------------------------------------------------------


def test_pending_resident_sees_only_the_waiting_page(world, as_user):
    client = as_user(world["pending"])

    home = client.get("/")

    assert home.status_code == 200
    text = said(home)
    assert "Menunggu persetujuan" in text
    assert "Terima kasih, Yusuf Pendatang. Pengurus RT 01 / RW 01" in text
    assert 'href="/tetangga"' not in home.get_data(as_text=True)
    assert client.get("/tetangga").headers["Location"] == "/"
    assert client.get(f"/wilayah/{world.rt_a.id}").status_code == 404


@pytest.mark.parametrize("principal", ["pengurus_a", "ketua_rw"])
def test_pengurus_approves_and_the_resident_joins(app, world, as_user, principal):
    newcomer = world["pending"]
    request_id = pending_request_id(app, newcomer.id)
    officer = as_user(world[principal])
    page = officer.get(f"/wilayah/{world.rt_a.id}")
    assert "Permintaan bergabung (1)" in said(page)
    assert "Yusuf Pendatang" in said(page)

    response = on_wilayah_page(officer, world.rt_a.id, f"permintaan/{request_id}/setujui")

    assert response.status_code == 303
    assert response.headers["Location"] == f"/wilayah/{world.rt_a.id}"
    assert "Yusuf Pendatang sekarang warga RT 01 / RW 01." in said(officer.get(response.location))
    assert rt_of(app, newcomer.id) == world.rt_a.id
    with app.app_context():
        decided = db.session.get(JoinRequest, request_id)
        assert decided.status == JoinStatus.APPROVED
        assert decided.decided_by_id == world[principal].id
    home = as_user(newcomer).get("/")
    assert "RT 01 / RW 01" in said(home)
    assert "Menunggu persetujuan" not in said(home)
    assert as_user(newcomer).get("/tetangga").status_code == 200


def test_pengurus_rejects(app, world, as_user):
    newcomer = world["pending"]
    request_id = pending_request_id(app, newcomer.id)
    officer = as_user(world["pengurus_a"])

    response = on_wilayah_page(officer, world.rt_a.id, f"permintaan/{request_id}/tolak")

    assert response.status_code == 303
    assert "Permintaan Yusuf Pendatang ditolak." in said(officer.get(response.location))
    assert requests_of(app, newcomer.id) == [(world.rt_a.id, JoinStatus.REJECTED, False)]
    assert rt_of(app, newcomer.id) is None
    home = said(as_user(newcomer).get("/"))
    assert "Gabung ke RT Anda" in home
    assert "Menunggu persetujuan" not in home


def test_a_decided_request_cannot_be_decided_again(app, world, as_user):
    request_id = pending_request_id(app, world["pending"].id)
    officer = as_user(world["pengurus_a"])
    on_wilayah_page(officer, world.rt_a.id, f"permintaan/{request_id}/setujui")

    # tampered: not what the page renders (a decided request has no buttons any more)
    again = post_form(officer, f"/wilayah/{world.rt_a.id}/permintaan/{request_id}/tolak")

    assert again.status_code == 404
    assert requests_of(app, world["pending"].id) == [(world.rt_a.id, JoinStatus.APPROVED, False)]
    assert rt_of(app, world["pending"].id) == world.rt_a.id


def test_resident_cancels_their_request_and_may_send_another(app, world, as_user):
    client = as_user(world["pending"])

    assert press(client, "/", "/gabung/batal").status_code == 303

    assert requests_of(app, world["pending"].id) == [(world.rt_a.id, JoinStatus.CANCELLED, False)]
    assert "Gabung ke RT Anda" in said(client.get("/"))
    code_b = invite_code(app, world.rt_b.id)
    assert join(client, code_b).status_code == 303
    assert requests_of(app, world["pending"].id)[-1] == (world.rt_b.id, JoinStatus.PENDING, False)


# --- codes that no longer work ------------------------------------------------------------


def test_expired_code_is_refused(app, world, as_user, newcomer):
    code = invite_code(app, world.rt_a.id)
    with app.app_context():
        rt = db.session.get(Wilayah, world.rt_a.id)
        rt.invite_code_expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    client = as_user(newcomer)

    typed = join(client, code)
    link = client.get(f"/gabung/{code}")
    # tampered: not what the page renders (the link page of an expired code has no form)
    link_post = post_form(client, f"/gabung/{code}", {"code": code})

    assert typed.status_code == 422
    assert BAD_CODE in said(typed)
    assert link.status_code == 404
    assert "Kode undangan tidak berlaku" in said(link)
    assert link_post.status_code == 404
    assert requests_of(app, newcomer.id) == []


def test_regenerated_code_replaces_the_old_one(app, world, as_user, newcomer):
    old = invite_code(app, world.rt_a.id)
    officer = as_user(world["pengurus_a"])

    response = on_wilayah_page(officer, world.rt_a.id, "kode-baru")

    assert response.status_code == 303
    new = invite_code(app, world.rt_a.id)
    assert new != old
    assert len(new) == INVITE_LENGTH
    assert set(new) <= set(INVITE_ALPHABET)
    with app.app_context():
        expires = as_utc(db.session.get(Wilayah, world.rt_a.id).invite_code_expires_at)
    assert timedelta(days=179) < expires - utcnow() <= timedelta(days=180)
    page = said(officer.get(response.location))
    assert "Kode lama tidak berlaku lagi." in page
    assert format_invite_code(new) in page
    assert format_invite_code(old) not in page

    client = as_user(newcomer)
    refused = join(client, old)
    assert refused.status_code == 422
    assert BAD_CODE in said(refused)
    assert client.get(f"/gabung/{old}").status_code == 404
    assert requests_of(app, newcomer.id) == []
    assert join(client, new).status_code == 303
    assert requests_of(app, newcomer.id) == [(world.rt_a.id, JoinStatus.PENDING, False)]


# --- one RT per person --------------------------------------------------------------------


def test_second_request_while_one_is_pending_is_refused(app, world, as_user):
    response = join(as_user(world["pending"]), invite_code(app, world.rt_b.id))

    assert response.status_code == 422
    assert "Anda sudah punya permintaan bergabung yang menunggu persetujuan." in said(response)
    assert requests_of(app, world["pending"].id) == [(world.rt_a.id, JoinStatus.PENDING, False)]


def test_member_asking_for_their_own_rt_is_told_so(app, world, as_user):
    response = join(as_user(world["resident_a"]), invite_code(app, world.rt_a.id))

    assert response.status_code == 422
    assert "Anda sudah menjadi warga RT ini." in said(response)
    assert requests_of(app, world["resident_a"].id) == []


def test_member_of_rt_a_asking_for_rt_b_must_say_they_are_moving(app, world, as_user):
    client = as_user(world["resident_a"])
    assert 'name="is_move"' in client.get("/gabung").get_data(as_text=True)

    response = join(client, invite_code(app, world.rt_b.id))

    assert response.status_code == 422
    assert (
        'Anda sudah menjadi warga RT 01 / RW 01. Jika Anda pindah, centang "Saya pindah RT".'
        in said(response)
    )
    assert requests_of(app, world["resident_a"].id) == []
    assert rt_of(app, world["resident_a"].id) == world.rt_a.id


def test_moving_rt_drops_membership_and_roles_of_the_old_rt(app, world, as_user):
    ketua = world["pengurus_a"]
    response = join(as_user(ketua), invite_code(app, world.rt_b.id), is_move="y")
    assert response.status_code == 303
    assert requests_of(app, ketua.id) == [(world.rt_b.id, JoinStatus.PENDING, True)]
    # Until approved nothing changes: still a member and ketua of RT A.
    assert rt_of(app, ketua.id) == world.rt_a.id
    assert roles_of(app, ketua.id) == {(Role.KETUA_RT, world.rt_a.id)}

    ketua_rw = as_user(world["ketua_rw"])  # RT B has no ketua: the RW decides
    assert "pindah RT" in said(ketua_rw.get(f"/wilayah/{world.rt_b.id}"))
    request_id = pending_request_id(app, ketua.id)
    approved = on_wilayah_page(ketua_rw, world.rt_b.id, f"permintaan/{request_id}/setujui")

    assert approved.status_code == 303
    assert rt_of(app, ketua.id) == world.rt_b.id
    assert roles_of(app, ketua.id) == set()
    rt_a_page = said(as_user(world["ketua_rw"]).get(f"/wilayah/{world.rt_a.id}"))
    assert "Ketua RT: Haji Rahmat" not in rt_a_page
    assert "Anggota (1)" in rt_a_page  # Siti Aminah is left


def test_move_through_the_qr_link(app, world, as_user):
    code_b = invite_code(app, world.rt_b.id)
    client = as_user(world["resident_a"])
    assert 'name="is_move"' in client.get(f"/gabung/{code_b}").get_data(as_text=True)

    without = join(client, code_b, page=f"/gabung/{code_b}")
    assert without.status_code == 422
    assert "Jika Anda pindah" in said(without)

    moving = join(client, code_b, page=f"/gabung/{code_b}", is_move="y")
    assert moving.status_code == 303
    assert requests_of(app, world["resident_a"].id) == [(world.rt_b.id, JoinStatus.PENDING, True)]


# --- sekretaris and bendahara -------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "label"), [("sekretaris", "Sekretaris"), ("bendahara", "Bendahara")]
)
def test_ketua_rt_appoints_and_revokes_rt_staff(app, world, as_user, role, label):
    resident = world["resident_a"]
    before = as_user(resident)  # a session of the resident from before the appointment
    ketua = as_user(world["pengurus_a"])
    page = ketua.get(f"/wilayah/{world.rt_a.id}").get_data(as_text=True)
    assert f'<option value="{role}">' in page
    assert '<option value="ketua_rt">' not in page

    response = on_wilayah_page(ketua, world.rt_a.id, "peran", phone=display_phone(resident.phone),
                          role=role)  # fmt: skip

    assert response.status_code == 303
    assert f"Siti Aminah sekarang {label} RT 01 / RW 01." in said(ketua.get(response.location))
    assert roles_of(app, resident.id) == {(role, world.rt_a.id)}
    assert not is_signed_in(before)  # a role change ends the person's sessions
    staff = as_user(resident)
    assert "Anggota (" in said(staff.get(f"/wilayah/{world.rt_a.id}"))

    aid = assignment_id(app, resident.id, role)
    revoked = on_wilayah_page(ketua, world.rt_a.id, f"peran/{aid}/hapus")

    assert revoked.status_code == 303
    assert "Siti Aminah tidak lagi memegang peran itu." in said(ketua.get(revoked.location))
    assert roles_of(app, resident.id) == set()
    assert as_user(resident).get(f"/wilayah/{world.rt_a.id}").status_code == 403


def test_sekretaris_manages_members_but_appoints_nobody(app, world, as_user):
    give_role(app, world.rt_a.id, world["resident_a"].id, Role.SEKRETARIS)
    sekretaris = as_user(world["resident_a"])
    request_id = pending_request_id(app, world["pending"].id)

    appoint = post_form(  # tampered: not what the page renders (a sekretaris has no such form)
        sekretaris,
        f"/wilayah/{world.rt_a.id}/peran",
        {"phone": display_phone(world["pending"].phone), "role": "bendahara"},
    )
    approve = on_wilayah_page(sekretaris, world.rt_a.id, f"permintaan/{request_id}/setujui")

    assert appoint.status_code == 403
    assert approve.status_code == 303
    assert rt_of(app, world["pending"].id) == world.rt_a.id
    assert roles_of(app, world["pending"].id) == set()


# The same words whether or not the number has an account (the form tells nobody who
# uses Rukun).
NOT_APPOINTABLE = "Nomor HP ini bukan milik warga yang bisa diberi peran ini."


@pytest.mark.parametrize(
    ("who", "role", "message"),
    [
        ("resident_b", "sekretaris", NOT_APPOINTABLE),
        ("pending", "bendahara", NOT_APPOINTABLE),
        ("nobody", "sekretaris", NOT_APPOINTABLE),
        ("pengurus_a", "ketua_rt", None),  # not a role a ketua RT may give
        ("resident_a", "admin_kota", None),
    ],
)
def test_appointments_that_are_refused_change_nothing(app, world, as_user, who, role, message):
    phone = "0899-1111-2222" if who == "nobody" else display_phone(world[who].phone)
    with app.app_context():
        before = set(db.session.scalars(select(RoleAssignment.id)))

    ketua = as_user(world["pengurus_a"])
    if role in ("sekretaris", "bendahara"):
        response = on_wilayah_page(ketua, world.rt_a.id, "peran", phone=phone, role=role)
    else:  # tampered: not what the page renders (the role is not among its options)
        response = post_form(
            ketua, f"/wilayah/{world.rt_a.id}/peran", {"phone": phone, "role": role}
        )

    assert response.status_code == 422
    if message:
        assert message in said(response)
    with app.app_context():
        assert set(db.session.scalars(select(RoleAssignment.id))) == before


def test_appointing_the_same_role_twice_is_refused(app, world, as_user):
    give_role(app, world.rt_a.id, world["resident_a"].id, Role.BENDAHARA)

    response = on_wilayah_page(as_user(world["pengurus_a"]), world.rt_a.id, "peran",
                          phone=display_phone(world["resident_a"].phone), role="bendahara")  # fmt: skip

    assert response.status_code == 422
    assert "Orang ini sudah memegang peran tersebut." in said(response)
    assert roles_of(app, world["resident_a"].id) == {(Role.BENDAHARA, world.rt_a.id)}


# --- people without the right get 403/404 and nothing changes ------------------------------


def snapshot(app: Flask, world) -> dict:
    with app.app_context():
        return {
            "code": db.session.get(Wilayah, world.rt_a.id).invite_code,
            "requests": sorted((r.id, r.status) for r in db.session.scalars(select(JoinRequest))),
            "members": sorted((u.id, u.rt_id) for u in db.session.scalars(select(User))),
            "roles": sorted(
                (a.user_id, a.role, a.wilayah_id)
                for a in db.session.scalars(select(RoleAssignment))
            ),
            "reset_codes": len(db.session.scalars(select(ResetCode)).all()),
        }


def _pengurus_forms(app, world) -> dict[str, tuple[str, dict]]:
    rt = world.rt_a.id
    request_id = pending_request_id(app, world["pending"].id)
    resident = world["resident_a"].id
    return {
        "approve": (f"/wilayah/{rt}/permintaan/{request_id}/setujui", {}),
        "reject": (f"/wilayah/{rt}/permintaan/{request_id}/tolak", {}),
        "new-code": (f"/wilayah/{rt}/kode-baru", {}),
        "reset-code": (f"/wilayah/{rt}/anggota/{resident}/kode-reset", {}),
        "remove": (f"/wilayah/{rt}/anggota/{resident}/keluarkan", {}),
        "appoint": (
            f"/wilayah/{rt}/peran",
            {"phone": display_phone(world["resident_a"].phone), "role": "sekretaris"},
        ),
        "revoke": (
            f"/wilayah/{rt}/peran/{assignment_id(app, world['pengurus_a'].id, 'ketua_rt')}/hapus",
            {},
        ),
    }


MEMBER_TOOLS = ["approve", "reject", "new-code", "reset-code", "remove"]
ROLE_TOOLS = ["appoint", "revoke"]


@pytest.mark.parametrize(
    ("principal", "status", "forms"),
    [
        ("resident_a", 403, MEMBER_TOOLS + ROLE_TOOLS),
        ("resident_b", 404, MEMBER_TOOLS + ROLE_TOOLS),
        ("pending", 404, MEMBER_TOOLS + ROLE_TOOLS),
        # Officials above the RW appoint a ketua RT but never touch residents.
        ("admin_kelurahan", 403, MEMBER_TOOLS),
        ("admin_kota", 403, MEMBER_TOOLS),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_non_pengurus_posting_to_pengurus_forms(
    app, world, as_user, principal, status, forms, htmx
):
    urls = _pengurus_forms(app, world)
    before = snapshot(app, world)
    client = as_user(world[principal])
    headers = {"HX-Request": "true"} if htmx else {}

    for name in forms:
        url, data = urls[name]
        response = post_form(client, url, data, headers=headers)  # tampered: no such form
        assert response.status_code == status, name
        assert not re.search(r"\b\d{8}\b", said(response)), name  # no reset code leaks

    assert snapshot(app, world) == before


def test_anonymous_posting_to_pengurus_forms_is_sent_to_sign_in(app, world, client):
    before = snapshot(app, world)
    for url, data in _pengurus_forms(app, world).values():
        response = post_form(client, url, data)  # tampered: not what the page renders
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/masuk")
    assert snapshot(app, world) == before


def test_tampered_ids_from_another_rt_find_nothing(app, world, as_user, newcomer):
    with app.app_context():
        other = areas.request_join(
            db.session.get(User, newcomer.id),
            db.session.get(Wilayah, world.rt_b.id),
            is_move=False,
            now=utcnow(),
        )
        db.session.commit()
        other_id = other.id
    ketua_rw_role = assignment_id(app, world["ketua_rw"].id, "ketua_rw")
    rt_a, rt_b, resident_b = world.rt_a.id, world.rt_b.id, world["resident_b"].id
    before = snapshot(app, world)
    ketua = as_user(world["pengurus_a"])

    for url in (
        f"/wilayah/{rt_a}/permintaan/{other_id}/setujui",  # RT B's request through RT A
        f"/wilayah/{rt_b}/permintaan/{other_id}/setujui",  # RT B itself: not theirs
        f"/wilayah/{rt_a}/anggota/{resident_b}/kode-reset",
        f"/wilayah/{rt_a}/anggota/{resident_b}/keluarkan",
        f"/wilayah/{rt_a}/peran/{ketua_rw_role}/hapus",
        f"/wilayah/{rt_a}/permintaan/999999999/setujui",
        "/wilayah/999999999/kode-baru",
    ):
        assert post_form(ketua, url).status_code == 404, url  # tampered: a forged id

    assert snapshot(app, world) == before
    assert requests_of(app, newcomer.id) == [(rt_b, JoinStatus.PENDING, False)]


# --- password reset codes -----------------------------------------------------------------

RESET_CODE = re.compile(r'<p class="big-code">(\d{8})</p>')


def issue_code(client, rt_id: int, user_id: int) -> str:
    response = on_wilayah_page(client, rt_id, f"anggota/{user_id}/kode-reset")
    assert response.status_code == 200
    match = RESET_CODE.search(response.get_data(as_text=True))
    assert match, "the code is shown on the page"
    return match.group(1)


def reset(app, phone: str, code: str, password: str = NEW_PASSWORD):
    client = app.test_client()
    return press(client, "/lupa-sandi", "/lupa-sandi", phone=phone, code=code, password=password)


def test_reset_code_lets_the_resident_choose_a_new_password_once(app, world, as_user):
    resident = world["resident_a"]
    old_session = as_user(resident)
    ketua = as_user(world["pengurus_a"])

    response = on_wilayah_page(ketua, world.rt_a.id, f"anggota/{resident.id}/kode-reset")

    assert response.status_code == 200
    assert "Kode reset untuk Siti Aminah" in said(response)
    code = RESET_CODE.search(response.get_data(as_text=True)).group(1)
    with app.app_context():
        stored = db.session.scalar(select(ResetCode).where(ResetCode.user_id == resident.id))
        assert code not in stored.code_hash  # never stored in clear
        assert stored.issued_by_id == world["pengurus_a"].id
    assert code not in ketua.get(f"/wilayah/{world.rt_a.id}").get_data(as_text=True)  # once

    used = reset(app, display_phone(resident.phone), f"{code[:4]} {code[4:]}")

    assert used.status_code == 303
    assert used.headers["Location"] == "/masuk"
    assert login_with_password(app.test_client(), resident.phone, NEW_PASSWORD).status_code == 303
    assert login_with_password(app.test_client(), resident.phone, PASSWORD).status_code == 422
    assert not is_signed_in(old_session)  # whoever had the account is signed out

    twice = reset(app, resident.phone, code, "kata sandi ketiga 3")
    assert twice.status_code == 422
    assert "Kode reset salah, sudah dipakai, atau sudah kedaluwarsa." in said(twice)
    assert login_with_password(app.test_client(), resident.phone, NEW_PASSWORD).status_code == 303


def test_an_older_reset_code_stops_working_when_a_new_one_is_issued(app, world, as_user):
    resident = world["resident_a"]
    ketua = as_user(world["pengurus_a"])
    first = issue_code(ketua, world.rt_a.id, resident.id)
    second = issue_code(ketua, world.rt_a.id, resident.id)

    assert reset(app, resident.phone, first).status_code == 422
    assert login_with_password(app.test_client(), resident.phone, PASSWORD).status_code == 303
    assert reset(app, resident.phone, second).status_code == 303


def test_reset_code_works_only_for_its_own_phone(app, world, as_user):
    code = issue_code(as_user(world["pengurus_a"]), world.rt_a.id, world["resident_a"].id)

    response = reset(app, world["resident_b"].phone, code)

    assert response.status_code == 422
    assert login_with_password(app.test_client(), world["resident_b"].phone).status_code == 303
    assert reset(app, world["resident_a"].phone, code).status_code == 303  # still unused


def test_expired_reset_code_is_refused(app, world, as_user):
    code = issue_code(as_user(world["pengurus_a"]), world.rt_a.id, world["resident_a"].id)
    with app.app_context():
        row = db.session.scalar(
            select(ResetCode).where(ResetCode.user_id == world["resident_a"].id)
        )
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()

    assert reset(app, world["resident_a"].phone, code).status_code == 422
    assert login_with_password(app.test_client(), world["resident_a"].phone).status_code == 303


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("0899 9999 9999", "Kode reset salah, sudah dipakai, atau sudah kedaluwarsa."),
        ("0511-4772345", "Nomor HP tidak valid"),
    ],
)
def test_reset_with_unknown_or_malformed_phone_is_refused(app, world, phone, message):
    response = reset(app, phone, "12345678")
    assert response.status_code == 422
    assert message in said(response)


# --- removing a member --------------------------------------------------------------------


def test_pengurus_removes_a_member_and_their_rt_roles(app, world, as_user):
    resident = world["resident_a"]
    give_role(app, world.rt_a.id, resident.id, Role.BENDAHARA)
    ketua = as_user(world["pengurus_a"])

    response = on_wilayah_page(ketua, world.rt_a.id, f"anggota/{resident.id}/keluarkan")

    assert response.status_code == 303
    assert "Siti Aminah sudah dikeluarkan dari RT 01 / RW 01." in said(ketua.get(response.location))
    assert rt_of(app, resident.id) is None
    assert roles_of(app, resident.id) == set()
    assert "Gabung ke RT Anda" in said(as_user(resident).get("/"))


def test_pengurus_cannot_remove_themself(app, world, as_user):
    ketua = world["pengurus_a"]
    client = as_user(ketua)

    # tampered: not what the page renders (no "Keluarkan" button on one's own row)
    response = post_form(client, f"/wilayah/{world.rt_a.id}/anggota/{ketua.id}/keluarkan")

    assert response.status_code == 303
    assert "Anda tidak bisa mengeluarkan diri sendiri." in said(client.get(response.location))
    assert rt_of(app, ketua.id) == world.rt_a.id
    assert roles_of(app, ketua.id) == {(Role.KETUA_RT, world.rt_a.id)}


# --- the wilayah tree ---------------------------------------------------------------------


def children_of(app: Flask, parent_id: int) -> dict[str, Wilayah]:
    with app.app_context():
        rows = db.session.scalars(select(Wilayah).where(Wilayah.parent_id == parent_id)).all()
        for row in rows:
            db.session.expunge(row)
        return {row.name: row for row in rows}


def test_ketua_rw_adds_an_rt(app, world, as_user):
    client = as_user(world["ketua_rw"])

    response = on_wilayah_page(client, world.rw.id, "tambah", number="3")

    assert response.status_code == 303
    assert "RT 03 / RW 01 sudah ditambahkan." in said(client.get(response.location))
    rts = children_of(app, world.rw.id)
    assert set(rts) == {"01", "02", "03"}
    added = rts["03"]
    assert added.level == Level.RT
    assert added.full_name == "RT 03 / RW 01"
    assert added.path == f"{world.rw.path}{added.id}/"
    assert len(added.invite_code) == INVITE_LENGTH  # ready to print on a poster
    # The ketua RW manages it at once.
    assert "Permintaan bergabung (0)" in said(client.get(f"/wilayah/{added.id}"))


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("1", "Nomor ini sudah ada di wilayah ini."),
        ("0", "Nomor harus antara 1 dan 99."),
        ("100", "Nomor harus antara 1 dan 99."),
        ("", "Nomor wajib diisi."),
    ],
)
def test_adding_an_rt_with_a_bad_number_is_refused(app, world, as_user, number, message):
    response = on_wilayah_page(as_user(world["ketua_rw"]), world.rw.id, "tambah", number=number)

    assert response.status_code == 422
    assert message in said(response)
    assert set(children_of(app, world.rw.id)) == {"01", "02"}


@pytest.mark.parametrize(
    ("principal", "where", "status"),
    [
        ("ketua_rw", "rw2", 404),  # another RW
        ("pengurus_a", "rw", 403),  # a ketua RT lives there but adds nothing
        ("resident_a", "rw", 403),
        ("ketua_rw", "kelurahan", 403),  # RWs are added by the kelurahan
        ("admin_kelurahan", "other_kelurahan", 404),
    ],
)
def test_who_may_not_add_wilayah(app, world, as_user, principal, where, status):
    parent = getattr(world, where)
    before = set(children_of(app, parent.id))

    # tampered: not what the page renders (no "Tambah" form for them)
    response = post_form(as_user(world[principal]), f"/wilayah/{parent.id}/tambah", {"number": "9"})

    assert response.status_code == status
    assert set(children_of(app, parent.id)) == before


def test_admin_kelurahan_adds_an_rw_and_appoints_a_ketua_rw(app, world, as_user):
    admin = as_user(world["admin_kelurahan"])

    added = on_wilayah_page(admin, world.kelurahan.id, "tambah", number="3")

    assert added.status_code == 303
    rw3 = children_of(app, world.kelurahan.id)["03"]
    assert (rw3.level, rw3.full_name, rw3.invite_code) == (Level.RW, "RW 03", None)

    resident_b = world["resident_b"]  # lives in RT B, under RW 01
    appointed = on_wilayah_page(admin, world.rw.id, "peran",
                                phone=display_phone(resident_b.phone), role="ketua_rw")  # fmt: skip

    assert appointed.status_code == 303
    assert "Budi Santoso sekarang Ketua RW RW 01." in said(admin.get(appointed.location))
    assert roles_of(app, resident_b.id) == {(Role.KETUA_RW, world.rw.id)}
    rt_a_page = as_user(resident_b).get(f"/wilayah/{world.rt_a.id}")
    assert rt_a_page.status_code == 200
    assert "Siti Aminah" in said(rt_a_page)  # now manages RT A's members


def test_ketua_rw_must_live_in_the_rw(app, world, make_user, as_user):
    outsider = new_person(app, make_user, "Joko Widodo", world.rt_c)  # RT C is in RW 02

    response = on_wilayah_page(as_user(world["admin_kelurahan"]), world.rw.id, "peran",
                               phone=display_phone(outsider.phone), role="ketua_rw")  # fmt: skip

    assert response.status_code == 422
    assert NOT_APPOINTABLE in said(response)
    assert roles_of(app, outsider.id) == set()


# --- /healthz -----------------------------------------------------------------------------


def test_healthz_reports_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    data = response.get_json()
    assert data["status"] == "ok"
    assert data["database"] == "ok"


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("missing-dir", id="sqlite-in-missing-directory"),
        pytest.param("postgresql+psycopg://rukun@127.0.0.1:1/rukun", id="postgres-port-closed"),
    ],
)
def test_healthz_reports_an_unreachable_database(tmp_path, url):
    if url == "missing-dir":
        url = f"sqlite:///{tmp_path / 'tidak-ada' / 'rukun.sqlite3'}"
    broken = create_app(
        make_test_config(
            tmp_path,
            SQLALCHEMY_DATABASE_URI=url,
            SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}}
            if url.startswith("postgresql")
            else {},
        )
    )
    try:
        response = broken.test_client().get("/healthz")
    finally:
        with broken.app_context():
            db.engine.dispose()

    assert response.status_code == 503
    data = response.get_json()
    assert data["status"] == "error"
    assert data["database"] == "error"
