"""Arisan groups in RT A for the access matrix and the fuzzer: Haji Rahmat (ketua RT) is the
pengelola, Siti the bendahara, one slot each. ``state`` says how far the group got."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from community.accounts.models import User
from community.areas.models import Wilayah
from community.arisan import services
from community.arisan.models import ArisanEntry, ArisanRound, ArisanSlot
from community.extensions import db


def build_group(w, state: str = "new") -> int:
    """``new``: round 1 open, nobody paid; ``drawn``: both paid and round 1 drawn (round 2
    open); ``over``: both rounds drawn, the cycle is over. Runs in an app context."""
    ketua = db.session.get(User, w["pengurus_a"].id)
    siti = db.session.get(User, w["resident_a"].id)
    group = services.create_group(
        db.session.get(Wilayah, w.rt_a.id), by=ketua, now=w.now, name="Arisan RT 01",
        contribution_idr=50_000, period="bulanan",
        first_meeting_on=(w.now + timedelta(days=10)).date(), meeting_time=time(19, 30),
        place="Rumah Bu Siti",
        members=[services.NewMember(ketua, None, 1), services.NewMember(siti, None, 1, True)],
    )  # fmt: skip
    rounds = {"new": 0, "drawn": 1, "over": 2}[state]
    for number in range(1, rounds + 1):
        round_ = db.session.scalar(
            select(ArisanRound).where(
                ArisanRound.group_id == group.id, ArisanRound.number == number
            )
        )
        for slot_id in services.slot_ids(group):
            services.record_payment(round_, db.session.get(ArisanSlot, slot_id), by=siti,
                                    method="tunai", paid_on=w.now.date(), now=w.now)  # fmt: skip
        services.draw_round(round_, by=ketua, now=w.now)
    db.session.commit()
    return group.id


def first_entry(group_id: int) -> int:
    return db.session.scalar(
        select(ArisanEntry.id).where(ArisanEntry.group_id == group_id).order_by(ArisanEntry.id)
    )
