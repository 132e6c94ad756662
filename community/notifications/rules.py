"""Pure rules for reminders: when they are due, and quiet hours. Times are aware
datetimes; the local clock is WITA (Asia/Makassar, UTC+8, no daylight saving)."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

WITA = ZoneInfo("Asia/Makassar")
QUIET_START_DEFAULT = 21 * 60  # 21.00: people in Banjarbaru are asleep or at pengajian
QUIET_END_DEFAULT = 5 * 60  # 05.00: Subuh, the day starts
EVENING_BEFORE = time(19, 0)  # "besok pagi kerja bakti": read after Maghrib, before Isya
MAX_OFFSET_MINUTES = 14 * 24 * 60  # a reminder two weeks ahead is an announcement


def default_reminders(kind: str, starts_at: datetime) -> list[datetime]:
    """Gotong royong: the evening before at 19.00 and 60 minutes before; others: 2 h before."""
    if kind == "gotong_royong":
        local = starts_at.astimezone(WITA)
        evening = datetime.combine(local.date() - timedelta(days=1), EVENING_BEFORE, tzinfo=WITA)
        return sorted({evening, starts_at - timedelta(minutes=60)})
    return [starts_at - timedelta(hours=2)]


def offset_problem(minutes_before: int) -> str | None:
    """A reminder set by the organiser, in minutes before the start."""
    if minutes_before <= 0:
        return "not_before_start"
    if minutes_before > MAX_OFFSET_MINUTES:
        return "too_early"
    return None


def in_quiet_hours(moment: datetime, start_minute: int, end_minute: int) -> bool:
    local = moment.astimezone(WITA)
    minute = local.hour * 60 + local.minute
    if start_minute == end_minute:
        return False  # no quiet hours
    if start_minute < end_minute:
        return start_minute <= minute < end_minute
    return minute >= start_minute or minute < end_minute  # spans midnight


def quiet_end_after(moment: datetime, end_minute: int) -> datetime:
    """The first end of quiet hours at or after ``moment``."""
    local = moment.astimezone(WITA)
    end = datetime.combine(local.date(), time(end_minute // 60, end_minute % 60), tzinfo=WITA)
    if end < local:
        end += timedelta(days=1)
    return end


def outside_quiet_hours(due: datetime, quiet_start: int, quiet_end: int) -> datetime:
    """When something due at ``due`` that does not expire soon (a message, an announcement)
    goes for someone with these quiet hours: then, or at the end of their quiet hours."""
    if not in_quiet_hours(due, quiet_start, quiet_end):
        return due
    return quiet_end_after(due, quiet_end)


def deliver_at(due: datetime, *, starts_at: datetime, quiet_start: int, quiet_end: int) -> datetime:
    """When a reminder due at ``due`` really goes out for someone with these quiet hours.

    Due inside quiet hours: at their end, unless the activity starts before then, in which
    case it goes when it was due (a reminder after the start is useless)."""
    if not in_quiet_hours(due, quiet_start, quiet_end):
        return due
    end = quiet_end_after(due, quiet_end)
    return due if starts_at <= end else end


def reminder_schedule(
    due_times: list[datetime],
    *,
    now: datetime,
    starts_at: datetime,
    quiet_start: int,
    quiet_end: int,
) -> list[datetime]:
    """The delivery times still ahead, each adjusted for quiet hours, without duplicates."""
    times = {
        deliver_at(due, starts_at=starts_at, quiet_start=quiet_start, quiet_end=quiet_end)
        for due in due_times
        if now <= due < starts_at
    }
    return sorted(times)


MAX_CUSTOM_REMINDERS = 5
_UNITS = {
    "menit": 1, "mnt": 1, "m": 1, "min": 1, "minute": 1, "minutes": 1,
    "jam": 60, "j": 60, "hour": 60, "hours": 60,  # not "h": in Indonesian "H-1" is a day
    "hari": 1440, "d": 1440, "day": 1440, "days": 1440,
}  # fmt: skip


def parse_offsets(text: str) -> tuple[list[int], str | None]:
    """The organiser's own reminder times, typed as "30 menit, 3 jam, 1 hari" (a bare
    number is minutes).  Returns the minutes before the start, or the problem."""
    minutes: set[int] = set()
    if re.search(r"\d\s*[,.]\d", text or ""):
        return [], "offset_unreadable"  # "1,5 jam": a decimal comma, not two reminders
    for raw in (text or "").replace(";", ",").split(","):
        part = raw.strip().lower()
        if not part:
            continue
        number, _, unit = part.partition(" ")
        if not unit:  # "30m", "2jam"
            digits = "".join(ch for ch in part if ch in "+-0123456789")
            number, unit = digits, part[len(digits) :]
        try:
            value = int(number)
        except ValueError:
            return [], "offset_unreadable"
        factor = _UNITS.get(unit.strip() or "menit")
        if factor is None:
            return [], "offset_unreadable"
        problem = offset_problem(value * factor)
        if problem:
            return [], problem
        minutes.add(value * factor)
    if len(minutes) > MAX_CUSTOM_REMINDERS:
        return [], "too_many_offsets"
    return sorted(minutes, reverse=True), None


def format_offsets(minutes: list[int]) -> str:
    parts = []
    for value in minutes:
        if value % 1440 == 0:
            parts.append(f"{value // 1440} hari")
        elif value % 60 == 0:
            parts.append(f"{value // 60} jam")
        else:
            parts.append(f"{value} menit")
    return ", ".join(parts)


# A push shows at most this much of a message or an announcement (two lines of a lock screen).
PREVIEW_CHARS = 120


def preview(text: str) -> str:
    """Text as a push shows it: one line, at most :data:`PREVIEW_CHARS` characters, an
    ellipsis when cut."""
    line = " ".join(text.split())
    if len(line) <= PREVIEW_CHARS:
        return line
    return line[: PREVIEW_CHARS - 1].rstrip() + "…"
