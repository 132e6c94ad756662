"""Accounts: residents and officials sign in with a phone number."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.areas.models import RoleAssignment, Wilayah
from community.core.time import utcnow
from community.core.types import UTCDateTime
from community.extensions import db


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(16), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(2), default="id")
    is_large_text: Mapped[bool] = mapped_column(default=False)
    is_phone_shared: Mapped[bool] = mapped_column(default=False)
    needs_wheelchair: Mapped[bool] = mapped_column(default=False)
    needs_lift: Mapped[bool] = mapped_column(default=False)
    needs_hearing: Mapped[bool] = mapped_column(default=False)
    needs_vision: Mapped[bool] = mapped_column(default=False)
    # When the person agreed that their needs are kept for the RT's pengurus (UU PDP: health
    # data needs explicit consent). None: no consent, so no need is stored, here or on an
    # answer; withdrawing it clears them all at once (accounts.services.set_needs).
    needs_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rt_id: Mapped[int | None] = mapped_column(
        ForeignKey("wilayah.id", ondelete="SET NULL"), index=True
    )
    # Part of the Flask-Login id: rotating it ends every session and remember cookie.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint(
            "needs_consent_at IS NOT NULL OR NOT (needs_wheelchair OR needs_lift OR "
            "needs_hearing OR needs_vision)",
            name="needs_only_with_consent",
        ),
    )

    rt: Mapped[Wilayah | None] = relationship(lazy="joined")
    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def home_rt_path(self) -> str | None:
        """:class:`community.core.authz.Principal`: where the user lives, if they joined an RT."""
        return self.rt.path if self.rt is not None else None

    @property
    def authz_scope(self) -> tuple[str, str]:
        """:class:`community.core.authz.Scoped`: a person belongs to their RT; without one,
        to a path under no wilayah, which only their own grants could cover (none do)."""
        return ("rt", self.rt.path) if self.rt is not None else ("rt", "/none/")

    @property
    def needs_consent(self) -> bool:
        """Read by the profile form's consent box."""
        return self.needs_consent_at is not None

    @property
    def has_needs(self) -> bool:
        return self.needs_wheelchair or self.needs_lift or self.needs_hearing or self.needs_vision


class ResetCode(db.Model):
    """A one-time password-reset code a pengurus issues and reads out to the resident."""

    __tablename__ = "reset_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))
    issued_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the person was told, at their next sign-in, that this code was issued.
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Issued on the server (`rukun reset-code`), for accounts no pengurus may reset.
    by_operator: Mapped[bool] = mapped_column(default=False, server_default=false())
