"""A resident's calendar feed: a secret URL a calendar app subscribes to, issued,
rotated and revoked on the profile, and what it lists (their answered activities, or
everything of their RT and above, over ``calendar.FEED_WINDOW``).

The URL is the only credential of the feed (calendar apps cannot sign in), so it is long
and random, and revoking deletes it."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from community.accounts.models import User
from community.core.authz import Action, can
from community.events import queries
from community.events.calendar import FEED_WINDOW
from community.events.models import Activity, Answer, CalendarFeed, Rsvp
from community.extensions import db

log = logging.getLogger(__name__)


TOKEN_BYTES = 32  # 256 bits: the URL is the only secret, it cannot be guessed


class FeedScope(StrEnum):
    ANSWERED = "answered"  # what the resident answered Hadir or Mungkin Hadir to
    RT = "rt"  # everything for their RT and every wilayah above it (the home feed)


def get_feed(user: User) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def get_feed_by_token(token: str) -> CalendarFeed | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token))


def issue_feed(user: User, *, scope: str, token: str, now: datetime) -> CalendarFeed:
    """Give ``user`` a feed URL with a new ``token`` (the old URL, if any, stops working)."""
    if scope not in set(FeedScope):
        raise ValueError(scope)
    feed = get_feed(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.token, feed.scope, feed.created_at = token, scope, now
    db.session.flush()
    log.info("calendar feed issued user=%s scope=%s", user.id, scope)
    return feed


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def rotate_feed(user: User, *, token: str, now: datetime) -> bool:
    """Give ``user``'s feed, if any, a new ``token``: the old URL stops working. Called
    when a password is changed or reset and at sign-out (which ends every session), so a
    URL seen on a lost phone or a shared computer dies with its sessions. False when the
    user has no feed."""
    feed = get_feed(user)
    if feed is None:
        return False
    feed.token, feed.created_at = token, now
    db.session.flush()
    log.info("calendar feed rotated user=%s", user.id)
    return True


def revoke_feed(user: User) -> bool:
    """Delete the user's feed; False when there was none."""
    feed = get_feed(user)
    if feed is None:
        return False
    db.session.delete(feed)
    db.session.flush()
    log.info("calendar feed revoked user=%s", user.id)
    return True


@dataclass(frozen=True)
class FeedContent:
    activities: list[Activity]
    siblings: dict[int, list[Activity]]


def list_feed_activities(user: User, scope: str, *, now: datetime) -> FeedContent:
    """What ``user``'s feed shows: from 90 days ago on, soonest first; for each series
    among them, all its occurrences."""
    query = (
        select(Activity)
        .where(Activity.ends_at >= now - FEED_WINDOW)
        .options(selectinload(Activity.series))
        .order_by(Activity.starts_at, Activity.id)
    )
    if scope == FeedScope.RT:
        query = query.where(Activity.wilayah_id.in_(queries.visible_scope_ids(user)))
        activities = list(db.session.scalars(query))
    else:
        query = query.join(Rsvp, Rsvp.activity_id == Activity.id).where(
            Rsvp.user_id == user.id, Rsvp.answer.in_([Answer.HADIR, Answer.MUNGKIN])
        )
        # an answer given before moving away does not keep another RT's activity visible
        activities = [a for a in db.session.scalars(query) if can(Action.VIEW, a, user)]
    series_ids = {a.series_id for a in activities if a.series_id is not None}
    return FeedContent(activities, list_series_occurrences(series_ids))


def list_series_occurrences(series_ids: Iterable[int]) -> dict[int, list[Activity]]:
    """Every occurrence of each series, in creation order (see :func:`pair_instances`)."""
    siblings: dict[int, list[Activity]] = {i: [] for i in sorted(set(series_ids))}
    if siblings:
        rows = db.session.scalars(
            select(Activity)
            .where(Activity.series_id.in_(siblings))
            .options(selectinload(Activity.series))
            .order_by(Activity.id)
        )
        for row in rows:
            siblings[row.series_id].append(row)
    return siblings
