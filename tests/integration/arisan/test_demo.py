"""The issue's "done when", on the demo data: RT 01's arisan of 12 names × Rp50.000 runs a
whole cycle: payments recorded, a late payer left out of that draw, twelve draws each
recomputed from its log, every name winning once, the winner hosting the next meeting, and
a summary that balances."""

from __future__ import annotations

from sqlalchemy import select

from community import demo
from community.accounts.models import User
from community.arisan import queries, rules, services
from community.arisan.models import ArisanDraw, ArisanGroup, ArisanSlot
from community.core.time import utcnow
from community.extensions import db


def test_the_demo_arisan_runs_a_whole_verifiable_cycle(app):
    with app.app_context():
        now = utcnow()
        demo.load_demo(now=now)
        db.session.commit()
        group = db.session.scalar(select(ArisanGroup))
        assert (group.name, group.contribution_idr) == ("Arisan Ibu-ibu RT 01", 50_000)
        slots = services.slot_ids(group)
        assert len(slots) == 12
        pengelola = next(m for m in group.members if m.is_pengelola)
        bendahara = next(m for m in group.members if m.is_bendahara)
        ketua, book = (
            db.session.get(User, pengelola.user_id),
            db.session.get(User, bendahara.user_id),
        )
        late = slots[5]
        won = []
        for number in range(1, 13):
            round_ = queries.get_round(group, number)
            assert round_ is not None and round_.cycle == 1
            if number > 1:  # the previous winner hosts
                previous = db.session.get(ArisanSlot, won[-1])
                assert round_.host_member_id == previous.member_id
            on_time = [s for s in slots if not (number == 1 and s == late)]
            for slot_id in on_time:
                services.record_payment(round_, db.session.get(ArisanSlot, slot_id), by=book,
                                        method="tunai", paid_on=now.date(), now=now)  # fmt: skip
            drawn = services.draw_round(round_, by=ketua, now=now)
            if number == 1:
                assert late not in drawn.eligible_ids
            (winner,) = drawn.winner_ids
            services.mark_payout(round_, db.session.get(ArisanSlot, winner), by=book,
                                 method="transfer", now=now)  # fmt: skip
            if number == 1:  # the late payer pays after the meeting
                services.record_payment(round_, db.session.get(ArisanSlot, late), by=book,
                                        method="qris", paid_on=now.date(), now=now)  # fmt: skip
            won.append(winner)
            db.session.commit()
        assert sorted(won) == slots
        assert queries.get_round(group, 13) is None  # the cycle is over: no thirteenth meeting
        for log in db.session.scalars(select(ArisanDraw)):
            assert rules.verify(bytes.fromhex(log.seed_hex), log.commitment, log.round_id,
                                log.eligible_ids, 1, log.winner_ids)  # fmt: skip
        summary = rules.cycle_summary(services.entries_of(group), slots, 50_000, 1)
        assert (summary.rounds, summary.due_per_slot, summary.pot_per_winner) == (
            12, 600_000, 600_000,
        )  # fmt: skip
        assert summary.balanced
