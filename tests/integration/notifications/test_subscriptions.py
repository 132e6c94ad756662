"""Turning notifications on and off per device, and what the server refuses: only known
push services, valid keys, ten devices, and nobody else's device."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select

from community.events import answers
from community.extensions import db
from community.notifications.models import PushSubscription
from tests.conftest import csrf_token, post_form, text_of
from tests.forms import submit_form
from tests.integration.notifications.conftest import URL, b64u, browser_subscription, post_json


def devices(app, user) -> list[PushSubscription]:
    with app.app_context():
        return list(
            db.session.scalars(select(PushSubscription).where(PushSubscription.user_id == user.id))
        )


def test_a_resident_turns_notifications_on_for_their_phone(app, world, as_user):
    resident = as_user(world["resident_a"])
    page = resident.get("/profil/notifikasi")
    assert "Aktifkan notifikasi" in text_of(page)
    assert "Belum ada perangkat" in text_of(page)
    sub = browser_subscription()
    response = post_json(resident, URL, sub)
    assert response.status_code == 201
    assert response.json["message"] == "Notifikasi aktif di perangkat ini."
    [stored] = devices(app, world["resident_a"])
    assert (stored.endpoint, stored.p256dh, stored.auth) == (
        sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"],
    )  # fmt: skip
    assert stored.device == "Chrome · Android"
    assert "Chrome · Android" in text_of(resident.get("/profil/notifikasi"))


def test_subscribing_the_same_browser_again_updates_it(app, world, as_user):
    resident = as_user(world["resident_a"])
    sub = browser_subscription()
    post_json(resident, URL, sub)
    renewed = {**sub, "keys": browser_subscription()["keys"]}
    assert post_json(resident, URL, renewed).status_code == 201
    [stored] = devices(app, world["resident_a"])
    assert stored.p256dh == renewed["keys"]["p256dh"]


def test_a_shared_phone_moves_to_whoever_subscribed_last(app, world, as_user):
    sub = browser_subscription()
    post_json(as_user(world["resident_a"]), URL, sub)
    post_json(as_user(world["pengurus_a"]), URL, sub)
    assert devices(app, world["resident_a"]) == []
    assert len(devices(app, world["pengurus_a"])) == 1


@pytest.mark.parametrize("keys", ["both", "auth"])
def test_someone_elses_endpoint_without_its_keys_moves_nothing(app, world, as_user, keys):
    """Knowing a phone's endpoint (from a log, a screenshot) is not holding its
    subscription: only the browser that made it knows the auth secret."""
    owner_sub = browser_subscription()
    post_json(as_user(world["resident_a"]), URL, owner_sub)
    forged = browser_subscription(owner_sub["endpoint"])
    if keys == "auth":  # the public key is not secret; the auth secret is
        forged["keys"]["p256dh"] = owner_sub["keys"]["p256dh"]

    response = post_json(as_user(world["pengurus_a"]), URL, forged)

    assert response.status_code == 422
    assert "sudah menerima notifikasi untuk akun lain" in response.json["error"]
    assert "Tidak ada yang diubah." in response.json["error"]
    [kept] = devices(app, world["resident_a"])
    assert (kept.endpoint, kept.p256dh, kept.auth) == (
        owner_sub["endpoint"], owner_sub["keys"]["p256dh"], owner_sub["keys"]["auth"],
    )  # fmt: skip
    assert devices(app, world["pengurus_a"]) == []


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        ("https://evil.example/push/1", "tidak kami kenal"),
        ("http://fcm.googleapis.com/fcm/send/abc", "harus HTTPS"),
        ("https://fcm.googleapis.com:8443/fcm/send/abc", "tidak didukung"),
        ("https://user:pw@fcm.googleapis.com/fcm/send/abc", "tidak didukung"),
        ("https://203.0.113.7/push/abc", "tidak didukung"),
        ("https://[2001:db8::1]/push/abc", "tidak didukung"),
        ("https://fcm.googleapis.com.evil.example/x", "tidak kami kenal"),
        ("https://evilnotify.windows.com/x", "tidak kami kenal"),
        ("", "tidak lengkap"),
    ],
)
def test_endpoints_outside_the_known_push_services_are_refused(
    app, world, as_user, endpoint, message
):
    response = post_json(
        as_user(world["resident_a"]), URL, browser_subscription(endpoint) | {"endpoint": endpoint}
    )
    assert response.status_code == 422
    assert message in response.json["error"]
    assert devices(app, world["resident_a"]) == []


def test_windows_push_subdomains_are_accepted(app, world, as_user):
    sub = browser_subscription("https://wns2-sg2p.notify.windows.com/w/?token=abc")
    assert post_json(as_user(world["resident_a"]), URL, sub).status_code == 201


@pytest.mark.parametrize(
    "keys",
    [
        {
            "p256dh": b64u(b"\x04" + os.urandom(64)),
            "auth": b64u(os.urandom(16)),
        },  # not on the curve
        {"p256dh": b64u(os.urandom(33)), "auth": b64u(os.urandom(16))},  # compressed / wrong size
        {"p256dh": "not base64 !!", "auth": b64u(os.urandom(16))},
        {"p256dh": None, "auth": b64u(os.urandom(16))},
        {"auth": b64u(os.urandom(16))},
        {"p256dh": "VALID", "auth": b64u(os.urandom(15))},
        {"p256dh": "VALID"},
    ],
)
def test_malformed_keys_are_refused(app, world, as_user, keys):
    sub = browser_subscription()
    if keys.get("p256dh") == "VALID":
        keys = {**keys, "p256dh": sub["keys"]["p256dh"]}
    response = post_json(as_user(world["resident_a"]), URL, {**sub, "keys": keys})
    assert response.status_code == 422
    assert "Kunci notifikasi dari browser tidak valid" in response.json["error"]
    assert devices(app, world["resident_a"]) == []


@pytest.mark.parametrize("body", [None, [], "x", {"endpoint": 5}, {"keys": "x"}])
def test_nonsense_bodies_are_refused_without_a_crash(app, world, as_user, body):
    resident = as_user(world["resident_a"])
    token = csrf_token(resident, "/profil/notifikasi")
    response = resident.post(URL, data="{not json", headers={"X-CSRFToken": token,
                             "Content-Type": "application/json"}) if body is None else post_json(resident, URL, body, token=token)  # fmt: skip
    assert response.status_code == 422
    assert devices(app, world["resident_a"]) == []


def test_at_most_ten_devices_per_person(app, world, as_user):
    resident = as_user(world["resident_a"])
    token = csrf_token(resident, "/profil/notifikasi")
    for _ in range(10):
        assert post_json(resident, URL, browser_subscription(), token=token).status_code == 201
    response = post_json(resident, URL, browser_subscription(), token=token)
    assert response.status_code == 422
    assert "Sudah 10 perangkat" in response.json["error"]
    assert len(devices(app, world["resident_a"])) == 10


def test_without_the_csrf_token_nothing_is_stored(app, world, as_user):
    resident = as_user(world["resident_a"])
    response = resident.post(URL, json=browser_subscription())
    assert response.status_code == 400
    assert devices(app, world["resident_a"]) == []


def test_turning_off_this_device_forgets_it(app, world, as_user):
    resident = as_user(world["resident_a"])
    sub = browser_subscription()
    post_json(resident, URL, sub)
    response = post_json(resident, URL + "/lepas", {"endpoint": sub["endpoint"]})
    assert response.status_code == 200
    assert response.json["message"] == "Notifikasi dimatikan di perangkat ini."
    assert devices(app, world["resident_a"]) == []


def test_someone_elses_device_cannot_be_turned_off_or_removed(app, world, as_user):
    owner = as_user(world["resident_a"])
    sub = browser_subscription()
    post_json(owner, URL, sub)
    [device] = devices(app, world["resident_a"])
    neighbour = as_user(world["resident_b"])
    assert post_json(neighbour, URL + "/lepas", {"endpoint": sub["endpoint"]}).status_code == 404
    # tampered: not what the page renders (the neighbour's list does not show the device)
    assert post_form(neighbour, f"{URL}/{device.id}/hapus").status_code == 404
    assert len(devices(app, world["resident_a"])) == 1
    assert sub["endpoint"] not in neighbour.get("/profil/notifikasi").get_data(as_text=True)


def test_removing_a_device_from_the_list(app, world, as_user):
    resident = as_user(world["resident_a"])
    post_json(resident, URL, browser_subscription())
    [device] = devices(app, world["resident_a"])
    response = submit_form(resident, "/profil/notifikasi", f"form[action$='/{device.id}/hapus']",
                           follow_redirects=True)  # fmt: skip
    assert "Perangkat dihapus" in text_of(response)
    assert devices(app, world["resident_a"]) == []


def test_the_export_lists_devices_but_not_their_keys(app, world, as_user):
    resident = as_user(world["resident_a"])
    sub = browser_subscription()
    post_json(resident, URL, sub)
    exported = resident.get("/profil/data.json").get_data(as_text=True)
    assert "Chrome · Android" in exported or "Chrome \\u00b7 Android" in exported
    assert sub["keys"]["auth"] not in exported and sub["endpoint"] not in exported


def test_subscribing_plans_reminders_for_what_the_resident_already_answered(app, world, as_user):
    from community.events.models import Activity
    from community.notifications.models import PushMessage

    with app.app_context():
        activity = db.session.get(Activity, world.activities["rt_a"].id)
        answers.respond(activity, world["resident_a"], answer="hadir", now=activity.created_at)
        db.session.commit()
        assert db.session.scalar(select(func.count(PushMessage.id))) == 0  # no device yet
    post_json(as_user(world["resident_a"]), URL, browser_subscription())
    with app.app_context():
        kinds = db.session.scalars(select(PushMessage.kind)).all()
        assert kinds == ["reminder", "reminder"]  # gotong royong: H-1 19.00 and 60 min before


@pytest.mark.parametrize(
    "app_config",
    [
        pytest.param(
            {"PUSH_ALLOWED_HOSTS": ("localhost", "fcm.googleapis.com")}, id="localhost-listed"
        )
    ],
    indirect=True,
)
def test_a_listed_name_that_resolves_to_a_private_address_is_refused(app, world, as_user):
    # Even a host on the list is refused when its name points inside (here: localhost).
    response = post_json(
        as_user(world["resident_a"]), URL, browser_subscription("https://localhost/push/1")
    )
    assert response.status_code == 422
    assert "tidak didukung" in response.json["error"]
    assert devices(app, world["resident_a"]) == []


def answer(client, url: str, value: str, **options):
    """Press an answer button in the activity page's RSVP panel."""
    form = "form[action$='/jawab']"
    return submit_form(client, url, form, button=f"button[value='{value}']", **options)


def test_a_resident_who_comes_without_notifications_is_told_how_to_get_reminded(
    app, world, as_user
):
    resident = as_user(world["resident_a"])
    url = f"/kegiatan/{world.activities['rt_a'].id}"
    hint = "supaya HP Anda mengingatkan sebelum kegiatan mulai"
    htmx = {"HX-Request": "true"}
    panel = answer(resident, url, "hadir", headers=htmx)
    assert hint in text_of(panel) and 'href="/profil/notifikasi#notifikasi-hp"' in panel.get_data(
        as_text=True
    )
    # Without JavaScript the page after the answer says it too, once.
    page = answer(resident, url, "mungkin", follow_redirects=True)
    assert hint in text_of(page)
    assert hint not in text_of(resident.get(url))
    post_json(resident, URL, browser_subscription())
    assert hint not in text_of(answer(resident, url, "hadir", headers=htmx))
    resident_b = as_user(world["resident_b"])
    other = f"/kegiatan/{world.activities['rt_b'].id}"
    assert hint not in text_of(answer(resident_b, other, "tidak", headers=htmx))
