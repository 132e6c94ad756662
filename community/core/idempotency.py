"""Replays from a phone that lost its signal run once (#18).

An answer given without signal is kept on the phone and sent again when the connection
returns; a response lost on the way back makes the phone send it once more. Each kept
action carries an ``Idempotency-Key`` header (a random id the phone made when the person
tapped). The first request with a key runs and its answer is recorded; a replay of the
same request (same account, same key, same method, path and fields) gets that first answer
back, marked ``Idempotent-Replayed: true``, and changes nothing. A replay with other fields
is refused (422), a key of another account is simply another key (keys are per account), a
replay while the first is still running waits its turn (409, tried again later).

Requests without the header are untouched: plain forms and htmx work as before.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from flask import make_response, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from community.core import privacy
from community.core.time import utcnow
from community.core.types import UTCDateTime
from community.extensions import db

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")  # the phone's crypto.randomUUID() fits
KEEP_FOR = timedelta(days=7)  # longer than any phone stays without signal in practice
STORED_BODY_MAX = 64 * 1024  # an htmx fragment; a bigger answer is replayed as its status
NOT_HASHED = frozenset({"csrf_token"})  # fetched fresh at each send: not part of "the same"


class IdempotentRequest(db.Model):
    """One state-changing request a phone may send again, and the answer it got."""

    __tablename__ = "idempotent_request"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotent_request_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column(Integer)  # None: the first is still running
    location: Mapped[str | None] = mapped_column(String(500))
    content_type: Mapped[str | None] = mapped_column(String(100))
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# --- the rule ------------------------------------------------------------------------------


def valid_key(key: str) -> bool:
    return KEY_PATTERN.fullmatch(key) is not None


def fingerprint(method: str, path: str, fields: Iterable[tuple[str, str]]) -> str:
    """What makes two requests "the same": method, path and every field (in any order),
    except the CSRF token, which the phone fetches fresh for every send."""
    kept = sorted((name, value) for name, value in fields if name not in NOT_HASHED)
    text = json.dumps([method.upper(), path, kept])  # unambiguous: a value cannot fake a field
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def replay_decision(
    stored_fingerprint: str, stored_status: int | None, fingerprint_now: str
) -> str:
    """What a request whose key was seen before gets: ``replay`` (the first answer again),
    ``mismatch`` (other fields under the same key: refused) or ``running`` (try later)."""
    if stored_fingerprint != fingerprint_now:
        return "mismatch"
    if stored_status is None:
        return "running"
    return "replay"


# --- the decorator -------------------------------------------------------------------------


def _refusal(message: str, status: int):
    response = make_response(message, status)
    response.mimetype = "text/plain"
    return response


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``view`` once per ``Idempotency-Key`` of the signed-in account (see the module)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        key = request.headers.get(HEADER)
        if key is None or not getattr(current_user, "is_authenticated", False):
            return view(*args, **kwargs)
        if not valid_key(key):
            return _refusal(_("Kunci pengiriman tidak valid."), 400)
        user_id = current_user.id
        now_print = fingerprint(request.method, request.path, request.form.items(multi=True))
        stored = db.session.scalar(
            select(IdempotentRequest).where(
                IdempotentRequest.user_id == user_id, IdempotentRequest.key == key
            )
        )
        if stored is not None:
            return _answer_again(stored, now_print)
        claim = IdempotentRequest(user_id=user_id, key=key, fingerprint=now_print,
                                  created_at=utcnow())  # fmt: skip
        db.session.execute(
            delete(IdempotentRequest).where(
                IdempotentRequest.user_id == user_id,
                IdempotentRequest.created_at < utcnow() - KEEP_FOR,
            )
        )
        db.session.add(claim)
        try:
            db.session.commit()  # the key is taken before the action runs
        except IntegrityError:  # the same key arrived twice at once: the other one runs
            db.session.rollback()
            return _refusal(_("Masih diproses. Coba lagi sebentar lagi."), 409)
        claim_id = claim.id
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            db.session.rollback()
            db.session.execute(delete(IdempotentRequest).where(IdempotentRequest.id == claim_id))
            db.session.commit()
            raise
        _remember(claim_id, response)
        return response

    return wrapper


def _remember(claim_id: int, response) -> None:
    db.session.rollback()  # anything the view left open is not ours to commit
    record = db.session.get(IdempotentRequest, claim_id)
    record.status = response.status_code
    record.location = response.headers.get("Location")
    record.content_type = response.headers.get("Content-Type")
    if not response.is_streamed and len(response.get_data()) <= STORED_BODY_MAX:
        record.body = response.get_data(as_text=True)
    db.session.commit()


def _answer_again(stored: IdempotentRequest, now_print: str):
    decision = replay_decision(stored.fingerprint, stored.status, now_print)
    if decision == "mismatch":
        return _refusal(_("Kunci pengiriman ini sudah dipakai untuk isian lain."), 422)
    if decision == "running":
        return _refusal(_("Masih diproses. Coba lagi sebentar lagi."), 409)
    response = make_response(stored.body or "", stored.status)
    if stored.content_type:
        response.headers["Content-Type"] = stored.content_type
    if stored.location:
        response.headers["Location"] = stored.location
    response.headers["Idempotent-Replayed"] = "true"
    return response


_REPLAY = (
    "a copy of an answer the person already has on their screen, kept at most a week so a "
    "resent action is not done twice; deleted with the account"
)
privacy.classify("idempotent_request", {
    "id": privacy.NotPersonal("a row id"),
    "user_id": privacy.NotPersonal("the account's own id, known to them"),
    "key": privacy.NotPersonal("a random id the phone made for one tap"),
    "fingerprint": privacy.NotPersonal("a hash of the request, for recognising a replay"),
    "status": privacy.NotPersonal("an HTTP status code"),
    "location": privacy.Withheld(_REPLAY),
    "content_type": privacy.NotPersonal("a media type"),
    "body": privacy.Withheld(_REPLAY),
    "created_at": privacy.Withheld(_REPLAY),
})  # fmt: skip
