"""Pengumuman rules: plain values in, plain values out (no Flask, no SQLAlchemy)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from linkify_it import LinkifyIt

# As long as a WhatsApp message people still read to the end; the limit.
BODY_MAX = 2000
# The home feed shows a few so the activities stay on the first screen.
HOME_LIMIT = 3
# An expiry further ahead than a year is a typo (2062 for 2026), not a plan.
EXPIRY_MAX_DAYS = 366
# Only these lead anywhere a resident should be sent; mailto:, ftp: stay plain text.
LINK_SCHEMES = frozenset({"http:", "https:", ""})  # "" = a bare www.… or domain.id


class AnnouncementError(StrEnum):
    EXPIRY_PAST = "expiry_past"
    EXPIRY_TOO_FAR = "expiry_too_far"
    EXPIRY_NO_DATE = "expiry_no_date"


def is_active(expires_at: datetime | None, now: datetime) -> bool:
    """An announcement without an expiry stays; one with an expiry leaves at that moment."""
    return expires_at is None or expires_at > now


def expiry_problem(
    expires_at: datetime | None, now: datetime, previous: datetime | None = None
) -> AnnouncementError | None:
    """Why ``expires_at`` cannot be set now, or None. Keeping the expiry an announcement
    already has is always allowed (editing the text of an expired one); the form shows it
    to the minute, so less than a minute apart is the same expiry."""
    if expires_at is None or (
        previous is not None and abs(expires_at - previous) < timedelta(minutes=1)
    ):
        return None
    if expires_at <= now:
        return AnnouncementError.EXPIRY_PAST
    if expires_at > now + timedelta(days=EXPIRY_MAX_DAYS):
        return AnnouncementError.EXPIRY_TOO_FAR
    return None


def order_key(is_pinned: bool, created_at: datetime, announcement_id: int) -> tuple:
    """Sort key: pinned first, then newest (the id breaks ties within one second)."""
    return (not is_pinned, -created_at.timestamp(), -announcement_id)


_linkify = LinkifyIt()


def link_segments(text: str) -> list[tuple[str, str | None]]:
    """``text`` cut into ``(piece, url)``: ``url`` is None for plain text and the link's
    address for a web link (``www.x.id`` → ``http://www.x.id``). The template escapes
    each piece; nothing here is HTML."""
    segments: list[tuple[str, str | None]] = []
    position = 0
    for match in _linkify.match(text) or []:
        if match.schema not in LINK_SCHEMES:  # linkify-it gives the scheme in lower case
            continue
        if match.index > position:
            segments.append((text[position : match.index], None))
        segments.append((text[match.index : match.last_index], match.url))
        position = match.last_index
    if position < len(text):
        segments.append((text[position:], None))
    return segments


def whatsapp_text(
    body: str, wilayah: str, url: str, *, heading: str, link_label: str, until: str | None = None
) -> str:
    """``*Pengumuman RT 01 / RW 05*``, the text as typed (WhatsApp shows plain text), until
    when it holds (if it expires) and the link; WhatsApp's bold for the heading."""
    lines = [f"*{heading} {wilayah}*", "", body, ""]
    if until is not None:
        lines += [until, ""]
    return "\n".join([*lines, f"{link_label} {url}"])
