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


def seed_due_reminders(app, service: PushService, server_key: str, count: int) -> dict:
    """``count`` residents, each with a phone on ``service`` and one reminder due five
    minutes ago for an activity of their own in three hours; returns the phone (the
    stand-in's subscriber) of each subscription id."""
    from datetime import timedelta

    from community.accounts.models import User
    from community.core.time import utcnow
    from community.notifications import outbox
    from community.notifications.models import PushSubscription

    now = utcnow().replace(microsecond=0)
    starts = now + timedelta(hours=3)
    phones = {}
    with app.app_context():
        for n in range(count):
            user = User(name=f"Warga Pengingat {n}", phone=f"+62858{n:08d}", password_hash="-")
            db.session.add(user)
            db.session.flush()
            phone, info = service.subscribe(server_key)
            sub = PushSubscription(user_id=user.id, endpoint=info["endpoint"],
                                   p256dh=info["keys"]["p256dh"], auth=info["keys"]["auth"])  # fmt: skip
            db.session.add(sub)
            db.session.flush()
            phones[sub.id] = phone
            activity = 8000 + n
            due = now - timedelta(minutes=5, seconds=count - n)  # oldest first
            db.session.add(
                PushMessage(
                    subscription_id=sub.id, user_id=user.id, ref=f"activity:{activity}",
                    kind="reminder",
                    subject=f"a{activity}:rem:{int(starts.timestamp())}:{int(due.timestamp())}",
                    due_at=due, expires_at=starts, topic=f"rukun-a{activity}",
                    payload=outbox.encode({
                        "title": f"Pengingat: Ronda malam nomor {activity}",
                        "body": "Nanti 22.00 WITA, pos kamling",
                        "url": f"/kegiatan/{activity}", "tag": f"rukun-a{activity}",
                    }),
                )
            )  # fmt: skip
        db.session.commit()
    return phones
