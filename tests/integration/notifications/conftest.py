"""What the notification tests share: the stand-in push service, the server's VAPID key,
what a phone's browser sends when it subscribes, and a reader for the outbox."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select

from community.extensions import db
from community.notifications import dispatch, services
from community.notifications.models import PushMessage
from tests.conftest import csrf_token
from tests.pushservice import PushService

URL = "/profil/notifikasi/perangkat"
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Mobile Safari/537.36"
)


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def browser_subscription(endpoint: str | None = None) -> dict:
    """What ``PushSubscription.toJSON()`` gives on a real phone."""
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    raw = key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {
        "endpoint": endpoint or f"https://fcm.googleapis.com/fcm/send/{b64u(os.urandom(24))}",
        "expirationTime": None,
        "keys": {"p256dh": b64u(raw), "auth": b64u(os.urandom(16))},
    }


def post_json(client, url: str, body, *, token: str | None = None):
    headers = {"X-CSRFToken": token or csrf_token(client, "/profil/notifikasi"),
               "User-Agent": ANDROID_CHROME}  # fmt: skip
    return client.post(url, json=body, headers=headers)


@pytest.fixture
def server_key(app, tmp_path, monkeypatch):
    monkeypatch.delenv("RUKUN_VAPID_PRIVATE_KEY", raising=False)
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    dispatch._SIGNERS.clear()
    with app.app_context():
        return services.application_server_key(services.load_vapid())


@pytest.fixture
def push_service():
    with PushService(hang_seconds=3) as service:
        yield service


def rows(activity_id: int) -> list[PushMessage]:
    return list(
        db.session.scalars(
            select(PushMessage)
            .where(PushMessage.ref == f"activity:{activity_id}")
            .order_by(PushMessage.due_at, PushMessage.id)
        )
    )
