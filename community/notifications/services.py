"""Notification preferences and the server's VAPID key pair."""

from __future__ import annotations

import base64
import logging
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from flask import current_app
from py_vapid import Vapid

from community.core import privacy
from community.extensions import db
from community.notifications import kinds
from community.notifications.models import NotificationPref

log = logging.getLogger(__name__)
PREF_FIELDS = (
    "wants_reminders", "wants_changes", "wants_waitlist", "wants_announcements",
    "wants_messages", "wants_arisan", "quiet_start_minute", "quiet_end_minute",
)  # fmt: skip


def get_prefs(user_id: int) -> NotificationPref:
    """The user's preferences; the defaults (everything on, 21.00–05.00 quiet) if unset."""
    pref = db.session.get(NotificationPref, user_id)
    if pref is None:
        pref = NotificationPref(user_id=user_id)
        for column in NotificationPref.__table__.columns:
            if column.default is not None and getattr(pref, column.key) is None:
                setattr(pref, column.key, column.default.arg)
    return pref


def save_prefs(user_id: int, **values: Any) -> NotificationPref:
    unknown = set(values) - set(PREF_FIELDS)
    if unknown:
        raise ValueError(sorted(unknown))
    pref = get_prefs(user_id)
    for key, value in values.items():
        setattr(pref, key, value)
    db.session.add(pref)
    db.session.flush()
    kinds.recipient_changed([user_id])
    return pref


def load_vapid() -> Vapid:
    """The VAPID key: ``RUKUN_VAPID_PRIVATE_KEY`` (PEM or raw base64url), or
    ``instance/vapid_private.pem`` created on first use with mode 0600. Never logged."""
    from_env = os.environ.get("RUKUN_VAPID_PRIVATE_KEY")
    if from_env:
        if "BEGIN" in from_env:
            return Vapid.from_pem(from_env.encode())
        return Vapid.from_string(from_env)
    path = Path(current_app.instance_path) / "vapid_private.pem"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        vapid = Vapid()
        vapid.generate_keys()
        pem = vapid.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # Written whole to a private temporary file, then linked into place: the worker
        # and the web server may start at the same moment, and one key must win.
        tmp = path.with_name(f".vapid-{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        try:
            os.link(tmp, path)
            log.info("generated a VAPID key pair in the instance folder")
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return Vapid.from_file(str(path))


def application_server_key(vapid: Vapid) -> str:
    """The public key as browsers want it for ``PushManager.subscribe``."""
    raw = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _export(user) -> dict[str, Any]:
    pref = get_prefs(user.id)
    return {field: getattr(pref, field) for field in PREF_FIELDS}


privacy.register_exporter("notification_preferences", _export)
privacy.classify("notification_pref", {
    "user_id": privacy.NotPersonal("an internal row number; means nothing outside this database"),
    **{field: privacy.Exported(f"notification_preferences.{field}") for field in PREF_FIELDS},
})  # fmt: skip
