"""Direct messages: pure decisions. Plain values in, plain values out (no Flask, no SQL).

- what a message body becomes before it is stored, and when it is refused;
- who may start a conversation with whom, from facts the policies load;
- how often an open conversation page asks for new messages;
- when a new message becomes a push, and what it says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

# Two thousand characters is a long WhatsApp message; longer belongs in a meeting (the issue).
MAX_BODY_CHARS = 2000
# Roles that make someone a "pengurus" of the RT they hold it on (ketua, sekretaris,
# bendahara): a resident may always write to their own RT's pengurus and back.
PENGURUS_ROLES = frozenset({"ketua_rt", "sekretaris", "bendahara"})
# Seconds between polls of an open conversation: every 4 s while messages flow, slowing
# down while nothing new arrives, so a page left open costs one request per 30 s.
POLL_DELAYS_SECONDS = (4, 8, 15, 30)
# After a push about a conversation, what else arrives within this window goes as one
# more push at its end (the phone replaces the first: one notification per conversation),
# so ten messages in a minute ring the phone twice at most, not ten times.
PUSH_GROUP_WINDOW = timedelta(minutes=2)

_MANY_BLANK_LINES = re.compile(r"\n{3,}")


class BodyProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"


def clean_body(text: str) -> str:
    """The text as stored: line ends made ``\\n``, no trailing spaces on a line, no leading
    or trailing blank lines, and at most one empty line in a row."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return _MANY_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def body_problem(cleaned: str) -> BodyProblem | None:
    """Why a cleaned body cannot be sent, or None."""
    if not cleaned:
        return BodyProblem.EMPTY
    if len(cleaned) > MAX_BODY_CHARS:
        return BodyProblem.TOO_LONG
    return None


def rw_of(rt_path: str | None) -> str | None:
    """The RW above an RT, by path: ``/1/2/3/4/5/`` → ``/1/2/3/4/`` (None above the root)."""
    if not rt_path:
        return None
    parent = rt_path.rstrip("/").rpartition("/")[0]
    return parent + "/" if parent else None


@dataclass(frozen=True)
class Person:
    """What the rules need to know about one side of a conversation."""

    id: int
    rt_path: str | None  # their own RT, None when they have not joined one
    pengurus_of: frozenset[str] = frozenset()  # RT paths where they are a pengurus


def pengurus_rt_paths(grants: object) -> frozenset[str]:
    """The RT paths among ``(role, path)`` grants where the role is a pengurus role."""
    return frozenset(g.path for g in grants if g.role in PENGURUS_ROLES)  # type: ignore[attr-defined]


def in_scope(sender: Person, recipient: Person, *, answered_same_activity: bool) -> bool:
    """May these two write to each other at all? Residents of one RW; people who answered
    the same activity; a resident and a pengurus of the resident's own RT (either way)."""
    sender_rw = rw_of(sender.rt_path)
    if sender_rw is not None and sender_rw == rw_of(recipient.rt_path):
        return True
    if answered_same_activity:
        return True
    if recipient.rt_path is not None and recipient.rt_path in sender.pengurus_of:
        return True
    return sender.rt_path is not None and sender.rt_path in recipient.pengurus_of


class Refusal(StrEnum):
    SELF = "self"
    YOU_BLOCKED = "you_blocked"  # the sender blocked the recipient: unblock first
    BLOCKED = "blocked"  # the recipient blocked the sender
    OUT_OF_SCOPE = "out_of_scope"


def start_refusal(
    sender: Person,
    recipient: Person,
    *,
    answered_same_activity: bool,
    sender_blocked_recipient: bool,
    recipient_blocked_sender: bool,
) -> Refusal | None:
    """Why ``sender`` may not start (or reopen) a conversation with ``recipient``, or None."""
    if sender.id == recipient.id:
        return Refusal.SELF
    if sender_blocked_recipient:
        return Refusal.YOU_BLOCKED
    if recipient_blocked_sender:
        return Refusal.BLOCKED
    if not in_scope(sender, recipient, answered_same_activity=answered_same_activity):
        return Refusal.OUT_OF_SCOPE
    return None


def send_refusal(
    *, sender_blocked_recipient: bool, recipient_blocked_sender: bool
) -> Refusal | None:
    """Why a member may not send into a conversation they are in, or None. Scope is checked
    when a conversation starts; a block stops it at any time, whoever blocked."""
    if sender_blocked_recipient:
        return Refusal.YOU_BLOCKED
    if recipient_blocked_sender:
        return Refusal.BLOCKED
    return None


def poll_delay(empty_polls: int) -> int:
    """Seconds to wait before the next poll after ``empty_polls`` polls in a row found
    nothing new (0: just sent, just received or just opened)."""
    return POLL_DELAYS_SECONDS[min(max(empty_polls, 0), len(POLL_DELAYS_SECONDS) - 1)]


def polls_per_second(open_pages: int, empty_polls: int = 0) -> float:
    """The request budget: ``open_pages`` visible pages all at the same step of the
    back-off ask this many times a second (hidden tabs do not poll at all)."""
    return open_pages / poll_delay(empty_polls)


def push_due(now: datetime, last_push_at: datetime | None) -> datetime:
    """When the push for a message arriving ``now`` goes: at once, unless this person had a
    push about the conversation less than :data:`PUSH_GROUP_WINDOW` ago; then at the end
    of that window, together with whatever else arrives until then."""
    if last_push_at is None or now - last_push_at >= PUSH_GROUP_WINDOW:
        return now
    return last_push_at + PUSH_GROUP_WINDOW
