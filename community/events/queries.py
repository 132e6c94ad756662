"""Reads that many pages use: the feed, answer counts, a place in the Daftar Tunggu, the
wilayah a person sees. Queries only (``get_*``, ``list_*``, ``count_*``); nothing here writes.
The dashboard's read model follows this module's example."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, or_, select

from community.accounts.models import User
from community.core.time import as_utc
from community.events import rules
from community.events.models import (
    Activity,
    Answer,
    Rsvp,
)
from community.extensions import db

PAST_WINDOW = timedelta(days=90)  # "Kegiatan lalu" shows the last three months


def visible_scope_ids(user: User) -> list[int]:
    """Wilayah whose activities the user sees in the feed: their RT and every ancestor,
    and the wilayah where they hold a role."""
    ids: set[int] = set(user.rt.ancestor_ids) if user.rt is not None else set()
    ids.update(a.wilayah_id for a in user.roles)
    return sorted(ids)


@dataclass(frozen=True)
class FeedItem:
    activity: Activity
    answer: str | None
    is_waitlisted: bool


@dataclass(frozen=True)
class FeedPage:
    items: list[FeedItem]
    next_cursor: rules.FeedCursor | None  # where "Lihat lebih banyak" goes on; None: the end


def list_feed(
    user: User,
    *,
    now: datetime,
    kind: str | None = None,
    past: bool = False,
    after: rules.FeedCursor | None = None,
    limit: int = rules.FEED_PAGE_SIZE,
) -> FeedPage:
    """One page of upcoming activities soonest first (or past ones, latest first), with
    the user's own answer, continuing ``after`` a cursor: one query whatever the number
    of activities.

    Upcoming, a recurring series is one card, its next meeting: the folding is done by
    the query (``row_number()`` per series), so a weekly pengajian of 60 meetings takes
    one place on a page, not 60. Past meetings each keep their own card (their own
    attendance).
    """
    scope = visible_scope_ids(user)
    if not scope:
        return FeedPage([], None)
    shown = [Activity.wilayah_id.in_(scope)]
    if kind:
        shown.append(Activity.kind == kind)
    if past:
        shown += [Activity.ends_at < now, Activity.ends_at >= now - PAST_WINDOW]
    else:
        shown.append(Activity.ends_at >= now)
    query = select(Activity, Rsvp.answer, Rsvp.waitlisted_at).outerjoin(
        Rsvp, (Rsvp.activity_id == Activity.id) & (Rsvp.user_id == user.id)
    )
    if past:
        query = query.where(*shown)
    else:
        one_off = case((Activity.series_id.is_(None), Activity.id))
        ranked = (
            select(
                Activity.id,
                func.row_number()
                .over(
                    partition_by=(Activity.series_id, one_off),
                    order_by=(Activity.starts_at, Activity.id),
                )
                .label("place"),
            )
            .where(*shown)
            .subquery()
        )
        query = query.join(ranked, ranked.c.id == Activity.id).where(ranked.c.place == 1)
    start, tie = Activity.starts_at, Activity.id
    if past:
        query = query.order_by(start.desc(), tie.desc())
        if after is not None:
            query = query.where(
                or_(start < after.starts_at, (start == after.starts_at) & (tie < after.activity_id))
            )
    else:
        query = query.order_by(start, tie)
        if after is not None:
            query = query.where(
                or_(start > after.starts_at, (start == after.starts_at) & (tie > after.activity_id))
            )
    rows = db.session.execute(query.limit(limit + 1)).all()
    items = [FeedItem(a, answer, waitlisted is not None) for a, answer, waitlisted in rows[:limit]]
    if len(rows) <= limit:
        return FeedPage(items, None)
    last = items[-1].activity
    return FeedPage(items, rules.FeedCursor(as_utc(last.starts_at), last.id))


def answer_problem(activity: Activity, *, now: datetime, guests: int = 0) -> str | None:
    return rules.rsvp_problem(
        now=now,
        starts_at=as_utc(activity.starts_at),
        deadline=as_utc(activity.rsvp_deadline_at) if activity.rsvp_deadline_at else None,
        is_cancelled=activity.is_cancelled,
        guests=guests,
    )


def get_activity(activity_id: int) -> Activity | None:
    return db.session.get(Activity, activity_id)


def get_rsvp(activity: Activity, user: User) -> Rsvp | None:
    return db.session.scalar(
        select(Rsvp).where(Rsvp.activity_id == activity.id, Rsvp.user_id == user.id)
    )


@dataclass(frozen=True)
class Counts:
    hadir: int  # people confirmed, guests included
    mungkin: int
    tidak: int
    waiting: int  # people on the Daftar Tunggu, guests included
    guests: int


def count_answers(activity: Activity) -> Counts:
    party = 1 + Rsvp.guests
    confirmed = (Rsvp.answer == Answer.HADIR) & Rsvp.waitlisted_at.is_(None)
    row = db.session.execute(
        select(
            func.coalesce(func.sum(case((confirmed, party), else_=0)), 0),
            func.coalesce(func.sum(case((Rsvp.answer == Answer.MUNGKIN, 1), else_=0)), 0),
            func.coalesce(func.sum(case((Rsvp.answer == Answer.TIDAK, 1), else_=0)), 0),
            func.coalesce(func.sum(case((Rsvp.waitlisted_at.is_not(None), party), else_=0)), 0),
            func.coalesce(func.sum(case((confirmed, Rsvp.guests), else_=0)), 0),
        ).where(Rsvp.activity_id == activity.id)
    ).one()
    return Counts(*(int(v) for v in row))


def waitlist_position(rsvp: Rsvp) -> int | None:
    """1 for the first in line; ``None`` when not on the Daftar Tunggu."""
    if rsvp.waitlisted_at is None:
        return None
    ahead = db.session.scalar(
        select(func.count(Rsvp.id)).where(
            Rsvp.activity_id == rsvp.activity_id,
            Rsvp.waitlisted_at.is_not(None),
            or_(
                Rsvp.waitlisted_at < rsvp.waitlisted_at,
                (Rsvp.waitlisted_at == rsvp.waitlisted_at) & (Rsvp.id < rsvp.id),
            ),
        )
    )
    return int(ahead) + 1


def following(activity: Activity) -> list[Activity]:
    """This occurrence and every later one of its series (just this one when alone)."""
    if activity.series_id is None:
        return [activity]
    return list(
        db.session.scalars(
            select(Activity)
            .where(
                Activity.series_id == activity.series_id, Activity.starts_at >= activity.starts_at
            )
            .order_by(Activity.starts_at)
        )
    )
