"""What the musyawarah domain keeps about a person (UU PDP), and what deleting the account
does to it. In the download: the proposals they sent, the ones they support, their
comments, the polls they voted in and, for an open ballot, their choices, and the times
they said they can attend.

Deleting the account deletes their supports, comments and the times they ticked on a
time poll (``CASCADE``); their proposals,
the history steps they made, the polls they ran and their votes stay for the wilayah,
nameless (``SET NULL``), so counts and turnout do not change; a proposal's photo stays
with it (it shows the place, and the wilayah still decides on it). Notulen they wrote or
changed stay with the meeting, nameless. A secret ballot names nobody
in the first place.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from community.accounts.models import User
from community.core import privacy
from community.core.time import as_utc
from community.extensions import db
from community.musyawarah.models import (
    Ballot,
    BallotChoice,
    Poll,
    PollOption,
    PollVoter,
    Proposal,
    ProposalComment,
    ProposalSupport,
    TimeMark,
    TimeOption,
    TimePoll,
)


def _export_proposals(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Proposal).where(Proposal.author_id == user.id).order_by(Proposal.id)
    ).all()
    return [
        {
            "proposal": p.id,
            "wilayah": p.wilayah.full_name,
            "proposed_to": p.origin_wilayah.full_name,
            "title": p.title,
            "body": p.body,
            "category": p.category,
            "location": p.location,
            "has_photo": p.photo_name is not None,
            "status": p.status,
            "proposed_at": as_utc(p.created_at).isoformat(),
        }
        for p in rows
    ]


def _export_supports(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(ProposalSupport.proposal_id, ProposalSupport.created_at)
        .where(ProposalSupport.user_id == user.id)
        .order_by(ProposalSupport.created_at)
    ).all()
    return [{"proposal": p, "supported_at": as_utc(at).isoformat()} for p, at in rows]


def _export_comments(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(ProposalComment)
        .where(ProposalComment.author_id == user.id)
        .order_by(ProposalComment.id)
    ).all()
    return [
        {"proposal": c.proposal_id, "body": c.body, "written_at": as_utc(c.created_at).isoformat()}
        for c in rows
    ]


def _export_votes(user: User) -> list[dict[str, Any]]:
    polls = db.session.execute(
        select(Poll.id, Poll.question, Poll.is_secret)
        .join(PollVoter, PollVoter.poll_id == Poll.id)
        .where(PollVoter.user_id == user.id)
        .order_by(Poll.id)
    ).all()
    choices: dict[int, list[str]] = {}
    for poll_id, label in db.session.execute(
        select(Ballot.poll_id, PollOption.label)
        .join(BallotChoice, BallotChoice.ballot_id == Ballot.id)
        .join(PollOption, PollOption.id == BallotChoice.option_id)
        .where(Ballot.voter_id == user.id)
        .order_by(Ballot.poll_id, BallotChoice.rank)
    ):
        choices.setdefault(poll_id, []).append(label)
    return [
        {
            "poll": poll_id,
            "question": question,
            # A secret ballot names nobody: not even its voter can be shown it again.
            "choices": None if is_secret else choices.get(poll_id, []),
        }
        for poll_id, question, is_secret in polls
    ]


def _export_time_marks(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(TimePoll.id, TimePoll.title, TimeOption.starts_at)
        .join(TimeOption, TimeOption.time_poll_id == TimePoll.id)
        .join(TimeMark, TimeMark.option_id == TimeOption.id)
        .where(TimeMark.user_id == user.id)
        .order_by(TimePoll.id, TimeOption.starts_at)
    ).all()
    return [
        {"time_poll": poll_id, "title": title, "can_attend_at": as_utc(at).isoformat()}
        for poll_id, title, at in rows
    ]


def register_exports() -> None:
    privacy.register_exporter("musyawarah_proposals", _export_proposals)
    privacy.register_exporter("musyawarah_supports", _export_supports)
    privacy.register_exporter("musyawarah_comments", _export_comments)
    privacy.register_exporter("musyawarah_votes", _export_votes)
    privacy.register_exporter("musyawarah_time_marks", _export_time_marks)
    E, N, W = privacy.Exported, privacy.NotPersonal, privacy.Withheld
    key = N("an internal row number; means nothing outside this database")
    privacy.classify("proposal", {
        "id": E("musyawarah_proposals[].proposal"),
        "wilayah_id": E("musyawarah_proposals[].wilayah"),
        "origin_wilayah_id": E("musyawarah_proposals[].proposed_to"),
        "author_id": key,
        "title": E("musyawarah_proposals[].title"),
        "body": E("musyawarah_proposals[].body"),
        "category": E("musyawarah_proposals[].category"),
        "location": E("musyawarah_proposals[].location"),
        "photo_name": N("a random file name the server chose; whether there is a photo is in "
                        "musyawarah_proposals[].has_photo"),
        "status": E("musyawarah_proposals[].status"),
        "created_at": E("musyawarah_proposals[].proposed_at"),
        "updated_at": N("when the status last changed; the status itself is exported"),
    })  # fmt: skip
    privacy.classify("proposal_support", {
        "id": key,
        "proposal_id": E("musyawarah_supports[].proposal"),
        "user_id": key,
        "created_at": E("musyawarah_supports[].supported_at"),
    })  # fmt: skip
    privacy.classify("proposal_comment", {
        "id": key,
        "proposal_id": E("musyawarah_comments[].proposal"),
        "author_id": key,
        "body": E("musyawarah_comments[].body"),
        "created_at": E("musyawarah_comments[].written_at"),
    })  # fmt: skip
    step = W("a pengurus' decision on a proposal: the wilayah's record, like an activity "
             "they organised; the proposal's status is in its author's download")  # fmt: skip
    privacy.classify("proposal_status_change", {
        "id": key, "proposal_id": key, "changed_by_id": step, "from_status": step,
        "to_status": step, "wilayah_id": step, "reason": step, "changed_at": step,
    })  # fmt: skip
    poll = N("a poll is the wilayah's, like an activity: its question and options")
    privacy.classify("poll", {
        "id": key, "wilayah_id": poll, "created_by_id": key, "question": poll,
        "description": poll, "kind": poll, "max_choices": poll, "is_secret": poll,
        "shows_live": poll, "opens_at": poll, "closes_at": poll, "created_at": poll,
    })  # fmt: skip
    privacy.classify("poll_option", {
        "id": key, "poll_id": key, "label": poll, "position": poll,
    })  # fmt: skip
    privacy.classify("poll_voter", {
        "id": key,
        "poll_id": E("musyawarah_votes[].poll"),
        "user_id": key,
    })  # fmt: skip
    secret = N("a secret ballot names nobody; an open one is in musyawarah_votes[].choices")
    privacy.classify("ballot", {"id": key, "poll_id": secret, "voter_id": key})
    privacy.classify("ballot_choice", {"ballot_id": key, "option_id": secret, "rank": secret})
    notulen = W("the notulen of a meeting are the wilayah's record, written by its "
                "organisers like an activity's description; who wrote and changed them is "
                "part of that record")  # fmt: skip
    privacy.classify("minutes", {
        "id": key, "activity_id": notulen, "body": notulen, "written_by_id": notulen,
        "written_at": notulen, "updated_at": notulen,
    })  # fmt: skip
    privacy.classify("minutes_revision", {
        "id": key, "minutes_id": key, "edited_by_id": notulen, "edited_at": notulen,
        "body": notulen,
    })  # fmt: skip
    paper = W("a pengurus' entry of paper ballot counts: the poll's record, naming no voter")
    privacy.classify("paper_tally", {
        "id": key, "poll_id": paper, "ballots": paper, "entered_by_id": paper,
        "entered_at": paper, "withdrawn_at": paper, "withdrawn_by_id": paper,
    })  # fmt: skip
    privacy.classify("paper_tally_count", {
        "tally_id": key, "option_id": poll, "votes": poll,
    })  # fmt: skip
    privacy.classify("paper_tally_rank", {"tally_id": key, "place": poll, "option_id": poll})
    timepoll = N("a time poll is the wilayah's, like an activity: what, where and the times")
    privacy.classify("time_poll", {
        "id": key, "wilayah_id": timepoll, "created_by_id": key, "title": timepoll,
        "place": timepoll, "chosen_option_id": timepoll, "activity_id": timepoll,
        "created_at": timepoll,
    })  # fmt: skip
    privacy.classify("time_option", {"id": key, "time_poll_id": key, "starts_at": timepoll})
    privacy.classify("time_mark", {
        "option_id": E("musyawarah_time_marks[].can_attend_at"), "user_id": key,
    })  # fmt: skip
    link = N("which proposal or poll a meeting's notulen took up")
    privacy.classify("minutes_proposal", {"minutes_id": link, "proposal_id": link})
    privacy.classify("minutes_poll", {"minutes_id": link, "poll_id": link})
