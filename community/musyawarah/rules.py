"""Musyawarah rules: plain values in, plain values out (no Flask, no SQLAlchemy, no clock).

- counting a poll: single choice (plurality), multiple choice up to N (approval count),
  ranking (the Borda count); ties are reported as ties, never broken; turnout;
- what a ballot, a vote and a new poll must satisfy, and when a poll is open;
- the proposal (usulan) status flow: which change is allowed from which status, where a
  forwarded proposal goes, and who may support it.

The Borda count: with ``m`` options, a ballot that ranks ``k`` of them gives ``m-1`` points
to its first choice, ``m-2`` to its second, ... and 0 to every option it leaves unranked.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

# A poll with one option is an announcement; more than twelve do not fit a phone's screen
# and nobody ranks them honestly.
MIN_OPTIONS = 2
MAX_OPTIONS = 12
# A poll open longer than this is a typo in the year, not a plan (a Musrenbang cycle is
# a few weeks).
MAX_POLL_DAYS = 90
# The length of what people type, as on the paper forms of a Musrenbang.
TITLE_MAX = 120
BODY_MAX = 2000
LOCATION_MAX = 200
OPTION_MAX = 120
COMMENT_MAX = 1000
REASON_MAX = 500
# A forwarded proposal goes one level up: an RT's to its RW, an RW's to the kelurahan
# (which takes it to the Musrenbang). A kelurahan's proposal goes no further in Rukun.
FORWARD_TO = {"rt": "rw", "rw": "kelurahan"}
# Where a resident may submit a proposal: their RT, its RW or the kelurahan.
PROPOSAL_LEVELS = ("rt", "rw", "kelurahan")
# Notulen: the activity kind a musyawarah meeting is (events' Kind.MUSYAWARAH), and how
# long they may be: a long evening's minutes fit in ten thousand characters, a pasted
# book does not.
MEETING_KIND = "musyawarah"
MINUTES_MAX = 10_000
# Paper ballots: counted at the meeting and typed in within a few days of the closing (the
# poll's result is final after that); a batch larger than a kelurahan's turnout is a typo.
PAPER_GRACE_DAYS = 3
PAPER_MAX_BALLOTS = 5000
# A time poll ("kapan musyawarah?"): two to six proposed times fit a phone's screen and a
# week's evenings; the meeting it makes lasts two hours unless its organiser edits it.
TIME_OPTIONS_MIN = 2
TIME_OPTIONS_MAX = 6
MEETING_HOURS = 2
# ...and the times lie within the next 90 days, like a poll's closing (a year 9999 typo
# would otherwise become an activity).
TIME_POLL_MAX_DAYS = 90


class PollKind(StrEnum):
    TUNGGAL = "tunggal"  # one option per ballot: plurality
    GANDA = "ganda"  # up to N options per ballot: approval count
    PERINGKAT = "peringkat"  # up to N options in order: Borda count


class PollState(StrEnum):
    BELUM_DIBUKA = "belum_dibuka"
    DIBUKA = "dibuka"
    DITUTUP = "ditutup"


class Category(StrEnum):
    INFRASTRUKTUR = "infrastruktur"
    EKONOMI = "ekonomi"
    SOSIAL_BUDAYA = "sosial_budaya"
    LAINNYA = "lainnya"


class Status(StrEnum):
    DIAJUKAN = "diajukan"
    DIBAHAS = "dibahas"
    DITERUSKAN = "diteruskan"
    DITERIMA = "diterima"
    DITOLAK = "ditolak"
    SELESAI = "selesai"


class MusyawarahError(StrEnum):
    # ballots and votes
    NO_CHOICE = "no_choice"
    UNKNOWN_OPTION = "unknown_option"
    DUPLICATE_CHOICE = "duplicate_choice"
    TOO_MANY_CHOICES = "too_many_choices"
    NOT_OPEN_YET = "not_open_yet"
    CLOSED = "closed"
    NOT_ELIGIBLE = "not_eligible"
    ALREADY_VOTED = "already_voted"
    # new polls
    TOO_FEW_OPTIONS = "too_few_options"
    TOO_MANY_OPTIONS = "too_many_options"
    DUPLICATE_OPTION = "duplicate_option"
    BAD_MAX_CHOICES = "bad_max_choices"
    CLOSES_BEFORE_OPENING = "closes_before_opening"
    CLOSES_IN_PAST = "closes_in_past"
    TOO_LONG = "too_long"
    # proposals
    STATUS_NOT_ALLOWED = "status_not_allowed"
    REASON_REQUIRED = "reason_required"
    CANNOT_FORWARD = "cannot_forward"
    SUPPORT_CLOSED = "support_closed"
    OWN_PROPOSAL = "own_proposal"
    NOT_RESIDENT = "not_resident"
    # paper ballots
    PAPER_TOO_LATE = "paper_too_late"
    PAPER_BAD_COUNT = "paper_bad_count"
    PAPER_TOO_MANY_VOTES = "paper_too_many_votes"
    PAPER_ALREADY_WITHDRAWN = "paper_already_withdrawn"
    # time polls
    TOO_FEW_TIMES = "too_few_times"
    DUPLICATE_TIME = "duplicate_time"
    TIME_IN_PAST = "time_in_past"
    TIME_TOO_FAR = "time_too_far"
    ALREADY_DECIDED = "already_decided"
    # notulen
    NOT_A_MEETING = "not_a_meeting"
    MEETING_CANCELLED = "meeting_cancelled"
    MEETING_NOT_STARTED = "meeting_not_started"


# --- counting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """Points per option (in the poll's order) and the places: options with the same
    points share a place (1, 1, 3: standard competition ranking)."""

    scores: dict[int, int]

    @property
    def places(self) -> list[tuple[int, tuple[int, ...]]]:
        """``[(place, options), ...]`` from the most points down; tied options together,
        in the poll's order."""
        distinct = sorted(set(self.scores.values()), reverse=True)
        found, place = [], 1
        for points in distinct:
            group = tuple(o for o, p in self.scores.items() if p == points)
            found.append((place, group))
            place += len(group)
        return found

    @property
    def winners(self) -> tuple[int, ...]:
        """The options with the most points; more than one is a tie. None before any
        option has a point (no ballot, or only empty ones)."""
        top = max(self.scores.values(), default=0)
        if top == 0:
            return ()
        return tuple(o for o, p in self.scores.items() if p == top)

    @property
    def is_tie(self) -> bool:
        return len(self.winners) > 1


def _tally(options: Sequence[int], points: Iterable[tuple[int, int]]) -> Tally:
    scores = dict.fromkeys(options, 0)
    for option, n in points:
        scores[option] += n
    return Tally(scores)


def count_single(ballots: Iterable[Sequence[int]], options: Sequence[int]) -> Tally:
    """Plurality: each ballot gives one point to its choice."""
    return _tally(options, ((ballot[0], 1) for ballot in ballots if ballot))


def count_approval(ballots: Iterable[Sequence[int]], options: Sequence[int]) -> Tally:
    """Approval count: each ballot gives one point to every option it marks."""
    return _tally(options, ((option, 1) for ballot in ballots for option in ballot))


def borda_points(ranking: Sequence[int], m: int) -> list[tuple[int, int]]:
    """``(option, points)`` for one ranking among ``m`` options: m-1 for the first, m-2
    for the second, ...; options it leaves out get nothing."""
    return [(option, m - 1 - i) for i, option in enumerate(ranking)]


def count_borda(ballots: Iterable[Sequence[int]], options: Sequence[int]) -> Tally:
    """The Borda count of ranked ballots."""
    m = len(options)
    return _tally(options, (p for ballot in ballots for p in borda_points(ballot, m)))


def count(kind: str, ballots: Iterable[Sequence[int]], options: Sequence[int]) -> Tally:
    """The tally of a poll of ``kind``."""
    if kind == PollKind.PERINGKAT:
        return count_borda(ballots, options)
    if kind == PollKind.GANDA:
        return count_approval(ballots, options)
    return count_single(ballots, options)


def turnout_percent(ballots: int, eligible: int) -> int:
    """Ballots as a whole percentage of the eligible residents (0 when nobody is)."""
    if eligible <= 0:
        return 0
    return round(100 * ballots / eligible)


# --- ballots, votes and polls ------------------------------------------------------------


def max_choices_allowed(kind: str, max_choices: int) -> int:
    """How many options one ballot may hold: one for a single-choice poll."""
    return 1 if kind == PollKind.TUNGGAL else max_choices


# What :func:`ballot_problem` finds wrong with the order of a ballot itself.
ORDER_PROBLEMS = frozenset({
    MusyawarahError.NO_CHOICE, MusyawarahError.UNKNOWN_OPTION,
    MusyawarahError.DUPLICATE_CHOICE, MusyawarahError.TOO_MANY_CHOICES,
})  # fmt: skip


def ballot_problem(
    kind: str, choices: Sequence[int], option_ids: Collection[int], max_choices: int
) -> MusyawarahError | None:
    """Why ``choices`` (in order, for a ranking) cannot be a ballot, or None."""
    if not choices:
        return MusyawarahError.NO_CHOICE
    if any(c not in option_ids for c in choices):
        return MusyawarahError.UNKNOWN_OPTION
    if len(set(choices)) != len(choices):
        return MusyawarahError.DUPLICATE_CHOICE
    if len(choices) > max_choices_allowed(kind, max_choices):
        return MusyawarahError.TOO_MANY_CHOICES
    return None


def poll_state(opens_at: datetime, closes_at: datetime, now: datetime) -> PollState:
    """Open from ``opens_at`` (included) to ``closes_at`` (excluded)."""
    if now < opens_at:
        return PollState.BELUM_DIBUKA
    if now < closes_at:
        return PollState.DIBUKA
    return PollState.DITUTUP


# The Musrenbang export shows the results of the wilayah's latest closed ranking polls (the
# priorities it set), at most this many: a year of RT and RW priority polls.
MUSRENBANG_PRIORITY_POLLS = 10

# Residents who have not voted are reminded this long before a poll closes (#16): a day
# leaves an evening to talk it over. A poll open for less than twice that is reminded at
# its halfway point instead, so the reminder never comes before the poll has been seen.
CLOSING_REMINDER = timedelta(hours=24)


def closing_reminder_at(opens_at: datetime, closes_at: datetime) -> datetime:
    """When the residents of a poll who have not voted yet are reminded that it closes."""
    halfway = opens_at + (closes_at - opens_at) / 2
    return max(closes_at - CLOSING_REMINDER, halfway)


def results_visible(state: str, shows_live: bool, is_secret: bool) -> bool:
    """Results are hidden from everyone, pengurus included, until the poll closes, unless
    its maker chose to show them live. Never live on a secret ballot: watching the counts
    move as a known neighbour votes would tell their choice."""
    return state == PollState.DITUTUP or (shows_live and not is_secret)


def vote_problem(
    state: str, *, lives_in_scope: bool, is_secret: bool, has_voted: bool
) -> MusyawarahError | None:
    """Why this person cannot vote (or change their vote) now, or None. A secret ballot
    holds no voter, so a vote once cast cannot be found again to be changed."""
    if state == PollState.BELUM_DIBUKA:
        return MusyawarahError.NOT_OPEN_YET
    if state == PollState.DITUTUP:
        return MusyawarahError.CLOSED
    if not lives_in_scope:
        return MusyawarahError.NOT_ELIGIBLE
    if is_secret and has_voted:
        return MusyawarahError.ALREADY_VOTED
    return None


def poll_problem(
    kind: str,
    options: Sequence[str],
    max_choices: int,
    opens_at: datetime,
    closes_at: datetime,
    now: datetime,
) -> MusyawarahError | None:
    """Why a new poll cannot be made like this, or None. ``options`` are the labels as
    typed (already stripped; empty lines left out)."""
    if len(options) < MIN_OPTIONS:
        return MusyawarahError.TOO_FEW_OPTIONS
    if len(options) > MAX_OPTIONS:
        return MusyawarahError.TOO_MANY_OPTIONS
    if len({o.casefold() for o in options}) != len(options):
        return MusyawarahError.DUPLICATE_OPTION
    if kind != PollKind.TUNGGAL and not 1 <= max_choices <= len(options):
        return MusyawarahError.BAD_MAX_CHOICES
    if closes_at <= now:
        return MusyawarahError.CLOSES_IN_PAST
    if closes_at <= opens_at:
        return MusyawarahError.CLOSES_BEFORE_OPENING
    if closes_at - max(opens_at, now) > timedelta(days=MAX_POLL_DAYS):
        return MusyawarahError.TOO_LONG
    return None


# --- proposals ---------------------------------------------------------------------------

# Which status may follow which. Forwarding moves the proposal up one level, where its new
# pengurus discuss it again, forward it further, or decide; a decision is final except that
# an accepted proposal is marked done once carried out.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DIAJUKAN: frozenset({Status.DIBAHAS, Status.DITOLAK}),
    Status.DIBAHAS: frozenset({Status.DITERUSKAN, Status.DITERIMA, Status.DITOLAK}),
    Status.DITERUSKAN: frozenset(
        {Status.DIBAHAS, Status.DITERUSKAN, Status.DITERIMA, Status.DITOLAK}
    ),
    Status.DITERIMA: frozenset({Status.SELESAI}),
    Status.DITOLAK: frozenset(),
    Status.SELESAI: frozenset(),
}
# Supports count while the proposal is still being weighed.
OPEN_STATUSES = frozenset({Status.DIAJUKAN, Status.DIBAHAS, Status.DITERUSKAN})


def next_statuses(current: str, level: str) -> list[str]:
    """The statuses a proposal at ``level`` may move to, in the flow's order (forwarding
    only where there is a level above to take it)."""
    allowed = TRANSITIONS[current]
    return [s for s in Status if s in allowed and (s != Status.DITERUSKAN or level in FORWARD_TO)]


def transition_problem(
    current: str, target: str, level: str, reason: str
) -> MusyawarahError | None:
    """Why a proposal at ``level`` cannot move from ``current`` to ``target`` with this
    ``reason`` (stripped), or None. A rejection must say why."""
    if target not in TRANSITIONS[current]:
        return MusyawarahError.STATUS_NOT_ALLOWED
    if target == Status.DITERUSKAN and level not in FORWARD_TO:
        return MusyawarahError.CANNOT_FORWARD
    if target == Status.DITOLAK and not reason:
        return MusyawarahError.REASON_REQUIRED
    return None


def support_problem(
    status: str, *, is_author: bool, lives_in_scope: bool
) -> MusyawarahError | None:
    """Why this person cannot support (or withdraw support from) the proposal, or None:
    residents of its wilayah other than its author, while it is being weighed."""
    if status not in OPEN_STATUSES:
        return MusyawarahError.SUPPORT_CLOSED
    if is_author:
        return MusyawarahError.OWN_PROPOSAL
    if not lives_in_scope:
        return MusyawarahError.NOT_RESIDENT
    return None


# --- notulen -----------------------------------------------------------------------------


def minutes_problem(
    kind: str, *, is_cancelled: bool, starts_at: datetime, now: datetime
) -> MusyawarahError | None:
    """Why notulen cannot be written (or changed) for this activity now, or None: only for
    a musyawarah meeting that was not cancelled, from the moment it starts (minutes are
    taken during the meeting)."""
    if kind != MEETING_KIND:
        return MusyawarahError.NOT_A_MEETING
    if is_cancelled:
        return MusyawarahError.MEETING_CANCELLED
    if now < starts_at:
        return MusyawarahError.MEETING_NOT_STARTED
    return None


# --- the Musrenbang export ---------------------------------------------------------------


def musrenbang_order(
    category: str, origin: str, supports: int, proposal_id: int
) -> tuple[int, str, int, int]:
    """Where a proposal goes in the Musrenbang export: by category (in the order of
    :class:`Category`, as the kelurahan's forms group them), then by the RT (or RW) it came
    from, then the most supported first, then the oldest first."""
    return (list(Category).index(Category(category)), origin, -supports, proposal_id)


# --- paper ballots -----------------------------------------------------------------------


def _paper_too_late(closes_at: datetime, now: datetime) -> bool:
    """Paper is entered (or withdrawn) until :data:`PAPER_GRACE_DAYS` after the closing."""
    return now >= closes_at + timedelta(days=PAPER_GRACE_DAYS)


def _paper_batch_problem(
    *, opens_at: datetime, closes_at: datetime, now: datetime, ballots: int
) -> MusyawarahError | None:
    """Why a batch of ``ballots`` paper ballots cannot be entered now, or None: from the
    poll's opening to :data:`PAPER_GRACE_DAYS` after its closing, 1 to
    :data:`PAPER_MAX_BALLOTS` ballots."""
    if now < opens_at:
        return MusyawarahError.NOT_OPEN_YET
    if _paper_too_late(closes_at, now):
        return MusyawarahError.PAPER_TOO_LATE
    if not 1 <= ballots <= PAPER_MAX_BALLOTS:
        return MusyawarahError.PAPER_BAD_COUNT
    return None


def paper_problem(
    kind: str,
    *,
    opens_at: datetime,
    closes_at: datetime,
    now: datetime,
    ballots: int,
    votes: Sequence[int],
    max_choices: int,
) -> MusyawarahError | None:
    """Why these counts of paper ballots for a single or multiple choice cannot be
    entered, or None. ``ballots`` is the number of paper ballots in the batch, ``votes``
    the marks per option. Each paper ballot holds one mark (a single choice) or up to N (a
    multiple choice); a blank one holds none. (A ranking is entered ballot order by ballot
    order: :func:`paper_ranking_problem`.)"""
    problem = _paper_batch_problem(opens_at=opens_at, closes_at=closes_at, now=now,
                                   ballots=ballots)  # fmt: skip
    if problem is not None:
        return problem
    if any(v < 0 for v in votes):
        return MusyawarahError.PAPER_BAD_COUNT
    if any(v > ballots for v in votes):
        return MusyawarahError.PAPER_TOO_MANY_VOTES
    if sum(votes) > ballots * max_choices_allowed(kind, max_choices):
        return MusyawarahError.PAPER_TOO_MANY_VOTES
    return None


def paper_ranking_problem(
    order: Sequence[int],
    option_ids: Collection[int],
    *,
    opens_at: datetime,
    closes_at: datetime,
    now: datetime,
    ballots: int,
    max_choices: int,
) -> MusyawarahError | None:
    """Why ``ballots`` paper ballots of a ranking, all ranking the options in ``order``,
    cannot be entered, or None. The pengurus reads the ballots out and enters each order
    once with how many ballots carry it (in a small RT many do); an empty ``order`` is
    that many blank ballots. The order obeys what a ballot on a phone obeys."""
    problem = _paper_batch_problem(opens_at=opens_at, closes_at=closes_at, now=now,
                                   ballots=ballots)  # fmt: skip
    if problem is not None or not order:
        return problem
    return ballot_problem(PollKind.PERINGKAT, order, option_ids, max_choices)


def paper_withdraw_problem(
    *, closes_at: datetime, now: datetime, withdrawn: bool
) -> MusyawarahError | None:
    """Why a batch of paper ballots entered by mistake cannot be withdrawn now, or None:
    once, and only while paper may still be entered (after the grace days the result is
    final). A withdrawn batch stays in the log, no longer counted."""
    if withdrawn:
        return MusyawarahError.PAPER_ALREADY_WITHDRAWN
    if _paper_too_late(closes_at, now):
        return MusyawarahError.PAPER_TOO_LATE
    return None


def paper_ranking_points(marks: Iterable[tuple[int, int, int]], m: int) -> dict[int, int]:
    """The Borda points of ranked paper ballots among ``m`` options, entered as
    ``(ballots, option, place)``: that many ballots put ``option`` at ``place`` (1 is the
    first), each giving it ``m - place`` points, as the same ballot on a phone would."""
    points: dict[int, int] = {}
    for ballots, option, place in marks:
        points[option] = points.get(option, 0) + ballots * (m - place)
    return points


def with_paper(tally: Tally, paper: dict[int, int]) -> Tally:
    """The tally with the paper's points added, option by option (a mark of a single or
    multiple choice is one point; a ranking's points come from
    :func:`paper_ranking_points`)."""
    return Tally({o: n + paper.get(o, 0) for o, n in tally.scores.items()})


# --- time polls --------------------------------------------------------------------------


def time_poll_problem(times: Sequence[datetime], now: datetime) -> MusyawarahError | None:
    """Why a time poll cannot offer these times, or None: two to six different times, all
    still ahead and within :data:`TIME_POLL_MAX_DAYS`."""
    if len(times) < TIME_OPTIONS_MIN:
        return MusyawarahError.TOO_FEW_TIMES
    if len(set(times)) != len(times):
        return MusyawarahError.DUPLICATE_TIME
    if any(t <= now for t in times):
        return MusyawarahError.TIME_IN_PAST
    if any(t - now > timedelta(days=TIME_POLL_MAX_DAYS) for t in times):
        return MusyawarahError.TIME_TOO_FAR
    return None


def mark_problem(*, is_decided: bool, lives_in_scope: bool) -> MusyawarahError | None:
    """Why this person cannot tick the times that suit them, or None: residents of the
    wilayah, until the organiser has picked one."""
    if is_decided:
        return MusyawarahError.ALREADY_DECIDED
    if not lives_in_scope:
        return MusyawarahError.NOT_ELIGIBLE
    return None


def pick_problem(*, is_decided: bool, starts_at: datetime, now: datetime) -> MusyawarahError | None:
    """Why the organiser cannot pick this time now, or None: once, and a time still ahead."""
    if is_decided:
        return MusyawarahError.ALREADY_DECIDED
    if starts_at <= now:
        return MusyawarahError.TIME_IN_PAST
    return None


def best_times(marks: dict[int, int]) -> tuple[int, ...]:
    """The options most people can attend (several when tied; none before anyone ticked)."""
    if not any(marks.values()):
        return ()
    top = max(marks.values())
    return tuple(o for o, n in marks.items() if n == top)
