"""Musyawarah as a push (#16), to everyone living in the wilayah's subtree who has a device
and wants "Musyawarah" (``wants_musyawarah``), at once or at the end of their quiet hours:

- a new poll, when it opens (``poll:<id>``); the one who made it is not told;
- a poll about to close (``poll-closing:<id>``, :func:`rules.closing_reminder_at`), to
  those who have not voted: planned with the poll, and withdrawn for a resident at the
  commit of their vote (:func:`note_voted`);
- a time poll ("Kapan musyawarah?", ``time-poll:<id>``) when it is made, to the residents
  of its wilayah but its maker; and the time picked (``time-picked:<id>``), to those who
  ticked a time, but the one who picked it;
- a decision on a proposal (diterima or ditolak), once per decision
  (``proposal-step:<id>``), to the residents of the wilayah it lies with; the one who
  decided is not told.

Planned at the commit that makes them (:func:`note_poll`, :func:`note_decision`), so a
rolled-back request sends nothing. Each person reads it in their own language; the payload
names the wilayah and the question or the proposal's title, never a person.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from community.accounts.models import User
from community.areas.models import Wilayah
from community.core.time import format_wita
from community.extensions import db
from community.musyawarah import rules
from community.musyawarah.models import (
    Poll,
    Proposal,
    ProposalStatusChange,
    TimeMark,
    TimeOption,
    TimePoll,
)
from community.notifications import outbox, planning
from community.notifications import rules as delivery

POLL_KIND = "new_poll"
CLOSING_KIND = "poll_closing"
TIME_POLL_KIND = "time_poll"
TIME_PICKED_KIND = "time_picked"
DECISION_KIND = "decision"
# The decisions residents are told of: the end of a proposal's road, yes or no.
DECISIONS = frozenset({rules.Status.DITERIMA, rules.Status.DITOLAK})


def note_poll(poll_id: int) -> None:
    """A poll was made in this transaction: plan its push at the commit."""
    planning.note(db.session(), plan_poll_pushes, poll_id)


def note_voted(poll_id: int, user_id: int) -> None:
    """``user_id`` voted in this transaction: withdraw their closing reminder at the commit."""
    planning.note(db.session(), withdraw_closing_reminders, (poll_id, user_id))


def note_time_poll(poll_id: int) -> None:
    """A time poll was made in this transaction: plan its push at the commit."""
    planning.note(db.session(), plan_time_poll_pushes, poll_id)


def note_time_picked(poll_id: int, by_id: int) -> None:
    """A time poll's time was picked in this transaction (by ``by_id``)."""
    planning.note(db.session(), plan_time_picked_pushes, (poll_id, by_id))


def note_decision(step_id: int) -> None:
    """A proposal's status changed in this transaction (``step_id``): if it was decided,
    plan the push at the commit."""
    planning.note(db.session(), plan_decision_pushes, step_id)


def _residents(wilayah: Wilayah, *, besides: int | None):
    subtree = select(Wilayah.id).where(Wilayah.path.startswith(wilayah.path))
    lives_there = [User.rt_id.in_(subtree)]
    if besides is not None:
        lives_there.append(User.id != besides)
    return lives_there


def _send(ref: str, kind: str, where, subject: str, payload_for, due: datetime, now: datetime):
    user_ids = outbox.with_devices(select(User.id).where(*where))
    languages = dict(db.session.execute(select(User.id, User.language).where(*where)).all())
    payloads = {lang: payload_for(lang) for lang in set(languages.values())}

    def build(person):
        return [
            outbox.Message(
                user_id=person.user_id,
                subject=subject,
                due_at=delivery.outside_quiet_hours(due, person.quiet_start, person.quiet_end),
                payload=payloads[languages[person.user_id]],
                topic=f"rukun-{subject}",
            )
        ]

    outbox.plan(ref, kind, user_ids, build, now=now)


def plan_poll_pushes(items: Iterable[Hashable], *, now: datetime) -> None:
    for poll_id in items:
        poll = db.session.get(Poll, poll_id)
        if poll is None:
            continue

        def payload(language: str, poll=poll) -> dict:
            with force_locale(language or "id"):
                title = _("Jajak pendapat baru %(wilayah)s", wilayah=poll.wilayah.full_name)
            return {"title": title[:120], "body": delivery.preview(poll.question),
                    "url": f"/jajak/{poll.id}", "tag": f"rukun-j{poll.id}"}  # fmt: skip

        where = _residents(poll.wilayah, besides=poll.created_by_id)
        _send(f"poll:{poll.id}", POLL_KIND, where, f"j{poll.id}", payload,
              max(now, poll.opens_at), now)  # fmt: skip

        def closing(language: str, poll=poll) -> dict:
            with force_locale(language or "id"):
                title = _("Jajak pendapat segera ditutup: %(wilayah)s",
                          wilayah=poll.wilayah.full_name)  # fmt: skip
                body = _("Anda belum memilih: %(question)s", question=poll.question)
            return {"title": title[:120], "body": delivery.preview(body),
                    "url": f"/jajak/{poll.id}", "tag": f"rukun-j{poll.id}"}  # fmt: skip

        reminder = rules.closing_reminder_at(poll.opens_at, poll.closes_at)
        if reminder > now:  # the maker votes too: everyone living there is reminded
            _send(f"poll-closing:{poll.id}", CLOSING_KIND, _residents(poll.wilayah, besides=None),
                  f"jt{poll.id}", closing, reminder, now)  # fmt: skip


def withdraw_closing_reminders(items: Iterable[Hashable], *, now: datetime) -> None:
    """Those who voted are not reminded (their pending reminder is cancelled)."""
    by_poll: dict[int, list[int]] = {}
    for poll_id, user_id in items:
        by_poll.setdefault(poll_id, []).append(user_id)
    for poll_id, user_ids in by_poll.items():
        outbox.plan(f"poll-closing:{poll_id}", CLOSING_KIND, user_ids, lambda person: [])


def plan_decision_pushes(items: Iterable[Hashable], *, now: datetime) -> None:
    for step_id in items:
        step = db.session.get(ProposalStatusChange, step_id)
        if step is None or step.to_status not in DECISIONS:
            continue
        proposal = db.session.get(Proposal, step.proposal_id)

        def payload(language: str, proposal=proposal, step=step) -> dict:
            with force_locale(language or "id"):
                if step.to_status == rules.Status.DITERIMA:
                    title = _("Usulan diterima: %(wilayah)s", wilayah=proposal.wilayah.full_name)
                else:
                    title = _("Usulan ditolak: %(wilayah)s", wilayah=proposal.wilayah.full_name)
            return {"title": title[:120], "body": delivery.preview(proposal.title),
                    "url": f"/usulan/{proposal.id}", "tag": f"rukun-u{proposal.id}"}  # fmt: skip

        where = _residents(proposal.wilayah, besides=step.changed_by_id)
        _send(f"proposal-step:{step.id}", DECISION_KIND, where, f"u{step.id}", payload, now, now)


def plan_time_poll_pushes(items: Iterable[Hashable], *, now: datetime) -> None:
    for poll_id in items:
        poll = db.session.get(TimePoll, poll_id)
        if poll is None:
            continue

        def payload(language: str, poll=poll) -> dict:
            with force_locale(language or "id"):
                title = _("Kapan musyawarah? %(wilayah)s", wilayah=poll.wilayah.full_name)
                body = _("Tandai waktu yang Anda bisa: %(title)s", title=poll.title)
            return {"title": title[:120], "body": delivery.preview(body),
                    "url": f"/waktu-musyawarah/{poll.id}", "tag": f"rukun-w{poll.id}"}  # fmt: skip

        where = _residents(poll.wilayah, besides=poll.created_by_id)
        _send(f"time-poll:{poll.id}", TIME_POLL_KIND, where, f"w{poll.id}", payload, now, now)


def plan_time_picked_pushes(items: Iterable[Hashable], *, now: datetime) -> None:
    for poll_id, by_id in items:
        poll = db.session.get(TimePoll, poll_id)
        if poll is None or poll.activity_id is None:
            continue
        chosen = db.session.get(TimeOption, poll.chosen_option_id)

        def payload(language: str, poll=poll, chosen=chosen) -> dict:
            with force_locale(language or "id"):
                when = format_wita(chosen.starts_at, language or "id", with_year=False)
                title = _("Musyawarah jadi: %(when)s", when=when)
            return {"title": title[:120], "body": delivery.preview(poll.title),
                    "url": f"/kegiatan/{poll.activity_id}", "tag": f"rukun-w{poll.id}"}  # fmt: skip

        ticked = (
            select(TimeMark.user_id)
            .join(TimeOption, TimeOption.id == TimeMark.option_id)
            .where(TimeOption.time_poll_id == poll.id)
        )
        where = [User.id.in_(ticked), User.id != by_id]
        _send(f"time-picked:{poll.id}", TIME_PICKED_KIND, where, f"wt{poll.id}", payload, now, now)
