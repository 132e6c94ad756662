"""Moderation: pure decisions. Plain values in, plain values out (no Flask, no SQL).

- the reasons a resident picks when reporting, and how long a note may be;
- how long a mute lasts, and whether one is in force at ``now``;
- what a pengurus' hide or mute reason must be;
- whose reports a pengurus sees, and whom they may mute.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

from community.core.access_rules import ROLE_LEVEL, Grant, appointable_roles, covers

# A note says what the reason list cannot; the reported text itself is copied, so a few
# sentences are enough (the "optional note").
MAX_NOTE_CHARS = 500
# The author reads the hide reason under their own text, the resident the mute reason in
# the refusal: one or two sentences, not a letter.
MAX_REASON_CHARS = 300
# A day to cool down, three for a repeat, a week at most: longer is a matter for the RT
# meeting, not a button (the pengurus can always mute again).
MUTE_DAYS = (1, 3, 7)
# The moderation log is read a page at a time.
LOG_PAGE_SIZE = 50


class ReportReason(StrEnum):
    SPAM = "spam"
    ABUSE = "kasar"  # kata-kata kasar atau hinaan
    SCAM = "penipuan"
    OTHER = "lainnya"


class ReportStatus(StrEnum):
    OPEN = "open"
    HIDDEN = "hidden"  # the pengurus hid the item
    DISMISSED = "dismissed"  # "tidak melanggar", or shown again after a hide


class ItemKind(StrEnum):
    MESSAGE = "message"
    COMMENT = "comment"


class LogAction(StrEnum):
    HIDE = "hide"
    UNHIDE = "unhide"
    DISMISS = "dismiss"
    MUTE = "mute"
    UNMUTE = "unmute"


class TextProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"


def clean_text(text: str | None) -> str:
    """A note or reason as stored: trimmed, line ends made ``\\n``."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def note_problem(note: str) -> TextProblem | None:
    """A reporter's note is optional; only its length can be wrong."""
    return TextProblem.TOO_LONG if len(note) > MAX_NOTE_CHARS else None


def reason_problem(reason: str) -> TextProblem | None:
    """A pengurus must say why they hide or mute (the person is told), briefly."""
    if not reason:
        return TextProblem.EMPTY
    if len(reason) > MAX_REASON_CHARS:
        return TextProblem.TOO_LONG
    return None


def mute_ends_at(starts_at: datetime, days: int) -> datetime:
    """When a mute of ``days`` starting at ``starts_at`` ends; only the offered periods."""
    if days not in MUTE_DAYS:
        raise ValueError(f"mute period {days!r} not offered")
    return starts_at + timedelta(days=days)


def mute_is_active(
    starts_at: datetime, ends_at: datetime, lifted_at: datetime | None, now: datetime
) -> bool:
    """In force from its start until (not including) its end, unless lifted before now."""
    if lifted_at is not None and lifted_at <= now:
        return False
    return starts_at <= now < ends_at


def sees_reports_of(wilayah_path: str, grants: Iterable[Grant]) -> bool:
    """A pengurus sees the reports of the wilayah they manage and everything below it:
    a role held on that wilayah or one above (ketua RT, sekretaris, bendahara, ketua RW,
    admins), the rule that decides who organises activities there."""
    return any(covers(g.path, wilayah_path) for g in grants)


def may_mute(
    person_id: int,
    person_rt_path: str | None,
    person_grants: Iterable[Grant],
    actor_id: int,
    grants: Iterable[Grant],
) -> bool:
    """May someone with ``grants`` mute this person? A resident of a wilayah they manage,
    never themselves, and only someone whose every role they could give or take away (a
    sekretaris does not silence the ketua RT, nor a ketua RT the ketua RW living in the RT)."""
    grants = tuple(grants)
    if person_id == actor_id or person_rt_path is None:
        return False
    if not sees_reports_of(person_rt_path, grants):
        return False
    return all(
        g.role in appointable_roles(ROLE_LEVEL.get(g.role, ""), g.path, grants)
        for g in person_grants
    )
