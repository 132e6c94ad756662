"""The server side of answers kept on the phone without signal (#18): the session endpoint
the phone asks before sending, the forms it may keep, and a kept answer sent the way
static/js/kept.js sends it (the rendered form's fields without their CSRF token, a fresh
token from /sesi.json, the original Idempotency-Key, HX-Request)."""

from __future__ import annotations

import json
import re

import lxml.html
import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from community.accounts.models import User
from community.core.time import utcnow
from community.events import services
from community.events.models import Activity, Rsvp
from community.extensions import db
from community.messages import services as dm
from community.messages.models import Message
from tests.conftest import post_form
from tests.forms import find_form, form_fields

KEY = "5d1c2b3a-4f5e-4d6c-8b7a-9f8e7d6c5b4a"


def kept(client, page_url: str, selector: str, button: tuple[str, str]) -> tuple[str, list]:
    """What the phone keeps from a form: its URL and fields, never the CSRF token."""
    form = find_form(client.get(page_url).get_data(as_text=True), selector)
    fields = [(n, v) for n, v in form_fields(form) if n != "csrf_token"]
    return form.get("action"), [*fields, button]


def send_kept(client, url: str, fields: list, key: str = KEY):
    session = client.get("/sesi.json").get_json()
    return client.post(
        url,
        data=MultiDict([*fields, ("csrf_token", session["csrf"])]),
        headers={"Idempotency-Key": key, "X-CSRFToken": session["csrf"], "HX-Request": "true",
                 "X-Rukun-Kept": "1"},
    )  # fmt: skip


def test_session_endpoint_gives_the_account_and_a_fresh_token_never_cached(world, as_user):
    response = as_user(world["resident_a"]).get("/sesi.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["account"] == world["resident_a"].id
    assert isinstance(body["csrf"], str) and len(body["csrf"]) > 20


def test_session_endpoint_signed_out_says_401_with_no_account(client):
    response = client.get("/sesi.json")
    assert response.status_code == 401
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json() == {"account": None}


def test_signed_in_pages_name_the_account_for_the_queue(world, as_user, client):
    mine = as_user(world["resident_a"]).get("/").get_data(as_text=True)
    assert f'<meta name="rukun-account" content="{world["resident_a"].id}">' in mine
    assert 'id="kept"' in mine and "jawaban menunggu sinyal" in mine
    anonymous = client.get("/masuk").get_data(as_text=True)
    assert "rukun-account" not in anonymous and 'id="kept"' not in anonymous


def test_the_answer_forms_are_marked_for_keeping_one_slot_per_activity(world, as_user):
    client = as_user(world["resident_a"])
    activity_id = world.activities["rt_a"].id
    page = lxml.html.document_fromstring(client.get(f"/kegiatan/{activity_id}").get_data())
    slots = {f.get("action"): f.get("data-offline") for f in page.forms if f.get("data-offline")}
    assert slots[f"/kegiatan/{activity_id}/jawab"] == f"answer-{activity_id}"
    assert slots[f"/kegiatan/{activity_id}/komentar"] == "comment"
    feed = lxml.html.document_fromstring(client.get("/").get_data())
    card = feed.cssselect(f'form[action="/kegiatan/{activity_id}/jawab/kartu"]')
    assert card and card[0].get("data-offline") == f"answer-{activity_id}"  # the same slot
    assert not [
        f for f in page.forms if f.get("action") == "/keluar" and "data-offline" in f.attrib
    ]


def test_a_kept_answer_sent_twice_with_a_fresh_token_is_recorded_once(app, world, as_user):
    client = as_user(world["resident_a"])
    activity_id = world.activities["rt_a"].id
    url, fields = kept(client, f"/kegiatan/{activity_id}", "form[data-offline] [name=guests]",
                       ("answer", "hadir"))  # fmt: skip
    first = send_kept(client, url, [*[(n, "2" if n == "guests" else v) for n, v in fields]])
    again = send_kept(client, url, [*[(n, "2" if n == "guests" else v) for n, v in fields]])
    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert 'id="rsvp-panel-' in again.get_data(as_text=True)  # the fragment the page swaps in
    with app.app_context():
        rows = db.session.execute(
            select(Rsvp.user_id, Rsvp.answer, Rsvp.guests).where(Rsvp.activity_id == activity_id)
        ).all()
    assert [tuple(r) for r in rows] == [(world["resident_a"].id, "hadir", 2)]


def test_a_kept_answer_to_an_activity_cancelled_meanwhile_is_refused_with_the_reason(
    app, world, as_user
):
    client = as_user(world["resident_a"])
    activity_id = world.activities["rt_a"].id
    url, fields = kept(client, f"/kegiatan/{activity_id}", "form[data-offline] [name=guests]",
                       ("answer", "hadir"))  # fmt: skip
    with app.app_context():
        services.cancel_activity(
            db.session.get(Activity, activity_id), reason="Hujan deras", now=utcnow()
        )
        db.session.commit()
    response = send_kept(client, url, fields)
    assert response.status_code == 422
    # The phone reads the first role="alert" of the fragment (kept.js reasonIn).
    reason = re.search(r'role="alert"[^>]*>\s*([^<]+?)\s*<', response.get_data(as_text=True))
    assert reason and reason.group(1) == "Kegiatan ini sudah dibatalkan."
    with app.app_context():
        assert db.session.scalar(select(Rsvp.id).where(Rsvp.activity_id == activity_id)) is None


def test_the_worker_loads_the_queue_and_replays_on_background_sync(client):
    body = client.get("/sw.js").get_data(as_text=True)
    script = re.search(r"importScripts\((\"[^\"]+\")\);", body).group(1)
    hashed = json.loads(script)
    assert re.fullmatch(r"/static/js/kept\.[0-9a-f]{12}\.js", hashed)
    precache = json.loads(re.search(r"const PRECACHE = (\[.*\]);", body).group(1))
    assert hashed in precache  # the page shell offline loads it too
    assert 'addEventListener("sync"' in body
    source = client.get(hashed)
    assert source.status_code == 200 and b"RukunKept" in source.get_data()
    source.close()


def test_sign_out_clears_storage_where_the_queue_lives(world, as_user):
    response = post_form(as_user(world["resident_a"]), "/keluar")
    # "storage" covers IndexedDB (tests/browser/test_pwa.py proves it in Chromium).
    assert '"storage"' in response.headers["Clear-Site-Data"]


# --- direct messages (each one kept, sent once) ---------------------------------------------


def _conversation(app, world) -> int:
    with app.app_context():
        siti = db.session.get(User, world["resident_a"].id)
        budi = db.session.get(User, world["resident_b"].id)
        talk = dm.start_conversation(siti, budi, now=utcnow())
        db.session.commit()
        return talk.id


def _bodies(app, talk: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Message.body).where(Message.conversation_id == talk).order_by(Message.id)
            )
        )


def _typed(client, talk: int, text: str) -> tuple[str, list]:
    """What the phone keeps from the message form with ``text`` typed in its box."""
    form = find_form(client.get(f"/pesan/{talk}").get_data(as_text=True), "#send-form")
    fields = [(n, text if n == "body" else v) for n, v in form_fields(form) if n != "csrf_token"]
    return form.get("action"), fields


def test_the_message_form_keeps_every_message_of_its_conversation(app, world, as_user):
    talk = _conversation(app, world)
    page = as_user(world["resident_a"]).get(f"/pesan/{talk}").get_data(as_text=True)
    form = find_form(page, "#send-form")
    assert form.get("data-offline") == f"message-{talk}"
    assert form.get("data-offline-each") is not None  # two messages are two, not a replacement
    assert form.get("data-offline-what") == "Pesan"


def test_a_kept_message_sent_twice_is_stored_once(app, world, as_user):
    talk = _conversation(app, world)
    client = as_user(world["resident_a"])
    url, fields = _typed(client, talk, "Besok saya bawa gerobak")

    first = send_kept(client, url, fields)
    again = send_kept(client, url, fields)

    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _bodies(app, talk) == ["Besok saya bawa gerobak"]
    # a second message with its own key is a second message
    assert (
        send_kept(client, url, fields, key="0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9").status_code
        == 200
    )
    assert _bodies(app, talk) == ["Besok saya bawa gerobak"] * 2


@pytest.mark.parametrize(
    "app_config",
    [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
      "MESSAGE_LIMIT_PER_SENDER": "1 per minute"}],
    indirect=True,
)  # fmt: skip
def test_a_kept_message_over_the_send_limit_waits_for_a_later_try(app, world, as_user):
    from community.extensions import limiter

    limiter.reset()
    talk = _conversation(app, world)
    client = as_user(world["resident_a"])
    url, fields = _typed(client, talk, "Pesan pertama")
    assert send_kept(client, url, fields).status_code == 200

    later = [(n, "Pesan kedua" if n == "body" else v) for n, v in fields]
    waiting = send_kept(client, url, later, key="0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9")

    # 429 is "try again later" to the phone's queue (a 422 would drop it as refused)
    assert waiting.status_code == 429
    assert _bodies(app, talk) == ["Pesan pertama"]
