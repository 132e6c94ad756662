"""The stand-in push service itself: it accepts exactly what a real one accepts, so later
tests of the reminder worker can trust it. Sends here use pywebpush with Rukun's key."""

from __future__ import annotations

import json

import pytest
import requests
from pywebpush import WebPushException, webpush

from community.notifications import services

CLAIMS = {"sub": "mailto:pengurus@rukun.example"}


@pytest.fixture
def vapid(app, tmp_path, monkeypatch):
    monkeypatch.delenv("RUKUN_VAPID_PRIVATE_KEY", raising=False)
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    with app.app_context():
        key = services.load_vapid()
        return key, services.application_server_key(key)


def send(info, key, data: dict, **kwargs):
    return webpush(info, data=json.dumps(data), vapid_private_key=key, vapid_claims=dict(CLAIMS),
                   timeout=kwargs.pop("timeout", 5), **kwargs)  # fmt: skip


def test_delivers_and_decrypts_exactly_what_was_sent(vapid, push_service):
    key, server_key = vapid
    subscriber, info = push_service.subscribe(server_key)
    payload = {"title": "Kerja bakti besok 07.00", "url": "/kegiatan/1"}
    response = send(
        info, key, payload, ttl=3600, headers={"Urgency": "normal", "Topic": "kegiatan-1"}
    )
    assert response.status_code == 201
    [delivery] = subscriber.received
    assert json.loads(delivery.payload) == payload
    assert (delivery.ttl, delivery.urgency, delivery.topic) == (3600, "normal", "kegiatan-1")
    assert delivery.claims["aud"] == push_service.base_url


def test_a_key_other_than_the_subscriptions_is_refused(vapid, push_service):
    key, _server_key = vapid
    other = services.Vapid()
    other.generate_keys()
    _subscriber, info = push_service.subscribe(services.application_server_key(other))
    with pytest.raises(WebPushException) as refused:
        send(info, key, {"title": "x"}, ttl=60)
    assert refused.value.response.status_code == 403


@pytest.mark.parametrize("mode", ["404", "410", "500"])
def test_told_status_codes(vapid, push_service, mode):
    key, server_key = vapid
    _subscriber, info = push_service.subscribe(server_key, mode=mode)
    with pytest.raises(WebPushException) as failed:
        send(info, key, {"title": "x"}, ttl=60)
    assert failed.value.response.status_code == int(mode)


def test_429_says_when_to_retry(vapid, push_service):
    key, server_key = vapid
    _subscriber, info = push_service.subscribe(server_key, mode="429")
    with pytest.raises(WebPushException) as failed:
        send(info, key, {"title": "x"}, ttl=60)
    assert failed.value.response.headers["Retry-After"] == "120"


def test_a_hanging_service_times_out_instead_of_blocking(vapid, push_service):
    key, server_key = vapid
    _subscriber, info = push_service.subscribe(server_key, mode="hang")
    with pytest.raises(requests.exceptions.Timeout):
        send(info, key, {"title": "x"}, ttl=60, timeout=0.5)
