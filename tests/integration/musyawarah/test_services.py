"""Musyawarah services on the real database: proposals (support once, comments, the status
flow with its history, forwarding up the tree) and polls (one ballot per resident, a
secret ballot that names nobody and cannot be changed, an open one that can, eligibility
at vote time, results and turnout)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.areas.models import Wilayah
from community.extensions import db
from community.musyawarah import services
from community.musyawarah.models import (
    Ballot,
    BallotChoice,
    PollVoter,
    Proposal,
    ProposalStatusChange,
    ProposalSupport,
)
from community.musyawarah.rules import MusyawarahError as E
from community.musyawarah.services import MusyawarahRefused

HOUR = timedelta(hours=1)


@pytest.fixture
def w(app, world):
    with app.app_context():
        yield world


def user(world, principal: str) -> User:
    return db.session.get(User, world[principal].id)


def place(node) -> Wilayah:
    return db.session.get(Wilayah, node.id)


def _propose(world, principal="resident_a", node=None):
    return services.propose(
        place(node or world.rt_a), by=user(world, principal), title="Lampu jalan gang 3",
        body="Gang 3 gelap setelah magrib.", category="infrastruktur", location="Gang 3",
        now=world.now,
    )  # fmt: skip


def refused(code, fn, *args, **kwargs):
    with pytest.raises(MusyawarahRefused) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code
    db.session.rollback()


# --- proposals ---------------------------------------------------------------------------


def test_a_resident_proposes_to_their_rt_rw_or_kelurahan(w):
    targets = services.proposal_targets(user(w, "resident_a"))
    assert [t.id for t in targets] == [w.rt_a.id, w.rw.id, w.kelurahan.id]
    assert services.proposal_targets(user(w, "admin_kelurahan")) == []
    proposal = _propose(w, node=w.rw)
    db.session.commit()
    assert (proposal.status, proposal.wilayah_id, proposal.origin_wilayah_id) == (
        "diajukan", w.rw.id, w.rw.id,
    )  # fmt: skip
    [step] = db.session.scalars(select(ProposalStatusChange)).all()
    assert (step.from_status, step.to_status, step.changed_by_id) == (
        None, "diajukan", w["resident_a"].id,
    )  # fmt: skip


def test_nobody_proposes_to_another_rt(w):
    refused(E.NOT_RESIDENT, _propose, w, node=w.rt_b)
    refused(E.NOT_RESIDENT, _propose, w, "admin_kelurahan", node=w.kelurahan)
    assert db.session.scalar(select(func.count(Proposal.id))) == 0


def test_one_support_per_resident(w):
    proposal = _propose(w)
    pengurus = user(w, "pengurus_a")
    assert services.support(proposal, pengurus, now=w.now)
    assert not services.support(proposal, pengurus, now=w.now)
    db.session.commit()
    assert db.session.scalar(select(func.count(ProposalSupport.id))) == 1
    assert services.unsupport(proposal, pengurus)
    assert not services.unsupport(proposal, pengurus)
    db.session.commit()
    assert db.session.scalar(select(func.count(ProposalSupport.id))) == 0


def test_the_database_refuses_a_second_support(w):
    proposal = _propose(w)
    db.session.add(ProposalSupport(proposal_id=proposal.id, user_id=w["pengurus_a"].id))
    db.session.flush()
    db.session.add(ProposalSupport(proposal_id=proposal.id, user_id=w["pengurus_a"].id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_who_may_support(w):
    proposal = _propose(w)
    refused(E.OWN_PROPOSAL, services.support, proposal, user(w, "resident_a"), now=w.now)
    proposal = _propose(w)
    refused(E.NOT_RESIDENT, services.support, proposal, user(w, "resident_b"), now=w.now)
    proposal = _propose(w)
    refused(E.NOT_RESIDENT, services.support, proposal, user(w, "admin_kelurahan"), now=w.now)


def test_the_status_flow_keeps_every_step_and_forwarding_climbs_the_tree(w):
    proposal = _propose(w)
    services.support(proposal, user(w, "pengurus_a"), now=w.now)
    ketua, rw = user(w, "pengurus_a"), user(w, "ketua_rw")
    services.change_status(proposal, "dibahas", by=ketua, reason="", now=w.now + HOUR)
    services.change_status(proposal, "diteruskan", by=ketua, reason="", now=w.now + 2 * HOUR)
    db.session.commit()
    assert (proposal.status, proposal.wilayah_id, proposal.origin_wilayah_id) == (
        "diteruskan", w.rw.id, w.rt_a.id,
    )  # fmt: skip
    services.change_status(proposal, "diteruskan", by=rw, reason="", now=w.now + 3 * HOUR)
    db.session.commit()
    assert proposal.wilayah_id == w.kelurahan.id
    refused(E.CANNOT_FORWARD, services.change_status, proposal, "diteruskan", by=rw,
            reason="", now=w.now)  # fmt: skip
    refused(E.REASON_REQUIRED, services.change_status, proposal, "ditolak", by=rw,
            reason="", now=w.now)  # fmt: skip
    services.change_status(
        proposal, "ditolak", by=rw, reason="Anggaran habis", now=w.now + 4 * HOUR
    )
    db.session.commit()
    steps = db.session.scalars(
        select(ProposalStatusChange).order_by(ProposalStatusChange.changed_at)
    ).all()
    assert [(s.from_status, s.to_status, s.wilayah_id) for s in steps] == [
        (None, "diajukan", w.rt_a.id),
        ("diajukan", "dibahas", w.rt_a.id),
        ("dibahas", "diteruskan", w.rw.id),
        ("diteruskan", "diteruskan", w.kelurahan.id),
        ("diteruskan", "ditolak", w.kelurahan.id),
    ]
    assert steps[-1].reason == "Anggaran habis"
    assert steps[-1].changed_by_id == w["ketua_rw"].id
    # supports stay through forwarding
    assert db.session.scalar(select(func.count(ProposalSupport.id))) == 1
    refused(E.STATUS_NOT_ALLOWED, services.change_status, proposal, "selesai", by=rw,
            reason="", now=w.now)  # fmt: skip


def test_a_stale_status_change_changes_nothing(w):
    proposal = _propose(w)
    db.session.commit()
    assert proposal.status == "diajukan"  # what a second pengurus' page still shows
    db.session.execute(  # meanwhile the first moved it on
        Proposal.__table__.update().where(Proposal.id == proposal.id).values(status="dibahas")
    )
    refused(E.STATUS_NOT_ALLOWED, services.change_status, proposal, "dibahas",
            by=user(w, "pengurus_a"), reason="", now=w.now)  # fmt: skip
    assert db.session.scalar(select(func.count(ProposalStatusChange.id))) == 1


# --- polls -------------------------------------------------------------------------------


def _poll(world, kind="peringkat", secret=False, live=False, node=None, n=2, opens=None):
    opens = world.now if opens is None else opens
    return services.create_poll(
        place(node or world.rt_a), by=user(world, "pengurus_a"), question="Prioritas RT",
        description="", kind=kind, options=["Drainase", "Lampu jalan", "Pos kamling"],
        max_choices=n, is_secret=secret, shows_live=live, opens_at=opens,
        closes_at=opens + 24 * HOUR, now=world.now,
    )  # fmt: skip


def _ids(poll):
    return [o.id for o in poll.options]


def test_a_poll_is_refused_with_bad_options(w):
    refused(E.TOO_FEW_OPTIONS, services.create_poll, place(w.rt_a), by=user(w, "pengurus_a"),
            question="?", description="", kind="tunggal", options=["Ya"], max_choices=1,
            is_secret=False, shows_live=False, opens_at=w.now, closes_at=w.now + HOUR,
            now=w.now)  # fmt: skip


def test_a_single_choice_poll_stores_n_as_one(w):
    poll = _poll(w, kind="tunggal", n=3)
    assert poll.max_choices == 1


def test_an_open_ballot_can_be_changed_until_closing(w):
    poll = _poll(w)
    drainase, lampu, pos = _ids(poll)
    siti = user(w, "resident_a")
    services.vote(poll, siti, [lampu, drainase], now=w.now)
    db.session.commit()
    assert services.has_voted(poll, siti)
    assert services.my_choices(poll, siti) == [lampu, drainase]
    services.vote(poll, siti, [pos], now=w.now + HOUR)
    db.session.commit()
    assert services.my_choices(poll, siti) == [pos]
    assert db.session.scalar(select(func.count(Ballot.id))) == 1
    assert db.session.scalar(select(func.count()).select_from(BallotChoice)) == 1
    refused(E.CLOSED, services.vote, poll, siti, [lampu], now=w.now + 24 * HOUR)
    assert services.my_choices(poll, siti) == [pos]


def test_a_secret_ballot_names_nobody_and_cannot_be_changed(w):
    poll = _poll(w, secret=True)
    drainase, lampu, _pos = _ids(poll)
    siti = user(w, "resident_a")
    services.vote(poll, siti, [lampu], now=w.now)
    db.session.commit()
    ballot = db.session.scalar(select(Ballot))
    assert ballot.voter_id is None
    # nothing in the ballot's rows orders or times it
    assert {c.key for c in inspect(Ballot).columns} == {"id", "poll_id", "voter_id"}
    assert {c.key for c in inspect(BallotChoice).columns} == {"ballot_id", "option_id", "rank"}
    assert services.has_voted(poll, siti)
    assert services.my_choices(poll, siti) == []
    refused(E.ALREADY_VOTED, services.vote, poll, siti, [drainase], now=w.now)
    assert services.results(poll).tally.scores[lampu] == 2


def test_the_database_keeps_one_voter_row_per_resident(w):
    poll = _poll(w, secret=True)
    db.session.add(PollVoter(poll_id=poll.id, user_id=w["resident_a"].id))
    db.session.flush()
    db.session.add(PollVoter(poll_id=poll.id, user_id=w["resident_a"].id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_who_may_vote_and_when(w):
    poll = _poll(w, opens=w.now + HOUR)
    first = _ids(poll)[0]
    refused(E.NOT_OPEN_YET, services.vote, poll, user(w, "resident_a"), [first], now=w.now)
    poll = _poll(w)
    first = _ids(poll)[0]
    refused(E.NOT_ELIGIBLE, services.vote, poll, user(w, "resident_b"), [first], now=w.now)
    refused(E.NOT_ELIGIBLE, services.vote, poll, user(w, "admin_kota"), [first], now=w.now)
    rw_poll = _poll(w, node=w.rw)
    services.vote(rw_poll, user(w, "resident_b"), [_ids(rw_poll)[0]], now=w.now)
    db.session.commit()


def test_a_bad_ballot_changes_nothing(w):
    poll = _poll(w, n=2)
    a, b, c = _ids(poll)
    siti = user(w, "resident_a")
    refused(E.DUPLICATE_CHOICE, services.vote, poll, siti, [a, a], now=w.now)
    refused(E.TOO_MANY_CHOICES, services.vote, poll, siti, [a, b, c], now=w.now)
    refused(E.UNKNOWN_OPTION, services.vote, poll, siti, [a, 999_999], now=w.now)
    refused(E.NO_CHOICE, services.vote, poll, siti, [], now=w.now)
    assert db.session.scalar(select(func.count(PollVoter.id))) == 0
    assert db.session.scalar(select(func.count(Ballot.id))) == 0


def test_eligibility_is_decided_at_vote_time(w, make_user):
    poll = _poll(w)
    newcomer = make_user("Pendatang Baru", place(w.rt_b))
    db.session.add(newcomer)
    refused(E.NOT_ELIGIBLE, services.vote, poll, db.session.get(User, newcomer.id),
            [_ids(poll)[0]], now=w.now)  # fmt: skip
    moved = db.session.get(User, newcomer.id)
    moved.rt_id = w.rt_a.id
    db.session.commit()
    services.vote(poll, db.session.get(User, newcomer.id), [_ids(poll)[0]], now=w.now)
    db.session.commit()


def test_results_and_turnout(w, make_user):
    poll = _poll(w, n=3)
    drainase, lampu, pos = _ids(poll)
    voters = [user(w, "resident_a"), user(w, "pengurus_a")]
    voters += [db.session.get(User, make_user(f"Warga {n}", place(w.rt_a)).id) for n in range(2)]
    for voter, ranking in zip(
        voters, [[lampu, drainase], [lampu, pos, drainase], [drainase, lampu], [pos]], strict=True
    ):
        services.vote(poll, voter, ranking, now=w.now)
    db.session.commit()
    found = services.results(poll)
    # Borda with 3 options: 2, 1, 0 points by place.
    assert found.tally.scores == {drainase: 1 + 0 + 2, lampu: 2 + 2 + 1, pos: 1 + 2}
    assert found.tally.winners == (lampu,)
    assert found.options == {drainase: "Drainase", lampu: "Lampu jalan", pos: "Pos kamling"}
    # RT A: Siti, Haji Rahmat and the two new residents; all four voted.
    assert (found.ballots, found.eligible, found.turnout) == (4, 4, 100)
    # one moves to RT B: still counted as eligible, because they voted here
    voters[3].rt_id = w.rt_b.id
    make_user("Warga belum memilih", place(w.rt_a))
    db.session.commit()
    found = services.results(poll)
    assert (found.ballots, found.eligible, found.turnout) == (4, 5, 80)


def test_a_tie_is_a_tie(w):
    poll = _poll(w, kind="tunggal")
    a, b, _c = _ids(poll)
    services.vote(poll, user(w, "resident_a"), [a], now=w.now)
    services.vote(poll, user(w, "pengurus_a"), [b], now=w.now)
    db.session.commit()
    assert services.results(poll).tally.winners == (a, b)


def test_deleting_an_account_keeps_the_vote_counted(w):
    poll = _poll(w, kind="ganda", n=2)
    a, b, _c = _ids(poll)
    siti = user(w, "resident_a")
    services.vote(poll, siti, [a, b], now=w.now)
    db.session.commit()
    db.session.delete(siti)
    db.session.commit()
    found = services.results(poll)
    assert found.tally.scores[a] == 1
    assert found.ballots == 1
