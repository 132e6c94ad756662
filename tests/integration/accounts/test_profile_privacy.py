"""Profile, the resident's own data (UU PDP export and deletion) and who sees what."""

from __future__ import annotations

import html
import json
import re

import pytest
from sqlalchemy import select

from community.accounts import services as accounts
from community.accounts.models import ResetCode, User
from community.accounts.rules import display_phone
from community.areas import services as areas
from community.areas.models import JoinRequest, JoinStatus, RoleAssignment, Wilayah
from community.core.time import utcnow
from community.extensions import db
from tests.conftest import PASSWORD, login_with_password, post_form, text_of
from tests.forms import submit_form

HTML_TAG = re.compile(r"<html[^>]*>")


def said(response) -> str:
    return html.unescape(text_of(response))


def html_tag(response) -> str:
    return HTML_TAG.search(response.get_data(as_text=True)).group(0)


def fresh(app, user_id: int) -> User | None:
    """The user as the database holds it now (detached, safe to read)."""
    with app.app_context():
        user = db.session.get(User, user_id)
        if user is not None:
            db.session.expunge(user)
        return user


def new_member(app, make_user, name: str, rt, **fields) -> User:
    with app.app_context():
        user = make_user(name, rt, **fields)
        db.session.refresh(user)
        db.session.expunge(user)
        return user


def profile_data(user: User, **overrides) -> dict:
    """The profile form as the browser sends it: unticked boxes are simply absent."""
    data = {"name": user.name, "phone": user.phone, "email": user.email or "", "language": "id"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


BOXES = ("is_large_text", "is_phone_shared", "needs_wheelchair", "needs_lift", "needs_hearing",
         "needs_vision")  # fmt: skip


def save_profile(client, user: User, **overrides):
    """Fill the profile form as rendered with ``profile_data`` and press Simpan: a box is
    ticked only when ``overrides`` ticks it (the rendered form starts from what is stored)."""
    data = {**dict.fromkeys(BOXES), **profile_data(user, **overrides)}
    return submit_form(client, "/profil", "form[action='/profil']", data)


# --- profile ------------------------------------------------------------------------------


def test_profile_shows_the_users_own_details(world, as_user):
    page = as_user(world["resident_a"]).get("/profil")

    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'value="Siti Aminah"' in body
    wheelchair = re.search(r'<input[^>]*id="needs_wheelchair"[^>]*>', body).group(0)
    assert "checked" in wheelchair
    assert page.headers["Cache-Control"] == "no-store"


def test_profile_edit_saves_language_large_text_and_needs(app, world, as_user):
    user = world["resident_a"]
    client = as_user(user)
    assert "teks-besar" not in html_tag(client.get("/profil"))

    response = save_profile(
        client,
        user,
        name="Siti Aminah Rahmawati",
        email="siti@example.id",
        language="en",
        is_large_text="y",
        needs_lift="y",
        needs_hearing="y",
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/profil"
    saved = fresh(app, user.id)
    assert saved.name == "Siti Aminah Rahmawati"
    assert saved.email == "siti@example.id"
    assert saved.language == "en"
    assert saved.is_large_text is True
    assert (saved.needs_wheelchair, saved.needs_lift, saved.needs_hearing, saved.needs_vision) == (
        False,  # unticked: the box was checked before and is cleared now
        True,
        True,
        False,
    )
    page = client.get("/profil")
    tag = html_tag(page)
    assert 'class="teks-besar"' in tag
    assert 'lang="en"' in tag
    assert "<h1>Profile</h1>" in page.get_data(as_text=True)


def test_large_text_is_applied_to_every_page_not_only_the_profile(app, world, as_user):
    user = world["resident_a"]
    client = as_user(user)
    save_profile(client, user, is_large_text="y")

    for path in ("/", "/tetangga", "/gabung"):
        assert 'class="teks-besar"' in html_tag(client.get(path)), path


def test_changing_phone_to_a_taken_number_is_refused_and_nothing_is_saved(app, world, as_user):
    user, other = world["resident_a"], world["resident_b"]
    client = as_user(user)

    response = save_profile(client, user, name="Nama Baru", phone=display_phone(other.phone))

    assert response.status_code == 422
    assert "Nomor HP ini sudah dipakai akun lain." in said(response)
    saved = fresh(app, user.id)
    assert saved.phone == user.phone
    assert saved.name == "Siti Aminah"
    assert fresh(app, other.id).phone == other.phone


def test_changing_phone_stores_it_normalised_and_it_signs_in(app, world, as_user):
    user = world["resident_a"]

    response = save_profile(as_user(user), user, phone="0857-1234-5678")

    assert response.status_code == 303
    assert fresh(app, user.id).phone == "+6285712345678"
    assert login_with_password(app.test_client(), "0857 1234 5678").status_code == 303
    assert login_with_password(app.test_client(), user.phone).status_code == 422


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "x" * 10_000}, "Nama paling banyak 80 karakter."),
        ({"name": "<i>Siti</i>"}, "Nama tidak boleh berisi tanda < > { }."),
        ({"name": "   "}, "Nama wajib diisi."),
        ({"phone": "0511-4772345"}, "Nomor HP tidak valid"),
        ({"email": "bukan email"}, "Alamat email tidak valid."),
    ],
)
def test_bad_profile_input_is_refused_in_indonesian(app, world, as_user, overrides, message):
    user = world["resident_a"]

    response = save_profile(as_user(user), user, **overrides)

    assert response.status_code == 422
    assert message in said(response)
    saved = fresh(app, user.id)
    assert (saved.name, saved.phone, saved.email) == ("Siti Aminah", user.phone, None)


def test_profile_cannot_be_used_to_change_membership(app, world, as_user):
    """Mass assignment: extra fields such as rt_id are ignored."""
    user = world["resident_a"]

    # tampered: not what the page renders (no rt_id field)
    post_form(as_user(user), "/profil", profile_data(user, rt_id=str(world.rt_b.id)))

    assert fresh(app, user.id).rt_id == world.rt_a.id


# --- export -------------------------------------------------------------------------------


def test_export_contains_the_users_own_data_and_nobody_elses(app, world, as_user):
    user = world["resident_a"]

    response = as_user(user).get("/profil/data.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["service"] == "Rukun"
    assert data["profile"]["name"] == "Siti Aminah"
    assert data["profile"]["phone"] == user.phone
    assert data["profile"]["needs"]["wheelchair"] is True
    assert data["membership"]["rt"] == "RT 01 / RW 01"
    assert data["membership"]["roles"] == []
    body = response.get_data(as_text=True)
    for key, other in world.users.items():
        if key == "resident_a":
            continue
        assert other.name not in body, key
        assert other.phone not in body, key
        assert display_phone(other.phone) not in body, key


def test_export_lists_join_requests_and_roles(world, as_user):
    pending = json.loads(as_user(world["pending"]).get("/profil/data.json").get_data(as_text=True))
    assert pending["membership"]["rt"] is None
    assert [(r["rt"], r["status"]) for r in pending["membership"]["join_requests"]] == [
        ("RT 01 / RW 01", "pending")
    ]

    ketua = json.loads(as_user(world["pengurus_a"]).get("/profil/data.json").get_data(as_text=True))
    assert [(r["role"], r["wilayah"]) for r in ketua["membership"]["roles"]] == [
        ("ketua_rt", "RT 01 / RW 01")
    ]


# --- deleting the account -----------------------------------------------------------------


def delete_account(client, **fields):
    """Fill "Hapus akun" on the profile page as rendered and press its button."""
    return submit_form(client, "/profil", "form[action='/profil/hapus']", fields)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"del-password": "bukan-ini", "del-confirm": "y"}, "Kata sandi salah."),
        ({"del-password": "", "del-confirm": "y"}, "Kata sandi wajib diisi."),
        ({"del-password": PASSWORD}, "Centang kotak ini untuk menghapus akun."),
    ],
)
def test_delete_needs_the_password_and_the_tick(app, world, as_user, fields, message):
    user = world["resident_a"]
    client = as_user(user)

    response = delete_account(client, **fields)

    assert response.status_code == 422
    assert message in said(response)
    assert fresh(app, user.id) is not None


def test_delete_removes_the_person_their_roles_and_requests(app, world, as_user):
    ketua, newcomer, neighbour = world["pengurus_a"], world["pending"], world["resident_a"]
    with app.app_context():
        # The ketua approved the newcomer, issued a reset code, and asked to move to RT B.
        ketua_row = db.session.get(User, ketua.id)
        request = areas.pending_request_of(db.session.get(User, newcomer.id))
        request_id = request.id
        areas.decide(request, approve=True, by=ketua_row, now=utcnow())
        accounts.issue_reset_code(
            db.session.get(User, neighbour.id), issued_by=ketua_row, now=utcnow()
        )
        rt_b = db.session.get(Wilayah, world.rt_b.id)
        areas.request_join(ketua_row, rt_b, is_move=True, now=utcnow())
        db.session.commit()
    client = as_user(ketua)

    response = delete_account(client, **{"del-password": PASSWORD, "del-confirm": "y"})

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "Akun Anda sudah dihapus." in said(client.get("/"))
    with app.app_context():
        assert db.session.get(User, ketua.id) is None
        assert not db.session.scalars(
            select(RoleAssignment).where(RoleAssignment.user_id == ketua.id)
        ).all()
        assert not db.session.scalars(
            select(JoinRequest).where(JoinRequest.user_id == ketua.id)
        ).all()
        # What others hold stays, without the deleted person's name on it.
        approved = db.session.get(JoinRequest, request_id)
        assert approved.status == JoinStatus.APPROVED
        assert approved.decided_by_id is None
        assert db.session.get(User, newcomer.id).rt_id == world.rt_a.id
        code = db.session.scalar(select(ResetCode).where(ResetCode.user_id == neighbour.id))
        assert code.issued_by_id is None
    # And the person can no longer get in.
    assert client.get("/profil").status_code == 302
    again = login_with_password(app.test_client(), ketua.phone)
    assert again.status_code == 422
    assert "Nomor HP atau kata sandi salah." in said(again)


def test_deleted_ketua_disappears_from_the_neighbours_home_page(world, as_user):
    client = as_user(world["pengurus_a"])
    delete_account(client, **{"del-password": PASSWORD, "del-confirm": "y"})

    assert "Haji Rahmat" not in said(as_user(world["resident_a"]).get("/"))


# --- phone numbers between neighbours -----------------------------------------------------


def shows_phone(response, person: User) -> bool:
    body = response.get_data(as_text=True)
    return display_phone(person.phone) in body or person.phone in body


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_neighbours_see_names_but_not_phones_unless_shared(app, world, make_user, as_user, htmx):
    sharing = new_member(app, make_user, "Rudi Hartono", world.rt_a, is_phone_shared=True)
    private = new_member(app, make_user, "Wati Susanti", world.rt_a)
    headers = {"HX-Request": "true"} if htmx else {}

    page = as_user(world["resident_a"]).get("/tetangga", headers=headers)

    assert page.status_code == 200
    text = said(page)
    for name in ("Siti Aminah", "Haji Rahmat", "Rudi Hartono", "Wati Susanti"):
        assert name in text
    assert "Budi Santoso" not in text  # RT B
    assert shows_phone(page, sharing)
    assert shows_phone(page, world["resident_a"])  # one's own number
    assert not shows_phone(page, private)
    assert not shows_phone(page, world["pengurus_a"])
    assert f'href="tel:{sharing.phone}"' in page.get_data(as_text=True)


def test_sharing_the_phone_in_the_profile_shows_it_to_neighbours(app, world, as_user):
    ketua = world["pengurus_a"]
    assert not shows_phone(as_user(world["resident_a"]).get("/tetangga"), ketua)

    save_profile(as_user(ketua), ketua, is_phone_shared="y")

    assert shows_phone(as_user(world["resident_a"]).get("/tetangga"), ketua)


def test_the_rts_pengurus_see_every_members_phone(app, world, make_user, as_user):
    private = new_member(app, make_user, "Wati Susanti", world.rt_a)

    page = as_user(world["pengurus_a"]).get("/tetangga")

    assert shows_phone(page, private)
    assert shows_phone(page, world["resident_a"])


def test_residents_of_another_rt_see_nothing_of_rt_a(world, as_user):
    page = as_user(world["resident_b"]).get("/tetangga")

    assert page.status_code == 200
    assert "Siti Aminah" not in said(page)
    assert not shows_phone(page, world["resident_a"])


def test_people_without_an_rt_have_no_neighbours_page(world, as_user):
    for principal in ("pending", "admin_kelurahan"):
        response = as_user(world[principal]).get("/tetangga")
        assert response.status_code == 302
        assert response.headers["Location"] == "/"


# --- needs flags on the RT page -----------------------------------------------------------


@pytest.mark.parametrize("principal", ["pengurus_a", "ketua_rw"])
def test_needs_flags_are_visible_to_the_rts_pengurus(world, as_user, principal):
    page = as_user(world[principal]).get(f"/wilayah/{world.rt_a.id}")

    assert page.status_code == 200
    text = said(page)
    assert re.search(r"Siti Aminah \S+ Kebutuhan: kursi roda", text)
    assert shows_phone(page, world["resident_a"])


@pytest.mark.parametrize("principal", ["admin_kelurahan", "admin_kota"])
def test_officials_above_the_rw_see_the_rt_but_no_private_data(world, as_user, principal):
    client = as_user(world[principal])

    page = client.get(f"/wilayah/{world.rt_a.id}")

    # The overview of the RT is theirs to see; its residents are not.
    assert page.status_code == 200
    text = said(page)
    assert "RT 01 / RW 01" in text
    assert "Siti Aminah" not in text
    assert "Kebutuhan" not in text
    assert "kursi roda" not in text
    assert not shows_phone(page, world["resident_a"])
    # The member tools answer 403: they may know the RT exists, not act in it.
    assert client.get(f"/wilayah/{world.rt_a.id}/poster").status_code == 403


@pytest.mark.parametrize(("principal", "status"), [("resident_b", 404), ("resident_a", 403)])
def test_residents_get_no_rt_page(world, as_user, principal, status):
    page = as_user(world[principal]).get(f"/wilayah/{world.rt_a.id}")

    assert page.status_code == status
    assert "kursi roda" not in said(page)
    assert "Siti Aminah" not in said(page)
