"""What the arisan domain keeps about a person, in their download (UU PDP): the groups they
are in with their roles, the ledger lines of their own slots, their "sudah transfer"
reports and the receipts of their slots; the lines they recorded as bendahara and the draws
they ran or undid as pengelola.

When the account goes, the member row stays nameless (``user_id`` SET NULL: "warga
terhapus") and the group's ledger and draw log stay whole: they are the group's money
record, which the other members still need to balance the cycle. The receipt photos of
their slots and those they sent are deleted (:func:`erase_person`): a bank screenshot shows
their name and account number. The winner pushes to the others name "warga terhapus"
instead: those not yet sent are planned again at the commit, the name is taken out of
those that went (:mod:`community.arisan.notices`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from community.arisan.models import (
    ArisanDraw,
    ArisanEntry,
    ArisanGroup,
    ArisanMember,
    ArisanReceipt,
    ArisanReport,
    ArisanRound,
)
from community.core import privacy
from community.core.time import as_utc
from community.extensions import db


def _line(e: ArisanEntry, number: int | None) -> dict[str, Any]:
    return {
        "round": number,
        "kind": e.kind,
        "amount_idr": e.amount_idr,
        "method": e.method,
        "paid_on": e.paid_on.isoformat() if e.paid_on else None,
        "recorded_at": as_utc(e.recorded_at).isoformat(),
        "reverses": e.reverses_id,
        "note": e.note,
        "has_receipt": e.receipt_id is not None,
    }


def _numbers(round_ids: set[int]) -> dict[int, int]:
    if not round_ids:
        return {}
    rows = db.session.execute(
        select(ArisanRound.id, ArisanRound.number).where(ArisanRound.id.in_(round_ids))
    )
    return {round_id: number for round_id, number in rows}


def _export_groups(user: Any) -> list[dict[str, Any]]:
    members = db.session.scalars(
        select(ArisanMember).where(ArisanMember.user_id == user.id).order_by(ArisanMember.id)
    ).all()
    found = []
    for m in members:
        slot_ids = [s.id for s in m.slots]
        entries = db.session.scalars(
            select(ArisanEntry).where(ArisanEntry.slot_id.in_(slot_ids)).order_by(ArisanEntry.id)
        ).all()
        reports = db.session.scalars(
            select(ArisanReport).where(ArisanReport.slot_id.in_(slot_ids)).order_by(ArisanReport.id)
        ).all()
        receipts = db.session.scalars(
            select(ArisanReceipt)
            .where(ArisanReceipt.slot_id.in_(slot_ids))
            .order_by(ArisanReceipt.id)
        ).all()
        numbers = _numbers(
            {e.round_id for e in entries if e.round_id} | {r.round_id for r in reports}
        )
        found.append(
            {
                "group": m.group.name,
                "wilayah": m.group.wilayah.full_name,
                "joined_at": as_utc(m.created_at).isoformat(),
                "is_pengelola": m.is_pengelola,
                "is_bendahara": m.is_bendahara,
                "slots": len(slot_ids),
                "payments": [_line(e, numbers.get(e.round_id)) for e in entries],
                "transfer_reports": [_report(r, numbers.get(r.round_id)) for r in reports],
                "receipts": [
                    {
                        "receipt": r.id,
                        "uploaded_at": as_utc(r.created_at).isoformat(),
                        "photo_kept": r.photo_name is not None,
                    }
                    for r in receipts
                ],
            }
        )
    return found


def _report(r: ArisanReport, number: int | None) -> dict[str, Any]:
    return {
        "round": number,
        "method": r.method,
        "paid_on": r.paid_on.isoformat(),
        "receipt": r.receipt_id,
        "status": r.status,
        "reason": r.reason,
        "reported_at": as_utc(r.created_at).isoformat(),
        "decided_at": as_utc(r.decided_at).isoformat() if r.decided_at else None,
    }


def erase_person(user: Any) -> list[str]:
    """Before the account goes: the receipts of the person's slots and those they sent
    lose their photo (the rows stay for the ledger). Answers the file names, removed by
    the caller after the commit (:data:`community.arisan.receipts.RECEIPTS`)."""
    from community.arisan.models import ArisanSlot

    their_slots = (
        select(ArisanSlot.id)
        .join(ArisanMember, ArisanMember.id == ArisanSlot.member_id)
        .where(ArisanMember.user_id == user.id)
    )
    receipts = db.session.scalars(
        select(ArisanReceipt).where(
            ArisanReceipt.photo_name.is_not(None),
            (ArisanReceipt.slot_id.in_(their_slots)) | (ArisanReceipt.uploaded_by_id == user.id),
        )
    ).all()
    names = [r.photo_name for r in receipts]
    for r in receipts:
        r.photo_name = None
    db.session.flush()
    from community.arisan import notices

    their_groups = select(ArisanMember.group_id).where(ArisanMember.user_id == user.id)
    rounds = db.session.scalars(
        select(ArisanRound.id).where(ArisanRound.group_id.in_(their_groups))
    ).all()
    notices.forget_name(user.name, rounds)  # in the winner pushes that went
    for round_id in rounds:
        notices.note_round(round_id)  # "Pemenang kocokan: warga terhapus" if not yet sent
    return names


def _export_recorded(user: Any) -> list[dict[str, Any]]:
    entries = db.session.scalars(
        select(ArisanEntry).where(ArisanEntry.recorded_by_id == user.id).order_by(ArisanEntry.id)
    ).all()
    numbers = _numbers({e.round_id for e in entries if e.round_id})
    return [{"entry": e.id, **_line(e, numbers.get(e.round_id))} for e in entries]


def _export_draws(user: Any) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(ArisanDraw, ArisanRound.number, ArisanGroup.name)
        .join(ArisanRound, ArisanRound.id == ArisanDraw.round_id)
        .join(ArisanGroup, ArisanGroup.id == ArisanRound.group_id)
        .where(ArisanDraw.by_id == user.id)
        .order_by(ArisanDraw.id)
    ).all()
    return [
        {
            "group": name,
            "round": number,
            "kind": d.kind,
            "reason": d.reason,
            "at": as_utc(d.at).isoformat(),
        }
        for d, number, name in rows
    ]


def register_exports() -> None:
    privacy.register_exporter("arisan", _export_groups)
    privacy.register_exporter("arisan_recorded", _export_recorded)
    privacy.register_exporter("arisan_draws", _export_draws)
    E, W, N = privacy.Exported, privacy.Withheld, privacy.NotPersonal
    key = N("an internal row number; means nothing outside this database")
    group = N("the group's settings, shared by all its members")
    privacy.classify("arisan_group", {
        "id": key, "wilayah_id": key, "name": group, "contribution_idr": group,
        "kas_idr": group, "period": group, "first_meeting_on": group, "meeting_time": group,
        "place": group, "winners_per_draw": group, "include_unpaid": group, "cycle": group,
        "created_by_id": W("who made the group: its pengelola, exported as arisan[].is_pengelola"),
        "created_at": group,
        "dissolved_at": group, "fixed_order": group,
        "dissolved_by_id": W("who dissolved the group: its pengelola, exported as "
                             "arisan[].is_pengelola"),
    })  # fmt: skip
    privacy.classify("arisan_member", {
        "id": key, "user_id": key,
        "group_id": E("arisan[].group"),
        "name": W("the name of a neighbour without an account, typed by the group: about "
                  "that neighbour, not about an account holder"),
        "is_pengelola": E("arisan[].is_pengelola"),
        "is_bendahara": E("arisan[].is_bendahara"),
        "created_at": E("arisan[].joined_at"),
    })  # fmt: skip
    privacy.classify("arisan_slot", {
        "id": key, "group_id": key, "member_id": key,
        "position": N("first or second name of a member; their count is in arisan[].slots"),
        "turn_order": N("the group's agreed order of turns, the same list for every member"),
    })  # fmt: skip
    ledger = N("the group's ledger")
    privacy.classify("arisan_round", {
        "id": key, "group_id": key, "number": N("the group's schedule"),
        "cycle": N("the group's schedule"), "activity_id": key, "host_member_id": key,
        "seed_hex": N("the draw's random seed, revealed to the members after the draw"),
        "commitment": N("the draw seed's SHA-256, shown to the members"),
        "attempt": N("how often the round's draw was undone"),
        "created_at": N("when the meeting was scheduled"),
    })  # fmt: skip
    privacy.classify("arisan_entry", {
        "id": E("arisan_recorded[].entry"), "group_id": key, "round_id": E("arisan_recorded[].round"),
        "slot_id": key, "kind": E("arisan_recorded[].kind"),
        "amount_idr": E("arisan_recorded[].amount_idr"), "method": E("arisan_recorded[].method"),
        "paid_on": E("arisan_recorded[].paid_on"), "reverses_id": E("arisan_recorded[].reverses"),
        "recorded_by_id": key, "recorded_at": E("arisan_recorded[].recorded_at"),
        "note": E("arisan_recorded[].note"),
        "receipt_id": E("arisan_recorded[].has_receipt"),
    })  # fmt: skip
    privacy.classify("arisan_receipt", {
        "id": E("arisan[].receipts[].receipt"), "group_id": key, "slot_id": key,
        "photo_name": W("a random file name the server chose; whether the photo is kept is "
                        "in arisan[].receipts[].photo_kept, the photo itself is the member's "
                        "own screenshot"),
        "uploaded_by_id": key, "created_at": E("arisan[].receipts[].uploaded_at"),
    })  # fmt: skip
    privacy.classify("arisan_report", {
        "id": key, "group_id": key, "round_id": E("arisan[].transfer_reports[].round"),
        "slot_id": key, "method": E("arisan[].transfer_reports[].method"),
        "paid_on": E("arisan[].transfer_reports[].paid_on"),
        "receipt_id": E("arisan[].transfer_reports[].receipt"),
        "status": E("arisan[].transfer_reports[].status"),
        "pending_key": N("round and slot while the report waits; both are exported"),
        "reason": E("arisan[].transfer_reports[].reason"), "reported_by_id": key,
        "decided_by_id": W("names the bendahara who decided: their data"),
        "decided_at": E("arisan[].transfer_reports[].decided_at"), "entry_id": key,
        "created_at": E("arisan[].transfer_reports[].reported_at"),
    })  # fmt: skip
    privacy.classify("arisan_draw", {
        "id": key, "round_id": E("arisan_draws[].round"), "attempt": ledger,
        "kind": E("arisan_draws[].kind"), "seed_hex": ledger, "commitment": ledger,
        "eligible": ledger, "winners": ledger, "winners_per_draw": ledger,
        "reason": E("arisan_draws[].reason"), "next_commitment": ledger, "by_id": key,
        "at": E("arisan_draws[].at"),
    })  # fmt: skip
