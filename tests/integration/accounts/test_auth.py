"""Registration, sign-in, sign-out, sessions, CSRF and the sign-in rate limit."""

from __future__ import annotations

import html
import logging
import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from community.accounts.models import User
from community.accounts.rules import display_phone
from community.accounts.services import hasher
from community.extensions import db
from tests.conftest import PASSWORD, csrf_token, login_with_password, text_of
from tests.conftest import test_config as make_test_config
from tests.forms import submit_form

NEW_PASSWORD = "sapu lidi baru 7"


def said(response) -> str:
    """The visible text with entities decoded, as a screen reader would say it."""
    return html.unescape(text_of(response))


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def user_by_phone(app, phone: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.phone == phone))
        if user is not None:
            db.session.expunge(user)
        return user


def register_data(**overrides) -> dict:
    return {
        "name": "Nur Hasanah",
        "phone": "0812 3456 7890",
        "email": "",
        "password": "kebun sayur 2025",
        **overrides,
    }


def register(client, data: dict):
    """Fill "Daftar sebagai warga" as rendered with ``data`` and press Daftar."""
    return submit_form(client, "/daftar", "form[action='/daftar']", data)


def change_password(client, current: str, new: str):
    """Fill "Ganti kata sandi" on the profile page as rendered and press its button."""
    data = {"pw-current": current, "pw-password": new}
    return submit_form(client, "/profil", "form[action='/profil/sandi']", data)


def is_signed_in(client) -> bool:
    response = client.get("/profil")
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/masuk")
    return False


@pytest.fixture
def app_config(request, tmp_path) -> dict:
    """As in conftest, plus whatever a test passes with ``indirect=True``."""
    return make_test_config(tmp_path, **getattr(request, "param", {}))


# --- registration -------------------------------------------------------------------------


def test_register_page_is_indonesian_by_default(client):
    page = client.get("/daftar")
    assert page.status_code == 200
    assert "Daftar sebagai warga" in said(page)
    assert '<html lang="id"' in page.get_data(as_text=True)


@pytest.mark.parametrize("typed", ["0812 3456 7890", "+62 812-3456-7890", "62.812.3456.7890"])
def test_register_stores_the_phone_normalised(app, client, typed):
    response = register(client, register_data(phone=typed))

    assert response.status_code == 303
    assert response.headers["Location"] == "/gabung"
    user = user_by_phone(app, "+6281234567890")
    assert user is not None
    assert user.name == "Nur Hasanah"
    assert user.email is None
    assert user.rt_id is None
    assert is_signed_in(client)


def test_register_hashes_the_password_with_argon2id_owasp_parameters(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    password = "kebun sayur 2025"

    register(client, register_data(password=password))

    stored = user_by_phone(app, "+6281234567890").password_hash
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert password not in stored
    assert hasher.verify(stored, password)
    assert password not in caplog.text  # never logged in clear


def test_register_trims_and_collapses_the_name(app, client):
    register(client, register_data(name="  Nur \t  Hasanah  "))
    assert user_by_phone(app, "+6281234567890").name == "Nur Hasanah"


def test_duplicate_registration_is_refused_in_any_format(app, client, make_user):
    with app.app_context():
        make_user("Pemilik Nomor", phone="+6281234567890")

    response = register(client, register_data(phone="62 812 3456 7890"))

    assert response.status_code == 422
    assert "Nomor HP ini sudah terdaftar" in said(response)
    assert user_count(app) == 1
    assert user_by_phone(app, "+6281234567890").name == "Pemilik Nomor"
    assert not is_signed_in(client)


@pytest.mark.parametrize("typed", ["0511-4772345", "0812", "+1 202 555 0143", "0812-3456-78O0"])
def test_malformed_phone_is_refused_in_indonesian(app, client, typed):
    response = register(client, register_data(phone=typed))

    assert response.status_code == 422
    assert "Nomor HP tidak valid" in said(response)
    assert user_count(app) == 0


def test_ten_thousand_character_name_is_refused(app, client):
    response = register(client, register_data(name="Siti " * 2_000))

    assert response.status_code == 422
    assert "Nama paling banyak 80 karakter." in said(response)
    assert user_count(app) == 0


@pytest.mark.parametrize(
    "name", ["<script>alert(1)</script>", "Budi <b>Santoso</b>", "{{ config }}", "<img src=x>"]
)
def test_html_in_name_is_refused_and_never_reflected_raw(app, client, name):
    response = register(client, register_data(name=name))

    assert response.status_code == 422
    assert "Nama tidak boleh berisi tanda < > { }." in said(response)
    body = response.get_data(as_text=True)
    assert "<script>alert" not in body
    assert "<b>Santoso" not in body
    assert "<img src=x>" not in body
    assert user_count(app) == 0


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("pendek", "Kata sandi minimal 8 karakter."),
        ("bismillah", "Kata sandi ini terlalu mudah ditebak."),
        ("x" * 129, "Kata sandi paling banyak 128 karakter."),
    ],
)
def test_weak_password_is_refused(app, client, password, message):
    response = register(client, register_data(password=password))

    assert response.status_code == 422
    assert message in said(response)
    assert user_count(app) == 0


def test_empty_registration_names_every_missing_field(app, client):
    response = register(client, {"name": "", "phone": "", "password": ""})

    assert response.status_code == 422
    text = said(response)
    assert "Nama wajib diisi." in text
    assert "Nomor HP wajib diisi." in text
    assert "Kata sandi wajib diisi." in text
    assert user_count(app) == 0


# --- sign in ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["e164", "local", "spaced-62"])
def test_sign_in_with_any_phone_format(client, world, fmt):
    phone = world["resident_a"].phone
    typed = {
        "e164": phone,
        "local": display_phone(phone),
        "spaced-62": "62 " + phone.removeprefix("+62"),
    }[fmt]

    response = login_with_password(client, typed)

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "Halo, Siti Aminah" in said(client.get("/"))


def test_sign_in_follows_a_local_next_but_not_another_site(client, world):
    data = {"phone": world["resident_a"].phone, "password": PASSWORD}

    inside = submit_form(client, "/masuk?next=/tetangga", "form[action^='/masuk']", data)
    assert inside.headers["Location"] == "/tetangga"

    elsewhere = client.application.test_client()  # the first client is signed in now
    outside = submit_form(elsewhere, "/masuk?next=//evil.example/", "form[action^='/masuk']", data)
    assert outside.headers["Location"] == "/"


def test_wrong_password_and_unknown_phone_get_the_same_answer(client, world):
    wrong = login_with_password(client, world["resident_a"].phone, "bukan-kata-sandinya")
    unknown = login_with_password(client, "0899 9999 9999", PASSWORD)

    for response in (wrong, unknown):
        assert response.status_code == 422
        assert "Nomor HP atau kata sandi salah." in said(response)
    # Nothing else on the page tells the two cases apart.
    assert said(wrong) == said(unknown)
    assert not is_signed_in(client)


def test_signed_in_user_is_sent_home_from_sign_in_and_register(client, world):
    login_with_password(client, world["resident_a"].phone)
    for path in ("/masuk", "/daftar"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"] == "/"


def test_remember_me_sets_a_cookie_lasting_thirty_days(app, client, world):
    before = datetime.now(UTC)
    login_with_password(client, world["resident_a"].phone, remember="y")

    cookie = client.get_cookie(app.config["REMEMBER_COOKIE_NAME"])
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    lifetime = cookie.expires - before
    assert timedelta(days=29, hours=23) < lifetime <= timedelta(days=30, minutes=1)


def test_without_remember_me_there_is_no_remember_cookie(app, client, world):
    login_with_password(client, world["resident_a"].phone)
    assert client.get_cookie(app.config["REMEMBER_COOKIE_NAME"]) is None
    session = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert session.http_only
    assert session.same_site == "Lax"


def test_remember_cookie_alone_signs_the_user_back_in(app, client, world):
    """The counterpart of the sign-out test: the replay technique does work."""
    login_with_password(client, world["resident_a"].phone, remember="y")
    name = app.config["REMEMBER_COOKIE_NAME"]

    other_device = app.test_client()
    other_device.set_cookie(name, client.get_cookie(name).value)

    assert "Halo, Siti Aminah" in said(other_device.get("/"))


# --- sign out and sessions ----------------------------------------------------------------


def replay(app, cookies: dict[str, str]):
    fresh = app.test_client()
    for name, value in cookies.items():
        fresh.set_cookie(name, value)
    return fresh


def test_sign_out_really_ends_the_session(app, client, world):
    session_name = app.config["SESSION_COOKIE_NAME"]
    remember_name = app.config["REMEMBER_COOKIE_NAME"]
    login_with_password(client, world["resident_a"].phone, remember="y")
    captured = {
        session_name: client.get_cookie(session_name).value,
        remember_name: client.get_cookie(remember_name).value,
    }
    assert is_signed_in(replay(app, captured))  # the capture is a working key

    response = submit_form(client, "/", "form[action='/keluar']")

    assert response.status_code == 303
    assert not is_signed_in(client)
    for only in ({session_name}, {remember_name}, {session_name, remember_name}):
        thief = replay(app, {k: v for k, v in captured.items() if k in only})
        assert not is_signed_in(thief), only
        htmx = thief.get("/profil", headers={"HX-Request": "true"})
        assert htmx.status_code != 200
        assert "Siti Aminah" not in htmx.get_data(as_text=True)
        assert "Halo, Siti Aminah" not in said(thief.get("/"))


def test_sign_out_without_csrf_token_is_refused_and_keeps_the_session(client, world):
    login_with_password(client, world["resident_a"].phone)

    response = client.post("/keluar")  # tampered: not what the page renders (no CSRF token)

    assert response.status_code == 400
    assert is_signed_in(client)


def test_session_is_renewed_at_sign_in(app, client, world):
    name = app.config["SESSION_COOKIE_NAME"]
    client.get("/masuk")
    with client.session_transaction() as session:
        session["planted"] = "dari penyerang"
        session["lang"] = "en"
    planted_cookie = client.get_cookie(name).value

    login_with_password(client, world["resident_a"].phone)

    assert client.get_cookie(name).value != planted_cookie
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["lang"] == "en"  # the chosen language is the one thing kept
    assert not is_signed_in(replay(app, {name: planted_cookie}))


def test_password_change_ends_other_sessions_but_not_this_one(app, world):
    phone = world["resident_a"].phone
    here, there = app.test_client(), app.test_client()
    login_with_password(here, phone)
    login_with_password(there, phone, remember="y")
    remember_name = app.config["REMEMBER_COOKIE_NAME"]
    there_remember = there.get_cookie(remember_name).value

    response = change_password(here, PASSWORD, NEW_PASSWORD)

    assert response.status_code == 303
    assert is_signed_in(here)
    assert not is_signed_in(there)
    assert not is_signed_in(replay(app, {remember_name: there_remember}))
    assert login_with_password(app.test_client(), phone, PASSWORD).status_code == 422
    assert login_with_password(app.test_client(), phone, NEW_PASSWORD).status_code == 303


def test_password_change_needs_the_current_password(app, client, world):
    phone = world["resident_a"].phone
    login_with_password(client, phone)
    with app.app_context():
        before = db.session.get(User, world["resident_a"].id).password_hash

    response = change_password(client, "salah-sekali", NEW_PASSWORD)

    assert response.status_code == 422
    assert "Kata sandi sekarang salah." in said(response)
    with app.app_context():
        assert db.session.get(User, world["resident_a"].id).password_hash == before
    assert is_signed_in(client)


# --- CSRF ---------------------------------------------------------------------------------


def test_missing_csrf_token_is_refused_and_changes_nothing(app, client, world):
    login_with_password(client, world["resident_a"].phone)
    data = {"name": "Nama Palsu", "phone": world["resident_a"].phone, "language": "id"}

    response = client.post("/profil", data=data)  # tampered: not what the page renders

    assert response.status_code == 400
    assert "Formulir kedaluwarsa" in said(response)
    with app.app_context():
        assert db.session.get(User, world["resident_a"].id).name == "Siti Aminah"


def test_wrong_csrf_token_is_refused(app, client, world):
    login_with_password(client, world["resident_a"].phone)
    data = {"csrf_token": "bukan-token", "name": "Nama Palsu", "phone": world["resident_a"].phone}

    # tampered: not what the page renders (a wrong token)
    response = client.post("/profil", data=data, headers={"HX-Request": "true"})

    assert response.status_code == 400
    assert response.headers["HX-Refresh"] == "true"  # htmx reloads instead of a broken swap
    with app.app_context():
        assert db.session.get(User, world["resident_a"].id).name == "Siti Aminah"


def test_register_without_csrf_token_creates_nobody(app, client):
    response = client.post("/daftar", data=register_data())  # tampered: no CSRF token
    assert response.status_code == 400
    assert user_count(app) == 0


def test_htmx_sends_the_token_in_a_header(app, client, world):
    login_with_password(client, world["resident_a"].phone)
    token = csrf_token(client, "/profil")
    data = {"name": "Siti Aminah Baru", "csrf_token": None}  # the token goes in the header only

    response = submit_form(client, "/profil", "form[action='/profil']", data,
                           headers={"HX-Request": "true", "X-CSRFToken": token})  # fmt: skip

    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(User, world["resident_a"].id).name == "Siti Aminah Baru"


# --- rate limit ---------------------------------------------------------------------------

RATE_LIMITED = {
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",  # the shared default: test_rate_limits.py
    "AUTH_LIMIT_PER_ACCOUNT": "3 per minute",
}


# With REDIS_URL the counters live in Redis, shared by every gunicorn worker and host.
# CI starts a real redis-server and sets RUKUN_TEST_REDIS_URL; locally it runs when set.
REDIS_URL = os.environ.get("RUKUN_TEST_REDIS_URL")
STORAGES = [pytest.param(RATE_LIMITED, id="memory")]
if REDIS_URL:
    STORAGES.append(pytest.param({**RATE_LIMITED, "RATELIMIT_STORAGE_URI": REDIS_URL}, id="redis"))


def test_ci_exercises_the_redis_storage():
    if os.environ.get("CI") and not REDIS_URL:
        pytest.fail("CI must set RUKUN_TEST_REDIS_URL (see .ci/run)")


@pytest.mark.parametrize("app_config", STORAGES, indirect=True)
def test_fourth_sign_in_attempt_for_one_phone_is_refused(app, client, world):
    phone = world["resident_a"].phone
    # Three wrong tries, each written differently: the limit counts the account, not the text.
    for typed in (phone, display_phone(phone), "62" + phone.removeprefix("+62")):
        assert login_with_password(client, typed, "salah-lagi-ya").status_code == 422

    fourth = login_with_password(client, display_phone(phone), PASSWORD)

    assert fourth.status_code == 429
    assert "Terlalu banyak percobaan" in said(fourth)
    assert "Tunggu sebentar sebelum mencoba lagi." in said(fourth)
    assert int(fourth.headers["Retry-After"]) > 0
    assert not is_signed_in(client)
    # Another account from the same address is not locked out by the first one.
    assert login_with_password(client, world["resident_b"].phone).status_code == 303
