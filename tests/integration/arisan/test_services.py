"""Arisan services on a real database: a group and its first round (an activity of kind
arisan with a committed seed), payments and their koreksi, the draw and its recomputation
from the log, the undo with a new seed, payouts, a whole cycle and a new one."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from sqlalchemy import func, select

from community.accounts.models import User
from community.areas.models import Wilayah
from community.arisan import rules, services
from community.arisan.models import (
    ArisanDraw,
    ArisanEntry,
    ArisanMember,
    ArisanRound,
    ArisanSlot,
)
from community.arisan.rules import ArisanError as E
from community.core.time import WITA
from community.events.models import Activity
from community.extensions import db
from tests.integration.arisan.conftest import fixed_seeds, group_of


def rounds_of(group_id: int) -> list[ArisanRound]:
    return list(
        db.session.scalars(
            select(ArisanRound).where(ArisanRound.group_id == group_id).order_by(ArisanRound.number)
        )
    )


def user(world, principal: str) -> User:
    return db.session.get(User, world[principal].id)


def pay_all(round_, world, skip=()):
    group = round_.group
    for slot_id in services.slot_ids(group):
        if slot_id not in skip:
            services.record_payment(
                round_, db.session.get(ArisanSlot, slot_id), by=user(world, "resident_a"),
                method="tunai", paid_on=world.now.date(), now=world.now,
            )  # fmt: skip


def test_a_group_has_members_slots_roles_and_its_first_round(app, world, make_group):
    group_id = make_group()
    with app.app_context():
        group = group_of(group_id)
        members = {m.display_name: m for m in group.members}
        assert set(members) == {
            "Haji Rahmat", "Siti Aminah", "Warga Arisan 1", "Warga Arisan 2", "Nenek Sari",
        }  # fmt: skip
        assert members["Haji Rahmat"].is_pengelola and not members["Haji Rahmat"].is_bendahara
        assert members["Siti Aminah"].is_bendahara and not members["Siti Aminah"].is_pengelola
        assert members["Nenek Sari"].user_id is None
        assert [s.position for s in members["Warga Arisan 1"].slots] == [1, 2]
        assert len(services.slot_ids(group)) == 6
        (first,) = rounds_of(group_id)
        assert (first.number, first.cycle, first.attempt) == (1, 1, 1)
        assert first.commitment == rules.commitment(bytes.fromhex(first.seed_hex))
        activity = db.session.get(Activity, first.activity_id)
        assert activity.kind == "arisan"
        assert activity.wilayah_id == world.rt_a.id
        assert activity.title == "Arisan Ibu-ibu RT 01 · putaran 1"
        starts = activity.starts_at.astimezone(WITA)
        assert (starts.date(), starts.time()) == (group.first_meeting_on, time(19, 30))


def test_the_pengelola_without_a_slot_is_still_a_member(app, world, make_user):
    with app.app_context():
        rt_a = db.session.get(Wilayah, world.rt_a.id)
        a, b = make_user("A", rt_a), make_user("B", rt_a)
        group = services.create_group(
            rt_a, by=user(world, "pengurus_a"), now=world.now, name="Arisan kecil",
            contribution_idr=10_000, period="mingguan", first_meeting_on=world.now.date(),
            meeting_time=time(16), place="Pos",
            members=[services.NewMember(db.session.get(User, a.id), None, 1, True),
                     services.NewMember(db.session.get(User, b.id), None, 1)],
        )  # fmt: skip
        pengelola = [m for m in group.members if m.is_pengelola]
        assert [(m.user_id, len(m.slots)) for m in pengelola] == [(world["pengurus_a"].id, 0)]


@pytest.mark.parametrize(
    "fields, problem",
    [
        ({"contribution_idr": 9_999}, E.AMOUNT_TOO_LOW),
        ({"contribution_idr": 5_000_001}, E.AMOUNT_TOO_HIGH),
        ({"kas_idr": -1}, E.AMOUNT_NEGATIVE),
        ({"winners": 2}, E.ODD_SLOTS_FOR_TWO),
        ({"other_rt": True}, E.NOT_A_MEMBER_HERE),
        ({"slots": 3}, E.TOO_MANY_SLOTS_FOR_MEMBER),
    ],
)
def test_a_group_the_rules_refuse_is_not_stored(app, world, fields, problem):
    with app.app_context():
        rt_a = db.session.get(Wilayah, world.rt_a.id)
        other = user(world, "resident_b" if fields.get("other_rt") else "resident_a")
        members = [
            services.NewMember(user(world, "pengurus_a"), None, fields.get("slots", 1)),
            services.NewMember(other, None, 1, True),
            services.NewMember(None, "Nenek Sari", 1),
        ]
        with pytest.raises(services.ArisanRefused) as refused:
            services.create_group(
                rt_a, by=user(world, "pengurus_a"), now=world.now, name="X",
                contribution_idr=fields.get("contribution_idr", 50_000),
                kas_idr=fields.get("kas_idr", 0), period="bulanan",
                first_meeting_on=world.now.date(), meeting_time=time(19), place="Pos",
                members=members, winners_per_draw=fields.get("winners", 1),
            )  # fmt: skip
        assert refused.value.code == problem
        db.session.rollback()
        assert db.session.scalar(select(func.count(ArisanMember.id))) == 0


def test_a_slot_pays_once_per_round_and_a_koreksi_lets_it_pay_again(app, world, make_group):
    group_id = make_group()
    with app.app_context():
        (first,) = rounds_of(group_id)
        slot = db.session.get(ArisanSlot, services.slot_ids(group_of(group_id))[0])
        siti = user(world, "resident_a")
        entry = services.record_payment(
            first, slot, by=siti, method="qris", paid_on=world.now.date(), now=world.now
        )
        assert (entry.kind, entry.amount_idr, entry.method) == ("iuran", 50_000, "qris")
        with pytest.raises(services.ArisanRefused) as twice:
            services.record_payment(
                first, slot, by=siti, method="tunai", paid_on=world.now.date(), now=world.now
            )
        assert twice.value.code == E.ALREADY_PAID
        koreksi = services.reverse_entry(entry, by=siti, now=world.now, note="salah orang")
        assert (koreksi.kind, koreksi.amount_idr, koreksi.reverses_id) == (
            "koreksi", -50_000, entry.id,
        )  # fmt: skip
        with pytest.raises(services.ArisanRefused) as again:
            services.reverse_entry(entry, by=siti, now=world.now)
        assert again.value.code == E.ALREADY_REVERSED
        with pytest.raises(services.ArisanRefused) as of_koreksi:
            services.reverse_entry(koreksi, by=siti, now=world.now)
        assert of_koreksi.value.code == E.NOT_REVERSIBLE
        services.record_payment(
            first, slot, by=siti, method="tunai", paid_on=world.now.date(), now=world.now
        )
        db.session.commit()
        rows = db.session.scalars(select(ArisanEntry).order_by(ArisanEntry.id)).all()
        assert [(r.kind, r.amount_idr) for r in rows] == [
            ("iuran", 50_000), ("koreksi", -50_000), ("iuran", 50_000),
        ]  # fmt: skip
        group = group_of(group_id)
        assert rules.paid_slots(services.entries_of(group), first.id, 50_000) == {slot.id}


def test_the_database_keeps_one_koreksi_per_entry(app, world, make_group):
    group_id = make_group()
    with app.app_context():
        (first,) = rounds_of(group_id)
        pay_all(first, world)
        entry = db.session.scalars(select(ArisanEntry)).first()
        for _ in range(2):
            db.session.add(ArisanEntry(group_id=group_id, round_id=first.id, slot_id=entry.slot_id,
                                       kind="koreksi", amount_idr=-50_000, reverses_id=entry.id))  # fmt: skip
        with pytest.raises(Exception, match=r"(?i)unique"):
            db.session.flush()
        db.session.rollback()


def test_the_draw_is_recomputed_from_its_log(app, world, make_group):
    group_id = make_group()
    with app.app_context():
        (first,) = rounds_of(group_id)
        commitment_before = first.commitment
        late = services.slot_ids(group_of(group_id))[2]
        pay_all(first, world, skip={late})
        drawn = services.draw_round(first, by=user(world, "pengurus_a"), now=world.now)
        db.session.commit()
        log = db.session.get(ArisanDraw, drawn.id)
        assert late not in log.eligible_ids
        assert log.eligible_ids == sorted(log.eligible_ids)
        assert log.commitment == commitment_before
        seed = bytes.fromhex(log.seed_hex)
        assert rules.verify(seed, commitment_before, first.id, log.eligible_ids, 1, log.winner_ids)
        assert rules.draw(seed, first.id, log.eligible_ids, 1) == log.winner_ids
        # The next meeting is scheduled with the winner as its host and its own commitment.
        second = rounds_of(group_id)[1]
        winner = db.session.get(ArisanSlot, log.winner_ids[0])
        assert second.host_member_id == winner.member_id
        assert second.number == 2
        assert second.commitment != first.commitment
        with pytest.raises(services.ArisanRefused) as again:
            services.draw_round(first, by=user(world, "pengurus_a"), now=world.now)
        assert again.value.code == E.ALREADY_DRAWN


def test_nobody_paid_nobody_is_drawn(app, world, make_group):
    group_id = make_group()
    with app.app_context():
        (first,) = rounds_of(group_id)
        with pytest.raises(services.ArisanRefused) as refused:
            services.draw_round(first, by=user(world, "pengurus_a"), now=world.now)
        assert refused.value.code == E.NOTHING_ELIGIBLE
        assert db.session.scalar(select(func.count(ArisanDraw.id))) == 0


def test_a_group_that_includes_unpaid_slots_draws_among_them(app, world, make_group):
    group_id = make_group(include_unpaid=True)
    with app.app_context():
        (first,) = rounds_of(group_id)
        drawn = services.draw_round(first, by=user(world, "pengurus_a"), now=world.now)
        assert drawn.eligible_ids == services.slot_ids(group_of(group_id))


def test_an_undo_is_logged_and_the_redraw_uses_a_new_committed_seed(app, world, make_group):
    group_id = make_group()
    with app.app_context():
        (first,) = rounds_of(group_id)
        pay_all(first, world)
        ketua = user(world, "pengurus_a")
        drawn = services.draw_round(first, by=ketua, now=world.now)
        with pytest.raises(services.ArisanRefused) as short:
            services.undo_draw(first, by=ketua, reason=" ab ", now=world.now)
        assert short.value.code == E.REASON_TOO_SHORT
        undo = services.undo_draw(first, by=ketua, reason="Gulungan kertas jatuh", now=world.now)
        assert undo.kind == "batal" and undo.reason == "Gulungan kertas jatuh"
        assert undo.next_commitment == first.commitment
        assert first.attempt == 2
        assert first.seed_hex != drawn.seed_hex
        redraw = services.draw_round(first, by=ketua, now=world.now)
        assert redraw.attempt == 2 and redraw.commitment == undo.next_commitment
        assert rules.verify(bytes.fromhex(redraw.seed_hex), undo.next_commitment, first.id,
                            redraw.eligible_ids, 1, redraw.winner_ids)  # fmt: skip
        db.session.commit()
        kinds = db.session.scalars(select(ArisanDraw.kind).order_by(ArisanDraw.id)).all()
        assert kinds == ["kocok", "batal", "kocok"]
        assert len(rounds_of(group_id)) == 2  # the redraw did not schedule a third meeting
        host = db.session.get(ArisanSlot, redraw.winner_ids[0]).member_id
        assert rounds_of(group_id)[1].host_member_id == host


def test_an_undo_needs_a_draw_and_no_payout(app, world, make_group):
    group_id = make_group()
    with app.app_context():
        (first,) = rounds_of(group_id)
        ketua, siti = user(world, "pengurus_a"), user(world, "resident_a")
        with pytest.raises(services.ArisanRefused) as undrawn:
            services.undo_draw(first, by=ketua, reason="Salah kocok", now=world.now)
        assert undrawn.value.code == E.NOT_DRAWN
        pay_all(first, world)
        drawn = services.draw_round(first, by=ketua, now=world.now)
        loser = next(s for s in services.slot_ids(group_of(group_id)) if s not in drawn.winner_ids)
        with pytest.raises(services.ArisanRefused) as not_winner:
            services.mark_payout(first, db.session.get(ArisanSlot, loser), by=siti,
                                 method="tunai", now=world.now)  # fmt: skip
        assert not_winner.value.code == E.NOT_DRAWN
        winner = db.session.get(ArisanSlot, drawn.winner_ids[0])
        payout = services.mark_payout(first, winner, by=siti, method="tunai", now=world.now)
        assert (payout.kind, payout.amount_idr) == ("pembayaran_pot", 300_000)
        with pytest.raises(services.ArisanRefused) as twice:
            services.mark_payout(first, winner, by=siti, method="tunai", now=world.now)
        assert twice.value.code == E.ALREADY_PAID_OUT
        with pytest.raises(services.ArisanRefused) as paid_out:
            services.undo_draw(first, by=ketua, reason="Salah kocok", now=world.now)
        assert paid_out.value.code == E.ALREADY_PAID_OUT


@pytest.mark.parametrize("winners", [1, 2])
def test_a_whole_cycle_every_slot_wins_once_and_the_summary_balances(
    app, world, make_group, winners
):
    group_id = make_group(winners=winners)
    with app.app_context():
        ketua, siti = user(world, "pengurus_a"), user(world, "resident_a")
        group = group_of(group_id)
        slots = services.slot_ids(group)
        won = []
        late_once = slots[-1]
        for number in range(1, rules.rounds_per_cycle(len(slots), winners) + 2):
            round_ = rounds_of(group_id)[-1]
            assert round_.number == number
            late = {late_once} if number == 1 else set()
            pay_all(round_, world, skip=late)
            drawn = services.draw_round(round_, by=ketua, now=world.now, make_seed=fixed_seeds())
            assert not late & set(drawn.winner_ids)  # the late payer sits this draw out
            for slot_id in drawn.winner_ids:
                services.mark_payout(round_, db.session.get(ArisanSlot, slot_id), by=siti,
                                     method="transfer", now=world.now)  # fmt: skip
            pay_all(round_, world, skip=set(slots) - late)  # the late payer pays after all
            won += drawn.winner_ids
            db.session.commit()
            if rules.cycle_over(slots, won):
                break
        assert sorted(won) == slots
        summary = rules.cycle_summary(services.entries_of(group), slots, 50_000, winners)
        assert summary.balanced
        assert len(rounds_of(group_id)) == summary.rounds
        last = rounds_of(group_id)[-1]
        with pytest.raises(services.ArisanRefused) as over:
            services.draw_round(last, by=ketua, now=world.now)
        assert over.value.code in (E.ALREADY_DRAWN, E.CYCLE_OVER)
        next_round = services.start_new_cycle(group, by=ketua, now=world.now)
        assert (next_round.cycle, next_round.number) == (2, summary.rounds + 1)
        with pytest.raises(services.ArisanRefused) as not_over:
            services.start_new_cycle(group, by=ketua, now=world.now)
        assert not_over.value.code == E.CYCLE_NOT_OVER


def test_meetings_follow_the_schedule_in_wita(app, world, make_group):
    group_id = make_group(period="mingguan")
    with app.app_context():
        group = group_of(group_id)
        start = services.meeting_start(group, 3)
        assert start.utcoffset().total_seconds() == 8 * 3600
        assert start.astimezone(UTC) == datetime.combine(
            rules.meeting_date(group.first_meeting_on, "mingguan", 3), time(11, 30), tzinfo=UTC
        )
