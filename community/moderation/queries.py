"""Reads of moderation: what a pengurus sees on /moderasi, always limited to the wilayah
subtree their roles cover (``rules.sees_reports_of`` in SQL: ``path LIKE grant path%``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.orm import aliased

from community.accounts.models import User
from community.areas.models import Wilayah
from community.core.access_rules import Grant
from community.extensions import db
from community.moderation import rules
from community.moderation.models import LogEntry, Mute, Report
from community.moderation.rules import ReportStatus

# The open reports shown at once; a neighbourhood with more has a problem a page won't fix.
OPEN_SHOWN = 100
# The hidden items offered for "Tampilkan lagi", latest first.
HIDDEN_SHOWN = 50

_REPORTER = aliased(User, name="reporter")
_AUTHOR = aliased(User, name="author")
_ACTOR = aliased(User, name="actor")
_TARGET = aliased(User, name="target")


def in_subtree(path: Any, grants: Iterable[Grant]) -> ColumnElement[bool]:
    """SQL for ``rules.sees_reports_of(path, grants)``; false without grants."""
    clauses = [path.like(g.path + "%") for g in grants if g.path]
    return or_(*clauses) if clauses else false()


@dataclass(frozen=True)
class ReportLine:
    report: Report
    reporter: str | None  # None: the reporter deleted their account
    author: str | None
    author_id: int | None


def _reports(status: ReportStatus, grants: Iterable[Grant], limit: int) -> list[ReportLine]:
    rows = db.session.execute(
        select(Report, _REPORTER.name, _AUTHOR.name)
        .join(Wilayah, Wilayah.id == Report.wilayah_id)
        .outerjoin(_REPORTER, _REPORTER.id == Report.reporter_id)
        .outerjoin(_AUTHOR, _AUTHOR.id == Report.author_id)
        .where(Report.status == status, in_subtree(Wilayah.path, grants))
        .order_by(Report.created_at.desc(), Report.id.desc())
        .limit(limit)
    ).all()
    return [ReportLine(r, reporter, author, r.author_id) for r, reporter, author in rows]


def list_open(grants: Iterable[Grant]) -> list[ReportLine]:
    """Open reports of the subtree, newest first."""
    return _reports(ReportStatus.OPEN, grants, OPEN_SHOWN)


def list_hidden(grants: Iterable[Grant]) -> list[ReportLine]:
    """Reports whose item is hidden (one line per report), for "Tampilkan lagi"."""
    return _reports(ReportStatus.HIDDEN, grants, HIDDEN_SHOWN)


def count_open_expr(grants: Iterable[Grant]) -> ColumnElement[int]:
    """SQL for the nav badge: open reports of the subtree."""
    return (
        select(func.count(Report.id))
        .join(Wilayah, Wilayah.id == Report.wilayah_id)
        .where(Report.status == ReportStatus.OPEN, in_subtree(Wilayah.path, grants))
        .scalar_subquery()
    )


@dataclass(frozen=True)
class MuteLine:
    mute: Mute
    name: str


def list_active_mutes(grants: Iterable[Grant], *, now: datetime) -> list[MuteLine]:
    """Mutes in force on residents of the subtree, ending soonest first."""
    rows = db.session.execute(
        select(Mute, User.name)
        .join(User, User.id == Mute.user_id)
        .join(Wilayah, Wilayah.id == Mute.wilayah_id)
        .where(
            in_subtree(Wilayah.path, grants),
            Mute.starts_at <= now,
            Mute.ends_at > now,
            Mute.lifted_at.is_(None),
        )
        .order_by(Mute.ends_at, Mute.id)
    ).all()
    return [MuteLine(m, name) for m, name in rows]


@dataclass(frozen=True)
class LogLine:
    entry: LogEntry
    actor: str | None  # None: that account was deleted
    target: str | None


@dataclass(frozen=True)
class LogPage:
    lines: list[LogLine]
    page: int
    has_next: bool


def list_log(grants: Iterable[Grant], page: int) -> LogPage:
    """One page (``rules.LOG_PAGE_SIZE``) of the subtree's log, latest first."""
    page = max(page, 1)
    size = rules.LOG_PAGE_SIZE
    rows = db.session.execute(
        select(LogEntry, _ACTOR.name, _TARGET.name)
        .join(Wilayah, Wilayah.id == LogEntry.wilayah_id)
        .outerjoin(_ACTOR, _ACTOR.id == LogEntry.actor_id)
        .outerjoin(_TARGET, _TARGET.id == LogEntry.target_user_id)
        .where(in_subtree(Wilayah.path, grants))
        .order_by(LogEntry.at.desc(), LogEntry.id.desc())
        .offset((page - 1) * size)
        .limit(size + 1)
    ).all()
    lines = [LogLine(e, actor, target) for e, actor, target in rows[:size]]
    return LogPage(lines, page, len(rows) > size)


def get_report(report_id: int) -> Report | None:
    return db.session.get(Report, report_id)


def get_users(ids: Iterable[int]) -> list[User]:
    ids = sorted(set(ids))
    return list(db.session.scalars(select(User).where(User.id.in_(ids)))) if ids else []


def get_mute(mute_id: int) -> Mute | None:
    return db.session.get(Mute, mute_id)


def has_open_report(reporter_id: int, *, message_id: int | None = None,
                    comment_id: int | None = None) -> bool:  # fmt: skip
    item = Report.message_id == message_id if message_id else Report.comment_id == comment_id
    return (
        db.session.scalar(
            select(Report.id).where(
                Report.reporter_id == reporter_id, item, Report.is_open.is_(True)
            )
        )
        is not None
    )
