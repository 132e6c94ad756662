"""Arisan groups in RT A for the access matrix and the fuzzer: Haji Rahmat (ketua RT) is the
pengelola, Siti the bendahara, one slot each. ``state`` says how far the group got."""

from __future__ import annotations

import io
from datetime import time, timedelta

from sqlalchemy import select

from community.accounts.models import User
from community.areas.models import Wilayah
from community.arisan import services
from community.arisan.models import ArisanEntry, ArisanReport, ArisanRound, ArisanSlot
from community.arisan.receipts import RECEIPTS
from community.extensions import db


def build_group(w, state: str = "new") -> int:
    """``new``: round 1 open, nobody paid; ``reported``: Haji Rahmat reported a transfer
    for round 1 with a receipt, waiting for Siti; ``drawn``: both paid and round 1 drawn
    (round 2 open); ``over``: both rounds drawn, the cycle is over; ``fixed``: as ``new``
    with a fixed order (urutan tetap). Runs in an app context."""
    ketua = db.session.get(User, w["pengurus_a"].id)
    siti = db.session.get(User, w["resident_a"].id)
    group = services.create_group(
        db.session.get(Wilayah, w.rt_a.id), by=ketua, now=w.now, name="Arisan RT 01",
        contribution_idr=50_000, period="bulanan",
        first_meeting_on=(w.now + timedelta(days=10)).date(), meeting_time=time(19, 30),
        place="Rumah Bu Siti",
        members=[services.NewMember(ketua, None, 1), services.NewMember(siti, None, 1, True)],
        fixed_order=state == "fixed",
    )  # fmt: skip
    rounds = {"new": 0, "reported": 0, "drawn": 1, "over": 2, "fixed": 0}[state]
    if state == "reported":
        first = db.session.scalar(select(ArisanRound).where(ArisanRound.group_id == group.id))
        mine = db.session.get(ArisanSlot, services.slot_ids(group)[0])
        services.report_transfer(first, mine, by=ketua, method="transfer", paid_on=w.now.date(),
                                 photo_name=RECEIPTS.store(io.BytesIO(jpeg())), now=w.now)  # fmt: skip
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


def first_report(group_id: int) -> tuple[int, int]:
    """The group's first report and its receipt."""
    row = db.session.scalar(
        select(ArisanReport).where(ArisanReport.group_id == group_id).order_by(ArisanReport.id)
    )
    return row.id, row.receipt_id


def jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, "JPEG")
    return out.getvalue()
