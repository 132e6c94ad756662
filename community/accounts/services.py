"""Use-cases for accounts. Services flush; the caller commits."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from community.accounts.models import ResetCode, User, new_session_token
from community.accounts.rules import normalise_phone
from community.core import audit, privacy
from community.core.errors import DomainError
from community.core.time import as_utc
from community.extensions import db

log = logging.getLogger(__name__)

# OWASP Password Storage Cheat Sheet, first choice: argon2id, m=19 MiB, t=2, p=1.
hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verifying against this keeps "unknown phone" as slow as "wrong password".
_DUMMY_HASH = hasher.hash("rukun-dummy-password")
RESET_CODE_DIGITS = 8
RESET_CODE_VALID = timedelta(hours=24)  # long enough to pass on at the next meeting


class AccountError(DomainError):
    """A rule refused the action; ``code`` says which (the form turns it into words)."""


def load_user(user_id: str) -> User | None:
    """Flask-Login loader: ``"<id>:<session token>"``; a rotated token means signed out."""
    ident, _, token = user_id.partition(":")
    if not ident.isdigit() or not token:
        return None
    user = db.session.get(User, int(ident))
    if user is None or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def find_by_phone(phone: str) -> User | None:
    return db.session.scalar(select(User).where(User.phone == phone))


def register(*, phone: str, password: str, name: str, email: str | None, language: str) -> User:
    phone = normalise_phone(phone)
    if find_by_phone(phone) is not None:
        raise AccountError("phone_taken")
    user = User(
        phone=phone,
        password_hash=hasher.hash(password),
        name=name,
        email=email or None,
        language=language,
    )
    try:
        with db.session.begin_nested():  # added inside: begin_nested() flushes pending rows first
            db.session.add(user)
    except IntegrityError as exc:  # a second registration won the race
        raise AccountError("phone_taken") from exc
    log.info("registered user_id=%s", user.id)
    return user


def authenticate(phone: str, password: str) -> User | None:
    """The user when phone and password match; ``None`` otherwise (same timing)."""
    user = find_by_phone(phone)
    try:
        hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


def rotate_session(user: User) -> None:
    """End every session and remember cookie of this user (sign-out, password, roles)."""
    user.session_token = new_session_token()


def set_password(user: User, password: str) -> None:
    user.password_hash = hasher.hash(password)
    rotate_session(user)


def check_password(user: User, password: str) -> bool:
    try:
        return hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _hash_code(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def issue_reset_code(
    user: User, *, issued_by: User | None, now: datetime, wilayah_id: int | None = None
) -> str:
    """A fresh one-time code for ``user``; earlier unused codes stop working.

    The caller has checked ``issued_by`` has authority over ``user``
    (:func:`community.accounts.policies.has_authority_over`); ``None`` is the server's operator
    (``rukun reset-code``). The issue is audit-logged, and the person is told who issued
    it at their next sign-in (:func:`take_reset_notices`).
    """
    db.session.execute(
        update(ResetCode)
        .where(ResetCode.user_id == user.id, ResetCode.used_at.is_(None))
        .values(used_at=now)
    )
    code = "".join(secrets.choice("0123456789") for _ in range(RESET_CODE_DIGITS))
    db.session.add(
        ResetCode(
            user_id=user.id,
            code_hash=_hash_code(code),
            issued_by_id=issued_by.id if issued_by else None,
            by_operator=issued_by is None,
            created_at=now,
            expires_at=now + RESET_CODE_VALID,
        )
    )
    audit.record(
        audit.AuditAction.RESET_CODE_ISSUED,
        actor_id=issued_by.id if issued_by else None,
        target_user_id=user.id,
        wilayah_id=wilayah_id,
        detail="" if issued_by else "operator: rukun reset-code",
        now=now,
    )
    log.info(
        "reset code issued user_id=%s by=%s", user.id, issued_by.id if issued_by else "operator"
    )
    return code


@dataclass(frozen=True)
class ResetNotice:
    issued_by: str | None  # None: the issuer has since deleted their account
    issued_at: datetime
    by_operator: bool = False  # issued on the server, not by a pengurus


def take_reset_notices(user: User, *, now: datetime) -> list[ResetNotice]:
    """Reset codes issued for ``user`` they have not been told about; marks them told."""
    rows = db.session.execute(
        select(ResetCode, User.name)
        .outerjoin(User, User.id == ResetCode.issued_by_id)
        .where(ResetCode.user_id == user.id, ResetCode.notified_at.is_(None))
        .order_by(ResetCode.created_at)
    ).all()
    for code, _name in rows:
        code.notified_at = now
    db.session.flush()
    return [ResetNotice(name, as_utc(code.created_at), code.by_operator) for code, name in rows]


def reset_password(*, phone: str, code: str, password: str, now: datetime) -> User:
    """Use a reset code once. Raises :class:`AccountError` ``bad_code`` otherwise."""
    user = find_by_phone(phone)
    if user is None:
        raise AccountError("bad_code")
    wanted = _hash_code("".join(ch for ch in code if ch.isdigit()))
    claimed = db.session.execute(
        update(ResetCode)
        .where(
            ResetCode.user_id == user.id,
            ResetCode.code_hash == wanted,
            ResetCode.used_at.is_(None),
            ResetCode.expires_at > now,
        )
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # guarded update: a code can be used exactly once
        raise AccountError("bad_code")
    set_password(user, password)
    audit.record(
        audit.AuditAction.RESET_CODE_USED, actor_id=user.id, target_user_id=user.id, now=now
    )
    return user


def update_profile(user: User, **fields: Any) -> None:
    allowed = {
        "name", "email", "language", "is_large_text", "is_phone_shared",
    }  # fmt: skip  # needs only through set_needs, with consent
    for key, value in fields.items():
        if key not in allowed:
            raise ValueError(key)  # mass assignment guard: phone and rt_id are not here
        setattr(user, key, value)
    db.session.flush()


NEEDS = ("needs_wheelchair", "needs_lift", "needs_hearing", "needs_vision")


def set_needs(user: User, *, consent: bool, now: datetime, **needs: bool) -> None:
    """Store the person's needs only with their consent (UU PDP: health data).

    With ``consent`` the needs are kept and the consent recorded (once, when first given).
    Without it every need is cleared: unticking a consent once given withdraws it, all
    needs at once; a need ticked by someone who never consented raises
    :class:`AccountError` ``needs_without_consent``. Answers' *butuh bantuan* are cleared
    by the caller with ``events.services.forget_needs``.
    """
    if set(needs) - set(NEEDS):
        raise ValueError(sorted(set(needs) - set(NEEDS)))
    if not consent:
        if any(needs.values()) and user.needs_consent_at is None:
            raise AccountError("needs_without_consent")
        needs = dict.fromkeys(NEEDS, False)
        user.needs_consent_at = None
    elif user.needs_consent_at is None:
        user.needs_consent_at = now
    for key, value in needs.items():
        setattr(user, key, value)
    db.session.flush()


def give_needs_consent(user: User, *, now: datetime) -> None:
    """Record consent when the person ticks *butuh bantuan* on an answer themselves."""
    if user.needs_consent_at is None:
        user.needs_consent_at = now


def change_phone(user: User, phone: str) -> None:
    phone = normalise_phone(phone)
    if phone == user.phone:
        return
    if find_by_phone(phone) is not None:
        raise AccountError("phone_taken")
    user.phone = phone
    db.session.flush()


def delete_account(user: User) -> None:
    """Remove the person. The caller first erases what they wrote elsewhere
    (``events.services.erase_person``); rows others hold use ``ON DELETE SET NULL`` and
    show "warga terhapus"; RSVPs keep their count but lose the name."""
    log.info("account deleted user_id=%s", user.id)
    db.session.delete(user)
    db.session.flush()


def _export_profile(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "phone": user.phone,
        "email": user.email,
        "language": user.language,
        "large_text": user.is_large_text,
        "phone_shared_with_neighbours": user.is_phone_shared,
        "needs": {
            "wheelchair": user.needs_wheelchair,
            "lift": user.needs_lift,
            "hearing": user.needs_hearing,
            "vision": user.needs_vision,
        },
        "needs_consent_at": as_utc(user.needs_consent_at).isoformat()
        if user.needs_consent_at
        else None,
        "registered_at": as_utc(user.created_at).isoformat(),
    }


def _export_reset_codes(user: User) -> list[dict[str, Any]]:
    codes = db.session.scalars(
        select(ResetCode).where(ResetCode.user_id == user.id).order_by(ResetCode.created_at)
    )
    return [
        {
            "issued_at": as_utc(c.created_at).isoformat(),
            "by_operator": c.by_operator,
            "expires_at": as_utc(c.expires_at).isoformat(),
            "used_at": as_utc(c.used_at).isoformat() if c.used_at else None,
            "told_at": as_utc(c.notified_at).isoformat() if c.notified_at else None,
        }
        for c in codes
    ]


_KEY = privacy.NotPersonal("an internal row number; means nothing outside this database")
_CREDENTIAL = "a credential: in a downloaded file it would only help whoever finds the file"


def register_exports() -> None:
    privacy.register_exporter("profile", _export_profile)
    privacy.register_exporter("reset_codes", _export_reset_codes)
    E = privacy.Exported
    privacy.classify("user_account", {
        "id": _KEY,
        "phone": E("profile.phone"),
        "email": E("profile.email"),
        "name": E("profile.name"),
        "password_hash": privacy.Withheld(_CREDENTIAL),
        "language": E("profile.language"),
        "is_large_text": E("profile.large_text"),
        "is_phone_shared": E("profile.phone_shared_with_neighbours"),
        "needs_wheelchair": E("profile.needs.wheelchair"),
        "needs_lift": E("profile.needs.lift"),
        "needs_hearing": E("profile.needs.hearing"),
        "needs_vision": E("profile.needs.vision"),
        "needs_consent_at": E("profile.needs_consent_at"),
        "rt_id": E("membership.rt"),
        "session_token": privacy.Withheld(_CREDENTIAL),
        "created_at": E("profile.registered_at"),
    })  # fmt: skip
    privacy.classify("reset_code", {
        "id": _KEY,
        "user_id": _KEY,
        "code_hash": privacy.Withheld(_CREDENTIAL),
        "issued_by_id": privacy.Withheld(
            "names the pengurus who issued it: their data; the owner was told at sign-in"
        ),
        "created_at": E("reset_codes[].issued_at"),
        "expires_at": E("reset_codes[].expires_at"),
        "used_at": E("reset_codes[].used_at"),
        "notified_at": E("reset_codes[].told_at"),
        "by_operator": E("reset_codes[].by_operator"),
    })  # fmt: skip


def export_data(user: User, *, now: datetime) -> dict[str, Any]:
    return {"exported_at": now.isoformat(), "service": "Rukun", **privacy.collect(user)}
