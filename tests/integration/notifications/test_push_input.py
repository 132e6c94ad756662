"""What a browser (or anyone with a session) may post to the push routes: odd JSON is a
4xx with a message, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from community.extensions import db
from community.notifications.models import PushSubscription
from tests.integration.notifications.conftest import URL, browser_subscription, post_json


def devices(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(PushSubscription.id)))


def raw_post(client, url: str, body: str):
    from tests.conftest import csrf_token

    token = csrf_token(client, "/profil/notifikasi")
    return client.post(url, data=body, content_type="application/json",
                       headers={"X-CSRFToken": token})  # fmt: skip


@pytest.mark.parametrize("url", [URL, URL + "/lepas"])
def test_json_nested_thousands_deep_is_refused(app, world, as_user, url):
    client = as_user(world["resident_a"])

    response = raw_post(client, url, "[" * 100_000 + "]" * 100_000)

    assert 400 <= response.status_code < 500
    assert devices(app) == 0


def test_a_lone_surrogate_in_the_endpoint_is_refused(app, world, as_user):
    client = as_user(world["resident_a"])
    body = browser_subscription()
    body["endpoint"] += "\ud800"

    response = raw_post(client, URL, __import__("json").dumps(body))  # "\\ud800" on the wire

    assert response.status_code == 422
    assert "Data langganan dari browser tidak lengkap" in response.get_json()["error"]
    assert devices(app) == 0


@pytest.mark.parametrize("where", ["endpoint", "p256dh", "auth"])
def test_a_nul_in_a_subscription_is_refused(app, world, as_user, where):
    client = as_user(world["resident_a"])
    body = browser_subscription()
    if where == "endpoint":
        body["endpoint"] += "\x00"
    else:
        body["keys"][where] += "\x00"

    response = post_json(client, URL, body)

    assert response.status_code == 422
    assert devices(app) == 0


def test_a_nul_in_the_endpoint_to_forget_is_a_4xx(world, as_user):
    client = as_user(world["resident_a"])

    response = post_json(client, URL + "/lepas", {"endpoint": "https://fcm.googleapis.com/x\x00"})

    assert response.status_code == 404
