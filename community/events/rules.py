"""Pure rules for activities and RSVPs. Plain values in, plain values out."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from community.core.errors import DomainError

MAX_GUESTS = 10  # a family brings its children; more is a separate answer
MAX_CAPACITY = 10_000  # a city-wide event in a lapangan, not a typo with extra zeros
TITLE_MAX = 120
PLACE_MAX = 200
DESCRIPTION_MAX = 5000
NOTE_MAX = 300
MAX_DURATION_HOURS = 24 * 7  # a pelatihan may run a week; longer is a typo
# Dates an activity may have: last year's kerja bakti may still be recorded, and a plan
# may reach five years ahead; year 1 or 9999 is a typo (and overflowed reminder times).
DAYS_BACK = 365
DAYS_AHEAD = 5 * 365 + 1  # five years, a leap day included


def rsvp_problem(
    *,
    now: datetime,
    starts_at: datetime,
    deadline: datetime | None,
    is_cancelled: bool,
    guests: int,
) -> str | None:
    """Why an answer must be refused right now, or ``None``."""
    if is_cancelled:
        return "cancelled"
    if deadline is not None and now > deadline:
        return "deadline"
    if deadline is None and now >= starts_at:
        return "started"
    if not 0 <= guests <= MAX_GUESTS:
        return "guests"
    return None


def fits(capacity: int | None, seats_taken: int, party: int) -> bool:
    return capacity is None or seats_taken + party <= capacity


@dataclass(frozen=True)
class Waiting:
    rsvp_id: int
    party: int


def promotions(capacity: int | None, seats_taken: int, queue: Sequence[Waiting]) -> list[int]:
    """Who leaves the Daftar Tunggu now that places are free, in queue order.

    Strictly first come, first served: when the first in line does not fit (their
    guests need more places than are free), nobody behind them jumps the queue.
    """
    promoted = []
    for waiting in queue:
        if not fits(capacity, seats_taken, waiting.party):
            break
        seats_taken += waiting.party
        promoted.append(waiting.rsvp_id)
    return promoted


def date_window(today: date) -> tuple[date, date]:
    """The first and last day an activity may be on, seen from ``today`` (WITA)."""
    return today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD)


def activity_problems(
    *,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int | None,
    deadline: datetime | None,
) -> list[tuple[str, str]]:
    """(field, problem) pairs for an activity that must not be saved."""
    problems = []
    if ends_at <= starts_at:
        problems.append(("end_date", "end_before_start"))
    elif (ends_at - starts_at).total_seconds() > MAX_DURATION_HOURS * 3600:
        problems.append(("end_time", "too_long"))
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        problems.append(("capacity", "capacity"))
    if deadline is not None and deadline > starts_at:
        problems.append(("deadline_date", "deadline_after_start"))
    return problems


# --- recurring series (RFC 5545 recurrence rules, expanded by python-dateutil) ------------

MAX_OCCURRENCES = 500  # a weekly pengajian for nearly ten years; more is a mistake

REPEAT_CHOICES = ("weekly", "monthly_day", "monthly_nth")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def recurrence_rule(
    repeat: str, first_start: datetime, *, until: datetime | None, count: int | None
) -> str:
    """The RRULE for "every <weekday>", "every month on the <day>" or "every <n>th
    <weekday> of the month", anchored on ``first_start`` (local WITA time)."""
    weekday = _WEEKDAYS[first_start.weekday()]
    if repeat == "weekly":
        rule = f"FREQ=WEEKLY;BYDAY={weekday}"
    elif repeat == "monthly_day":
        rule = f"FREQ=MONTHLY;BYMONTHDAY={first_start.day}"
    elif repeat == "monthly_nth":
        nth = (first_start.day - 1) // 7 + 1
        rule = f"FREQ=MONTHLY;BYDAY={-1 if nth == 5 else nth}{weekday}"
    else:
        raise ValueError(repeat)
    if count is not None:
        return f"{rule};COUNT={count}"
    if until is not None:
        return f"{rule};UNTIL={until:%Y%m%dT235959}"
    raise ValueError("a series needs an end date or a count")


def expand(rule: str, first_start: datetime) -> list[datetime]:
    """Every start of the series in the time zone of ``first_start`` (WITA has no
    daylight saving, so local wall-clock times stay put). Raises ``ValueError`` with
    ``"too_many"`` above :data:`MAX_OCCURRENCES` and ``"empty"`` when nothing matches."""
    from dateutil.rrule import rrulestr

    naive = first_start.replace(tzinfo=None)
    starts = []
    for occurrence in rrulestr(rule, dtstart=naive):
        starts.append(occurrence.replace(tzinfo=first_start.tzinfo))
        if len(starts) > MAX_OCCURRENCES:
            raise ValueError("too_many")
    if not starts:
        raise ValueError("empty")
    return starts


# --- tasks, attendance, comments ----------------------------------------------------------

MAX_TASK_QUANTITY = 500  # "nasi bungkus ×40" is typical; hundreds is a kelurahan event
COMMENT_MAX = 1000
CHECK_IN_OPENS_BEFORE_MINUTES = 120  # people arrive early to set up chairs


def check_in_open(*, now: datetime, starts_at: datetime, ends_at: datetime) -> bool:
    """Self check-in by QR works on the spot: from two hours before until the end."""
    from datetime import timedelta

    return starts_at - timedelta(minutes=CHECK_IN_OPENS_BEFORE_MINUTES) <= now <= ends_at


# --- the feed in pages --------------------------------------------------------------------

ORGANISER_PAGE_SIZE = 50  # names per page of the Peserta and Daftar Hadir lists (#12)
FEED_PAGE_SIZE = 8  # about two phone screens of cards (#12); the rest is one tap away
_CURSOR = re.compile(r"(\d{8}T\d{6})(?:\.(\d{6}))?Z-(\d{1,18})")


@dataclass(frozen=True)
class FeedCursor:
    """Where the next page of a feed starts: after this card (its start, then its id).

    Written into the "Lihat lebih banyak" link as ``20261206T230000Z-42``. A cursor,
    not a page number: an activity ending or added between two taps neither repeats a
    card nor skips one.
    """

    starts_at: datetime
    activity_id: int

    def __str__(self) -> str:
        moment = self.starts_at.astimezone(UTC)
        fraction = f".{moment.microsecond:06d}" if moment.microsecond else ""
        return f"{moment:%Y%m%dT%H%M%S}{fraction}Z-{self.activity_id}"


def parse_feed_cursor(text: str | None) -> FeedCursor | None:
    """The cursor written by ``str(FeedCursor)``, or ``None`` for anything else."""
    match = _CURSOR.fullmatch(text or "")
    if match is None:
        return None
    stamp, fraction, activity_id = match.groups()
    try:
        moment = datetime.strptime(stamp, "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    return FeedCursor(moment.replace(microsecond=int(fraction or 0)), int(activity_id))


class EventError(DomainError):
    """A rule refused the action; ``code`` says which (the route turns it into words)."""
