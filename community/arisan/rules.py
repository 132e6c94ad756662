"""Arisan rules: plain values in, plain values out (no Flask, no SQLAlchemy, no clock, no
randomness: the draw's seed is an argument).

- money: whole rupiah typed as "50000", "50.000" or "Rp 50.000", and the contribution limits;
- the schedule of a group's meetings (weekly, fortnightly, monthly);
- the ledger (append-only entries; a koreksi reverses one entry) and what follows from it:
  who has paid a round, the pot, the cycle summary, *balik modal* on dissolving;
- the draw (kocokan): commit-reveal with a server seed, recomputable by any member.
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

# The limits: below Rp10.000 is pocket money, above Rp5.000.000 a typo or a
# business that should not run through a neighbourhood app.
MIN_CONTRIBUTION_IDR = 10_000
MAX_CONTRIBUTION_IDR = 5_000_000
# One or two winners per draw, the variants people use (the issue).
MAX_WINNERS = 2
# Dua nama: one member may hold two slots; more is a second group.
MAX_SLOTS_PER_MEMBER = 2
# Two is not a rotation; more than 60 meetings is a five-year monthly cycle nobody keeps.
MIN_SLOTS = 2
MAX_SLOTS = 60
# secrets.token_bytes(32): a 256-bit seed, so the commitment cannot be searched backwards.
SEED_BYTES = 32
# Days between meetings; a monthly group keeps its day of the month instead.
PERIOD_DAYS = {"mingguan": 7, "dua_mingguan": 14}
# A name typed for a member without an account, as on an RT's paper list.
MAX_NAME_CHARS = 80
# The unpaid reminder goes the day before the meeting: time to transfer or get cash ready.
REMINDER_BEFORE = timedelta(days=1)
# A late-payment fine (denda): at least Rp1.000 (less is not worth a ledger line), at most
# the contribution's limit.
MIN_FINE_IDR = 1_000
# The reason an undo must give: a sentence, not an essay.
MIN_REASON_CHARS = 5
MAX_REASON_CHARS = 300

# ASCII digits only: int() would also read Arabic-Indic or full-width digits.
_DIGITS = re.compile(r"[0-9]+")
_GROUPED = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+")
_DIGITS_AND_DOTS = re.compile(r"[0-9.]+")


class Period(StrEnum):
    MINGGUAN = "mingguan"
    DUA_MINGGUAN = "dua_mingguan"
    BULANAN = "bulanan"


class Role(StrEnum):
    PENGELOLA = "pengelola"
    BENDAHARA = "bendahara"
    ANGGOTA = "anggota"


class EntryKind(StrEnum):
    IURAN = "iuran"
    KOREKSI = "koreksi"  # reverses one earlier entry (its amount negated)
    PEMBAYARAN_POT = "pembayaran_pot"  # the pot handed to a winner
    KAS = "kas"
    DENDA = "denda"


class Method(StrEnum):
    TUNAI = "tunai"
    TRANSFER = "transfer"
    QRIS = "qris"


class ReportStatus(StrEnum):
    MENUNGGU = "menunggu"  # waiting for the bendahara
    DISETUJUI = "disetujui"  # an iuran entry now
    DITOLAK = "ditolak"  # with the bendahara's reason


class ArisanError(StrEnum):
    AMOUNT_EMPTY = "amount_empty"
    AMOUNT_NOT_NUMBER = "amount_not_number"
    AMOUNT_DECIMAL = "amount_decimal"
    AMOUNT_NEGATIVE = "amount_negative"
    AMOUNT_TOO_LOW = "amount_too_low"
    AMOUNT_TOO_HIGH = "amount_too_high"
    TOO_FEW_SLOTS = "too_few_slots"
    TOO_MANY_SLOTS = "too_many_slots"
    TOO_MANY_SLOTS_FOR_MEMBER = "too_many_slots_for_member"
    ODD_SLOTS_FOR_TWO = "odd_slots_for_two"
    ALREADY_PAID = "already_paid"
    ALREADY_REVERSED = "already_reversed"
    NOT_REVERSIBLE = "not_reversible"
    NOTHING_ELIGIBLE = "nothing_eligible"
    ALREADY_DRAWN = "already_drawn"
    NOT_DRAWN = "not_drawn"
    CYCLE_OVER = "cycle_over"
    CYCLE_NOT_OVER = "cycle_not_over"
    ALREADY_PAID_OUT = "already_paid_out"
    REASON_TOO_SHORT = "reason_too_short"
    NOT_A_MEMBER_HERE = "not_a_member_here"
    ALREADY_REPORTED = "already_reported"
    REPORT_DECIDED = "report_decided"
    NOT_YOUR_SLOT = "not_your_slot"
    FINE_TOO_LOW = "fine_too_low"
    MEETING_HELD = "meeting_held"
    DISSOLVED = "dissolved"
    NOT_FIXED_ORDER = "not_fixed_order"
    USES_FIXED_ORDER = "uses_fixed_order"
    ALREADY_WON = "already_won"
    FIXED_ORDER_ONE_WINNER = "fixed_order_one_winner"
    ORDER_INCOMPLETE = "order_incomplete"
    ORDER_DUPLICATE = "order_duplicate"
    ORDER_LOCKED = "order_locked"


# --- money -------------------------------------------------------------------------------


def parse_rupiah(text: str | None) -> int | ArisanError:
    """Whole rupiah from what a person types: ``50000``, ``50.000``, ``Rp 50.000``,
    ``Rp50.000``. Dots group thousands (Indonesian); a comma or a dot that does not group
    three digits is a decimal and refused, as is a minus sign."""
    cleaned = (text or "").strip()
    if cleaned[:2].lower() == "rp":
        cleaned = cleaned[2:].lstrip(". ")
    cleaned = cleaned.replace(" ", "")
    if not cleaned:
        return ArisanError.AMOUNT_EMPTY
    if cleaned.startswith("-"):
        return ArisanError.AMOUNT_NEGATIVE
    if "," in cleaned:
        return ArisanError.AMOUNT_DECIMAL
    if _DIGITS.fullmatch(cleaned):
        return int(cleaned)
    if _GROUPED.fullmatch(cleaned):
        return int(cleaned.replace(".", ""))
    if _DIGITS_AND_DOTS.fullmatch(cleaned):
        return ArisanError.AMOUNT_DECIMAL  # "50.5", "50.00": a decimal point, not thousands
    return ArisanError.AMOUNT_NOT_NUMBER


def contribution_problem(amount: int) -> ArisanError | None:
    """Why ``amount`` cannot be a group's contribution, or None."""
    if amount < 0:
        return ArisanError.AMOUNT_NEGATIVE
    if amount < MIN_CONTRIBUTION_IDR:
        return ArisanError.AMOUNT_TOO_LOW
    if amount > MAX_CONTRIBUTION_IDR:
        return ArisanError.AMOUNT_TOO_HIGH
    return None


def kas_problem(amount: int) -> ArisanError | None:
    """The optional kas fee per period: nothing, or at most the contribution's limit."""
    if amount < 0:
        return ArisanError.AMOUNT_NEGATIVE
    if amount > MAX_CONTRIBUTION_IDR:
        return ArisanError.AMOUNT_TOO_HIGH
    return None


def fine_problem(amount: int) -> ArisanError | None:
    """Why ``amount`` cannot be a late-payment fine, or None."""
    if amount < 0:
        return ArisanError.AMOUNT_NEGATIVE
    if amount < MIN_FINE_IDR:
        return ArisanError.FINE_TOO_LOW
    if amount > MAX_CONTRIBUTION_IDR:
        return ArisanError.AMOUNT_TOO_HIGH
    return None


def format_rupiah(amount: int) -> str:
    """``Rp50.000``; a negative amount ``-Rp50.000``."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


# --- the group ---------------------------------------------------------------------------


def slots_problem(slots_per_member: Sequence[int], winners: int) -> ArisanError | None:
    """Why a group with these slot counts (one number per member) cannot run, or None.
    With two winners per draw the slots must be even, so every draw hands out two equal
    halves of the pot and the cycle balances."""
    if any(n > MAX_SLOTS_PER_MEMBER for n in slots_per_member):
        return ArisanError.TOO_MANY_SLOTS_FOR_MEMBER
    total = sum(slots_per_member)
    if total < MIN_SLOTS:
        return ArisanError.TOO_FEW_SLOTS
    if total > MAX_SLOTS:
        return ArisanError.TOO_MANY_SLOTS
    if winners == MAX_WINNERS and total % 2:
        return ArisanError.ODD_SLOTS_FOR_TWO
    return None


def rounds_per_cycle(slot_count: int, winners: int) -> int:
    """Meetings until every slot has won once."""
    return -(-slot_count // winners)


def meeting_date(start: date, period: str, n: int) -> date:
    """The date of meeting ``n`` (1 = ``start``). Monthly keeps the day of the month, or the
    month's last day when it is shorter (31 January, 28 February, 31 March)."""
    if period == Period.BULANAN:
        months = start.month - 1 + n - 1
        year, month = start.year + months // 12, months % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return date(year, month, day)
    return start + timedelta(days=PERIOD_DAYS[period] * (n - 1))


def payout_per_winner(contribution: int, slot_count: int, winners: int) -> int:
    """What each winner of a draw receives: every slot's contribution, shared by the
    winners (the slots are even with two winners, so this is exact)."""
    return contribution * slot_count // winners


def round_pot(contribution: int, paid_count: int, slot_count: int, include_unpaid: bool) -> int:
    """The pot shown for a round: the contributions of the paying slots, or of every slot
    when the group draws among unpaid slots too (they still owe it)."""
    return contribution * (slot_count if include_unpaid else paid_count)


# --- the ledger --------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One ledger row as the rules see it. A koreksi has ``reverses`` (the id it cancels)
    and the negated amount."""

    id: int
    kind: str
    amount: int
    slot_id: int | None = None
    round_no: int | None = None
    reverses: int | None = None


def effective(entries: Iterable[Entry]) -> list[Entry]:
    """The entries still in force: every koreksi removes itself and the entry it reverses."""
    entries = list(entries)
    reversed_ids = {e.reverses for e in entries if e.kind == EntryKind.KOREKSI}
    return [e for e in entries if e.kind != EntryKind.KOREKSI and e.id not in reversed_ids]


def reversal_problem(target: Entry, entries: Iterable[Entry]) -> ArisanError | None:
    """Why ``target`` cannot be reversed now, or None: a koreksi is not reversed again
    (record the entry anew), and an entry is reversed once."""
    if target.kind == EntryKind.KOREKSI:
        return ArisanError.NOT_REVERSIBLE
    if any(e.kind == EntryKind.KOREKSI and e.reverses == target.id for e in entries):
        return ArisanError.ALREADY_REVERSED
    return None


def paid_slots(entries: Iterable[Entry], round_no: int, contribution: int) -> set[int]:
    """Slots whose iuran in force for ``round_no`` reaches the contribution."""
    paid: dict[int, int] = {}
    for e in effective(entries):
        if e.kind == EntryKind.IURAN and e.round_no == round_no and e.slot_id is not None:
            paid[e.slot_id] = paid.get(e.slot_id, 0) + e.amount
    return {slot for slot, amount in paid.items() if amount >= contribution}


def fines(entries: Iterable[Entry], round_no: int) -> dict[int, list[Entry]]:
    """The fines in force of ``round_no``, per slot, in the order recorded."""
    found: dict[int, list[Entry]] = {}
    for e in effective(entries):
        if e.kind == EntryKind.DENDA and e.round_no == round_no and e.slot_id is not None:
            found.setdefault(e.slot_id, []).append(e)
    return found


def paid_out_slots(entries: Iterable[Entry], round_no: int) -> set[int]:
    """Slots whose pot of ``round_no`` has been handed over (and not reversed)."""
    return {
        e.slot_id
        for e in effective(entries)
        if e.kind == EntryKind.PEMBAYARAN_POT and e.round_no == round_no
    }


@dataclass(frozen=True)
class SlotBalance:
    slot_id: int
    paid: int  # iuran in force
    received: int  # pots handed over

    @property
    def balance(self) -> int:
        """Positive: the group owes the slot; negative: the slot owes the group."""
        return self.paid - self.received


def balances(entries: Iterable[Entry], slot_ids: Iterable[int]) -> list[SlotBalance]:
    """Per slot (sorted by id): the iuran paid in and the pots received, from the entries
    in force. Kas and denda are the group's, not a slot's: they are not in a balance."""
    paid = dict.fromkeys(slot_ids, 0)
    received = dict.fromkeys(paid, 0)
    for e in effective(entries):
        if e.slot_id not in paid:
            continue
        if e.kind == EntryKind.IURAN:
            paid[e.slot_id] += e.amount
        elif e.kind == EntryKind.PEMBAYARAN_POT:
            received[e.slot_id] += e.amount
    return [SlotBalance(s, paid[s], received[s]) for s in sorted(paid)]


def balik_modal(entries: Iterable[Entry], slot_ids: Iterable[int]) -> dict[int, int]:
    """Dissolving before the cycle ends: what each slot gets back (positive) or owes
    (negative). A slot that has not won gets its iuran back; a winner owes what it received
    beyond what it paid. The values add up to the iuran held minus the pots handed over."""
    return {b.slot_id: b.balance for b in balances(entries, slot_ids)}


@dataclass(frozen=True)
class Dissolution:
    """Bubarkan: per slot its balance (balik modal), and what the group holds."""

    slots: list[SlotBalance]

    @property
    def held(self) -> int:
        """The iuran in the group's hands: paid in, less the pots handed over."""
        return sum(s.paid - s.received for s in self.slots)

    @property
    def to_return(self) -> int:
        """What the group gives back to the slots it owes."""
        return sum(s.balance for s in self.slots if s.balance > 0)

    @property
    def to_collect(self) -> int:
        """What winners who received more than they paid still owe the group."""
        return sum(-s.balance for s in self.slots if s.balance < 0)


def dissolution(entries: Iterable[Entry], slot_ids: Iterable[int]) -> Dissolution:
    """The balik modal of a group dissolved now: what it holds is handed back to the
    slots it owes, once the winners who got more than they paid have paid the rest in
    (``to_return == held + to_collect``)."""
    return Dissolution(balances(entries, slot_ids))


@dataclass(frozen=True)
class CycleSummary:
    rounds: int
    due_per_slot: int  # rounds × contribution
    pot_per_winner: int
    slots: list[SlotBalance]

    @property
    def balanced(self) -> bool:
        """Every slot paid its dues and received one pot, and those are equal."""
        return all(
            s.paid == self.due_per_slot and s.received == self.pot_per_winner for s in self.slots
        ) and (self.due_per_slot == self.pot_per_winner)


def cycle_summary(
    entries: Iterable[Entry], slot_ids: Sequence[int], contribution: int, winners: int
) -> CycleSummary:
    """The cycle's end: each slot paid N × contribution and received one pot."""
    rounds = rounds_per_cycle(len(slot_ids), winners)
    return CycleSummary(
        rounds=rounds,
        due_per_slot=rounds * contribution,
        pot_per_winner=payout_per_winner(contribution, len(slot_ids), winners),
        slots=balances(entries, slot_ids),
    )


# --- the draw ----------------------------------------------------------------------------


def still_to_win(slot_ids: Iterable[int], won: Iterable[int]) -> list[int]:
    """Slots that have not won in this cycle, sorted by id."""
    done = set(won)
    return sorted(s for s in slot_ids if s not in done)


def cycle_over(slot_ids: Iterable[int], won: Iterable[int]) -> bool:
    """Every slot has won once."""
    return not still_to_win(slot_ids, won)


def eligible(
    slot_ids: Iterable[int], won: Iterable[int], paid: Iterable[int], include_unpaid: bool
) -> list[int]:
    """The slots in this draw, sorted by id: not yet won this cycle, and paid this round
    unless the group includes unpaid slots."""
    remaining = still_to_win(slot_ids, won)
    if include_unpaid:
        return remaining
    paying = set(paid)
    return [s for s in remaining if s in paying]


def turn_problem(slot_id: int, slot_ids: Iterable[int], won: Iterable[int]) -> ArisanError | None:
    """Urutan tetap: why ``slot_id`` cannot have this meeting's turn, or None. Any slot of
    the group that has not had its turn in this cycle may (paid or not: the order was agreed
    beforehand)."""
    if slot_id not in still_to_win(slot_ids, won):
        return ArisanError.ALREADY_WON
    return None


def order_problem(numbers: Mapping[int, int | None], slot_ids: Iterable[int],
                  turns_given: int) -> ArisanError | None:  # fmt: skip
    """Urutan tetap agreed in advance: why ``numbers`` (slot id -> its place, 1 to N) cannot
    be the group's order, or None. Every slot gets a place and no place is given twice;
    once a turn of the cycle has been given the order stands (it was agreed beforehand)."""
    if turns_given:
        return ArisanError.ORDER_LOCKED
    slots = set(slot_ids)
    if set(numbers) != slots or any(numbers[s] is None for s in slots):
        return ArisanError.ORDER_INCOMPLETE
    if sorted(numbers.values()) != list(range(1, len(slots) + 1)):
        return ArisanError.ORDER_DUPLICATE
    return None


def next_in_order(numbers: Mapping[int, int | None], waiting: Iterable[int]) -> int | None:
    """The slot whose turn the agreed order says comes next: the waiting one with the
    lowest place; None when no order was agreed or nobody is waiting."""
    placed = [(numbers[s], s) for s in waiting if numbers.get(s) is not None]
    return min(placed)[1] if placed else None


def fixed_order_problem(fixed_order: bool, winners: int) -> ArisanError | None:
    """A fixed order gives one turn per meeting."""
    if fixed_order and winners != 1:
        return ArisanError.FIXED_ORDER_ONE_WINNER
    return None


def commitment(seed: bytes) -> str:
    """The SHA-256 of the seed, in hex: shown before the meeting, so the seed cannot be
    changed after the eligible list is known."""
    return hashlib.sha256(seed).hexdigest()


def canonical_bytes(round_id: int, eligible_ids: Sequence[int], k: int) -> bytes:
    """What the seed signs for the ``k``-th winner (1, 2): ``"<round>:<id,id,...>:<k>"``
    in ASCII, the ids sorted as recorded. Anyone can type it again."""
    return f"{round_id}:{','.join(str(i) for i in eligible_ids)}:{k}".encode("ascii")


def draw(seed: bytes, round_id: int, eligible_ids: Sequence[int], winners: int) -> list[int]:
    """The winners, in order. For k = 1, 2, …: ``HMAC-SHA256(seed, canonical_bytes(round,
    eligible, k))`` read as a big-endian integer, modulo the number of slots still in the
    draw, picks one of them (sorted by id); it leaves the draw (no replacement). A 256-bit
    number modulo at most 60 slots favours no slot measurably."""
    ordered = sorted(eligible_ids)
    remaining = list(ordered)
    chosen = []
    for k in range(1, min(winners, len(ordered)) + 1):
        digest = hmac.new(seed, canonical_bytes(round_id, ordered, k), hashlib.sha256).digest()
        chosen.append(remaining.pop(int.from_bytes(digest, "big") % len(remaining)))
    return chosen


def verify(
    seed: bytes,
    committed: str,
    round_id: int,
    eligible_ids: Sequence[int],
    winners: int,
    recorded: Sequence[int],
) -> bool:
    """A member's check of a draw log: the revealed seed matches the commitment shown
    before the meeting, and the formula gives the recorded winners."""
    return hmac.compare_digest(commitment(seed), committed) and draw(
        seed, round_id, eligible_ids, winners
    ) == list(recorded)


# --- reminders -----------------------------------------------------------------------------


def reminder_due(starts_at: datetime, now: datetime) -> datetime | None:
    """When the unpaid reminder of a meeting goes: a day before it, or now for a meeting
    scheduled later than that; None once the meeting has started."""
    if now >= starts_at:
        return None
    return max(starts_at - REMINDER_BEFORE, now)


def members_to_remind(slots: Iterable[tuple[int, int]], paid: Iterable[int]) -> set[int]:
    """Of ``(slot id, member's user id)`` pairs, the users with a slot not paid this round
    (a member with dua nama who paid one of two still owes)."""
    done = set(paid)
    return {user_id for slot_id, user_id in slots if slot_id not in done}


def reversals(entries: Iterable[Entry], slot_ids: Iterable[int]) -> int:
    """How many koreksi these slots' entries had: each makes the reminder anew."""
    mine = set(slot_ids)
    return sum(1 for e in entries if e.kind == EntryKind.KOREKSI and e.slot_id in mine)


# --- "sudah transfer" -------------------------------------------------------------------


def report_problem(
    slot_id: int, paid: Iterable[int], waiting: Iterable[int], mine: Iterable[int]
) -> ArisanError | None:
    """Why a member cannot report a transfer for ``slot_id`` in a round now, or None: the
    slot must be theirs, not paid this round, and not already waiting for the bendahara."""
    if slot_id not in set(mine):
        return ArisanError.NOT_YOUR_SLOT
    if slot_id in set(paid):
        return ArisanError.ALREADY_PAID
    if slot_id in set(waiting):
        return ArisanError.ALREADY_REPORTED
    return None


def pending_key(round_id: int, slot_id: int) -> str:
    """What keeps a slot to one waiting report per round (a unique column)."""
    return f"{round_id}:{slot_id}"


def decision_problem(status: str, slot_paid: bool) -> ArisanError | None:
    """Why the bendahara cannot approve a report now, or None: it is decided already, or
    the slot was marked paid meanwhile (reject it, with that reason)."""
    if status != ReportStatus.MENUNGGU:
        return ArisanError.REPORT_DECIDED
    if slot_paid:
        return ArisanError.ALREADY_PAID
    return None


def reason_problem(reason: str) -> ArisanError | None:
    """An undo says why, in a few words at least."""
    return ArisanError.REASON_TOO_SHORT if len(reason.strip()) < MIN_REASON_CHARS else None
