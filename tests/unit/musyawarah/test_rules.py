"""Musyawarah rules: counting (single, multiple, ranking, ties, turnout), ballots, votes,
new polls and the proposal status flow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from community.musyawarah import rules
from community.musyawarah.rules import MusyawarahError as E
from community.musyawarah.rules import PollKind as K
from community.musyawarah.rules import PollState
from community.musyawarah.rules import Status as S

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
OPTIONS = [11, 12, 13, 14]


def test_the_policy_constants():
    assert rules.MIN_OPTIONS == 2
    assert rules.MAX_OPTIONS == 12
    assert rules.MAX_POLL_DAYS == 90
    assert rules.TITLE_MAX == 120
    assert rules.BODY_MAX == 2000
    assert rules.LOCATION_MAX == 200
    assert rules.OPTION_MAX == 120
    assert rules.COMMENT_MAX == 1000
    assert rules.REASON_MAX == 500
    assert rules.FORWARD_TO == {"rt": "rw", "rw": "kelurahan"}
    assert rules.PROPOSAL_LEVELS == ("rt", "rw", "kelurahan")
    assert {S.DIAJUKAN, S.DIBAHAS, S.DITERUSKAN} == rules.OPEN_STATUSES
    assert {
        S.DIAJUKAN: {S.DIBAHAS, S.DITOLAK},
        S.DIBAHAS: {S.DITERUSKAN, S.DITERIMA, S.DITOLAK},
        S.DITERUSKAN: {S.DIBAHAS, S.DITERUSKAN, S.DITERIMA, S.DITOLAK},
        S.DITERIMA: {S.SELESAI},
        S.DITOLAK: set(),
        S.SELESAI: set(),
    } == rules.TRANSITIONS


def test_the_stored_values_of_the_enums():
    assert [k.value for k in K] == ["tunggal", "ganda", "peringkat"]
    assert [s.value for s in PollState] == ["belum_dibuka", "dibuka", "ditutup"]
    assert [c.value for c in rules.Category] == [
        "infrastruktur", "ekonomi", "sosial_budaya", "lainnya",
    ]  # fmt: skip
    assert [s.value for s in S] == [
        "diajukan", "dibahas", "diteruskan", "diterima", "ditolak", "selesai",
    ]  # fmt: skip
    assert {e.value for e in E} == {e.name.lower() for e in E}


# --- counting ----------------------------------------------------------------------------


def test_single_choice_counts_one_point_per_ballot():
    tally = rules.count_single([[12], [12], [11], [14], [12]], OPTIONS)
    assert tally.scores == {11: 1, 12: 3, 13: 0, 14: 1}
    assert tally.winners == (12,)
    assert not tally.is_tie
    assert tally.places == [(1, (12,)), (2, (11, 14)), (4, (13,))]


def test_single_choice_skips_an_empty_ballot():
    assert rules.count_single([[], [13]], OPTIONS).scores == {11: 0, 12: 0, 13: 1, 14: 0}


def test_single_choice_tie_is_reported_not_broken():
    tally = rules.count_single([[11], [13], [13], [11]], OPTIONS)
    assert tally.winners == (11, 13)
    assert tally.is_tie
    assert tally.places == [(1, (11, 13)), (3, (12, 14))]


def test_approval_counts_every_marked_option():
    tally = rules.count_approval([[11, 12], [12, 14], [12], [14, 11, 13]], OPTIONS)
    assert tally.scores == {11: 2, 12: 3, 13: 1, 14: 2}
    assert tally.winners == (12,)
    assert tally.places == [(1, (12,)), (2, (11, 14)), (4, (13,))]


def test_approval_tie():
    tally = rules.count_approval([[11, 12], [12, 11]], OPTIONS)
    assert tally.winners == (11, 12)
    assert tally.is_tie


def test_borda_points_of_one_ballot():
    assert rules.borda_points([13, 11], 4) == [(13, 3), (11, 2)]
    assert rules.borda_points([14, 13, 12, 11], 4) == [(14, 3), (13, 2), (12, 1), (11, 0)]
    assert rules.borda_points([], 4) == []


def test_borda_count():
    # 4 options: 3, 2, 1, 0 points by place; unranked options 0.
    ballots = [[11, 12, 13], [12, 11], [12, 14, 11, 13], [13]]
    tally = rules.count_borda(ballots, OPTIONS)
    assert tally.scores == {11: 3 + 2 + 1, 12: 2 + 3 + 3, 13: 1 + 0 + 3, 14: 2}
    assert tally.winners == (12,)
    assert tally.places == [(1, (12,)), (2, (11,)), (3, (13,)), (4, (14,))]


def test_borda_tie():
    tally = rules.count_borda([[11, 12], [12, 11]], [11, 12, 13])
    assert tally.scores == {11: 3, 12: 3, 13: 0}
    assert tally.winners == (11, 12)
    assert tally.is_tie


def test_no_ballot_no_winner():
    for kind in K:
        tally = rules.count(kind, [], OPTIONS)
        assert tally.scores == dict.fromkeys(OPTIONS, 0)
        assert tally.winners == ()
        assert not tally.is_tie
        assert tally.places == [(1, tuple(OPTIONS))]


def test_a_ranking_of_one_option_among_one_gives_no_point():
    tally = rules.count_borda([[11]], [11])
    assert tally.scores == {11: 0}
    assert tally.winners == ()


def test_count_picks_the_method_of_the_kind():
    ballots = [[11, 12], [12]]
    assert rules.count(K.TUNGGAL, ballots, OPTIONS).scores == {11: 1, 12: 1, 13: 0, 14: 0}
    assert rules.count(K.GANDA, ballots, OPTIONS).scores == {11: 1, 12: 2, 13: 0, 14: 0}
    assert rules.count(K.PERINGKAT, ballots, OPTIONS).scores == {11: 3, 12: 2 + 3, 13: 0, 14: 0}
    assert rules.count("tunggal", ballots, OPTIONS).scores == {11: 1, 12: 1, 13: 0, 14: 0}


def test_turnout():
    assert rules.turnout_percent(0, 40) == 0
    assert rules.turnout_percent(12, 40) == 30
    assert rules.turnout_percent(1, 3) == 33
    assert rules.turnout_percent(2, 3) == 67
    assert rules.turnout_percent(40, 40) == 100
    assert rules.turnout_percent(0, 0) == 0
    assert rules.turnout_percent(3, -1) == 0
    assert rules.turnout_percent(1, 1) == 100


# --- property tests of the ranking -------------------------------------------------------

_options = st.lists(st.integers(1, 10_000), min_size=1, max_size=8, unique=True)


@st.composite
def _poll(draw):
    options = draw(_options)
    ranking = st.permutations(options).flatmap(
        lambda order: st.integers(0, len(order)).map(lambda k: order[:k])
    )
    ballots = draw(st.lists(ranking, max_size=30))
    return options, ballots


@settings(max_examples=200)
@given(_poll(), st.randoms())
def test_borda_does_not_depend_on_the_order_of_the_ballots(poll, rnd):
    options, ballots = poll
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    assert rules.count_borda(shuffled, options) == rules.count_borda(ballots, options)


@settings(max_examples=200)
@given(_poll())
def test_borda_total_points_are_the_sum_per_ballot(poll):
    options, ballots = poll
    m = len(options)
    expected = sum(sum(m - 1 - i for i in range(len(b))) for b in ballots)
    assert sum(rules.count_borda(ballots, options).scores.values()) == expected


@settings(max_examples=200)
@given(_poll(), st.data())
def test_a_unanimous_first_choice_wins_alone(poll, data):
    options, ballots = poll
    if len(options) < 2:
        return
    first = data.draw(st.sampled_from(options))
    rest = [o for o in options if o != first]
    ballots = [
        [first, *data.draw(st.permutations(rest))[: data.draw(st.integers(0, len(rest)))]]
        for _ in ballots or [None]
    ]
    tally = rules.count_borda(ballots, options)
    assert tally.winners == (first,)


# --- ballots -----------------------------------------------------------------------------


def test_a_valid_ballot():
    assert rules.ballot_problem(K.TUNGGAL, [11], OPTIONS, 1) is None
    assert rules.ballot_problem(K.GANDA, [11, 14], OPTIONS, 2) is None
    assert rules.ballot_problem(K.PERINGKAT, [14, 11, 12], OPTIONS, 3) is None


def test_a_ballot_needs_a_choice():
    assert rules.ballot_problem(K.GANDA, [], OPTIONS, 2) == E.NO_CHOICE


def test_a_ballot_holds_only_the_poll_s_options():
    assert rules.ballot_problem(K.TUNGGAL, [99], OPTIONS, 1) == E.UNKNOWN_OPTION
    assert rules.ballot_problem(K.PERINGKAT, [11, 99], OPTIONS, 3) == E.UNKNOWN_OPTION


def test_a_ranking_names_each_option_once():
    assert rules.ballot_problem(K.PERINGKAT, [11, 12, 11], OPTIONS, 4) == E.DUPLICATE_CHOICE


def test_a_ballot_holds_at_most_n_choices():
    assert rules.ballot_problem(K.GANDA, [11, 12, 13], OPTIONS, 2) == E.TOO_MANY_CHOICES
    assert rules.ballot_problem(K.GANDA, [11, 12], OPTIONS, 2) is None
    assert rules.ballot_problem(K.PERINGKAT, [11, 12, 13], OPTIONS, 2) == E.TOO_MANY_CHOICES
    # a single choice is one, whatever the poll stored
    assert rules.ballot_problem(K.TUNGGAL, [11, 12], OPTIONS, 4) == E.TOO_MANY_CHOICES


def test_max_choices_allowed():
    assert rules.max_choices_allowed(K.TUNGGAL, 3) == 1
    assert rules.max_choices_allowed(K.GANDA, 3) == 3
    assert rules.max_choices_allowed(K.PERINGKAT, 5) == 5


# --- when a poll is open, and who may vote ------------------------------------------------


def test_poll_state():
    opens, closes = NOW, NOW + HOUR
    second = timedelta(seconds=1)
    assert rules.poll_state(opens, closes, NOW - second) == PollState.BELUM_DIBUKA
    assert rules.poll_state(opens, closes, NOW) == PollState.DIBUKA
    assert rules.poll_state(opens, closes, closes - second) == PollState.DIBUKA
    assert rules.poll_state(opens, closes, closes) == PollState.DITUTUP


def test_results_are_hidden_until_closing_unless_live():
    assert rules.results_visible(PollState.DITUTUP, False, False)
    assert not rules.results_visible(PollState.DIBUKA, False, False)
    assert not rules.results_visible(PollState.BELUM_DIBUKA, False, False)
    assert rules.results_visible(PollState.DIBUKA, True, False)


def test_a_secret_ballot_never_shows_live_results():
    assert not rules.results_visible(PollState.DIBUKA, True, True)
    assert rules.results_visible(PollState.DITUTUP, True, True)
    assert rules.results_visible(PollState.DITUTUP, False, True)


def _vote(state=PollState.DIBUKA, lives=True, secret=False, voted=False):
    return rules.vote_problem(state, lives_in_scope=lives, is_secret=secret, has_voted=voted)


def test_who_may_vote_when():
    assert _vote() is None
    assert _vote(voted=True) is None  # an open ballot may be changed
    assert _vote(secret=True) is None
    assert _vote(secret=True, voted=True) == E.ALREADY_VOTED
    assert _vote(lives=False) == E.NOT_ELIGIBLE
    assert _vote(state=PollState.BELUM_DIBUKA) == E.NOT_OPEN_YET
    assert _vote(state=PollState.DITUTUP) == E.CLOSED
    assert _vote(state=PollState.DITUTUP, lives=False) == E.CLOSED


# --- new polls ---------------------------------------------------------------------------


def _poll_problem(kind=K.PERINGKAT, options=("A", "B", "C"), n=2, opens=NOW, closes=NOW + HOUR):
    return rules.poll_problem(kind, list(options), n, opens, closes, NOW)


def test_a_valid_poll():
    assert _poll_problem() is None
    assert _poll_problem(kind=K.TUNGGAL, n=0) is None  # a single choice ignores N
    assert _poll_problem(n=3) is None
    assert _poll_problem(n=1) is None
    assert _poll_problem(options=["A", "B"], n=2) is None
    assert _poll_problem(options=[str(n) for n in range(12)]) is None


def test_a_poll_needs_two_to_twelve_different_options():
    assert _poll_problem(options=["A"]) == E.TOO_FEW_OPTIONS
    assert _poll_problem(options=[str(n) for n in range(13)]) == E.TOO_MANY_OPTIONS
    assert _poll_problem(options=["Jalan", "jalan", "Lampu"]) == E.DUPLICATE_OPTION


def test_n_lies_between_one_and_the_number_of_options():
    assert _poll_problem(n=0) == E.BAD_MAX_CHOICES
    assert _poll_problem(n=4) == E.BAD_MAX_CHOICES
    assert _poll_problem(kind=K.GANDA, n=0) == E.BAD_MAX_CHOICES


def test_a_poll_closes_after_it_opens_and_in_the_future():
    assert _poll_problem(closes=NOW) == E.CLOSES_IN_PAST
    assert _poll_problem(opens=NOW + 2 * HOUR, closes=NOW + 2 * HOUR) == E.CLOSES_BEFORE_OPENING
    assert _poll_problem(opens=NOW + 2 * HOUR, closes=NOW + HOUR) == E.CLOSES_BEFORE_OPENING
    assert _poll_problem(opens=NOW - 2 * HOUR, closes=NOW - HOUR) == E.CLOSES_IN_PAST
    assert _poll_problem(opens=NOW - 2 * HOUR, closes=NOW) == E.CLOSES_IN_PAST
    assert _poll_problem(opens=NOW - 2 * HOUR, closes=NOW + HOUR) is None


def test_a_poll_runs_at_most_ninety_days():
    days = timedelta(days=rules.MAX_POLL_DAYS)
    assert _poll_problem(closes=NOW + days) is None
    assert _poll_problem(closes=NOW + days + timedelta(seconds=1)) == E.TOO_LONG
    later = NOW + 10 * days
    assert _poll_problem(opens=later, closes=later + days) is None
    assert _poll_problem(opens=later, closes=later + days + HOUR) == E.TOO_LONG
    # opened earlier: counted from now
    assert _poll_problem(opens=NOW - days, closes=NOW + days) is None


# --- proposals ---------------------------------------------------------------------------


def test_next_statuses_follow_the_flow():
    assert rules.next_statuses(S.DIAJUKAN, "rt") == [S.DIBAHAS, S.DITOLAK]
    assert rules.next_statuses(S.DIBAHAS, "rt") == [S.DITERUSKAN, S.DITERIMA, S.DITOLAK]
    assert rules.next_statuses(S.DIBAHAS, "rw") == [S.DITERUSKAN, S.DITERIMA, S.DITOLAK]
    assert rules.next_statuses(S.DIBAHAS, "kelurahan") == [S.DITERIMA, S.DITOLAK]
    assert rules.next_statuses(S.DITERUSKAN, "rw") == [
        S.DIBAHAS, S.DITERUSKAN, S.DITERIMA, S.DITOLAK,
    ]  # fmt: skip
    assert rules.next_statuses(S.DITERUSKAN, "kelurahan") == [S.DIBAHAS, S.DITERIMA, S.DITOLAK]
    assert rules.next_statuses(S.DITERIMA, "rt") == [S.SELESAI]
    assert rules.next_statuses(S.DITOLAK, "rt") == []
    assert rules.next_statuses(S.SELESAI, "rt") == []


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("target", list(S))
def test_transition_problem_agrees_with_next_statuses(current, target):
    for level in ("rt", "rw", "kelurahan"):
        allowed = target in rules.next_statuses(current, level)
        assert (rules.transition_problem(current, target, level, "alasan") is None) == allowed


def test_a_transition_outside_the_flow_is_refused():
    assert rules.transition_problem(S.DIAJUKAN, S.DITERIMA, "rt", "") == E.STATUS_NOT_ALLOWED
    assert rules.transition_problem(S.SELESAI, S.DIBAHAS, "rt", "") == E.STATUS_NOT_ALLOWED
    assert rules.transition_problem(S.DIBAHAS, S.DIBAHAS, "rt", "") == E.STATUS_NOT_ALLOWED


def test_a_kelurahan_proposal_cannot_be_forwarded():
    assert rules.transition_problem(S.DIBAHAS, S.DITERUSKAN, "kelurahan", "") == E.CANNOT_FORWARD
    assert rules.transition_problem(S.DIBAHAS, S.DITERUSKAN, "rw", "") is None


def test_a_rejection_needs_a_reason():
    assert rules.transition_problem(S.DIBAHAS, S.DITOLAK, "rt", "") == E.REASON_REQUIRED
    assert rules.transition_problem(S.DIBAHAS, S.DITOLAK, "rt", "Di luar wilayah") is None
    assert rules.transition_problem(S.DIAJUKAN, S.DITOLAK, "rt", "Ganda") is None
    assert rules.transition_problem(S.DIBAHAS, S.DITERIMA, "rt", "") is None


def _support(status=S.DIAJUKAN, author=False, lives=True):
    return rules.support_problem(status, is_author=author, lives_in_scope=lives)


def test_who_may_support_when():
    for status in (S.DIAJUKAN, S.DIBAHAS, S.DITERUSKAN):
        assert _support(status) is None
    for status in (S.DITERIMA, S.DITOLAK, S.SELESAI):
        assert _support(status) == E.SUPPORT_CLOSED
    assert _support(author=True) == E.OWN_PROPOSAL
    assert _support(lives=False) == E.NOT_RESIDENT
    assert _support(S.SELESAI, author=True, lives=False) == E.SUPPORT_CLOSED
    assert _support(author=True, lives=False) == E.OWN_PROPOSAL


# --- notulen -----------------------------------------------------------------------------


def test_the_notulen_constants():
    assert rules.MEETING_KIND == "musyawarah"
    assert rules.MINUTES_MAX == 10_000


def test_notulen_are_for_a_held_musyawarah():
    def problem(kind="musyawarah", cancelled=False, starts_at=NOW):
        return rules.minutes_problem(kind, is_cancelled=cancelled, starts_at=starts_at, now=NOW)

    assert problem() is None  # from the moment it starts
    assert problem(starts_at=NOW - HOUR) is None
    assert problem(starts_at=NOW + timedelta(seconds=1)) == E.MEETING_NOT_STARTED
    assert problem(kind="pengajian") == E.NOT_A_MEETING
    assert problem(kind="pengajian", cancelled=True) == E.NOT_A_MEETING
    assert problem(cancelled=True) == E.MEETING_CANCELLED
    assert problem(cancelled=True, starts_at=NOW + HOUR) == E.MEETING_CANCELLED


# --- the Musrenbang export ---------------------------------------------------------------


def test_musrenbang_order_groups_by_category_then_origin_then_supports():
    rows = [
        ("lainnya", "RT 01 / RW 01", 9, 1),
        ("sosial_budaya", "RT 01 / RW 01", 0, 2),
        ("infrastruktur", "RT 02 / RW 01", 5, 3),
        ("infrastruktur", "RT 01 / RW 01", 1, 4),
        ("infrastruktur", "RT 01 / RW 01", 3, 5),
        ("ekonomi", "RT 01 / RW 01", 0, 6),
        ("infrastruktur", "RT 01 / RW 01", 3, 7),
    ]
    ordered = sorted(rows, key=lambda r: rules.musrenbang_order(*r))
    assert [r[3] for r in ordered] == [5, 7, 4, 3, 6, 2, 1]


def test_musrenbang_order_follows_the_category_enum():
    keys = [rules.musrenbang_order(c, "RT", 0, 1)[0] for c in rules.Category]
    assert keys == [0, 1, 2, 3]


# --- paper ballots -----------------------------------------------------------------------


def test_the_paper_constants():
    assert rules.PAPER_GRACE_DAYS == 3
    assert rules.PAPER_MAX_BALLOTS == 5000
    # what is wrong with an order itself (shown under "Pilihan ke-1" on the paper form)
    assert {E.NO_CHOICE, E.UNKNOWN_OPTION, E.DUPLICATE_CHOICE, E.TOO_MANY_CHOICES} == (
        rules.ORDER_PROBLEMS
    )


@given(
    choices=st.lists(st.sampled_from([*OPTIONS, 99]), max_size=6),
    kind=st.sampled_from(list(K)),
    max_choices=st.integers(1, 4),
)
def test_a_ballot_is_refused_only_for_its_order(choices, kind, max_choices):
    """Whatever ballot_problem finds is one of ORDER_PROBLEMS: the paper form can show it
    under the order's first select."""
    problem = rules.ballot_problem(kind, choices, OPTIONS, max_choices)
    assert problem is None or problem in rules.ORDER_PROBLEMS


def _paper(kind=K.TUNGGAL, *, now=NOW, ballots=10, votes=(6, 4), max_choices=1,
           opens_at=NOW - HOUR, closes_at=NOW + HOUR):  # fmt: skip
    return rules.paper_problem(kind, opens_at=opens_at, closes_at=closes_at, now=now,
                               ballots=ballots, votes=list(votes), max_choices=max_choices)  # fmt: skip


def test_paper_counts_that_add_up():
    assert _paper() is None
    assert _paper(votes=(5, 4)) is None  # a blank ballot
    assert _paper(votes=(6, 5)) == E.PAPER_TOO_MANY_VOTES
    assert _paper(votes=(6, 5), max_choices=2) == E.PAPER_TOO_MANY_VOTES  # one mark each
    assert _paper(K.GANDA, votes=(10, 10), max_choices=2) is None
    assert _paper(K.GANDA, votes=(10, 10, 1), max_choices=2) == E.PAPER_TOO_MANY_VOTES
    assert _paper(K.GANDA, votes=(11, 0), max_choices=2) == E.PAPER_TOO_MANY_VOTES
    assert _paper(ballots=1, votes=(1, 0)) is None
    assert _paper(ballots=0, votes=(0, 0)) == E.PAPER_BAD_COUNT
    assert _paper(ballots=5000, votes=(0, 0)) is None
    assert _paper(ballots=5001, votes=(0, 0)) == E.PAPER_BAD_COUNT
    assert _paper(votes=(-1, 0)) == E.PAPER_BAD_COUNT
    assert _paper(votes=(0, 0)) is None


def test_paper_from_opening_to_three_days_after_closing():
    assert _paper(now=NOW - HOUR) is None
    assert _paper(now=NOW - HOUR - timedelta(seconds=1)) == E.NOT_OPEN_YET
    late = NOW + HOUR + timedelta(days=3)
    assert _paper(now=late - timedelta(seconds=1)) is None
    assert _paper(now=late) == E.PAPER_TOO_LATE
    # the window is checked before the counts: a late batch is late, whatever it holds
    assert _paper(now=late, ballots=0) == E.PAPER_TOO_LATE


def _ranked(order=(12, 11), *, now=NOW, ballots=3, max_choices=2, options=OPTIONS,
            opens_at=NOW - HOUR, closes_at=NOW + HOUR):  # fmt: skip
    return rules.paper_ranking_problem(
        list(order), set(options), opens_at=opens_at, closes_at=closes_at, now=now,
        ballots=ballots, max_choices=max_choices,
    )  # fmt: skip


def test_ranked_paper_ballots_are_an_order_a_ballot_may_have():
    assert _ranked() is None
    assert _ranked((13,)) is None  # ranks fewer than N
    assert _ranked(()) is None  # blank ballots
    assert _ranked((12, 12)) == E.DUPLICATE_CHOICE
    assert _ranked((12, 99)) == E.UNKNOWN_OPTION
    assert _ranked((12, 11, 13)) == E.TOO_MANY_CHOICES
    assert _ranked((12, 11, 13), max_choices=3) is None


def test_ranked_paper_ballots_are_counted_like_other_paper():
    assert _ranked(ballots=1) is None
    assert _ranked(ballots=5000) is None
    assert _ranked(ballots=0) == E.PAPER_BAD_COUNT
    assert _ranked(ballots=5001) == E.PAPER_BAD_COUNT
    assert _ranked((), ballots=0) == E.PAPER_BAD_COUNT  # blank, but no ballots
    assert _ranked(now=NOW - HOUR) is None
    assert _ranked(now=NOW - HOUR - timedelta(seconds=1)) == E.NOT_OPEN_YET
    late = NOW + HOUR + timedelta(days=3)
    assert _ranked(now=late - timedelta(seconds=1)) is None
    assert _ranked(now=late) == E.PAPER_TOO_LATE
    assert _ranked((12, 12), now=late) == E.PAPER_TOO_LATE


def test_a_paper_batch_is_withdrawn_once_while_paper_may_be_entered():
    closes_at = NOW + HOUR
    late = closes_at + timedelta(days=3)

    def problem(now, withdrawn=False):
        return rules.paper_withdraw_problem(closes_at=closes_at, now=now, withdrawn=withdrawn)

    assert problem(NOW) is None
    assert problem(closes_at + HOUR) is None  # closed, within the grace days
    assert problem(late - timedelta(seconds=1)) is None
    assert problem(late) == E.PAPER_TOO_LATE  # the result is final
    assert problem(NOW, withdrawn=True) == E.PAPER_ALREADY_WITHDRAWN
    assert problem(late, withdrawn=True) == E.PAPER_ALREADY_WITHDRAWN


def test_ranked_paper_points_are_borda_points_times_ballots():
    # four options: a first place is worth 3, a second 2
    marks = [(3, 12, 1), (3, 11, 2), (2, 11, 1), (1, 14, 1), (1, 13, 2)]
    assert rules.paper_ranking_points(marks, 4) == {12: 9, 11: 6 + 6, 14: 3, 13: 2}
    assert rules.paper_ranking_points([], 4) == {}
    # the last of m places is worth nothing, as on a phone
    assert rules.paper_ranking_points([(5, 13, 4)], 4) == {13: 0}


@given(
    order=st.permutations(OPTIONS).flatmap(
        lambda p: st.integers(0, len(p)).map(lambda k: tuple(p[:k]))
    ),
    ballots=st.integers(1, 30),
)
def test_ranked_paper_counts_as_the_same_ballots_on_phones(order, ballots):
    """n paper ballots with one order add exactly what n phone ballots with it count."""
    marks = [(ballots, option, place) for place, option in enumerate(order, start=1)]
    on_paper = rules.with_paper(rules.count_borda([], OPTIONS),
                                rules.paper_ranking_points(marks, len(OPTIONS)))  # fmt: skip
    assert on_paper == rules.count_borda([list(order)] * ballots, OPTIONS)


@given(
    batches=st.lists(
        st.tuples(st.integers(1, 9), st.permutations(OPTIONS).map(lambda p: tuple(p[:2]))),
        max_size=6,
    ),
    phone=st.lists(st.permutations(OPTIONS).map(lambda p: list(p[:3])), max_size=6),
)
def test_paper_and_phone_ballots_add_up(batches, phone):
    """Mixing: the phone tally with the paper points added is the Borda count of all the
    ballots together, whatever the split."""
    marks = [(n, o, place) for n, order in batches for place, o in enumerate(order, start=1)]
    combined = rules.with_paper(rules.count_borda(phone, OPTIONS),
                                rules.paper_ranking_points(marks, len(OPTIONS)))  # fmt: skip
    every = phone + [list(order) for n, order in batches for _ in range(n)]
    assert combined == rules.count_borda(every, OPTIONS)


def test_with_paper_adds_marks_per_option():
    tally = rules.count_single([[11], [11], [12]], OPTIONS)
    combined = rules.with_paper(tally, {12: 3, 13: 1})
    assert combined.scores == {11: 2, 12: 4, 13: 1, 14: 0}
    assert combined.winners == (12,)
    assert rules.with_paper(tally, {}).scores == tally.scores


# --- time polls --------------------------------------------------------------------------


def test_the_time_poll_constants():
    assert rules.TIME_OPTIONS_MIN == 2
    assert rules.TIME_OPTIONS_MAX == 6
    assert rules.MEETING_HOURS == 2
    assert rules.TIME_POLL_MAX_DAYS == 90


def test_a_time_poll_offers_two_different_times_ahead():
    later = [NOW + HOUR, NOW + 2 * HOUR]
    assert rules.time_poll_problem(later, NOW) is None
    assert rules.time_poll_problem(later[:1], NOW) == E.TOO_FEW_TIMES
    assert rules.time_poll_problem([], NOW) == E.TOO_FEW_TIMES
    assert rules.time_poll_problem([NOW + HOUR, NOW + HOUR], NOW) == E.DUPLICATE_TIME
    assert rules.time_poll_problem([NOW, NOW + HOUR], NOW) == E.TIME_IN_PAST
    assert rules.time_poll_problem([NOW + HOUR, NOW - HOUR], NOW) == E.TIME_IN_PAST
    far = NOW + timedelta(days=90)
    assert rules.time_poll_problem([NOW + HOUR, far], NOW) is None
    assert rules.time_poll_problem([NOW + HOUR, far + timedelta(seconds=1)], NOW) == E.TIME_TOO_FAR
    assert rules.time_poll_problem([NOW - HOUR, far + HOUR], NOW) == E.TIME_IN_PAST


def test_who_may_tick_and_when_the_organiser_may_pick():
    assert rules.mark_problem(is_decided=False, lives_in_scope=True) is None
    assert rules.mark_problem(is_decided=False, lives_in_scope=False) == E.NOT_ELIGIBLE
    assert rules.mark_problem(is_decided=True, lives_in_scope=True) == E.ALREADY_DECIDED
    assert rules.mark_problem(is_decided=True, lives_in_scope=False) == E.ALREADY_DECIDED
    assert rules.pick_problem(is_decided=False, starts_at=NOW + HOUR, now=NOW) is None
    assert rules.pick_problem(is_decided=False, starts_at=NOW, now=NOW) == E.TIME_IN_PAST
    assert rules.pick_problem(is_decided=True, starts_at=NOW + HOUR, now=NOW) == E.ALREADY_DECIDED


def test_best_times():
    assert rules.best_times({1: 3, 2: 5, 3: 5}) == (2, 3)
    assert rules.best_times({1: 3, 2: 1}) == (1,)
    assert rules.best_times({1: 0, 2: 2}) == (2,)
    assert rules.best_times({1: 0, 2: 0}) == ()
    assert rules.best_times({}) == ()


_marks = st.dictionaries(st.integers(1, 50), st.integers(0, 30), max_size=8)


@given(_marks)
def test_the_best_times_are_those_most_can_attend(marks):
    best = rules.best_times(marks)
    assert list(best) == [o for o in marks if o in best]  # in the poll's order
    if not any(marks.values()):
        assert best == ()
    else:
        top = max(marks.values())
        assert best and all(marks[o] == top for o in best)
        assert all(n < top for o, n in marks.items() if o not in best)


@given(st.lists(st.integers(-48, 24 * 91).map(lambda h: NOW + h * HOUR), max_size=8))
def test_a_time_poll_is_refused_exactly_when_a_rule_is_broken(times):
    problem = rules.time_poll_problem(times, NOW)
    ahead = all(NOW < t <= NOW + timedelta(days=90) for t in times)
    fine = len(times) >= 2 and len(set(times)) == len(times) and ahead
    assert (problem is None) == fine
