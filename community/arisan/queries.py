"""Reads for the arisan pages: my groups, a group's slots, a round as its page shows it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from community.arisan import policies, rules, services
from community.arisan.models import (
    ArisanDraw,
    ArisanEntry,
    ArisanGroup,
    ArisanMember,
    ArisanReceipt,
    ArisanReport,
    ArisanRound,
    ArisanSlot,
)
from community.extensions import db


def list_my_groups(user: Any) -> list[ArisanGroup]:
    """The groups ``user`` is a member of, by name."""
    return list(
        db.session.scalars(
            select(ArisanGroup)
            .join(ArisanMember, ArisanMember.group_id == ArisanGroup.id)
            .where(ArisanMember.user_id == user.id)
            .order_by(ArisanGroup.name, ArisanGroup.id)
        )
    )


def get_round(group: ArisanGroup, number: int) -> ArisanRound | None:
    return db.session.scalar(
        select(ArisanRound).where(ArisanRound.group_id == group.id, ArisanRound.number == number)
    )


def latest_round(group: ArisanGroup) -> ArisanRound | None:
    return db.session.scalar(
        select(ArisanRound)
        .where(ArisanRound.group_id == group.id)
        .order_by(ArisanRound.number.desc())
        .limit(1)
    )


def list_rounds(group: ArisanGroup) -> list[ArisanRound]:
    return list(
        db.session.scalars(
            select(ArisanRound).where(ArisanRound.group_id == group.id).order_by(ArisanRound.number)
        )
    )


@dataclass
class SlotLine:
    id: int
    name: str | None  # None: the member deleted their account
    position: int
    member_id: int
    is_paid: bool = False
    is_winner: bool = False
    is_paid_out: bool = False
    iuran_id: int | None = None  # the entry a koreksi would reverse
    has_won_this_cycle: bool = False
    is_mine: bool = False  # the viewer's own slot: they may report a transfer for it
    receipt_id: int | None = None  # the receipt of the iuran in force
    report: ArisanReport | None = None  # the latest "sudah transfer" of this round
    fines: list[tuple[int, int]] = field(default_factory=list)  # (entry id, amount) in force


@dataclass
class RoundView:
    round: ArisanRound
    slots: list[SlotLine]
    pot: int
    paid_count: int
    draw: ArisanDraw | None
    winners: list[SlotLine] = field(default_factory=list)
    log: list[ArisanDraw] = field(default_factory=list)
    cycle_over: bool = False
    payout: int = 0
    waiting: list[SlotLine] = field(default_factory=list)  # reports for the bendahara


def slot_lines(group: ArisanGroup) -> list[SlotLine]:
    slots = db.session.scalars(
        select(ArisanSlot)
        .where(ArisanSlot.group_id == group.id)
        .options(selectinload(ArisanSlot.member).selectinload(ArisanMember.user))
        .order_by(ArisanSlot.id)
    )
    return [SlotLine(s.id, s.member.display_name, s.position, s.member_id) for s in slots]


def round_view(group: ArisanGroup, round_: ArisanRound, with_log: bool = False) -> RoundView:
    """Who has paid (Lunas / Belum bayar), the pot, the draw and its winners."""
    lines = slot_lines(group)
    entries = services.entries_of(group, round_.id)
    paid = rules.paid_slots(entries, round_.id, group.contribution_idr)
    paid_out = rules.paid_out_slots(entries, round_.id)
    draw = services.current_draw(round_)
    winners = draw.winner_ids if draw else []
    won = set(services.won_in_cycle(group, round_.cycle))
    iuran = {
        e.slot_id: e.id
        for e in rules.effective(entries)
        if e.kind == rules.EntryKind.IURAN and e.round_no == round_.id
    }
    fines = rules.fines(entries, round_.id)
    for line in lines:
        line.fines = [(e.id, e.amount) for e in fines.get(line.id, [])]
        line.is_paid = line.id in paid
        line.is_winner = line.id in winners
        line.is_paid_out = line.id in paid_out
        line.iuran_id = iuran.get(line.id)
        line.has_won_this_cycle = line.id in won
    receipts = dict(
        db.session.execute(
            select(ArisanEntry.id, ArisanEntry.receipt_id).where(
                ArisanEntry.round_id == round_.id, ArisanEntry.receipt_id.is_not(None)
            )
        ).all()
    )
    reports = {
        r.slot_id: r
        for r in db.session.scalars(
            select(ArisanReport).where(ArisanReport.round_id == round_.id).order_by(ArisanReport.id)
        )
    }
    me = policies.membership(group)
    for line in lines:
        line.is_mine = me is not None and line.member_id == me.id
        line.receipt_id = receipts.get(line.iuran_id)
        line.report = reports.get(line.id)
    by_id = {line.id: line for line in lines}
    log = []
    if with_log:
        log = list(
            db.session.scalars(
                select(ArisanDraw).where(ArisanDraw.round_id == round_.id).order_by(ArisanDraw.id)
            )
        )
    return RoundView(
        round=round_,
        slots=lines,
        pot=rules.round_pot(group.contribution_idr, len(paid), len(lines), group.include_unpaid),
        paid_count=len(paid),
        draw=draw,
        winners=[by_id[w] for w in winners if w in by_id],
        log=log,
        cycle_over=rules.cycle_over(by_id, won),
        payout=rules.payout_per_winner(group.contribution_idr, len(lines), group.winners_per_draw),
        waiting=[
            line
            for line in lines
            if line.report is not None and line.report.status == rules.ReportStatus.MENUNGGU
        ],
    )


def entry_of(group: ArisanGroup, entry_id: int) -> ArisanEntry | None:
    """An entry of this group only (an id from another group is None: 404)."""
    return db.session.scalar(
        select(ArisanEntry).where(ArisanEntry.id == entry_id, ArisanEntry.group_id == group.id)
    )


def report_of(group: ArisanGroup, report_id: int) -> ArisanReport | None:
    """A report of this group only (another group's id: None, 404)."""
    return db.session.scalar(
        select(ArisanReport).where(ArisanReport.id == report_id, ArisanReport.group_id == group.id)
    )


def receipt_of(group: ArisanGroup, receipt_id: int) -> ArisanReceipt | None:
    """A receipt of this group only, with its slot (for the permission check)."""
    return db.session.scalar(
        select(ArisanReceipt)
        .where(ArisanReceipt.id == receipt_id, ArisanReceipt.group_id == group.id)
        .options(selectinload(ArisanReceipt.slot))
    )


def slot_of(group: ArisanGroup, slot_id: Any) -> ArisanSlot | None:
    """A slot of this group only, from a form's text (tampered or foreign: None)."""
    try:
        wanted = int(slot_id)
    except (TypeError, ValueError):
        return None
    if not 0 < wanted < 2**31:  # beyond an INTEGER column: PostgreSQL would refuse the query
        return None
    return db.session.scalar(
        select(ArisanSlot).where(ArisanSlot.id == wanted, ArisanSlot.group_id == group.id)
    )


@dataclass
class BalikModalLine:
    name: str | None  # None: the member deleted their account
    position: int
    paid: int
    received: int
    balance: int  # positive: the group gives it back; negative: the slot still owes


@dataclass
class BalikModal:
    lines: list[BalikModalLine]
    held: int
    to_return: int
    to_collect: int


def balik_modal(group: ArisanGroup) -> BalikModal:
    """Who gets back what and who owes what if the group is (or was) dissolved now, from
    the whole ledger, in a constant number of queries."""
    lines = {line.id: line for line in slot_lines(group)}
    found = rules.dissolution(services.entries_of(group), lines)
    named = [
        BalikModalLine(lines[b.slot_id].name, lines[b.slot_id].position, b.paid, b.received,
                       b.balance)
        for b in found.slots
    ]  # fmt: skip
    return BalikModal(named, found.held, found.to_return, found.to_collect)
