"""Arisan rules: money, schedule, ledger, the draw and its verification, the cycle."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from community.arisan import rules
from community.arisan.rules import ArisanError as E
from community.arisan.rules import Entry, EntryKind

SEED = bytes(range(32))


def test_the_policy_constants():
    assert rules.MIN_CONTRIBUTION_IDR == 10_000
    assert rules.MAX_CONTRIBUTION_IDR == 5_000_000
    assert rules.MAX_WINNERS == 2
    assert rules.MAX_SLOTS_PER_MEMBER == 2
    assert rules.MIN_SLOTS == 2
    assert rules.MAX_SLOTS == 60
    assert rules.SEED_BYTES == 32
    assert rules.PERIOD_DAYS == {"mingguan": 7, "dua_mingguan": 14}
    assert rules.MAX_NAME_CHARS == 80
    assert rules.MIN_REASON_CHARS == 5
    assert rules.MAX_REASON_CHARS == 300
    assert timedelta(days=1) == rules.REMINDER_BEFORE
    assert rules.MIN_FINE_IDR == 1_000


# --- money -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, value",
    [
        ("50000", 50_000),
        ("50.000", 50_000),
        ("Rp 50.000", 50_000),
        ("Rp50.000", 50_000),
        ("rp. 50.000", 50_000),
        ("RP 1.250.000", 1_250_000),
        (" 75 000 ", 75_000),
        ("0", 0),
        ("999", 999),
    ],
)
def test_rupiah_is_typed_with_or_without_dots_and_rp(typed, value):
    assert rules.parse_rupiah(typed) == value


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("", E.AMOUNT_EMPTY),
        (None, E.AMOUNT_EMPTY),
        ("  ", E.AMOUNT_EMPTY),
        ("Rp", E.AMOUNT_EMPTY),
        ("50.000,50", E.AMOUNT_DECIMAL),
        ("50000,5", E.AMOUNT_DECIMAL),
        ("50.5", E.AMOUNT_DECIMAL),
        ("50.00", E.AMOUNT_DECIMAL),
        ("50.0000", E.AMOUNT_DECIMAL),
        ("1000.000.0", E.AMOUNT_DECIMAL),
        (".500", E.AMOUNT_DECIMAL),
        ("-50000", E.AMOUNT_NEGATIVE),
        ("Rp -50.000", E.AMOUNT_NEGATIVE),
        ("lima puluh ribu", E.AMOUNT_NOT_NUMBER),
        ("50k", E.AMOUNT_NOT_NUMBER),
        ("١٢٣", E.AMOUNT_NOT_NUMBER),
        ("xRp50.000", E.AMOUNT_NOT_NUMBER),
        ("RpX50.000", E.AMOUNT_NOT_NUMBER),
    ],
)
def test_decimals_negatives_and_words_are_refused(typed, problem):
    assert rules.parse_rupiah(typed) == problem


def test_the_contribution_lies_between_ten_thousand_and_five_million():
    assert rules.contribution_problem(-1) == E.AMOUNT_NEGATIVE
    assert rules.contribution_problem(0) == E.AMOUNT_TOO_LOW
    assert rules.contribution_problem(9_999) == E.AMOUNT_TOO_LOW
    assert rules.contribution_problem(10_000) is None
    assert rules.contribution_problem(5_000_000) is None
    assert rules.contribution_problem(5_000_001) == E.AMOUNT_TOO_HIGH


def test_the_kas_fee_may_be_nothing_but_not_negative_or_huge():
    assert rules.kas_problem(0) is None
    assert rules.kas_problem(-1) == E.AMOUNT_NEGATIVE
    assert rules.kas_problem(5_000_000) is None
    assert rules.kas_problem(5_000_001) == E.AMOUNT_TOO_HIGH


def test_rupiah_is_written_with_dots():
    assert rules.format_rupiah(50_000) == "Rp50.000"
    assert rules.format_rupiah(1_250_000) == "Rp1.250.000"
    assert rules.format_rupiah(500) == "Rp500"
    assert rules.format_rupiah(0) == "Rp0"
    assert rules.format_rupiah(-50_000) == "-Rp50.000"


@given(st.integers(min_value=0, max_value=10**12))
def test_what_is_written_is_read_back(amount):
    assert rules.parse_rupiah(rules.format_rupiah(amount)) == amount


# --- the group -----------------------------------------------------------------------------


def test_slots_per_member_and_group_size():
    assert rules.slots_problem([1, 1], 1) is None
    assert rules.slots_problem([2], 1) is None
    assert rules.slots_problem([1], 1) == E.TOO_FEW_SLOTS
    assert rules.slots_problem([3, 1], 1) == E.TOO_MANY_SLOTS_FOR_MEMBER
    assert rules.slots_problem([1] * 60, 1) is None
    assert rules.slots_problem([1] * 61, 1) == E.TOO_MANY_SLOTS
    assert rules.slots_problem([1] * 61, 2) == E.TOO_MANY_SLOTS


def test_two_winners_need_an_even_number_of_slots():
    assert rules.slots_problem([1, 1, 1], 2) == E.ODD_SLOTS_FOR_TWO
    assert rules.slots_problem([1, 1, 1], 1) is None
    assert rules.slots_problem([2, 1, 1], 2) is None


def test_a_cycle_lasts_one_meeting_per_winner_slot():
    assert rules.rounds_per_cycle(12, 1) == 12
    assert rules.rounds_per_cycle(12, 2) == 6
    assert rules.rounds_per_cycle(13, 2) == 7


def test_weekly_and_fortnightly_meetings():
    start = date(2026, 12, 6)
    assert rules.meeting_date(start, "mingguan", 1) == start
    assert rules.meeting_date(start, "mingguan", 2) == date(2026, 12, 13)
    assert rules.meeting_date(start, "mingguan", 5) == date(2027, 1, 3)
    assert rules.meeting_date(start, "dua_mingguan", 2) == date(2026, 12, 20)
    assert rules.meeting_date(start, "dua_mingguan", 3) == date(2027, 1, 3)


def test_monthly_meetings_keep_the_day_or_take_the_months_last():
    start = date(2026, 1, 31)
    assert rules.meeting_date(start, "bulanan", 1) == start
    assert rules.meeting_date(start, "bulanan", 2) == date(2026, 2, 28)
    assert rules.meeting_date(start, "bulanan", 3) == date(2026, 3, 31)
    assert rules.meeting_date(start, "bulanan", 12) == date(2026, 12, 31)
    assert rules.meeting_date(start, "bulanan", 13) == date(2027, 1, 31)
    assert rules.meeting_date(date(2027, 12, 5), "bulanan", 2) == date(2028, 1, 5)
    assert rules.meeting_date(date(2028, 1, 29), "bulanan", 2) == date(2028, 2, 29)


def test_the_pot():
    assert rules.payout_per_winner(50_000, 12, 1) == 600_000
    assert rules.payout_per_winner(50_000, 12, 2) == 300_000
    assert rules.payout_per_winner(10_001, 3, 2) == 15_001  # whole rupiah, never a float
    assert isinstance(rules.payout_per_winner(50_000, 12, 2), int)
    assert rules.round_pot(50_000, 11, 12, include_unpaid=False) == 550_000
    assert rules.round_pot(50_000, 11, 12, include_unpaid=True) == 600_000


# --- the ledger --------------------------------------------------------------------------


def iuran(id_, slot, round_no, amount=50_000):
    return Entry(id_, EntryKind.IURAN, amount, slot_id=slot, round_no=round_no)


def koreksi(id_, of: Entry):
    return Entry(
        id_, EntryKind.KOREKSI, -of.amount, slot_id=of.slot_id, round_no=of.round_no,
        reverses=of.id,
    )  # fmt: skip


def test_a_koreksi_takes_itself_and_its_entry_out():
    a, b = iuran(1, 10, 1), iuran(2, 11, 1)
    assert rules.effective([a, b, koreksi(3, a)]) == [b]


def test_who_has_paid_a_round():
    a, b = iuran(1, 10, 1), iuran(2, 11, 1)
    half = iuran(3, 12, 1, 25_000)
    other_round = iuran(4, 13, 2)
    kas = Entry(5, EntryKind.KAS, 50_000, slot_id=14, round_no=1)
    entries = [a, b, half, other_round, kas, koreksi(6, b)]
    assert rules.paid_slots(entries, 1, 50_000) == {10}
    assert rules.paid_slots([*entries, iuran(7, 12, 1, 25_000)], 1, 50_000) == {10, 12}
    assert rules.paid_slots([Entry(8, EntryKind.IURAN, 50_000, round_no=1)], 1, 50_000) == set()
    assert rules.paid_slots([iuran(9, 15, 1, 49_999)], 1, 50_000) == set()


def test_a_payout_counts_until_reversed():
    pot = Entry(1, EntryKind.PEMBAYARAN_POT, 600_000, slot_id=10, round_no=1)
    assert rules.paid_out_slots([pot], 1) == {10}
    assert rules.paid_out_slots([pot], 2) == set()
    assert rules.paid_out_slots([pot, koreksi(2, pot)], 1) == set()
    assert rules.paid_out_slots([iuran(3, 11, 1)], 1) == set()


def test_an_entry_is_reversed_once_and_a_koreksi_never():
    a = iuran(1, 10, 1)
    k = koreksi(2, a)
    assert rules.reversal_problem(a, [a]) is None
    assert rules.reversal_problem(a, [a, iuran(5, 10, 1)]) is None
    assert rules.reversal_problem(a, [a, k]) == E.ALREADY_REVERSED
    assert rules.reversal_problem(a, [a, koreksi(3, iuran(9, 1, 1))]) is None
    assert rules.reversal_problem(k, [a, k]) == E.NOT_REVERSIBLE


def test_balances_count_iuran_in_and_pots_out_but_not_kas_or_denda():
    entries = [
        iuran(1, 10, 1), iuran(2, 11, 1), iuran(3, 99, 1),
        Entry(4, EntryKind.PEMBAYARAN_POT, 100_000, slot_id=10, round_no=1),
        Entry(5, EntryKind.KAS, 5_000, slot_id=11, round_no=1),
        Entry(6, EntryKind.DENDA, 5_000, slot_id=11, round_no=1),
    ]  # fmt: skip
    found = rules.balances(entries, [11, 10])
    assert [(b.slot_id, b.paid, b.received, b.balance) for b in found] == [
        (10, 50_000, 100_000, -50_000),
        (11, 50_000, 0, 50_000),
    ]
    assert rules.balik_modal(entries, [10, 11]) == {10: -50_000, 11: 50_000}
    twice = [*entries, Entry(7, EntryKind.PEMBAYARAN_POT, 100_000, slot_id=10, round_no=2)]
    assert rules.balances(twice, [10])[0].received == 200_000


def test_the_summary_of_a_balanced_cycle():
    entries = [iuran(1, 10, 1), iuran(2, 11, 1), iuran(3, 10, 2), iuran(4, 11, 2)]
    entries += [
        Entry(5, EntryKind.PEMBAYARAN_POT, 100_000, slot_id=10, round_no=1),
        Entry(6, EntryKind.PEMBAYARAN_POT, 100_000, slot_id=11, round_no=2),
    ]
    summary = rules.cycle_summary(entries, [10, 11], 50_000, 1)
    assert (summary.rounds, summary.due_per_slot, summary.pot_per_winner) == (2, 100_000, 100_000)
    assert summary.balanced
    assert not rules.cycle_summary(entries[:-1], [10, 11], 50_000, 1).balanced
    assert not rules.cycle_summary(entries[1:], [10, 11], 50_000, 1).balanced


def test_a_summary_with_an_unequal_share_is_not_balanced():
    entries = [iuran(1, 10, 1), iuran(2, 11, 1), iuran(3, 12, 1), iuran(4, 12, 2)]
    entries += [iuran(5, 10, 2), iuran(6, 11, 2)]
    entries += [Entry(7, EntryKind.PEMBAYARAN_POT, 75_000, slot_id=s, round_no=1) for s in (10, 11)]
    entries += [Entry(9, EntryKind.PEMBAYARAN_POT, 75_000, slot_id=12, round_no=2)]
    summary = rules.cycle_summary(entries, [10, 11, 12], 50_000, 2)
    assert summary.due_per_slot == 100_000
    assert summary.pot_per_winner == 75_000
    assert not summary.balanced


# --- the draw ----------------------------------------------------------------------------


def test_eligible_slots_have_not_won_and_have_paid():
    slots = [5, 3, 9, 7]
    assert rules.still_to_win(slots, [9]) == [3, 5, 7]
    assert rules.eligible(slots, won=[9], paid=[3, 9, 7], include_unpaid=False) == [3, 7]
    assert rules.eligible(slots, won=[9], paid=[3, 9], include_unpaid=True) == [3, 5, 7]
    assert not rules.cycle_over(slots, [5, 3, 9])
    assert rules.cycle_over(slots, [5, 3, 9, 7])


def test_the_commitment_is_the_seeds_sha256():
    assert rules.commitment(b"") == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert rules.commitment(SEED) == hashlib.sha256(SEED).hexdigest()


def test_the_canonical_bytes_are_typed_again_easily():
    assert rules.canonical_bytes(17, [3, 5, 12], 1) == b"17:3,5,12:1"
    assert rules.canonical_bytes(1, [], 2) == b"1::2"


def test_the_draw_is_the_documented_formula():
    """Recomputed by hand, the way the round page tells a member to."""
    eligible = [3, 5, 7, 12, 20]
    message = b"41:3,5,7,12,20:1"
    index = int.from_bytes(hmac.new(SEED, message, hashlib.sha256).digest(), "big") % 5
    assert rules.draw(SEED, 41, [20, 12, 7, 5, 3], 1) == [eligible[index]]


def test_the_second_winner_is_drawn_from_the_rest():
    eligible = [3, 5, 7, 12, 20]
    first, second = rules.draw(SEED, 41, eligible, 2)
    rest = [s for s in eligible if s != first]
    message = b"41:3,5,7,12,20:2"
    index = int.from_bytes(hmac.new(SEED, message, hashlib.sha256).digest(), "big") % 4
    assert second == rest[index]
    assert rules.draw(SEED, 41, eligible, 1) == [first]


def test_fewer_slots_than_winners():
    assert rules.draw(SEED, 1, [8], 2) == [8]
    assert rules.draw(SEED, 1, [], 1) == []


def test_the_draw_depends_on_the_seed_the_round_and_the_list():
    eligible = list(range(1, 41))
    results = {tuple(rules.draw(bytes([n]) * 32, 1, eligible, 2)) for n in range(30)}
    assert len(results) > 20
    by_round = {tuple(rules.draw(SEED, r, eligible, 1)) for r in range(30)}
    assert len(by_round) > 10


def test_verify_checks_the_commitment_and_the_winners():
    eligible = [3, 5, 7, 12]
    winners = rules.draw(SEED, 9, eligible, 2)
    committed = rules.commitment(SEED)
    assert rules.verify(SEED, committed, 9, eligible, 2, winners)
    assert not rules.verify(SEED, committed, 9, eligible, 2, winners[::-1])
    assert not rules.verify(SEED, rules.commitment(b"x"), 9, eligible, 2, winners)
    assert not rules.verify(SEED, committed, 10, eligible, 2, winners)
    assert not rules.verify(SEED, committed, 9, eligible, 1, winners)


def test_an_undo_gives_a_reason():
    assert rules.reason_problem("Salah") is None
    assert rules.reason_problem("  Sal  ") == E.REASON_TOO_SHORT
    assert rules.reason_problem("") == E.REASON_TOO_SHORT


@given(
    seed=st.binary(min_size=32, max_size=32),
    round_id=st.integers(min_value=1, max_value=10**6),
    eligible=st.sets(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=60),
    winners=st.integers(min_value=1, max_value=2),
)
def test_winners_are_distinct_eligible_slots_and_verify(seed, round_id, eligible, winners):
    found = rules.draw(seed, round_id, list(eligible), winners)
    assert len(found) == min(winners, len(eligible))
    assert len(set(found)) == len(found)
    assert set(found) <= eligible
    assert rules.draw(seed, round_id, sorted(eligible, reverse=True), winners) == found
    assert rules.verify(seed, rules.commitment(seed), round_id, sorted(eligible), winners, found)


# --- whole cycles (properties) -------------------------------------------------------------


@st.composite
def cycles(draw_):
    winners = draw_(st.integers(min_value=1, max_value=2))
    count = draw_(st.integers(min_value=1, max_value=15)) * 2 if winners == 2 else None
    count = count or draw_(st.integers(min_value=2, max_value=30))
    slots = sorted(draw_(st.sets(st.integers(1, 10_000), min_size=count, max_size=count)))
    include_unpaid = draw_(st.booleans())
    # Per round, which slots pay on time; a round nobody eligible paid draws nobody.
    late = draw_(st.lists(st.sets(st.sampled_from(slots)), max_size=3 * len(slots)))
    seeds = draw_(st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=5))
    contribution = draw_(st.integers(rules.MIN_CONTRIBUTION_IDR, rules.MAX_CONTRIBUTION_IDR))
    return winners, slots, include_unpaid, late, seeds, contribution


def run_cycle(winners, slots, include_unpaid, late, seeds, contribution):
    """Meetings until every slot has won: late payers pay after the draw; from a point on
    everybody pays on time (a cycle where someone never pays never ends)."""
    entries: list[Entry] = []
    won: list[int] = []
    ids = iter(range(1, 10**6))
    round_no = 0
    pot = rules.payout_per_winner(contribution, len(slots), winners)
    while not rules.cycle_over(slots, won):
        round_no += 1
        assert round_no <= len(late) + len(slots) + 1
        late_now = late[round_no - 1] if round_no <= len(late) else set()
        for slot in slots:
            if slot not in late_now:
                entries.append(iuran(next(ids), slot, round_no, contribution))
        paid = rules.paid_slots(entries, round_no, contribution)
        pool = rules.eligible(slots, won, paid, include_unpaid)
        seed = seeds[round_no % len(seeds)]
        chosen = rules.draw(seed, round_no, pool, winners)
        for slot in chosen:
            entries.append(
                Entry(next(ids), EntryKind.PEMBAYARAN_POT, pot, slot_id=slot, round_no=round_no)
            )
        won += chosen
        for slot in late_now:  # they pay after the meeting
            entries.append(iuran(next(ids), slot, round_no, contribution))
    return entries, won, round_no


@settings(max_examples=60, deadline=None)
@given(cycles())
def test_every_slot_wins_exactly_once_per_cycle(cycle):
    winners, slots, include_unpaid = cycle[:3]
    _, won, rounds = run_cycle(*cycle)
    assert sorted(won) == slots
    if include_unpaid:
        assert rounds == rules.rounds_per_cycle(len(slots), winners)


@settings(max_examples=60, deadline=None)
@given(cycles())
def test_payments_and_payouts_balance_when_every_round_was_drawn(cycle):
    winners, slots, _, _, seeds, contribution = cycle
    entries, _, rounds = run_cycle(winners, slots, True, [], seeds, contribution)
    summary = rules.cycle_summary(entries, slots, contribution, winners)
    assert summary.rounds == rounds
    assert summary.balanced
    assert sum(b.balance for b in summary.slots) == 0


@settings(max_examples=80, deadline=None)
@given(cycles(), st.data())
def test_balik_modal_adds_up_to_the_ledger(cycle, data):
    slots = cycle[1]
    entries, _, _ = run_cycle(*cycle)
    stop = data.draw(st.integers(min_value=0, max_value=len(entries)))
    kept = entries[:stop]
    # Mistakes reversed along the way, and the group's kas and denda on the side.
    for entry in data.draw(st.lists(st.sampled_from(kept), unique=True)) if kept else []:
        kept.append(koreksi(10**6 + entry.id, entry))
    kept.append(Entry(2 * 10**6, EntryKind.KAS, 5_000, slot_id=slots[0], round_no=1))
    kept.append(Entry(2 * 10**6 + 1, EntryKind.DENDA, 5_000, slot_id=slots[0], round_no=1))
    owed = rules.balik_modal(kept, slots)
    assert set(owed) == set(slots)
    cash = sum(e.amount for e in kept if e.kind == EntryKind.IURAN) - sum(
        e.amount for e in kept if e.kind == EntryKind.PEMBAYARAN_POT
    )
    reversed_ = {e.reverses for e in kept if e.kind == EntryKind.KOREKSI}
    cash -= sum(
        e.amount if e.kind == EntryKind.IURAN else -e.amount for e in kept if e.id in reversed_
    )
    assert sum(owed.values()) == cash


# --- "sudah transfer" ---------------------------------------------------------------------


def test_report_statuses_are_the_database_values():
    assert [s.value for s in rules.ReportStatus] == ["menunggu", "disetujui", "ditolak"]


def test_a_member_reports_for_their_own_unpaid_slot_once():
    assert rules.report_problem(3, paid=[], waiting=[], mine=[3, 4]) is None
    assert rules.report_problem(4, paid=[3], waiting=[3], mine=[3, 4]) is None


def test_someone_elses_slot_is_refused_before_anything_else():
    assert rules.report_problem(5, paid=[5], waiting=[5], mine=[3]) == E.NOT_YOUR_SLOT
    assert rules.report_problem(5, paid=[], waiting=[], mine=[]) == E.NOT_YOUR_SLOT


def test_a_paid_slot_or_a_waiting_report_is_refused():
    assert rules.report_problem(3, paid=[3], waiting=[3], mine=[3]) == E.ALREADY_PAID
    assert rules.report_problem(3, paid=[4], waiting=[3], mine=[3]) == E.ALREADY_REPORTED


def test_the_pending_key_names_round_and_slot():
    assert rules.pending_key(12, 7) == "12:7"
    assert rules.pending_key(1, 23) != rules.pending_key(12, 3)


def test_only_a_waiting_report_of_an_unpaid_slot_is_approved():
    assert rules.decision_problem("menunggu", slot_paid=False) is None
    assert rules.decision_problem("menunggu", slot_paid=True) == E.ALREADY_PAID
    assert rules.decision_problem("disetujui", slot_paid=False) == E.REPORT_DECIDED
    assert rules.decision_problem("ditolak", slot_paid=True) == E.REPORT_DECIDED


# --- reminders -----------------------------------------------------------------------------

MEETING = datetime(2026, 12, 11, 11, 30, tzinfo=UTC)  # 19.30 WITA


def test_the_reminder_goes_the_day_before_the_meeting():
    early = MEETING - timedelta(days=5)
    assert rules.reminder_due(MEETING, early) == MEETING - timedelta(days=1)


def test_a_meeting_scheduled_late_is_reminded_now_and_a_started_one_never():
    late = MEETING - timedelta(hours=3)
    assert rules.reminder_due(MEETING, late) == late
    assert rules.reminder_due(MEETING, MEETING) is None
    assert rules.reminder_due(MEETING, MEETING + timedelta(minutes=1)) is None
    assert rules.reminder_due(MEETING, MEETING - timedelta(seconds=1)) == MEETING - timedelta(
        seconds=1
    )


def test_members_with_a_slot_not_paid_are_reminded():
    slots = [(1, 10), (2, 20), (3, 20), (4, 30)]  # user 20 holds dua nama
    assert rules.members_to_remind(slots, paid=[1, 2, 4]) == {20}
    assert rules.members_to_remind(slots, paid=[1, 2, 3, 4]) == set()
    assert rules.members_to_remind(slots, paid=[]) == {10, 20, 30}


def test_reversals_count_the_koreksi_of_those_slots_only():
    entries = [
        Entry(1, EntryKind.IURAN, 50, slot_id=1),
        Entry(2, EntryKind.KOREKSI, -50, slot_id=1, reverses=1),
        Entry(3, EntryKind.IURAN, 50, slot_id=2),
        Entry(4, EntryKind.KOREKSI, -50, slot_id=2, reverses=3),
        Entry(5, EntryKind.IURAN, 50, slot_id=1),
    ]
    assert rules.reversals(entries, [1]) == 1
    assert rules.reversals(entries, [1, 2]) == 2
    assert rules.reversals(entries, [3]) == 0


# --- denda ---------------------------------------------------------------------------------


def test_a_fine_is_between_rp1000_and_the_limit():

    assert rules.fine_problem(-1) == E.AMOUNT_NEGATIVE
    assert rules.fine_problem(0) == E.FINE_TOO_LOW
    assert rules.fine_problem(999) == E.FINE_TOO_LOW
    assert rules.fine_problem(1_000) is None
    assert rules.fine_problem(5_000_000) is None
    assert rules.fine_problem(5_000_001) == E.AMOUNT_TOO_HIGH


def test_fines_in_force_of_a_round_per_slot():
    fine = EntryKind.DENDA
    entries = [
        Entry(1, fine, 5_000, slot_id=10, round_no=1),
        Entry(2, fine, 2_000, slot_id=10, round_no=1),
        Entry(3, fine, 5_000, slot_id=11, round_no=1),
        Entry(4, EntryKind.KOREKSI, -5_000, slot_id=11, round_no=1, reverses=3),
        Entry(5, fine, 5_000, slot_id=12, round_no=2),
        Entry(6, fine, 5_000, slot_id=None, round_no=1),
        iuran(7, 13, 1),
    ]
    found = rules.fines(entries, 1)
    assert {slot: [e.id for e in es] for slot, es in found.items()} == {10: [1, 2]}
    assert rules.fines(entries, 2) == {12: [entries[4]]}


# --- bubarkan ------------------------------------------------------------------------------


def test_dissolving_gives_back_to_those_not_yet_paid_out_and_collects_from_winners():
    pot = Entry(4, EntryKind.PEMBAYARAN_POT, 150_000, slot_id=10, round_no=1)
    entries = [iuran(1, 10, 1), iuran(2, 11, 1), iuran(3, 12, 1), pot, iuran(5, 10, 2),
               iuran(6, 11, 2)]  # fmt: skip
    found = rules.dissolution(entries, [10, 11, 12])
    assert [s.balance for s in found.slots] == [-50_000, 100_000, 50_000]
    assert found.held == 100_000
    assert found.to_return == 150_000
    assert found.to_collect == 50_000
    nothing = rules.dissolution([], [10, 11])
    assert (nothing.held, nothing.to_return, nothing.to_collect) == (0, 0, 0)


@settings(max_examples=80, deadline=None)
@given(cycles(), st.data())
def test_dissolution_totals_match_the_ledger(cycle, data):
    """Dissolved after any prefix of any cycle, with koreksi along the way: what the group
    gives back is what it holds plus what winners still owe, and what it holds is the iuran
    in force less the pots in force."""
    slots = cycle[1]
    entries, _, _ = run_cycle(*cycle)
    kept = entries[: data.draw(st.integers(min_value=0, max_value=len(entries)))]
    for entry in data.draw(st.lists(st.sampled_from(kept), unique=True)) if kept else []:
        kept.append(koreksi(10**6 + entry.id, entry))
    found = rules.dissolution(kept, slots)
    in_force = rules.effective(kept)
    held = sum(e.amount for e in in_force if e.kind == EntryKind.IURAN) - sum(
        e.amount for e in in_force if e.kind == EntryKind.PEMBAYARAN_POT
    )
    assert found.held == held
    assert found.to_return == found.held + found.to_collect
    assert found.to_return >= 0 and found.to_collect >= 0
    assert sum(rules.balik_modal(kept, slots).values()) == found.held


# --- urutan tetap --------------------------------------------------------------------------


def test_a_turn_goes_to_a_name_of_the_group_that_has_not_had_one():
    assert rules.turn_problem(2, [1, 2, 3], won=[1]) is None
    assert rules.turn_problem(1, [1, 2, 3], won=[1]) == E.ALREADY_WON
    assert rules.turn_problem(9, [1, 2, 3], won=[]) == E.ALREADY_WON  # not the group's


def test_a_fixed_order_gives_one_turn_per_meeting():
    assert rules.fixed_order_problem(True, 1) is None
    assert rules.fixed_order_problem(True, 2) == E.FIXED_ORDER_ONE_WINNER
    assert rules.fixed_order_problem(False, 2) is None
    assert rules.fixed_order_problem(False, 1) is None
