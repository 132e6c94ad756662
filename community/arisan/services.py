"""Arisan use-cases. Services flush; the route or command commits.

The ledger and the draw log only grow: a payment is an ``iuran`` row, its correction a
``koreksi`` row; a draw is a ``kocok`` row, its undo a ``batal`` row. Two bendahara
marking the same slot at once, or two taps on "Mulai kocokan", meet a row lock on the
round (``FOR UPDATE``; SQLite serialises writers anyway) and the unique constraints
(one koreksi per entry, one kocok per attempt).

The seed of a round comes from ``make_seed`` (``secrets.token_bytes(32)`` by default);
tests pass their own. Rounds are activities of kind ``arisan`` made through
:func:`community.events.services.create_activity`, so RSVPs, reminders and the Daftar
Hadir work for them unchanged.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.areas.models import Wilayah
from community.arisan import notices, rules
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
from community.arisan.rules import ArisanError, EntryKind, ReportStatus
from community.core.errors import DomainError
from community.core.time import WITA
from community.events import services as events
from community.extensions import db

log = logging.getLogger(__name__)

# A meeting is an evening: RSVPs and the Daftar Hadir need an end; people stay about this long.
MEETING_HOURS = 2

SeedMaker = Callable[[], bytes]


def new_seed() -> bytes:
    return secrets.token_bytes(rules.SEED_BYTES)


class ArisanRefused(DomainError):
    """``code`` is a :class:`rules.ArisanError`."""


@dataclass(frozen=True)
class NewMember:
    """One line of the create form: a resident (``user``) or a name without an account."""

    user: User | None
    name: str | None
    slots: int = 1
    is_bendahara: bool = False


# --- reading (what the services decide on) ----------------------------------------------


def slot_ids(group: ArisanGroup) -> list[int]:
    return list(
        db.session.scalars(
            select(ArisanSlot.id).where(ArisanSlot.group_id == group.id).order_by(ArisanSlot.id)
        )
    )


def entries_of(group: ArisanGroup, round_id: int | None = None) -> list[rules.Entry]:
    """The group's ledger as the rules read it (one round's, or all)."""
    query = select(ArisanEntry).where(ArisanEntry.group_id == group.id)
    if round_id is not None:
        query = query.where(ArisanEntry.round_id == round_id)
    return [as_entry(e) for e in db.session.scalars(query.order_by(ArisanEntry.id))]


def as_entry(e: ArisanEntry) -> rules.Entry:
    return rules.Entry(e.id, e.kind, e.amount_idr, e.slot_id, e.round_id, e.reverses_id)


# Log rows that give a round its winners: a draw, or a turn of the fixed order.
GIVEN = ("kocok", "urut")


def current_draw(round_: ArisanRound) -> ArisanDraw | None:
    """The kocok (or the fixed order's turn) of the round's current attempt, or None while
    it is not drawn."""
    return db.session.scalar(
        select(ArisanDraw).where(
            ArisanDraw.round_id == round_.id,
            ArisanDraw.attempt == round_.attempt,
            ArisanDraw.kind.in_(GIVEN),
        )
    )


def won_in_cycle(group: ArisanGroup, cycle: int) -> list[int]:
    """Slots that won a draw of ``cycle`` (undone draws do not count)."""
    rows = db.session.scalars(
        select(ArisanDraw.winners)
        .join(ArisanRound, ArisanRound.id == ArisanDraw.round_id)
        .where(
            ArisanRound.group_id == group.id,
            ArisanRound.cycle == cycle,
            ArisanDraw.kind.in_(GIVEN),
            ArisanDraw.attempt == ArisanRound.attempt,
        )
    )
    return [int(i) for winners in rows for i in winners.split(",") if i]


def _lock(round_: ArisanRound) -> ArisanRound:
    """The round's row, locked until the commit (a no-op on SQLite, which locks the file).
    Every change of a round goes through here: a dissolved group's rounds change no more."""
    db.session.execute(select(ArisanRound.id).where(ArisanRound.id == round_.id).with_for_update())
    db.session.refresh(round_)
    _still_running(round_.group)
    return round_


def _still_running(group: ArisanGroup) -> None:
    if group.dissolved_at is not None:
        raise ArisanRefused(ArisanError.DISSOLVED)


# --- the group ---------------------------------------------------------------------------


def residents_of(wilayah: Wilayah) -> list[User]:
    """Everyone living in ``wilayah``'s subtree, by name: who may be a member."""
    return list(
        db.session.scalars(
            select(User)
            .join(Wilayah, User.rt_id == Wilayah.id)
            .where(Wilayah.path.startswith(wilayah.path))
            .order_by(User.name, User.id)
        )
    )


def create_group(
    wilayah: Wilayah,
    *,
    by: User,
    now: datetime,
    name: str,
    contribution_idr: int,
    period: str,
    first_meeting_on: date,
    meeting_time: time,
    place: str,
    members: Sequence[NewMember],
    winners_per_draw: int = 1,
    include_unpaid: bool = False,
    fixed_order: bool = False,
    kas_idr: int = 0,
    make_seed: SeedMaker = new_seed,
) -> ArisanGroup:
    """A group with its members and slots; ``by`` is its pengelola (a member even when
    they hold no slot), one member its bendahara. The first round is scheduled.
    Refuses a member living outside ``wilayah`` and slot counts the rules refuse."""
    problem = (
        rules.contribution_problem(contribution_idr)
        or rules.kas_problem(kas_idr)
        or rules.slots_problem([m.slots for m in members], winners_per_draw)
        or rules.fixed_order_problem(fixed_order, winners_per_draw)
    )
    if problem is not None:
        raise ArisanRefused(problem)
    allowed = {u.id for u in residents_of(wilayah)}
    if any(m.user is not None and m.user.id not in allowed for m in members):
        raise ArisanRefused(ArisanError.NOT_A_MEMBER_HERE)
    group = ArisanGroup(
        wilayah_id=wilayah.id, name=name, contribution_idr=contribution_idr, kas_idr=kas_idr,
        period=period, first_meeting_on=first_meeting_on, meeting_time=meeting_time,
        place=place, winners_per_draw=winners_per_draw, include_unpaid=include_unpaid,
        fixed_order=fixed_order, created_by_id=by.id, created_at=now,
    )  # fmt: skip
    db.session.add(group)
    db.session.flush()
    lines = list(members)
    if not any(m.user is not None and m.user.id == by.id for m in lines):
        lines.append(NewMember(user=by, name=None, slots=0))
    for line in lines:
        member = ArisanMember(
            group_id=group.id,
            user_id=line.user.id if line.user is not None else None,
            name=None if line.user is not None else line.name,
            is_pengelola=line.user is not None and line.user.id == by.id,
            is_bendahara=line.is_bendahara,
            created_at=now,
        )
        db.session.add(member)
        db.session.flush()
        for position in range(1, line.slots + 1):
            db.session.add(ArisanSlot(group_id=group.id, member_id=member.id, position=position))
    db.session.flush()
    schedule_round(group, by=by, now=now, make_seed=make_seed)
    log.info("arisan group created id=%s wilayah=%s by=%s", group.id, wilayah.id, by.id)
    return group


def meeting_start(group: ArisanGroup, number: int) -> datetime:
    """Meeting ``number``'s start, from the group's schedule (typed in WITA)."""
    day = rules.meeting_date(group.first_meeting_on, group.period, number)
    return datetime.combine(day, group.meeting_time, tzinfo=WITA)


def schedule_round(
    group: ArisanGroup,
    *,
    by: User,
    now: datetime,
    host: ArisanMember | None = None,
    make_seed: SeedMaker = new_seed,
) -> ArisanRound:
    """The group's next meeting: an activity of kind ``arisan`` and a fresh secret seed,
    whose commitment every member sees from now on."""
    number = 1 + (
        db.session.scalar(
            select(func.max(ArisanRound.number)).where(ArisanRound.group_id == group.id)
        )
        or 0
    )
    starts_at = meeting_start(group, number)
    activity = events.create_activity(
        group.wilayah, by=by, now=now, kind="arisan",
        title=f"{group.name} · putaran {number}"[:120], place=group.place,
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=MEETING_HOURS),
    )  # fmt: skip
    seed = make_seed()
    round_ = ArisanRound(
        group_id=group.id, number=number, cycle=group.cycle, activity_id=activity.id,
        host_member_id=host.id if host else None, seed_hex=seed.hex(),
        commitment=rules.commitment(seed), created_at=now,
    )  # fmt: skip
    db.session.add(round_)
    db.session.flush()
    notices.note_round(round_.id)  # the unpaid reminder, the day before
    return round_


# --- payments ----------------------------------------------------------------------------


def record_payment(
    round_: ArisanRound,
    slot: ArisanSlot,
    *,
    by: User,
    method: str,
    paid_on: date,
    now: datetime,
    note: str = "",
    receipt_name: str | None = None,
    receipt: ArisanReceipt | None = None,
) -> ArisanEntry:
    """The slot's iuran for the round, the group's contribution, with the receipt photo
    the bendahara attached (``receipt_name``, stored already) or the one of an approved
    report (``receipt``). Refused when the slot has paid this round already (a second tap,
    a second bendahara)."""
    _lock(round_)
    group = round_.group
    if slot.id in rules.paid_slots(entries_of(group, round_.id), round_.id, group.contribution_idr):
        raise ArisanRefused(ArisanError.ALREADY_PAID)
    if receipt_name is not None:
        receipt = _receipt(group, slot, receipt_name, by=by, now=now)
    entry = ArisanEntry(
        group_id=group.id, round_id=round_.id, slot_id=slot.id, kind=EntryKind.IURAN,
        amount_idr=group.contribution_idr, method=method, paid_on=paid_on,
        recorded_by_id=by.id, recorded_at=now, note=note,
        receipt_id=receipt.id if receipt is not None else None,
    )  # fmt: skip
    db.session.add(entry)
    db.session.flush()
    notices.note_round(round_.id)  # paid: no reminder
    return entry


def record_fine(
    round_: ArisanRound, slot: ArisanSlot, *, by: User, amount: int, now: datetime, note: str = ""
) -> ArisanEntry:
    """A late-payment fine (denda) of the slot for the round: a ledger line of the group's
    own (not a slot's balance), reversed by a koreksi like any line."""
    _lock(round_)
    problem = rules.fine_problem(amount)
    if problem is not None:
        raise ArisanRefused(problem)
    entry = ArisanEntry(
        group_id=round_.group_id, round_id=round_.id, slot_id=slot.id, kind=EntryKind.DENDA,
        amount_idr=amount, paid_on=now.astimezone(WITA).date(), recorded_by_id=by.id,
        recorded_at=now, note=note.strip()[: rules.MAX_REASON_CHARS],
    )  # fmt: skip
    db.session.add(entry)
    db.session.flush()
    log.info("arisan fine recorded round=%s slot=%s", round_.id, slot.id)
    return entry


def set_host(round_: ArisanRound, member: ArisanMember | None) -> None:
    """The host of the round's meeting, chosen by the pengelola (by default the winner of
    the round before); None: not decided yet. Refused once the round is drawn (the meeting
    was held)."""
    _lock(round_)
    if current_draw(round_) is not None:
        raise ArisanRefused(ArisanError.MEETING_HELD)
    round_.host_member_id = member.id if member is not None else None
    db.session.flush()


def _receipt(
    group: ArisanGroup, slot: ArisanSlot, photo_name: str, *, by: User, now: datetime
) -> ArisanReceipt:
    receipt = ArisanReceipt(
        group_id=group.id, slot_id=slot.id, photo_name=photo_name, uploaded_by_id=by.id,
        created_at=now,
    )  # fmt: skip
    db.session.add(receipt)
    db.session.flush()
    return receipt


# --- "sudah transfer" ---------------------------------------------------------------------


def waiting_slots(round_: ArisanRound) -> set[int]:
    """Slots with a report of ``round_`` the bendahara has not decided."""
    return set(
        db.session.scalars(
            select(ArisanReport.slot_id).where(
                ArisanReport.round_id == round_.id,
                ArisanReport.status == ReportStatus.MENUNGGU,
            )
        )
    )


def report_transfer(
    round_: ArisanRound,
    slot: ArisanSlot,
    *,
    by: User,
    method: str,
    paid_on: date,
    photo_name: str,
    now: datetime,
) -> ArisanReport:
    """A member's "sudah transfer" for their own slot, with the receipt photo (stored
    already): it waits for the bendahara. Refused for someone else's slot, a slot paid
    this round, or one whose report is still waiting."""
    _lock(round_)
    group = round_.group
    mine = [s.id for s in slot.member.slots] if slot.member.user_id == by.id else []
    paid = rules.paid_slots(entries_of(group, round_.id), round_.id, group.contribution_idr)
    problem = rules.report_problem(slot.id, paid, waiting_slots(round_), mine)
    if problem is not None:
        raise ArisanRefused(problem)
    receipt = _receipt(group, slot, photo_name, by=by, now=now)
    report = ArisanReport(
        group_id=group.id, round_id=round_.id, slot_id=slot.id, method=method,
        paid_on=paid_on, receipt_id=receipt.id, status=ReportStatus.MENUNGGU,
        pending_key=rules.pending_key(round_.id, slot.id), reported_by_id=by.id,
        created_at=now,
    )  # fmt: skip
    try:
        with db.session.begin_nested():
            db.session.add(report)
    except IntegrityError as exc:  # the same report sent twice at once
        raise ArisanRefused(ArisanError.ALREADY_REPORTED) from exc
    log.info("arisan transfer reported round=%s slot=%s", round_.id, slot.id)
    return report


def approve_report(report: ArisanReport, *, by: User, now: datetime) -> ArisanEntry:
    """The bendahara approves a waiting report: it becomes the slot's iuran (method and
    date as reported, the receipt attached)."""
    round_ = _lock(db.session.get(ArisanRound, report.round_id))
    db.session.refresh(report)
    group = round_.group
    paid = rules.paid_slots(entries_of(group, round_.id), round_.id, group.contribution_idr)
    problem = rules.decision_problem(report.status, report.slot_id in paid)
    if problem is not None:
        raise ArisanRefused(problem)
    entry = record_payment(
        round_, db.session.get(ArisanSlot, report.slot_id), by=by, method=report.method,
        paid_on=report.paid_on, now=now, receipt=report.receipt,
    )  # fmt: skip
    _decide(report, ReportStatus.DISETUJUI, by=by, now=now)
    report.entry_id = entry.id
    db.session.flush()
    return entry


def reject_report(report: ArisanReport, *, by: User, reason: str, now: datetime) -> None:
    """The bendahara rejects a waiting report with a reason the member reads; the member
    may report again."""
    _lock(db.session.get(ArisanRound, report.round_id))
    db.session.refresh(report)
    problem = rules.reason_problem(reason) or rules.decision_problem(report.status, False)
    if problem is not None:
        raise ArisanRefused(problem)
    _decide(report, ReportStatus.DITOLAK, by=by, now=now)
    report.reason = reason.strip()[: rules.MAX_REASON_CHARS]
    db.session.flush()


def _decide(report: ArisanReport, status: str, *, by: User, now: datetime) -> None:
    report.status = status
    report.pending_key = None
    report.decided_by_id = by.id
    report.decided_at = now


def reverse_entry(entry: ArisanEntry, *, by: User, now: datetime, note: str = "") -> ArisanEntry:
    """A koreksi taking ``entry`` back (the entry itself stays, as on paper)."""
    group = db.session.get(ArisanGroup, entry.group_id)
    problem = rules.reversal_problem(as_entry(entry), entries_of(group, entry.round_id))
    if problem is not None:
        raise ArisanRefused(problem)
    koreksi = ArisanEntry(
        group_id=entry.group_id, round_id=entry.round_id, slot_id=entry.slot_id,
        kind=EntryKind.KOREKSI, amount_idr=-entry.amount_idr, reverses_id=entry.id,
        recorded_by_id=by.id, recorded_at=now, note=note,
    )  # fmt: skip
    try:
        with db.session.begin_nested():
            db.session.add(koreksi)
    except IntegrityError as exc:  # reversed at the same moment by someone else
        raise ArisanRefused(ArisanError.ALREADY_REVERSED) from exc
    if entry.round_id is not None:
        notices.note_round(entry.round_id)  # unpaid again: the reminder comes back
    return koreksi


def mark_payout(
    round_: ArisanRound, slot: ArisanSlot, *, by: User, method: str, now: datetime
) -> ArisanEntry:
    """The pot handed to a winner of the round: every slot's contribution, shared by the
    round's winners."""
    _lock(round_)
    group = round_.group
    draw_row = current_draw(round_)
    if draw_row is None or slot.id not in draw_row.winner_ids:
        raise ArisanRefused(ArisanError.NOT_DRAWN)
    if slot.id in rules.paid_out_slots(entries_of(group, round_.id), round_.id):
        raise ArisanRefused(ArisanError.ALREADY_PAID_OUT)
    amount = rules.payout_per_winner(
        group.contribution_idr, len(slot_ids(group)), group.winners_per_draw
    )
    entry = ArisanEntry(
        group_id=group.id, round_id=round_.id, slot_id=slot.id, kind=EntryKind.PEMBAYARAN_POT,
        amount_idr=amount, method=method, paid_on=now.astimezone(WITA).date(),
        recorded_by_id=by.id, recorded_at=now,
    )  # fmt: skip
    db.session.add(entry)
    db.session.flush()
    return entry


# --- the draw ----------------------------------------------------------------------------


def eligible_now(round_: ArisanRound) -> list[int]:
    """The slots the draw of ``round_`` would choose from now."""
    group = round_.group
    won = won_in_cycle(group, round_.cycle)
    paid = rules.paid_slots(entries_of(group, round_.id), round_.id, group.contribution_idr)
    return rules.eligible(slot_ids(group), won, paid, group.include_unpaid)


def draw_round(
    round_: ArisanRound, *, by: User, now: datetime, make_seed: SeedMaker = new_seed
) -> ArisanDraw:
    """Kocokan: the eligible slots are recorded, the round's committed seed chooses the
    winners (``rules.draw``) and is revealed in the log. The next meeting is scheduled
    with the first winner as its host, unless the cycle is over."""
    _lock(round_)
    group = round_.group
    if group.fixed_order:
        raise ArisanRefused(ArisanError.USES_FIXED_ORDER)
    if current_draw(round_) is not None:
        raise ArisanRefused(ArisanError.ALREADY_DRAWN)
    if rules.cycle_over(slot_ids(group), won_in_cycle(group, round_.cycle)):
        raise ArisanRefused(ArisanError.CYCLE_OVER)
    pool = eligible_now(round_)
    if not pool:
        raise ArisanRefused(ArisanError.NOTHING_ELIGIBLE)
    seed = bytes.fromhex(round_.seed_hex)
    winners = rules.draw(seed, round_.id, pool, group.winners_per_draw)
    row = ArisanDraw(
        round_id=round_.id, attempt=round_.attempt, kind="kocok", seed_hex=round_.seed_hex,
        commitment=round_.commitment, eligible=",".join(map(str, pool)),
        winners=",".join(map(str, winners)), winners_per_draw=group.winners_per_draw,
        by_id=by.id, at=now,
    )  # fmt: skip
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError as exc:
        raise ArisanRefused(ArisanError.ALREADY_DRAWN) from exc
    _after_winners(round_, winners, by=by, now=now, make_seed=make_seed)
    log.info("arisan round drawn round=%s attempt=%s", round_.id, round_.attempt)
    return row


def turn_order(group: ArisanGroup) -> dict[int, int | None]:
    """Urutan tetap: slot id -> its agreed place (None until the order is agreed)."""
    return dict(
        db.session.execute(
            select(ArisanSlot.id, ArisanSlot.turn_order).where(ArisanSlot.group_id == group.id)
        ).all()
    )


def set_turn_order(group: ArisanGroup, numbers: dict[int, int | None], *, by: User) -> None:
    """Urutan tetap: record the order the members agreed (slot id -> place 1 to N), until
    the first turn of the current cycle is given; logged with who set it."""
    db.session.execute(select(ArisanGroup.id).where(ArisanGroup.id == group.id).with_for_update())
    _still_running(group)
    if not group.fixed_order:
        raise ArisanRefused(ArisanError.NOT_FIXED_ORDER)
    given = len(won_in_cycle(group, group.cycle))
    problem = rules.order_problem(numbers, slot_ids(group), given)
    if problem is not None:
        raise ArisanRefused(problem)
    for slot in db.session.scalars(select(ArisanSlot).where(ArisanSlot.group_id == group.id)):
        slot.turn_order = numbers[slot.id]
    db.session.flush()
    log.info("arisan order agreed group=%s by=%s", group.id, by.id)


def give_turn(
    round_: ArisanRound, slot: ArisanSlot, *, by: User, now: datetime,
    make_seed: SeedMaker = new_seed,
) -> ArisanDraw:  # fmt: skip
    """Urutan tetap: the pengelola records whose turn the meeting is (an ``urut`` row of
    the draw log, with the names still waiting); then as after a draw. Undone like a draw."""
    _lock(round_)
    group = round_.group
    if not group.fixed_order:
        raise ArisanRefused(ArisanError.NOT_FIXED_ORDER)
    if current_draw(round_) is not None:
        raise ArisanRefused(ArisanError.ALREADY_DRAWN)
    won = won_in_cycle(group, round_.cycle)
    problem = rules.turn_problem(slot.id, slot_ids(group), won)
    if problem is not None:
        raise ArisanRefused(problem)
    row = ArisanDraw(
        round_id=round_.id, attempt=round_.attempt, kind="urut", seed_hex="",
        commitment=round_.commitment,
        eligible=",".join(map(str, rules.still_to_win(slot_ids(group), won))),
        winners=str(slot.id), winners_per_draw=1, by_id=by.id, at=now,
    )  # fmt: skip
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError as exc:
        raise ArisanRefused(ArisanError.ALREADY_DRAWN) from exc
    _after_winners(round_, [slot.id], by=by, now=now, make_seed=make_seed)
    log.info("arisan turn given round=%s attempt=%s", round_.id, round_.attempt)
    return row


def _after_winners(
    round_: ArisanRound, winners: list[int], *, by: User, now: datetime, make_seed: SeedMaker
) -> None:
    """The round has its winners: the first hosts the next meeting, scheduled now unless
    the cycle is over; every member is told."""
    group = round_.group
    host = db.session.get(ArisanSlot, winners[0]).member
    following = db.session.scalar(
        select(ArisanRound).where(
            ArisanRound.group_id == group.id, ArisanRound.number == round_.number + 1
        )
    )
    if following is not None:
        following.host_member_id = host.id  # a redraw after an undo
    elif not rules.cycle_over(slot_ids(group), won_in_cycle(group, round_.cycle)):
        schedule_round(group, by=by, now=now, host=host, make_seed=make_seed)
    db.session.flush()
    notices.note_round(round_.id)  # "Pemenang kocokan" to every member


def undo_draw(
    round_: ArisanRound,
    *,
    by: User,
    reason: str,
    now: datetime,
    make_seed: SeedMaker = new_seed,
) -> ArisanDraw:
    """Undo the round's draw, for a recorded reason: a ``batal`` row, and a NEW seed whose
    commitment is shown before the redraw (the old seed is public now). Refused once the
    pot was handed over (reverse the payout first)."""
    _lock(round_)
    problem = rules.reason_problem(reason)
    if problem is not None:
        raise ArisanRefused(problem)
    drawn = current_draw(round_)
    if drawn is None:
        raise ArisanRefused(ArisanError.NOT_DRAWN)
    if rules.paid_out_slots(entries_of(round_.group, round_.id), round_.id):
        raise ArisanRefused(ArisanError.ALREADY_PAID_OUT)
    seed = make_seed()
    row = ArisanDraw(
        round_id=round_.id, attempt=round_.attempt, kind="batal", seed_hex=drawn.seed_hex,
        commitment=drawn.commitment, eligible=drawn.eligible, winners=drawn.winners,
        winners_per_draw=drawn.winners_per_draw, reason=reason.strip()[: rules.MAX_REASON_CHARS],
        next_commitment=rules.commitment(seed), by_id=by.id, at=now,
    )  # fmt: skip
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError as exc:
        raise ArisanRefused(ArisanError.NOT_DRAWN) from exc
    round_.attempt += 1
    round_.seed_hex = seed.hex()
    round_.commitment = rules.commitment(seed)
    db.session.flush()
    notices.note_round(round_.id)  # a winner push not yet sent is cancelled
    log.info("arisan draw undone round=%s", round_.id)
    return row


def start_new_cycle(
    group: ArisanGroup, *, by: User, now: datetime, make_seed: SeedMaker = new_seed
) -> ArisanRound:
    """Every slot has won: the next cycle starts with the same members, at the next date
    of the schedule."""
    _still_running(group)
    if not rules.cycle_over(slot_ids(group), won_in_cycle(group, group.cycle)):
        raise ArisanRefused(ArisanError.CYCLE_NOT_OVER)
    group.cycle += 1
    db.session.flush()
    return schedule_round(group, by=by, now=now, make_seed=make_seed)


# --- bubarkan ----------------------------------------------------------------------------


def dissolve(group: ArisanGroup, *, by: User, now: datetime,
             cancel_reason: str) -> rules.Dissolution:  # fmt: skip
    """Bubarkan: the group stops before its cycle ends. Nothing more is recorded but a
    koreksi; the balik modal (who gets back what, who owes what) is computed from the
    ledger as it stands, shown to the members. The reminder of the open round is
    cancelled, and its meeting too when it has not begun (``cancel_reason`` says why,
    in the words of whoever dissolved it)."""
    db.session.execute(select(ArisanGroup.id).where(ArisanGroup.id == group.id).with_for_update())
    db.session.refresh(group)
    _still_running(group)
    group.dissolved_at = now
    group.dissolved_by_id = by.id
    db.session.flush()
    latest = db.session.scalar(
        select(ArisanRound.id)
        .where(ArisanRound.group_id == group.id)
        .order_by(ArisanRound.number.desc())
        .limit(1)
    )
    if latest is not None:
        notices.note_round(latest)  # no reminder for a meeting that will not be held
        meeting = db.session.get(ArisanRound, latest).activity
        if meeting is not None and not meeting.is_cancelled and meeting.starts_at > now:
            events.cancel_activity(meeting, reason=cancel_reason, now=now)
    log.info("arisan group dissolved id=%s by=%s", group.id, by.id)
    return rules.dissolution(entries_of(group), slot_ids(group))
