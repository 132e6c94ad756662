"""Who may act on whom: reset codes and removal need authority over every role the person
holds; both are audit-logged, and the owner of an account hears of a reset code at their
next sign-in. The appoint form does not tell who has an account, and is rate limited."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from community.accounts.models import ResetCode, User
from community.accounts.rules import display_phone
from community.areas import services as areas
from community.areas.models import Role, RoleAssignment, Wilayah
from community.core.audit import AuditLog
from community.extensions import db
from tests.conftest import PASSWORD, post_form, text_of
from tests.forms import submit_form

NEW_PASSWORD = "jembatan kayu 9"
TOLD = "Kode reset kata sandi untuk akun Anda dibuat oleh"


def said(response) -> str:
    return html.unescape(text_of(response))


def give_role(app, wilayah_id: int, user_id: int, role: str) -> None:
    with app.app_context():
        areas.appoint(db.session.get(Wilayah, wilayah_id), db.session.get(User, user_id), role)
        db.session.commit()


def move_into(app, user_id: int, rt_id: int) -> None:
    with app.app_context():
        db.session.get(User, user_id).rt_id = rt_id
        db.session.commit()


def state_of(app, user_id: int) -> dict:
    """What a takeover or a removal would change about one person."""
    audit = audit_rows(app, user_id)
    with app.app_context():
        user = db.session.get(User, user_id)
        return {
            "rt": user.rt_id,
            "roles": sorted(
                (a.role, a.wilayah_id)
                for a in db.session.scalars(
                    select(RoleAssignment).where(RoleAssignment.user_id == user_id)
                )
            ),
            "reset_codes": len(
                db.session.scalars(select(ResetCode).where(ResetCode.user_id == user_id)).all()
            ),
            "audit": audit,
        }


def audit_rows(app, target_id: int) -> list[tuple]:
    with app.app_context():
        rows = db.session.scalars(
            select(AuditLog).where(AuditLog.target_user_id == target_id).order_by(AuditLog.id)
        )
        return [(r.action, r.actor_id, r.wilayah_id, r.detail) for r in rows]


def reset_url(rt_id: int, user_id: int) -> str:
    return f"/wilayah/{rt_id}/anggota/{user_id}/kode-reset"


def remove_url(rt_id: int, user_id: int) -> str:
    return f"/wilayah/{rt_id}/anggota/{user_id}/keluarkan"


def issue_code(client, rt_id: int, user_id: int) -> str:
    """Press "Buat kode reset kata sandi" for this member on the RT page."""
    response = submit_form(
        client, f"/wilayah/{rt_id}", f'form[action="{reset_url(rt_id, user_id)}"]'
    )
    assert response.status_code == 200
    return html.unescape(text_of(response)).split("Kode reset untuk ")[1].split()[2]


def sign_in(app, phone: str, password: str = PASSWORD):
    client = app.test_client()
    response = submit_form(
        client, "/masuk", "main form", data={"phone": phone, "password": password}
    )
    assert response.status_code == 303, said(response)
    return client, client.get(response.headers["Location"])


# --- reset codes and removal --------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SEKRETARIS, Role.BENDAHARA])
def test_rt_staff_cannot_take_over_or_remove_the_ketua_rt(app, world, as_user, make_user, role):
    rt, ketua = world.rt_a.id, world["pengurus_a"]
    with app.app_context():
        neighbour = make_user("Nenek Ijah", world.rt_a)
    give_role(app, rt, world["resident_a"].id, role)
    staff = as_user(world["resident_a"])
    before = state_of(app, ketua.id)

    page = staff.get(f"/wilayah/{rt}").get_data(as_text=True)
    forged_reset = post_form(staff, reset_url(rt, ketua.id))
    forged_removal = post_form(staff, remove_url(rt, ketua.id))

    assert reset_url(rt, ketua.id) not in page and remove_url(rt, ketua.id) not in page
    assert "Memegang peran yang tidak bisa Anda atur" in html.unescape(page)
    assert forged_reset.status_code == 403 and forged_removal.status_code == 403
    assert "Anda tidak punya wewenang untuk tindakan ini." in said(forged_reset)
    assert state_of(app, ketua.id) == before
    # A resident without a role is still theirs to help.
    assert len(issue_code(staff, rt, neighbour.id)) == 8


@pytest.mark.parametrize("who", ["ketua_rw", "admin_kota"])
def test_a_ketua_rt_cannot_take_over_an_official_who_lives_in_the_rt(app, world, as_user, who):
    rt, official = world.rt_a.id, world[who]
    move_into(app, official.id, rt)  # the ketua RW lives in RW 01; the admin anywhere
    ketua = as_user(world["pengurus_a"])
    before = state_of(app, official.id)

    page = ketua.get(f"/wilayah/{rt}").get_data(as_text=True)

    assert reset_url(rt, official.id) not in page
    assert post_form(ketua, reset_url(rt, official.id)).status_code == 403
    assert post_form(ketua, remove_url(rt, official.id)).status_code == 403
    assert state_of(app, official.id) == before


def test_the_ketua_rw_issues_a_code_for_the_ketua_rt_and_it_is_audited(app, world, as_user):
    rt, ketua = world.rt_a.id, world["pengurus_a"]

    code = issue_code(as_user(world["ketua_rw"]), rt, ketua.id)

    assert audit_rows(app, ketua.id) == [("reset_code_issued", world["ketua_rw"].id, rt, "")]
    used = submit_form(
        app.test_client(),
        "/lupa-sandi",
        "main form",
        data={"phone": display_phone(ketua.phone), "code": code, "password": NEW_PASSWORD},
    )
    assert used.status_code == 303
    assert audit_rows(app, ketua.id)[-1] == ("reset_code_used", ketua.id, None, "")


def test_the_owner_is_told_at_the_next_sign_in_who_issued_a_code(app, world, as_user):
    give_role(app, world.rt_a.id, world["resident_a"].id, Role.SEKRETARIS)
    sekretaris, resident = world["resident_a"], world["pending"]
    with app.app_context():
        db.session.get(User, resident.id).rt_id = world.rt_a.id
        db.session.commit()
    issue_code(as_user(sekretaris), world.rt_a.id, resident.id)

    _client, home = sign_in(app, resident.phone)  # with the old password: code never used
    _client, again = sign_in(app, resident.phone)

    assert f"{TOLD} Siti Aminah pada " in said(home)
    assert "segera hubungi ketua RT atau ketua RW Anda" in said(home)
    assert TOLD not in said(again)  # told once
    with app.app_context():
        code = db.session.scalar(select(ResetCode).where(ResetCode.user_id == resident.id))
        assert code.notified_at is not None and code.used_at is None


def test_the_ketua_rw_removes_the_ketua_rt_and_it_is_audited(app, world, as_user):
    rt, ketua = world.rt_a.id, world["pengurus_a"]
    client = as_user(world["ketua_rw"])

    response = submit_form(client, f"/wilayah/{rt}", f'form[action="{remove_url(rt, ketua.id)}"]')

    assert response.status_code == 303
    assert "Haji Rahmat sudah dikeluarkan dari RT 01 / RW 01." in said(
        client.get(response.location)
    )
    after = state_of(app, ketua.id)
    assert (after["rt"], after["roles"]) == (None, [])
    assert after["audit"] == [("member_removed", world["ketua_rw"].id, rt, "roles=ketua_rt")]


# --- the appoint form ---------------------------------------------------------------------


def _appoint(client, rt_id: int, phone: str, role: str = "sekretaris"):
    return submit_form(
        client,
        f"/wilayah/{rt_id}",
        f'form[action="/wilayah/{rt_id}/peran"]',
        data={"phone": phone, "role": role},
    )


def test_the_appoint_form_does_not_tell_whether_a_number_has_an_account(app, world, as_user):
    ketua = as_user(world["pengurus_a"])

    registered = _appoint(ketua, world.rt_a.id, display_phone(world["resident_b"].phone))
    unknown = _appoint(ketua, world.rt_a.id, "0899-1111-2222")

    assert registered.status_code == unknown.status_code == 422
    assert said(registered) == said(unknown)
    assert "Nomor HP ini bukan milik warga yang bisa diberi peran ini." in said(unknown)


@pytest.mark.parametrize(
    "app_config",
    # The per-IP limit named too: a configuration of its own, so the app (and with it the
    # limiter's state) is built for this test, not reused from the sign-in tests.
    [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
      "AUTH_LIMIT_PER_IP": "20 per minute", "AUTH_LIMIT_PER_ACCOUNT": "3 per minute"}],
    indirect=True,
)  # fmt: skip
def test_looking_up_numbers_through_the_appoint_form_is_rate_limited(app, world, as_user):
    ketua = as_user(world["pengurus_a"])

    tries = [_appoint(ketua, world.rt_a.id, f"0899-1111-{n:04d}").status_code for n in range(4)]

    assert tries == [422, 422, 422, 429]
    assert "Terlalu banyak percobaan" in said(_appoint(ketua, world.rt_a.id, "0899-1111-9999"))
