"""Arisan groups, their members and slots, rounds, the ledger and the draw log.

The ledger (``arisan_entry``) and the draw log (``arisan_draw``) are append-only: the app
never updates or deletes a row of either; a mistake is a reversing entry (koreksi) and an
undone draw is a ``batal`` row. "Paid this round", the pot and the winners are derived
from them (``rules.py``).
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Time,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.areas.models import Wilayah
from community.core.time import utcnow
from community.core.types import UTCDateTime
from community.extensions import db


class ArisanGroup(db.Model):
    """A rotating savings group of an RT or RW (its wilayah). Its members are residents of
    that subtree or people without an account; officials do not see it."""

    __tablename__ = "arisan_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    wilayah_id: Mapped[int] = mapped_column(ForeignKey("wilayah.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    contribution_idr: Mapped[int]
    kas_idr: Mapped[int] = mapped_column(default=0)  # per slot per period, the group's own
    period: Mapped[str] = mapped_column(String(16))  # rules.Period
    first_meeting_on: Mapped[date] = mapped_column(Date)
    meeting_time: Mapped[time] = mapped_column(Time)  # WITA, as people say it
    place: Mapped[str] = mapped_column(String(200))
    winners_per_draw: Mapped[int] = mapped_column(default=1)
    # The common rule excludes slots that have not paid this round from its draw.
    include_unpaid: Mapped[bool] = mapped_column(default=False)
    # Urutan tetap: the order was agreed in advance; the pengelola records whose turn each
    # meeting is (an ``urut`` row of the draw log) instead of drawing.
    fixed_order: Mapped[bool] = mapped_column(default=False, server_default=false())
    cycle: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bubarkan: dissolved before the cycle ended; the ledger stays, nothing more is recorded
    # but a koreksi, and the members see the balik modal (rules.balik_modal).
    dissolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dissolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    wilayah: Mapped[Wilayah] = relationship(lazy="joined")
    members: Mapped[list[ArisanMember]] = relationship(
        back_populates="group", order_by="ArisanMember.id"
    )

    __table_args__ = (
        Index("ix_arisan_group_wilayah_id", "wilayah_id"),
        # The form refuses more; the database keeps the limits for every writer.
        CheckConstraint(
            "contribution_idr BETWEEN 10000 AND 5000000", name="contribution_within_limits"
        ),
        CheckConstraint("kas_idr BETWEEN 0 AND 5000000", name="kas_within_limits"),
        CheckConstraint("winners_per_draw IN (1, 2)", name="one_or_two_winners"),
        CheckConstraint("period IN ('mingguan', 'dua_mingguan', 'bulanan')", name="period_known"),
        CheckConstraint("cycle >= 1", name="cycle_positive"),
    )

    @property
    def authz_scope(self) -> tuple[str, str]:
        """:class:`community.core.authz.Scoped`: a group belongs to its wilayah."""
        return self.wilayah.authz_scope


class ArisanMember(db.Model):
    """A person in a group: a resident (``user_id``) or someone without an account whose
    ``name`` the bendahara typed. The group's own roles are here, not wilayah roles."""

    __tablename__ = "arisan_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("arisan_group.id", ondelete="CASCADE"))
    # NULL for a member without an account, and after a member deleted their account.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(80))
    is_pengelola: Mapped[bool] = mapped_column(default=False)
    is_bendahara: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[ArisanGroup] = relationship(back_populates="members")
    user: Mapped[User | None] = relationship()  # noqa: F821
    slots: Mapped[list[ArisanSlot]] = relationship(
        back_populates="member", order_by="ArisanSlot.id"
    )

    # Both NULL once a member deleted their account: shown as "warga terhapus", their slots
    # and ledger lines stay (the group's money record).
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    @property
    def display_name(self) -> str | None:
        """The resident's own name, or the typed one; None after the account was deleted."""
        return self.user.name if self.user is not None else self.name


class ArisanSlot(db.Model):
    """One place in the draw. A member holding two (*dua nama*) pays twice and wins twice;
    slots, not members, win."""

    __tablename__ = "arisan_slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("arisan_group.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("arisan_member.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=1)  # 1, or 2 for the second name
    # Urutan tetap: its place (1 to N) in the order the group agreed; None until agreed.
    turn_order: Mapped[int | None] = mapped_column()

    member: Mapped[ArisanMember] = relationship(back_populates="slots")

    __table_args__ = (
        Index("ix_arisan_slot_group_id", "group_id"),
        UniqueConstraint("member_id", "position"),
        CheckConstraint("position IN (1, 2)", name="one_or_two_per_member"),
    )


class ArisanRound(db.Model):
    """One meeting of a group (``number`` counts across cycles), held as an activity of kind
    ``arisan``. ``seed_hex`` is the secret the draw uses: its SHA-256 ``commitment`` is shown
    from the start; the seed itself is shown only once the draw it served is logged. An
    undo gives the round a new seed (``attempt`` + 1) before it is drawn again."""

    __tablename__ = "arisan_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("arisan_group.id", ondelete="CASCADE"))
    number: Mapped[int]
    cycle: Mapped[int]
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id", ondelete="SET NULL"))
    host_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("arisan_member.id", ondelete="SET NULL")
    )
    seed_hex: Mapped[str] = mapped_column(String(64))
    commitment: Mapped[str] = mapped_column(String(64))
    attempt: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[ArisanGroup] = relationship()
    activity: Mapped[Activity | None] = relationship()  # noqa: F821
    host: Mapped[ArisanMember | None] = relationship()

    __table_args__ = (
        UniqueConstraint("group_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("attempt >= 1", name="attempt_positive"),
    )


class ArisanEntry(db.Model):
    """One line of the group's ledger; append-only. A koreksi names the entry it reverses
    (once: ``reverses_id`` is unique) and carries its amount negated."""

    __tablename__ = "arisan_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("arisan_group.id", ondelete="CASCADE"))
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("arisan_round.id", ondelete="CASCADE"), index=True
    )
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("arisan_slot.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # rules.EntryKind
    amount_idr: Mapped[int]
    method: Mapped[str | None] = mapped_column(String(16))  # rules.Method
    paid_on: Mapped[date | None] = mapped_column(Date)
    reverses_id: Mapped[int | None] = mapped_column(
        ForeignKey("arisan_entry.id", ondelete="CASCADE"), unique=True
    )
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(String(300), default="")
    # The transfer receipt the bendahara attached, or the one of the approved report.
    receipt_id: Mapped[int | None] = mapped_column(
        ForeignKey("arisan_receipt.id", ondelete="SET NULL")
    )

    __table_args__ = (
        Index("ix_arisan_entry_group_id_id", "group_id", "id"),
        CheckConstraint(
            "kind IN ('iuran', 'koreksi', 'pembayaran_pot', 'kas', 'denda')", name="kind_known"
        ),
        CheckConstraint(
            "method IS NULL OR method IN ('tunai', 'transfer', 'qris')", name="method_known"
        ),
        # A koreksi and only a koreksi points at an entry, and takes its amount back.
        CheckConstraint(
            "(kind = 'koreksi' AND reverses_id IS NOT NULL AND amount_idr < 0) OR "
            "(kind <> 'koreksi' AND reverses_id IS NULL AND amount_idr > 0)",
            name="koreksi_reverses",
        ),
    )


class ArisanDraw(db.Model):
    """The draw log of a round; append-only. ``kocok``: the eligible slots (sorted ids),
    the revealed seed and its commitment, the winners in order. ``batal``: an undo with its
    reason and the commitment of the new seed for the redraw. One kocok per attempt."""

    __tablename__ = "arisan_draw"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("arisan_round.id", ondelete="CASCADE"))
    attempt: Mapped[int]
    kind: Mapped[str] = mapped_column(String(8))  # kocok | batal
    seed_hex: Mapped[str] = mapped_column(String(64))
    commitment: Mapped[str] = mapped_column(String(64))
    eligible: Mapped[str] = mapped_column(String(1000), default="")  # "3,5,12"
    winners: Mapped[str] = mapped_column(String(40), default="")  # "5" or "5,12"
    winners_per_draw: Mapped[int] = mapped_column(default=1)
    reason: Mapped[str] = mapped_column(String(300), default="")
    next_commitment: Mapped[str | None] = mapped_column(String(64))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        # A second draw of the same attempt fails here, whatever raced to it.
        UniqueConstraint("round_id", "attempt", "kind"),
        CheckConstraint("kind IN ('kocok', 'batal', 'urut')", name="kind_known"),
    )

    @property
    def eligible_ids(self) -> list[int]:
        return [int(i) for i in self.eligible.split(",") if i]

    @property
    def winner_ids(self) -> list[int]:
        return [int(i) for i in self.winners.split(",") if i]


class ArisanReceipt(db.Model):
    """A photo of a transfer receipt for one slot's iuran: sent by the member with a
    "sudah transfer" report, or attached by the bendahara. The file (``photo_name``, a
    random name in ``ARISAN_RECEIPT_FOLDER``, :mod:`community.core.photos`) is seen only by
    the slot's member, the bendahara and the pengelola; it is removed when that member
    deletes their account (``photo_name`` NULL, the row stays for the ledger)."""

    __tablename__ = "arisan_receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("arisan_group.id", ondelete="CASCADE"))
    slot_id: Mapped[int] = mapped_column(
        ForeignKey("arisan_slot.id", ondelete="CASCADE"), index=True
    )
    photo_name: Mapped[str | None] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    slot: Mapped[ArisanSlot] = relationship()


class ArisanReport(db.Model):
    """A member's "sudah transfer" for one slot and round, with a receipt, waiting for the
    bendahara: ``menunggu`` → ``disetujui`` (an iuran entry, ``entry_id``) or ``ditolak``
    (with the ``reason`` the member reads). Only one report of a slot and round waits at a
    time (the unique index on ``pending_key``)."""

    __tablename__ = "arisan_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("arisan_group.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(
        ForeignKey("arisan_round.id", ondelete="CASCADE"), index=True
    )
    slot_id: Mapped[int] = mapped_column(ForeignKey("arisan_slot.id", ondelete="CASCADE"))
    method: Mapped[str] = mapped_column(String(16))  # transfer | qris
    paid_on: Mapped[date] = mapped_column(Date)
    receipt_id: Mapped[int | None] = mapped_column(
        ForeignKey("arisan_receipt.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(16), default="menunggu")  # rules.ReportStatus
    # "<round>:<slot>" while waiting, NULL once decided: one waiting report per slot and round.
    pending_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    reason: Mapped[str] = mapped_column(String(300), default="")
    reported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("arisan_entry.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    receipt: Mapped[ArisanReceipt | None] = relationship()

    __table_args__ = (
        CheckConstraint("method IN ('transfer', 'qris')", name="method_known"),
        CheckConstraint("status IN ('menunggu', 'disetujui', 'ditolak')", name="status_known"),
        # Waiting and only waiting keeps its key; a refusal says why.
        CheckConstraint(
            "(status = 'menunggu') = (pending_key IS NOT NULL)", name="pending_key_while_waiting"
        ),
    )
