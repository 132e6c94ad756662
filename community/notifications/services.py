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
from sqlalchemy import select

from community.core import privacy
from community.extensions import db
from community.notifications import kinds
from community.notifications.models import NotificationPref, NotificationSwitch
from community.notifications.rules import QUIET_END_DEFAULT, QUIET_START_DEFAULT

log = logging.getLogger(__name__)
QUIET_FIELDS = ("quiet_start_minute", "quiet_end_minute")


class Preferences:
    """What a resident wants: every registered switch, on or off (``prefs.wants_reminders``:
    their row, else the switch's default), and their quiet hours. Read by attribute, as
    the preferences form reads it (``prefs_form(obj=prefs)``)."""

    def __init__(self, user_id: int, switches: dict[str, bool], quiet_start: int, quiet_end: int):
        self.user_id = user_id
        self.switches = switches
        self.quiet_start_minute = quiet_start
        self.quiet_end_minute = quiet_end

    def __getattr__(self, name: str) -> bool:  # only for what is not an attribute above
        try:
            return self.__dict__["switches"][name]
        except KeyError:
            raise AttributeError(name) from None


def pref_fields() -> tuple[str, ...]:
    """What ``save_prefs`` accepts and the download lists: the registered switches, in the
    page's order, and the quiet hours."""
    return (*(s.field for s in kinds.switches()), *QUIET_FIELDS)


def get_prefs(user_id: int) -> Preferences:
    """The user's preferences; the defaults (each switch's, 21.00–05.00 quiet) if unset."""
    pref = db.session.get(NotificationPref, user_id)
    chosen = dict(
        db.session.execute(
            select(NotificationSwitch.name, NotificationSwitch.is_on).where(
                NotificationSwitch.user_id == user_id
            )
        ).all()
    )
    return Preferences(
        user_id,
        {s.field: chosen.get(s.field, s.default_on) for s in kinds.switches()},
        pref.quiet_start_minute if pref else QUIET_START_DEFAULT,
        pref.quiet_end_minute if pref else QUIET_END_DEFAULT,
    )


def save_prefs(user_id: int, **values: Any) -> Preferences:
    """Keep what the resident chose: a row per switch given (even one equal to its
    default: it is their choice, not the default, from now on) and the quiet hours."""
    unknown = set(values) - set(pref_fields())
    if unknown:
        raise ValueError(sorted(unknown))
    quiet = {key: values.pop(key) for key in QUIET_FIELDS if key in values}
    if quiet:
        pref = db.session.get(NotificationPref, user_id)
        if pref is None:
            pref = NotificationPref(
                user_id=user_id,
                quiet_start_minute=QUIET_START_DEFAULT,
                quiet_end_minute=QUIET_END_DEFAULT,
            )
            db.session.add(pref)
        for key, value in quiet.items():
            setattr(pref, key, value)
    if values:
        rows = {
            row.name: row
            for row in db.session.scalars(
                select(NotificationSwitch).where(NotificationSwitch.user_id == user_id)
            )
        }
        for name, is_on in values.items():
            row = rows.get(name)
            if row is None:
                db.session.add(NotificationSwitch(user_id=user_id, name=name, is_on=bool(is_on)))
            else:
                row.is_on = bool(is_on)
    db.session.flush()
    kinds.recipient_changed([user_id])
    return get_prefs(user_id)


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
    prefs = get_prefs(user.id)
    return {field: getattr(prefs, field) for field in pref_fields()}


privacy.register_exporter("notification_preferences", _export)
privacy.classify("notification_pref", {
    "user_id": privacy.NotPersonal("an internal row number; means nothing outside this database"),
    **{field: privacy.Exported(f"notification_preferences.{field}") for field in QUIET_FIELDS},
})  # fmt: skip
privacy.classify("notification_switch", {
    "user_id": privacy.NotPersonal("an internal row number; means nothing outside this database"),
    "name": privacy.NotPersonal("the name of a switch, the same for everyone; the person's "
                                "setting is exported under it: notification_preferences.<name>"),
    "is_on": privacy.Exported("notification_preferences"),  # .<name>: one key per switch
})  # fmt: skip
