"""The audit log: who did what to whom, for actions a person must be able to answer for.

A service that does something sensitive (issues a reset code, removes a member) calls
:func:`record` itself, so the row is flushed and committed with the change or not at
all. Rows hold ids and a short technical detail, never phone numbers or needs. The log
is append-only: nothing in the app edits or deletes a row (a deleted account only loses
its id from the rows, ``ON DELETE SET NULL``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from community.core import privacy
from community.core.types import UTCDateTime
from community.extensions import db

__all__ = ["AuditAction", "AuditLog", "record"]


class AuditAction(StrEnum):
    RESET_CODE_ISSUED = "reset_code_issued"
    RESET_CODE_USED = "reset_code_used"
    MEMBER_REMOVED = "member_removed"


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(40))
    target_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    wilayah_id: Mapped[int | None] = mapped_column(ForeignKey("wilayah.id", ondelete="SET NULL"))
    detail: Mapped[str] = mapped_column(String(500), default="")


def record(
    action: str,
    *,
    actor_id: int | None,
    now: datetime,
    target_user_id: int | None = None,
    wilayah_id: int | None = None,
    detail: str = "",
) -> AuditLog:
    """Add one row to the log (flushes; the caller commits with the change itself)."""
    row = AuditLog(
        at=now,
        actor_id=actor_id,
        action=str(action),
        target_user_id=target_user_id,
        wilayah_id=wilayah_id,
        detail=detail[:500],
    )
    db.session.add(row)
    db.session.flush()
    return row


def _export(user) -> list[dict[str, str]]:
    """What was done to the person (they were told of it); who did it stays with the log."""
    rows = db.session.scalars(
        db.select(AuditLog).where(AuditLog.target_user_id == user.id).order_by(AuditLog.at)
    )
    return [{"at": row.at.isoformat(), "action": row.action, "detail": row.detail} for row in rows]


privacy.register_exporter("audit_log", _export)
_ID = privacy.NotPersonal("an internal row number; means nothing outside this database")
privacy.classify("audit_log", {
    "id": _ID,
    "at": privacy.Exported("audit_log[].at"),
    "actor_id": privacy.Withheld("who acted: the actor's data, kept for accountability"),
    "action": privacy.Exported("audit_log[].action"),
    "target_user_id": _ID,
    "wilayah_id": privacy.NotPersonal("a place, not a person"),
    "detail": privacy.Exported("audit_log[].detail"),
})  # fmt: skip
