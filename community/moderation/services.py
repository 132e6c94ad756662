"""Moderation use-cases: report, hide, show again, dismiss, mute, lift a mute. Services
flush; the caller commits. Every pengurus action writes its log row here, in the same
transaction as the change (``_log``), so the log cannot miss one."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.areas.models import Wilayah
from community.core.errors import DomainError
from community.events import comments
from community.events.models import Activity, Comment
from community.extensions import db
from community.messages.models import Message
from community.moderation import rules
from community.moderation.models import LogEntry, Mute, Report
from community.moderation.rules import ItemKind, LogAction, ReportStatus

log = logging.getLogger(__name__)


class ModerationError(DomainError):
    """Codes: ``own``, ``already``, ``gone``, ``reason`` (not a report reason),
    ``note_too_long``, ``reason_empty`` / ``reason_too_long`` (a hide or mute reason),
    ``not_open``, ``not_hidden``, ``hidden`` (already hidden), ``period``, ``not_active``,
    ``no_rt``."""


def _check_report_fields(reason: str, note: str) -> str:
    if reason not in set(rules.ReportReason):
        raise ModerationError("reason")
    note = rules.clean_text(note)
    if rules.note_problem(note) is not None:
        raise ModerationError("note_too_long", max=rules.MAX_NOTE_CHARS)
    return note


def _check_action_reason(reason: str) -> str:
    reason = rules.clean_text(reason)
    problem = rules.reason_problem(reason)
    if problem is not None:
        raise ModerationError(f"reason_{problem}", max=rules.MAX_REASON_CHARS)
    return reason


def _file(report: Report) -> Report:
    """Insert a report, one open per reporter and item (the database's unique constraint
    decides when two tabs race)."""
    item = Report.message_id if report.message_id is not None else Report.comment_id
    item_id = report.message_id if report.message_id is not None else report.comment_id
    exists = db.session.scalar(
        select(Report.id).where(
            Report.reporter_id == report.reporter_id, item == item_id, Report.is_open.is_(True)
        )
    )
    if exists is not None:
        raise ModerationError("already")
    try:
        with db.session.begin_nested():
            db.session.add(report)
            db.session.flush()
    except IntegrityError:
        raise ModerationError("already") from None
    log.info("report filed id=%s", report.id)
    return report


def _root_wilayah_id() -> int:
    return db.session.scalar(select(Wilayah.id).where(Wilayah.parent_id.is_(None)).limit(1))


def report_message(message: Message, reporter: Any, *, reason: str, note: str,
                   now: datetime) -> Report:  # fmt: skip
    """``reporter`` (a member of the message's conversation: the caller checked) reports
    one message of the other person. It belongs to the sender's RT (else the reporter's,
    else the city), whose pengurus see the copy and nothing else of the conversation."""
    if message.sender_id == reporter.id:
        raise ModerationError("own")
    if message.deleted_at is not None or message.sender_id is None:
        raise ModerationError("gone")
    note = _check_report_fields(reason, note)
    sender = db.session.get(User, message.sender_id)
    wilayah_id = (sender.rt_id if sender else None) or reporter.rt_id or _root_wilayah_id()
    return _file(Report(
        created_at=now, reporter_id=reporter.id, author_id=message.sender_id,
        message_id=message.id, wilayah_id=wilayah_id, reason=reason, note=note,
        body=message.body,
    ))  # fmt: skip


def report_comment(comment: Comment, activity: Activity, reporter: Any, *, reason: str,
                   note: str, now: datetime) -> Report:  # fmt: skip
    """``reporter`` (who may see the activity: the caller checked) reports a comment; it
    belongs to the activity's wilayah."""
    if comment.user_id == reporter.id:
        raise ModerationError("own")
    note = _check_report_fields(reason, note)
    return _file(Report(
        created_at=now, reporter_id=reporter.id, author_id=comment.user_id,
        comment_id=comment.id, wilayah_id=activity.wilayah_id, reason=reason, note=note,
        body=comment.body,
    ))  # fmt: skip


def _log(action: LogAction, *, actor: Any, now: datetime, wilayah_id: int,
         report: Report | None = None, target_user_id: int | None = None,
         reason: str = "", days: int | None = None,
         comment_id: int | None = None) -> LogEntry:  # fmt: skip
    """``comment_id``: a comment acted on from its activity page (no report needed)."""
    if report is not None:
        kind, item_id = item_kind(report), report.message_id or report.comment_id
    elif comment_id is not None:
        kind, item_id = ItemKind.COMMENT, comment_id
    else:
        kind = item_id = None
    entry = LogEntry(
        at=now, actor_id=actor.id, action=str(action), wilayah_id=wilayah_id,
        target_user_id=target_user_id, reason=reason, days=days,
        report_id=report.id if report else None, item_kind=kind, item_id=item_id,
    )  # fmt: skip
    db.session.add(entry)
    db.session.flush()
    return entry


def item_kind(report: Report) -> ItemKind:
    return ItemKind.MESSAGE if report.message_id is not None else ItemKind.COMMENT


def _same_item(report: Report):
    if report.message_id is not None:
        return Report.message_id == report.message_id
    return Report.comment_id == report.comment_id


def _decide(report: Report, from_status: ReportStatus, to_status: ReportStatus, *,
            by: Any, now: datetime, same_item: bool) -> None:  # fmt: skip
    """Move the report (with ``same_item``: every report of its item) from one status to
    another, recording who decided."""
    where = _same_item(report) if same_item else Report.id == report.id
    db.session.execute(
        update(Report)
        .where(where, Report.status == from_status)
        .values(
            status=to_status,
            is_open=True if to_status == ReportStatus.OPEN else None,
            decided_at=now,
            decided_by_id=by.id,
        )
        .execution_options(synchronize_session="fetch")
    )


def _set_hidden(report: Report, hidden: bool, reason: str | None, *, now: datetime) -> None:
    if report.message_id is not None:
        message = db.session.get(Message, report.message_id)
        message.hidden_at = now if hidden else None
        message.hidden_reason = reason if hidden else None
    else:
        comments.set_hidden(db.session.get(Comment, report.comment_id), hidden, reason)
    db.session.flush()


def hide(report: Report, by: Any, reason: str, *, now: datetime) -> None:
    """Hide the reported item with a reason its author reads; every open report of that
    item is decided with it."""
    if report.status != ReportStatus.OPEN:
        raise ModerationError("not_open")
    reason = _check_action_reason(reason)
    _set_hidden(report, True, reason, now=now)
    _decide(report, ReportStatus.OPEN, ReportStatus.HIDDEN, by=by, now=now, same_item=True)
    _log(LogAction.HIDE, actor=by, now=now, wilayah_id=report.wilayah_id, report=report,
         target_user_id=report.author_id, reason=reason)  # fmt: skip


def unhide(report: Report, by: Any, *, now: datetime) -> None:
    """Show a hidden item again; its reports count as "tidak melanggar" from now on."""
    if report.status != ReportStatus.HIDDEN:
        raise ModerationError("not_hidden")
    _set_hidden(report, False, None, now=now)
    _decide(report, ReportStatus.HIDDEN, ReportStatus.DISMISSED, by=by, now=now, same_item=True)
    _log(LogAction.UNHIDE, actor=by, now=now, wilayah_id=report.wilayah_id, report=report,
         target_user_id=report.author_id)  # fmt: skip


def _a_report_of(comment: Comment, status: ReportStatus) -> Report | None:
    return db.session.scalar(
        select(Report)
        .where(Report.comment_id == comment.id, Report.status == status)
        .order_by(Report.id)
        .limit(1)
    )


def hide_comment(comment: Comment, activity: Activity, by: Any, reason: str, *,
                 now: datetime) -> None:  # fmt: skip
    """An organiser hides a comment from the activity page (the caller checked they manage
    the activity), with a reason its author reads, logged like a hide on /moderasi. Open
    reports of the comment are decided with it: it no longer waits on /moderasi."""
    if comment.is_hidden:
        raise ModerationError("hidden")
    reason = _check_action_reason(reason)
    comments.set_hidden(comment, True, reason)
    report = _a_report_of(comment, ReportStatus.OPEN)
    if report is not None:
        _decide(report, ReportStatus.OPEN, ReportStatus.HIDDEN, by=by, now=now, same_item=True)
    _log(LogAction.HIDE, actor=by, now=now, wilayah_id=activity.wilayah_id, report=report,
         target_user_id=comment.user_id, reason=reason, comment_id=comment.id)  # fmt: skip


def show_comment(comment: Comment, activity: Activity, by: Any, *, now: datetime) -> None:
    """Show a hidden comment again from the activity page, logged; its reports count as
    "tidak melanggar" from now on, as after "Tampilkan lagi" on /moderasi."""
    if not comment.is_hidden:
        raise ModerationError("not_hidden")
    comments.set_hidden(comment, False)
    report = _a_report_of(comment, ReportStatus.HIDDEN)
    if report is not None:
        _decide(report, ReportStatus.HIDDEN, ReportStatus.DISMISSED, by=by, now=now,
                same_item=True)  # fmt: skip
    _log(LogAction.UNHIDE, actor=by, now=now, wilayah_id=activity.wilayah_id, report=report,
         target_user_id=comment.user_id, comment_id=comment.id)  # fmt: skip


def dismiss(report: Report, by: Any, *, now: datetime) -> None:
    """ "Tidak melanggar": the report is closed, the item stays as it is."""
    if report.status != ReportStatus.OPEN:
        raise ModerationError("not_open")
    _decide(report, ReportStatus.OPEN, ReportStatus.DISMISSED, by=by, now=now, same_item=False)
    _log(LogAction.DISMISS, actor=by, now=now, wilayah_id=report.wilayah_id, report=report,
         target_user_id=report.author_id)  # fmt: skip


def mute(person: User, by: Any, *, days: int, reason: str, now: datetime) -> Mute:
    """``person`` may not send messages or comments for ``days`` (the caller checked that
    ``by`` may mute them: ``policies.may_mute``)."""
    if person.rt_id is None:
        raise ModerationError("no_rt")
    if days not in rules.MUTE_DAYS:
        raise ModerationError("period")
    reason = _check_action_reason(reason)
    muted = Mute(user_id=person.id, wilayah_id=person.rt_id, reason=reason, starts_at=now,
                 ends_at=rules.mute_ends_at(now, days), muted_by_id=by.id)  # fmt: skip
    db.session.add(muted)
    db.session.flush()
    _log(LogAction.MUTE, actor=by, now=now, wilayah_id=person.rt_id, target_user_id=person.id,
         reason=reason, days=days)  # fmt: skip
    return muted


def unmute(muted: Mute, by: Any, *, now: datetime) -> None:
    """Lift a mute before it ends."""
    if not rules.mute_is_active(muted.starts_at, muted.ends_at, muted.lifted_at, now):
        raise ModerationError("not_active")
    muted.lifted_at = now
    muted.lifted_by_id = by.id
    db.session.flush()
    _log(LogAction.UNMUTE, actor=by, now=now, wilayah_id=muted.wilayah_id,
         target_user_id=muted.user_id)  # fmt: skip


# --- personal data (UU PDP) ----------------------------------------------------------------


def erase_person(user: Any) -> None:
    """Before the account goes: the copies of what they wrote that others reported lose
    their text, like their messages do (their comments go, and those reports with them).
    Reports they made keep the copy of the other's text but lose their own note, and then
    their name (``ON DELETE SET NULL``); log rows keep the action without their name."""
    for who, values in ((Report.author_id, {"body": ""}), (Report.reporter_id, {"note": ""})):
        db.session.execute(
            update(Report)
            .where(who == user.id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
