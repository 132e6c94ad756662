"""Reads: the proposals and polls a person sees on /musyawarah, a proposal's supports,
comments and history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from community.accounts.models import User
from community.areas.models import Wilayah
from community.extensions import db
from community.musyawarah import rules
from community.musyawarah.models import (
    Minutes,
    MinutesPoll,
    MinutesProposal,
    MinutesRevision,
    PaperTally,
    Poll,
    Proposal,
    ProposalComment,
    ProposalStatusChange,
    ProposalSupport,
    TimeMark,
    TimeOption,
    TimePoll,
)

# The page lists the newest; a kelurahan admin's whole subtree would not fit on a phone.
LIST_LIMIT = 50
# What notulen may attach: the newest proposals and polls of the meeting's wilayah; a
# meeting settles a handful, and a longer list of boxes does not fit a phone.
ATTACHABLE_LIMIT = 30


def get_proposal(proposal_id: int) -> Proposal | None:
    return db.session.get(Proposal, proposal_id)


def get_poll(poll_id: int) -> Poll | None:
    return db.session.get(Poll, poll_id)


def _seen_by(user: User, wilayah_id):
    """The wilayah of the user's RT and its ancestors, and the subtrees where they hold a
    role (a pengurus sees what is proposed below them)."""
    ids = set(user.rt.ancestor_ids) if user.rt is not None else set()
    ids.update(a.wilayah_id for a in user.roles)
    paths = [a.wilayah.path for a in user.roles]
    if not paths:
        return wilayah_id.in_(sorted(ids))
    below = select(Wilayah.id).where(or_(*(Wilayah.path.startswith(p) for p in paths)))
    return or_(wilayah_id.in_(sorted(ids)), wilayah_id.in_(below))


@dataclass(frozen=True)
class ProposalLine:
    proposal: Proposal
    supports: int


def count_supports_column():
    return (
        select(func.count(ProposalSupport.id))
        .where(ProposalSupport.proposal_id == Proposal.id)
        .correlate(Proposal)
        .scalar_subquery()
    )


def list_proposals(user: User) -> list[ProposalLine]:
    """The newest proposals the user sees, with their support counts (one query)."""
    rows = db.session.execute(
        select(Proposal, count_supports_column())
        .where(_seen_by(user, Proposal.wilayah_id))
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())
        .limit(LIST_LIMIT)
    ).all()
    return [ProposalLine(p, n) for p, n in rows]


def list_polls(user: User) -> list[Poll]:
    """The newest polls the user sees."""
    return list(
        db.session.scalars(
            select(Poll)
            .where(_seen_by(user, Poll.wilayah_id))
            .order_by(Poll.closes_at.desc(), Poll.id.desc())
            .limit(LIST_LIMIT)
        )
    )


@dataclass(frozen=True)
class Support:
    count: int
    mine: bool


def get_support(proposal: Proposal, user: User) -> Support:
    """How many support it, and whether ``user`` does (one query)."""
    mine = (
        select(func.count(ProposalSupport.id))
        .where(ProposalSupport.proposal_id == proposal.id, ProposalSupport.user_id == user.id)
        .scalar_subquery()
    )
    total = (
        select(func.count(ProposalSupport.id))
        .where(ProposalSupport.proposal_id == proposal.id)
        .scalar_subquery()
    )
    n, own = db.session.execute(select(total, mine)).one()
    return Support(n, bool(own))


def list_comments(proposal: Proposal) -> list[ProposalComment]:
    return list(
        db.session.scalars(
            select(ProposalComment)
            .where(ProposalComment.proposal_id == proposal.id)
            .order_by(ProposalComment.created_at, ProposalComment.id)
        )
    )


def list_history(proposal: Proposal) -> list[ProposalStatusChange]:
    return list(
        db.session.scalars(
            select(ProposalStatusChange)
            .where(ProposalStatusChange.proposal_id == proposal.id)
            .order_by(ProposalStatusChange.changed_at, ProposalStatusChange.id)
        )
    )


# --- notulen -----------------------------------------------------------------------------


def get_minutes(activity_id: int) -> Minutes | None:
    return db.session.scalar(select(Minutes).where(Minutes.activity_id == activity_id))


def list_revisions(minutes: Minutes) -> list[MinutesRevision]:
    """Every save, the first (who wrote it) first."""
    return list(
        db.session.scalars(
            select(MinutesRevision)
            .where(MinutesRevision.minutes_id == minutes.id)
            .order_by(MinutesRevision.edited_at, MinutesRevision.id)
        )
    )


def _subtree(wilayah: Wilayah):
    return select(Wilayah.id).where(Wilayah.path.startswith(wilayah.path))


def list_attachable_proposals(wilayah: Wilayah) -> list[Proposal]:
    """What a meeting of ``wilayah`` may have settled: the newest proposals lying in its
    subtree or proposed there (a forwarded one is still its RT's)."""
    below = _subtree(wilayah)
    return list(
        db.session.scalars(
            select(Proposal)
            .where(or_(Proposal.wilayah_id.in_(below), Proposal.origin_wilayah_id.in_(below)))
            .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
            .limit(ATTACHABLE_LIMIT)
        )
    )


def list_attachable_polls(wilayah: Wilayah) -> list[Poll]:
    """The newest polls of ``wilayah``'s subtree."""
    return list(
        db.session.scalars(
            select(Poll)
            .where(Poll.wilayah_id.in_(_subtree(wilayah)))
            .order_by(Poll.closes_at.desc(), Poll.id.desc())
            .limit(ATTACHABLE_LIMIT)
        )
    )


def list_minutes_about_proposal(proposal_id: int) -> list[Minutes]:
    """The notulen of the meetings that took up this proposal."""
    return list(
        db.session.scalars(
            select(Minutes)
            .join(MinutesProposal, MinutesProposal.minutes_id == Minutes.id)
            .where(MinutesProposal.proposal_id == proposal_id)
            .order_by(Minutes.written_at)
        )
    )


def list_minutes_about_poll(poll_id: int) -> list[Minutes]:
    """The notulen of the meetings that took up this poll's result."""
    return list(
        db.session.scalars(
            select(Minutes)
            .join(MinutesPoll, MinutesPoll.minutes_id == Minutes.id)
            .where(MinutesPoll.poll_id == poll_id)
            .order_by(Minutes.written_at)
        )
    )


# --- the Musrenbang export ---------------------------------------------------------------


def list_musrenbang(wilayah: Wilayah) -> list[ProposalLine]:
    """Every proposal lying in ``wilayah``'s subtree or proposed there, with its support
    count, in :func:`rules.musrenbang_order` (one query, whatever the number)."""
    below = _subtree(wilayah)
    rows = db.session.execute(
        select(Proposal, count_supports_column())
        .options(joinedload(Proposal.origin_wilayah))
        .where(or_(Proposal.wilayah_id.in_(below), Proposal.origin_wilayah_id.in_(below)))
    ).all()
    lines = [ProposalLine(p, n) for p, n in rows]
    return sorted(
        lines,
        key=lambda line: rules.musrenbang_order(
            line.proposal.category, line.proposal.origin_wilayah.full_name, line.supports,
            line.proposal.id,
        ),
    )  # fmt: skip


def list_priority_polls(wilayah: Wilayah, now: datetime) -> list[Poll]:
    """The ranking polls of ``wilayah``'s subtree that have closed (their results are
    out), newest first, at most ``rules.MUSRENBANG_PRIORITY_POLLS``: the priorities the
    wilayah set for the Musrenbang."""
    return list(
        db.session.scalars(
            select(Poll)
            .where(Poll.wilayah_id.in_(_subtree(wilayah)), Poll.kind == rules.PollKind.PERINGKAT,
                   Poll.closes_at <= now)
            .order_by(Poll.closes_at.desc(), Poll.id.desc())
            .limit(rules.MUSRENBANG_PRIORITY_POLLS)
        )
    )  # fmt: skip


def list_paper_tallies(poll: Poll) -> list[PaperTally]:
    """The paper batches entered for ``poll``, oldest first, with who entered them (and
    who withdrew them)."""
    return list(
        db.session.scalars(
            select(PaperTally)
            .where(PaperTally.poll_id == poll.id)
            .order_by(PaperTally.entered_at, PaperTally.id)
        )
    )


def get_paper_tally(poll: Poll, tally_id: int) -> PaperTally | None:
    """A paper batch of ``poll`` (None for another poll's, or none)."""
    batch = db.session.get(PaperTally, tally_id)
    return batch if batch is not None and batch.poll_id == poll.id else None


# --- time polls --------------------------------------------------------------------------


def get_time_poll(poll_id: int) -> TimePoll | None:
    return db.session.get(TimePoll, poll_id)


def list_time_polls(user: User) -> list[TimePoll]:
    """The newest time polls the user sees."""
    return list(
        db.session.scalars(
            select(TimePoll)
            .where(_seen_by(user, TimePoll.wilayah_id))
            .order_by(TimePoll.created_at.desc(), TimePoll.id.desc())
            .limit(LIST_LIMIT)
        )
    )


def count_marks(poll: TimePoll) -> dict[int, int]:
    """How many can attend at each time, in the poll's order (one query)."""
    found = dict(
        db.session.execute(
            select(TimeOption.id, func.count(TimeMark.user_id))
            .outerjoin(TimeMark, TimeMark.option_id == TimeOption.id)
            .where(TimeOption.time_poll_id == poll.id)
            .group_by(TimeOption.id)
        ).all()
    )
    return {o.id: found.get(o.id, 0) for o in poll.options}


def my_marks(poll: TimePoll, user: User) -> list[int]:
    return list(
        db.session.scalars(
            select(TimeMark.option_id)
            .join(TimeOption, TimeOption.id == TimeMark.option_id)
            .where(TimeOption.time_poll_id == poll.id, TimeMark.user_id == user.id)
        )
    )
