"""Redis down (REDIS_URL set, nothing answering): pages still render and forms still
work, but sign-in, registration and password reset fail closed: they answer a clear
"coba lagi sebentar" 503 instead of letting unlimited password guesses through.

A real outage, not a mock: the rate-limit counters and the worker's queue point at a
Redis URL on a port nobody listens on.  With the test Redis (RUKUN_TEST_REDIS_URL, CI)
the same sign-in goes through, so the 503 is the outage's doing.
"""

from __future__ import annotations

import html
import os
import socket

import pytest
from sqlalchemy import func, select

from community import create_app
from community.accounts.models import User
from community.areas.models import JoinRequest
from community.events.models import Rsvp
from community.extensions import db, limiter
from tests.conftest import PASSWORD, sign_in, test_config, text_of
from tests.forms import submit_form

REDIS_URL = os.environ.get("RUKUN_TEST_REDIS_URL")
TRY_AGAIN = "Coba lagi sebentar."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again: nobody listens there


def said(response) -> str:
    return html.unescape(text_of(response))


@pytest.fixture
def redis_app(app, _shared_dir):
    """Returns a builder: an app on the test database (the ``world`` already in it) whose
    Redis is at ``url``, rate limits on.  The limiter is one object for every app of the
    process (Flask-Limiter keeps its storage on it): put it back afterwards."""
    saved = dict(vars(limiter))
    built = []

    def build(url: str):
        config = test_config(
            _shared_dir,
            REDIS_URL=url,
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI=url,
            WORKER_BACKEND="redis",
        )
        built.append(create_app(config))
        return built[-1]

    yield build
    for other in built:
        with other.app_context():
            db.engine.dispose()
    vars(limiter).clear()
    vars(limiter).update(saved)


@pytest.fixture
def redis_down(redis_app):
    return redis_app(f"redis://127.0.0.1:{free_port()}/0")


def sign_in_with_password(client, phone: str, password: str = PASSWORD):
    return submit_form(client, "/masuk", "main form", {"phone": phone, "password": password})


def assert_try_again(response) -> None:
    assert response.status_code == 503
    assert TRY_AGAIN in said(response)
    assert "Sedang gangguan" in said(response)
    assert int(response.headers["Retry-After"]) > 0
    assert "Traceback" not in response.get_data(as_text=True)


def test_pages_and_forms_still_work_without_redis(redis_down, world, make_user):
    resident = sign_in(redis_down.test_client(), world["resident_b"])
    activity_id = world.activities["rt_b"].id

    home = resident.get("/")
    page = resident.get(f"/kegiatan/{activity_id}")
    answered = submit_form(
        resident,
        f"/kegiatan/{activity_id}",
        f"#rsvp-panel-{activity_id} form[action$='/jawab']",
        button="button[name='answer'][value='hadir']",
    )
    # Joining an RT is rate limited too, but not a password: it goes on unlimited.
    with redis_down.app_context():
        newcomer = make_user("Pendatang Baru")
        code = db.session.merge(world.rt_a).invite_code
    joined = submit_form(
        sign_in(redis_down.test_client(), newcomer), "/gabung", "form[action='/gabung']",
        {"code": code},
    )  # fmt: skip
    sign_in_page = redis_down.test_client().get("/masuk")

    assert home.status_code == 200 and "Voli sore RT 02" in said(home)
    assert page.status_code == 200
    assert answered.status_code == 303
    assert joined.status_code == 303
    assert sign_in_page.status_code == 200  # the form shows; sending it is what waits
    with redis_down.app_context():
        assert (
            db.session.scalar(
                select(Rsvp.answer).where(
                    Rsvp.activity_id == activity_id, Rsvp.user_id == world["resident_b"].id
                )
            )
            == "hadir"
        )
        assert (
            db.session.scalar(
                select(func.count(JoinRequest.id)).where(JoinRequest.user_id == newcomer.id)
            )
            == 1
        )


def test_sign_in_register_and_reset_fail_closed_without_redis(redis_down, world):
    phone = world["resident_a"].phone
    client = redis_down.test_client()

    tries = [sign_in_with_password(client, phone, "tebak-tebakan") for _ in range(25)]
    right = sign_in_with_password(client, phone)  # even the right password waits

    for response in [*tries, right]:
        assert_try_again(response)
    assert client.get("/profil").status_code == 302  # not signed in

    registered = submit_form(
        client, "/daftar", "form[action='/daftar']",
        {"name": "Nur Hasanah", "phone": "0812 3456 7890", "password": "kebun sayur 2025"},
    )  # fmt: skip
    reset = submit_form(
        client, "/lupa-sandi", "form[action='/lupa-sandi']",
        {"phone": phone, "code": "123456", "password": "kebun sayur 2025"},
    )  # fmt: skip
    english = submit_form(client, "/masuk", "main form", {"phone": phone, "password": PASSWORD},
                          headers={"Accept-Language": "en"})  # fmt: skip

    assert_try_again(registered)
    assert_try_again(reset)
    assert english.status_code == 503
    assert "Please try again in a moment." in said(english)
    with redis_down.app_context():
        assert db.session.scalar(select(User).where(User.phone == "+6281234567890")) is None


@pytest.mark.skipif(not REDIS_URL, reason="needs RUKUN_TEST_REDIS_URL (CI starts redis-server)")
def test_with_redis_up_the_same_sign_in_goes_through(redis_app, world):
    app = redis_app(REDIS_URL)
    with app.app_context():
        limiter.reset()
    client = app.test_client()

    response = sign_in_with_password(client, world["resident_a"].phone)

    assert response.status_code == 303
    assert client.get("/profil").status_code == 200
