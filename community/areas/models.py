"""The wilayah tree (kota → kecamatan → kelurahan → RW → RT), roles and join requests."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.core.time import utcnow
from community.core.types import UTCDateTime
from community.extensions import db


class Level(StrEnum):
    KOTA = "kota"
    KECAMATAN = "kecamatan"
    KELURAHAN = "kelurahan"
    RW = "rw"
    RT = "rt"


class Role(StrEnum):
    KETUA_RT = "ketua_rt"
    SEKRETARIS = "sekretaris"
    BENDAHARA = "bendahara"
    KETUA_RW = "ketua_rw"
    ADMIN_KELURAHAN = "admin_kelurahan"
    ADMIN_KOTA = "admin_kota"


class JoinStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class Wilayah(db.Model):
    """One node of the administrative tree.

    ``path`` is a materialised path of ids (``/1/3/9/``) so "this node and everything
    under it" is one indexed ``LIKE '/1/3/%'`` and "my ancestors" is a split.
    """

    __tablename__ = "wilayah"

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(100))
    full_name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("wilayah.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), default="", index=True)
    invite_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    invite_code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Wilayah | None] = relationship(remote_side=[id], lazy="joined", join_depth=1)

    __table_args__ = (UniqueConstraint("parent_id", "level", "name"),)

    @property
    def authz_scope(self) -> tuple[str, str]:
        """:class:`community.core.authz.Scoped`: a wilayah is its own scope."""
        return self.level, self.path

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to and including this node."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def __repr__(self) -> str:
        return f"<Wilayah {self.id} {self.full_name}>"


class RoleAssignment(db.Model):
    """A role held on one wilayah; authority covers the node and its subtree."""

    __tablename__ = "role_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    wilayah_id: Mapped[int] = mapped_column(
        ForeignKey("wilayah.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    wilayah: Mapped[Wilayah] = relationship(lazy="joined")
    user: Mapped[User] = relationship(back_populates="roles")  # noqa: F821

    __table_args__ = (UniqueConstraint("user_id", "wilayah_id", "role"),)


class JoinRequest(db.Model):
    """A resident asking to join (or move to) an RT; the RT's pengurus decide."""

    __tablename__ = "join_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    rt_id: Mapped[int] = mapped_column(ForeignKey("wilayah.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=JoinStatus.PENDING)
    is_move: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    rt: Mapped[Wilayah] = relationship(lazy="joined")
    user: Mapped[User] = relationship(foreign_keys=[user_id])  # noqa: F821

    @property
    def authz_scope(self) -> tuple[str, str]:
        """:class:`community.core.authz.Scoped`: a request belongs to the RT it asks to join."""
        return self.rt.authz_scope

    __table_args__ = (
        # At most one open request per resident, enforced by the database.
        Index(
            "uq_join_request_one_pending",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )
