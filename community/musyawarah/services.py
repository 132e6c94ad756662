"""Proposals (propose, support, comment, move through the status flow) and polls (create,
vote, count). Services flush; the route commits. The caller has checked that the person
may see the proposal or poll (``require(Action.VIEW, ...)``) or manage it
(``Action.MANAGE_ACTIVITIES``); what depends on where the person lives is checked here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, select
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.areas.models import Wilayah
from community.core.errors import DomainError
from community.extensions import db
from community.musyawarah import notices, rules
from community.musyawarah.models import (
    Ballot,
    BallotChoice,
    Minutes,
    MinutesPoll,
    MinutesProposal,
    MinutesRevision,
    PaperTally,
    PaperTallyCount,
    PaperTallyRank,
    Poll,
    PollOption,
    PollVoter,
    Proposal,
    ProposalComment,
    ProposalStatusChange,
    ProposalSupport,
    TimeMark,
    TimeOption,
    TimePoll,
)
from community.musyawarah.rules import MusyawarahError as E


class MusyawarahRefused(DomainError):
    """``code`` is a :class:`rules.MusyawarahError`."""


def lives_in(user: User, wilayah: Wilayah) -> bool:
    """True when ``user``'s RT lies in ``wilayah``'s subtree (now)."""
    home = user.home_rt_path
    return home is not None and home.startswith(wilayah.path)


# --- proposals ---------------------------------------------------------------------------


def proposal_targets(user: User) -> list[Wilayah]:
    """Where ``user`` may send a proposal: their RT, its RW and the kelurahan (nearest
    first); nothing before they join an RT."""
    if user.rt is None:
        return []
    ids = user.rt.ancestor_ids
    found = db.session.scalars(
        select(Wilayah).where(Wilayah.id.in_(ids), Wilayah.level.in_(rules.PROPOSAL_LEVELS))
    ).all()
    return sorted(found, key=lambda w: -len(w.path))


def propose(
    wilayah: Wilayah,
    *,
    by: User,
    title: str,
    body: str,
    category: str,
    location: str,
    now: datetime,
    photo_name: str | None = None,
) -> Proposal:
    """A new proposal to ``wilayah`` (one of :func:`proposal_targets`), status diajukan,
    with its first history step (and the stored photo ``photo_name``, if any)."""
    if wilayah.id not in {w.id for w in proposal_targets(by)}:
        raise MusyawarahRefused(E.NOT_RESIDENT)
    proposal = Proposal(
        wilayah_id=wilayah.id,
        origin_wilayah_id=wilayah.id,
        author_id=by.id,
        title=title,
        body=body,
        category=category,
        location=location,
        photo_name=photo_name,
        status=rules.Status.DIAJUKAN,
        created_at=now,
        updated_at=now,
    )
    db.session.add(proposal)
    db.session.flush()
    db.session.add(
        ProposalStatusChange(
            proposal_id=proposal.id, changed_by_id=by.id, from_status=None,
            to_status=rules.Status.DIAJUKAN, wilayah_id=wilayah.id, reason="", changed_at=now,
        )
    )  # fmt: skip
    db.session.flush()
    return proposal


def _check_support(proposal: Proposal, user: User) -> None:
    problem = rules.support_problem(
        proposal.status,
        is_author=proposal.author_id == user.id,
        lives_in_scope=lives_in(user, proposal.wilayah),
    )
    if problem is not None:
        raise MusyawarahRefused(problem)


def support(proposal: Proposal, user: User, *, now: datetime) -> bool:
    """Add ``user``'s support; False when they already support it (the unique constraint
    decides between two taps at once)."""
    _check_support(proposal, user)
    try:
        with db.session.begin_nested():
            db.session.add(
                ProposalSupport(proposal_id=proposal.id, user_id=user.id, created_at=now)
            )
    except IntegrityError:
        return False
    return True


def unsupport(proposal: Proposal, user: User) -> bool:
    """Withdraw ``user``'s support; False when there was none."""
    _check_support(proposal, user)
    done = db.session.execute(
        delete(ProposalSupport).where(
            ProposalSupport.proposal_id == proposal.id, ProposalSupport.user_id == user.id
        )
    )
    return bool(done.rowcount)


def comment(proposal: Proposal, user: User, body: str, *, now: datetime) -> ProposalComment:
    """A comment by anyone who may see the proposal."""
    found = ProposalComment(proposal_id=proposal.id, author_id=user.id, body=body, created_at=now)
    db.session.add(found)
    db.session.flush()
    return found


def change_status(
    proposal: Proposal, target: str, *, by: User, reason: str, now: datetime
) -> ProposalStatusChange:
    """Move the proposal to ``target`` (the caller checked that ``by`` manages its
    wilayah). Forwarding moves it to the parent wilayah; supports and history stay. The
    status is changed with a guarded UPDATE, so two pengurus pressing at once make one
    step."""
    problem = rules.transition_problem(proposal.status, target, proposal.wilayah.level, reason)
    if problem is not None:
        raise MusyawarahRefused(problem)
    wilayah_id = proposal.wilayah_id
    if target == rules.Status.DITERUSKAN:
        wilayah_id = proposal.wilayah.parent_id
    current = proposal.status
    done = db.session.execute(
        Proposal.__table__.update()
        .where(Proposal.id == proposal.id, Proposal.status == current)
        .where(Proposal.wilayah_id == proposal.wilayah_id)
        .values(status=target, wilayah_id=wilayah_id, updated_at=now)
    )
    if done.rowcount != 1:
        raise MusyawarahRefused(E.STATUS_NOT_ALLOWED)
    step = ProposalStatusChange(
        proposal_id=proposal.id, changed_by_id=by.id, from_status=current, to_status=target,
        wilayah_id=wilayah_id, reason=reason, changed_at=now,
    )  # fmt: skip
    db.session.add(step)
    db.session.flush()
    db.session.expire(proposal)
    notices.note_decision(step.id)  # a push to the wilayah when it was decided
    return step


# --- polls -------------------------------------------------------------------------------


def create_poll(
    wilayah: Wilayah,
    *,
    by: User,
    question: str,
    description: str,
    kind: str,
    options: Sequence[str],
    max_choices: int,
    is_secret: bool,
    shows_live: bool,
    opens_at: datetime,
    closes_at: datetime,
    now: datetime,
) -> Poll:
    """A new poll for the residents of ``wilayah``'s subtree (the caller checked that
    ``by`` organises there)."""
    problem = rules.poll_problem(kind, options, max_choices, opens_at, closes_at, now)
    if problem is not None:
        raise MusyawarahRefused(problem)
    poll = Poll(
        wilayah_id=wilayah.id, created_by_id=by.id, question=question, description=description,
        kind=kind, max_choices=rules.max_choices_allowed(kind, max_choices), is_secret=is_secret,
        shows_live=shows_live, opens_at=opens_at, closes_at=closes_at, created_at=now,
    )  # fmt: skip
    poll.options = [PollOption(label=label, position=i) for i, label in enumerate(options, 1)]
    db.session.add(poll)
    db.session.flush()
    notices.note_poll(poll.id)  # a push to the wilayah's residents when it opens
    return poll


def has_voted(poll: Poll, user: User) -> bool:
    return (
        db.session.scalar(
            select(PollVoter.id).where(PollVoter.poll_id == poll.id, PollVoter.user_id == user.id)
        )
        is not None
    )


def my_choices(poll: Poll, user: User) -> list[int]:
    """The option ids of ``user``'s open ballot, in rank order (empty for a secret one)."""
    if poll.is_secret:
        return []
    return list(
        db.session.scalars(
            select(BallotChoice.option_id)
            .join(Ballot, Ballot.id == BallotChoice.ballot_id)
            .where(Ballot.poll_id == poll.id, Ballot.voter_id == user.id)
            .order_by(BallotChoice.rank)
        )
    )


def vote(poll: Poll, user: User, choices: Sequence[int], *, now: datetime) -> None:
    """Cast ``user``'s ballot (or, on an open ballot, replace it). Refused before opening,
    after closing, for someone not living in the poll's wilayah at this moment, for a bad
    ballot, and for a second secret vote: nothing is changed then."""
    voted = has_voted(poll, user)
    state = rules.poll_state(poll.opens_at, poll.closes_at, now)
    problem = rules.vote_problem(
        state, lives_in_scope=lives_in(user, poll.wilayah), is_secret=poll.is_secret,
        has_voted=voted,
    ) or rules.ballot_problem(poll.kind, choices, {o.id for o in poll.options}, poll.max_choices)  # fmt: skip
    if problem is not None:
        raise MusyawarahRefused(problem)
    try:
        with db.session.begin_nested():
            if voted:
                mine = select(Ballot.id).where(
                    Ballot.poll_id == poll.id, Ballot.voter_id == user.id
                )
                db.session.execute(delete(BallotChoice).where(BallotChoice.ballot_id.in_(mine)))
                db.session.execute(delete(Ballot).where(Ballot.id.in_(mine)))
            else:
                db.session.add(PollVoter(poll_id=poll.id, user_id=user.id))
            ballot = Ballot(poll_id=poll.id, voter_id=None if poll.is_secret else user.id)
            ballot.choices = [
                BallotChoice(option_id=option, rank=rank) for rank, option in enumerate(choices, 1)
            ]
            db.session.add(ballot)
            if not voted:
                notices.note_voted(poll.id, user.id)  # no "segera ditutup" reminder for them
    except IntegrityError:
        # the same person voted at the same moment from another tab: one ballot stays
        raise MusyawarahRefused(E.ALREADY_VOTED) from None


@dataclass(frozen=True)
class Results:
    """``tally`` counts every ballot, on a phone and on paper; ``paper`` is the paper's
    points per option (its marks; Borda points for a ranking), shown apart. ``ballots`` and ``eligible`` include the paper ballots
    (their voters have no account, so they are not among the residents counted)."""

    tally: rules.Tally
    options: dict[int, str]  # id -> label, in the poll's order
    ballots: int
    eligible: int
    paper: dict[int, int]
    paper_ballots: int

    @property
    def turnout(self) -> int:
        return rules.turnout_percent(self.ballots, self.eligible)


def count_eligible(poll: Poll) -> tuple[int, int]:
    """``(voted, eligible)``: eligible are the residents of the subtree now, plus those who
    voted and have since moved away or deleted their account (they were eligible when
    they voted), plus the paper ballots (from residents without an account); voted are
    the phone ballots and the paper ones. Four counts in one query."""
    subtree = select(Wilayah.id).where(Wilayah.path.startswith(poll.wilayah.path))
    residents = select(func.count(User.id)).where(User.rt_id.in_(subtree)).scalar_subquery()
    voted = select(func.count(PollVoter.id)).where(PollVoter.poll_id == poll.id).scalar_subquery()
    here = (
        select(func.count(PollVoter.id))
        .join(User, User.id == PollVoter.user_id)
        .where(PollVoter.poll_id == poll.id, User.rt_id.in_(subtree))
        .scalar_subquery()
    )
    paper = PaperTally.counted_ballots(poll.id)
    n_residents, n_voted, n_here, n_paper = db.session.execute(
        select(residents, voted, here, paper)
    ).one()
    return n_voted + n_paper, n_residents + n_voted - n_here + n_paper


def paper_counts(poll: Poll) -> tuple[int, dict[int, int]]:
    """``(paper ballots, points per option)`` of every batch entered and not withdrawn: a
    mark is a point for a single or multiple choice; a ranking's places give Borda
    points."""
    in_poll = and_(PaperTally.poll_id == poll.id, PaperTally.is_counted)
    if poll.kind == rules.PollKind.PERINGKAT:
        marks = db.session.execute(
            select(PaperTally.ballots, PaperTallyRank.option_id, PaperTallyRank.place)
            .join(PaperTallyRank, PaperTallyRank.tally_id == PaperTally.id)
            .where(in_poll)
        ).all()
        points = rules.paper_ranking_points(marks, len(poll.options))
    else:
        points = dict(
            db.session.execute(
                select(PaperTallyCount.option_id, func.sum(PaperTallyCount.votes))
                .join(PaperTally, PaperTally.id == PaperTallyCount.tally_id)
                .where(in_poll)
                .group_by(PaperTallyCount.option_id)
            ).all()
        )
    return paper_ballots(poll), {o: int(n) for o, n in points.items()}


def paper_ballots(poll: Poll) -> int:
    """How many paper ballots count for ``poll`` (withdrawn batches left out)."""
    return db.session.scalar(select(PaperTally.counted_ballots(poll.id)))


def results(poll: Poll) -> Results:
    """The tally of every ballot cast, on a phone and on paper, with turnout."""
    rows = db.session.execute(
        select(BallotChoice.ballot_id, BallotChoice.option_id)
        .join(Ballot, Ballot.id == BallotChoice.ballot_id)
        .where(Ballot.poll_id == poll.id)
        .order_by(BallotChoice.ballot_id, BallotChoice.rank)
    ).all()
    ballots: dict[str, list[int]] = {}
    for ballot_id, option_id in rows:
        ballots.setdefault(ballot_id, []).append(option_id)
    options = {o.id: o.label for o in poll.options}
    voted, eligible = count_eligible(poll)
    paper_ballots, paper = paper_counts(poll)
    tally = rules.with_paper(rules.count(poll.kind, list(ballots.values()), list(options)), paper)
    return Results(tally, options, voted, eligible, paper, paper_ballots)


def _paper_batch(poll: Poll, by: User, ballots: int, now: datetime) -> PaperTally:
    batch = PaperTally(poll_id=poll.id, ballots=ballots, entered_by_id=by.id, entered_at=now)
    db.session.add(batch)
    db.session.flush()
    return batch


def enter_paper(
    poll: Poll, *, by: User, ballots: int, votes: dict[int, int], now: datetime
) -> PaperTally:
    """Add a batch of ``ballots`` paper ballots of a single or multiple choice with
    ``votes`` marks per option id (the caller checked that ``by`` manages the poll's
    wilayah). Logged with who and when; refused before opening, after the grace days, or
    with counts that do not add up."""
    option_ids = [o.id for o in poll.options]
    counts = [votes.get(o, 0) for o in option_ids]
    problem = rules.paper_problem(
        poll.kind, opens_at=poll.opens_at, closes_at=poll.closes_at, now=now, ballots=ballots,
        votes=counts, max_choices=poll.max_choices,
    )  # fmt: skip
    if problem is not None:
        raise MusyawarahRefused(problem)
    batch = _paper_batch(poll, by, ballots, now)
    db.session.add_all(
        PaperTallyCount(tally_id=batch.id, option_id=o, votes=n)
        for o, n in zip(option_ids, counts, strict=True)
    )
    db.session.flush()
    return batch


def enter_paper_ranking(
    poll: Poll, *, by: User, ballots: int, order: Sequence[int], now: datetime
) -> PaperTally:
    """Add ``ballots`` ranked paper ballots that all rank the options in ``order`` (option
    ids, first place first; empty for blank ballots). Logged with who and when; refused
    before opening, after the grace days, or with an order a ballot may not have."""
    problem = rules.paper_ranking_problem(
        order, {o.id for o in poll.options}, opens_at=poll.opens_at, closes_at=poll.closes_at,
        now=now, ballots=ballots, max_choices=poll.max_choices,
    )  # fmt: skip
    if problem is not None:
        raise MusyawarahRefused(problem)
    batch = _paper_batch(poll, by, ballots, now)
    db.session.add_all(
        PaperTallyRank(tally_id=batch.id, place=place, option_id=option)
        for place, option in enumerate(order, start=1)
    )
    db.session.flush()
    return batch


def withdraw_paper(poll: Poll, batch: PaperTally, *, by: User, now: datetime) -> None:
    """Take back a batch of paper ballots entered by mistake (the caller checked that
    ``by`` manages the poll's wilayah): it stays in the log with who withdrew it and when,
    and no longer counts. Refused twice, or once the grace days are over."""
    problem = rules.paper_withdraw_problem(
        closes_at=poll.closes_at, now=now, withdrawn=batch.withdrawn_at is not None
    )
    if problem is not None:
        raise MusyawarahRefused(problem)
    batch.withdrawn_at, batch.withdrawn_by_id = now, by.id
    db.session.flush()


# --- notulen -----------------------------------------------------------------------------


def write_minutes(
    activity,
    *,
    by: User,
    body: str,
    proposal_ids: Sequence[int],
    poll_ids: Sequence[int],
    now: datetime,
) -> Minutes:
    """Write or change the notulen of ``activity`` (a musyawarah meeting; the caller
    checked that ``by`` organises it, and that the ids are among what it may attach). Every
    save keeps a revision with who and when; the attached proposals and polls become
    exactly ``proposal_ids`` and ``poll_ids``."""
    problem = rules.minutes_problem(
        activity.kind, is_cancelled=activity.is_cancelled, starts_at=activity.starts_at, now=now
    )
    if problem is not None:
        raise MusyawarahRefused(problem)
    minutes = db.session.scalar(select(Minutes).where(Minutes.activity_id == activity.id))
    if minutes is None:
        try:
            with db.session.begin_nested():
                minutes = Minutes(activity_id=activity.id, body=body, written_by_id=by.id,
                                  written_at=now, updated_at=now)  # fmt: skip
                db.session.add(minutes)
        except IntegrityError:
            # another organiser wrote the first version at the same moment: this is an edit
            minutes = db.session.scalar(select(Minutes).where(Minutes.activity_id == activity.id))
    minutes.body = body
    minutes.updated_at = now
    db.session.add(MinutesRevision(minutes_id=minutes.id, edited_by_id=by.id, edited_at=now,
                                   body=body))  # fmt: skip
    db.session.execute(delete(MinutesProposal).where(MinutesProposal.minutes_id == minutes.id))
    db.session.execute(delete(MinutesPoll).where(MinutesPoll.minutes_id == minutes.id))
    db.session.add_all(MinutesProposal(minutes_id=minutes.id, proposal_id=p)
                       for p in sorted(set(proposal_ids)))  # fmt: skip
    db.session.add_all(MinutesPoll(minutes_id=minutes.id, poll_id=p) for p in sorted(set(poll_ids)))
    db.session.flush()
    db.session.expire(minutes)
    return minutes


# --- time polls --------------------------------------------------------------------------


def create_time_poll(
    wilayah: Wilayah, *, by: User, title: str, place: str, times: Sequence[datetime],
    now: datetime,
) -> TimePoll:  # fmt: skip
    """A time poll for the residents of ``wilayah`` (the caller checked that ``by``
    organises there)."""
    problem = rules.time_poll_problem(times, now)
    if problem is not None:
        raise MusyawarahRefused(problem)
    poll = TimePoll(wilayah_id=wilayah.id, created_by_id=by.id, title=title, place=place,
                    created_at=now)  # fmt: skip
    poll.options = [TimeOption(starts_at=t) for t in sorted(times)]
    db.session.add(poll)
    db.session.flush()
    notices.note_time_poll(poll.id)  # a push to the wilayah's residents
    return poll


def mark_times(poll: TimePoll, user: User, option_ids: Sequence[int]) -> None:
    """``user``'s ticks become exactly ``option_ids`` (none: they can come at no time)."""
    problem = rules.mark_problem(
        is_decided=poll.chosen_option_id is not None, lives_in_scope=lives_in(user, poll.wilayah)
    )
    if problem is not None:
        raise MusyawarahRefused(problem)
    known = {o.id for o in poll.options}
    db.session.execute(
        delete(TimeMark).where(TimeMark.user_id == user.id, TimeMark.option_id.in_(known))
    )
    db.session.add_all(
        TimeMark(option_id=o, user_id=user.id) for o in sorted(set(option_ids) & known)
    )
    db.session.flush()


def pick_time(poll: TimePoll, option: TimeOption, *, by: User, now: datetime):
    """The organiser picks ``option``: the musyawarah activity is made at that time in the
    poll's wilayah (for :data:`rules.MEETING_HOURS`), once; a guarded UPDATE keeps two
    organisers pressing at once from making two."""
    from community.events import services as events

    problem = rules.pick_problem(
        is_decided=poll.chosen_option_id is not None, starts_at=option.starts_at, now=now
    )
    if problem is not None:
        raise MusyawarahRefused(problem)
    done = db.session.execute(
        TimePoll.__table__.update()
        .where(TimePoll.id == poll.id, TimePoll.chosen_option_id.is_(None))
        .values(chosen_option_id=option.id)
    )
    if done.rowcount != 1:
        raise MusyawarahRefused(E.ALREADY_DECIDED)
    activity = events.create_activity(
        poll.wilayah, by=by, now=now, kind=rules.MEETING_KIND, title=poll.title, place=poll.place,
        starts_at=option.starts_at, ends_at=option.starts_at + timedelta(hours=rules.MEETING_HOURS),
    )  # fmt: skip
    db.session.execute(
        TimePoll.__table__.update().where(TimePoll.id == poll.id).values(activity_id=activity.id)
    )
    db.session.expire(poll)
    notices.note_time_picked(poll.id, by.id)  # a push to those who ticked a time
    return activity
