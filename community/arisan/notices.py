"""What an arisan tells its members by push (#15), under their "Arisan" switch:

- ``arisan_iuran``: the day before a meeting, to each member with a slot not yet paid for
  that round (after their quiet hours, unless the meeting starts first); a payment
  recorded or approved before then cancels it, a koreksi brings it back;
- ``arisan_menang``: after a draw, "Pemenang kocokan: <nama>" to every member with an
  account (after their quiet hours); an undo before it went cancels it, the redraw tells
  the new winner.

Planned at the commit of the change (:mod:`community.notifications.planning`), from the
ledger and the draw log as they are then. Each member reads it in their own language; the
payload holds the group's name and the winner's, never an amount per person.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, inspect, select

from community.accounts.models import User
from community.arisan import rules
from community.arisan.models import ArisanMember, ArisanRound, ArisanSlot
from community.extensions import db
from community.notifications import kinds, outbox, planning
from community.notifications import rules as delivery
from community.notifications.models import PushMessage

REMINDER = "arisan_iuran"
WINNER = "arisan_menang"


def register() -> None:
    # Registered here since the arisan sends by it (it waited in notifications/kinds.py).
    kinds.register_switch(
        kinds.Switch("wants_arisan", _l("Arisan: pengingat iuran dan kocokan"), order=60)
    )
    kinds.register(kinds.Kind(REMINDER, _l("Pengingat iuran arisan"), switch="wants_arisan"))
    kinds.register(kinds.Kind(WINNER, _l("Pemenang kocokan arisan"), switch="wants_arisan"))
    kinds.on_recipient_changed(replan_for_users)


def replan_for_users(user_ids: Iterable[Hashable], *, now: datetime) -> None:
    """A member added a phone or changed their preferences: plan the current round of each
    of their groups again (what is still to come for them). Nothing on a database whose
    schema predates the arisan (``rukun db downgrade``, the migration tests)."""
    if not inspect(db.session.connection()).has_table(ArisanRound.__tablename__):
        return
    latest = (
        select(ArisanRound.group_id, func.max(ArisanRound.number).label("number"))
        .join(ArisanMember, ArisanMember.group_id == ArisanRound.group_id)
        .where(ArisanMember.user_id.in_(list(user_ids)))
        .group_by(ArisanRound.group_id)
        .subquery()
    )
    rounds = db.session.scalars(
        select(ArisanRound).join(
            latest,
            (latest.c.group_id == ArisanRound.group_id) & (latest.c.number == ArisanRound.number),
        )
    )
    for round_ in rounds:
        _plan_one(round_, now)


def forget_name(name: str, round_ids: Iterable[int]) -> None:
    """An account goes: no winner (or turn) push of these rounds names them any more, "warga
    terhapus" instead, whether sent or cancelled (the outbox's ledger), still to go (planned
    again by :func:`note_round` too), or their own."""
    rows = db.session.scalars(
        select(PushMessage).where(
            PushMessage.kind == WINNER,
            PushMessage.ref.in_([ref_of(r) for r in round_ids]),
        )
    )
    for row in rows:
        payload = json.loads(row.payload)
        title = payload.get("title", "")
        if name in title:
            payload["title"] = title.replace(name, "warga terhapus")
            row.payload = outbox.encode(payload)


def ref_of(round_id: int) -> str:
    return f"arisan-round:{round_id}"


def note_round(round_id: int) -> None:
    """Payments or the draw of the round changed in this transaction: plan at the commit."""
    planning.note(db.session(), plan_round, round_id)


def _members(group_id: int) -> list[tuple[int, int, str]]:
    """(slot id or 0 for a member without a slot, user id, language) of members with an
    account."""
    rows = db.session.execute(
        select(ArisanSlot.id, User.id, User.language)
        .select_from(ArisanMember)
        .join(User, User.id == ArisanMember.user_id)
        .outerjoin(ArisanSlot, ArisanSlot.member_id == ArisanMember.id)
        .where(ArisanMember.group_id == group_id)
    )
    return [(slot_id or 0, user_id, language or "id") for slot_id, user_id, language in rows]


def _url(round_: ArisanRound) -> str:
    return f"/arisan/{round_.group_id}/putaran/{round_.number}"


def plan_round(items: Iterable[Hashable], *, now: datetime) -> None:
    for round_id in items:
        round_ = db.session.get(ArisanRound, round_id)
        if round_ is not None:
            _plan_one(round_, now)


def _plan_one(round_: ArisanRound, now: datetime) -> None:
    from community.arisan import services  # services note this planner

    group = round_.group
    entries = services.entries_of(group, round_.id)
    members = _members(group.id)
    languages = {user_id: language for _slot, user_id, language in members}
    paid = rules.paid_slots(entries, round_.id, group.contribution_idr)
    owing = rules.members_to_remind([(s, u) for s, u, _lang in members if s], paid)
    slots_of: dict[int, list[int]] = {}
    for slot_id, user_id, _lang in members:
        slots_of.setdefault(user_id, []).append(slot_id)
    starts_at = services.meeting_start(group, round_.number)
    if round_.activity is not None:
        starts_at = round_.activity.starts_at
    # A dissolved group holds no more meetings: nobody is reminded.
    due = None if group.dissolved_at is not None else rules.reminder_due(starts_at, now)
    ref = ref_of(round_.id)

    def remind(person, round_=round_, due=due, starts_at=starts_at):
        if due is None or person.user_id not in owing:
            return []
        with force_locale(languages[person.user_id]):
            payload = {
                "title": _("Besok arisan %(name)s", name=group.name)[:120],
                "body": _("Iuran Anda untuk putaran %(n)s belum tercatat lunas.",
                          n=round_.number),
                "url": _url(round_),
                "tag": f"rukun-a{round_.id}",
            }  # fmt: skip
        when = delivery.deliver_at(due, starts_at=starts_at, quiet_start=person.quiet_start,
                                   quiet_end=person.quiet_end)  # fmt: skip
        # A koreksi of their payment makes a new reminder (a cancelled one stays so).
        again = rules.reversals(entries, slots_of[person.user_id])
        subject = f"a{round_.id}:iuran:{again}"
        return [outbox.Message(user_id=person.user_id, subject=subject, due_at=when,
                               payload=payload, topic=f"rukun-a{round_.id}",
                               expires_at=starts_at)]  # fmt: skip

    outbox.plan(ref, REMINDER, languages, remind, now=now)

    drawn = services.current_draw(round_)
    names: list[str | None] = []  # None: the winner deleted their account
    if drawn is not None:
        # Asked of the database, not the session: an account deleted in this transaction
        # may still hang on its member row there.
        found = dict(db.session.execute(
            select(ArisanSlot.id, func.coalesce(User.name, ArisanMember.name))
            .join(ArisanMember, ArisanMember.id == ArisanSlot.member_id)
            .outerjoin(User, User.id == ArisanMember.user_id)
            .where(ArisanSlot.id.in_(drawn.winner_ids))
        ).all())  # fmt: skip
        names = [found.get(slot_id) for slot_id in drawn.winner_ids]

    def announce(person, round_=round_, drawn=drawn, names=names):
        if drawn is None:
            return []
        with force_locale(languages[person.user_id]):
            shown = [n or _("warga terhapus") for n in names]
            payload = {
                "title": (
                    _("Giliran arisan: %(names)s", names=", ".join(shown))
                    if drawn.kind == "urut"  # urutan tetap: a turn, not a draw
                    else _("Pemenang kocokan: %(names)s", names=", ".join(shown))
                )[:120],
                "body": _("%(name)s, putaran %(n)s", name=group.name, n=round_.number),
                "url": _url(round_),
                "tag": f"rukun-k{round_.id}",
            }
        when = delivery.outside_quiet_hours(drawn.at, person.quiet_start, person.quiet_end)
        subject = f"a{round_.id}:menang:{drawn.attempt}"
        return [outbox.Message(user_id=person.user_id, subject=subject,
                               due_at=max(when, now), payload=payload,
                               topic=f"rukun-k{round_.id}")]  # fmt: skip

    outbox.plan(ref, WINNER, languages, announce, now=now)
