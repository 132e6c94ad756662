"""What moderation keeps about a person: exported on request, erased with the account
(UU PDP). A person gets the reports they made (with the copy they chose to send) and the
mutes on them; who reported them is the reporter's data, and stays out of their download."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from community.core import privacy
from community.core.time import as_utc
from community.extensions import db
from community.moderation.models import Mute, Report


def _iso(value) -> str | None:
    return as_utc(value).isoformat() if value else None


def _export_reports(user: Any) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Report).where(Report.reporter_id == user.id).order_by(Report.id)
    ).all()
    return [
        {
            "item": "message" if r.message_id is not None else "comment",
            "reason": r.reason,
            "note": r.note,
            "text": r.body,
            "reported_at": _iso(r.created_at),
            "status": r.status,
            "decided_at": _iso(r.decided_at),
        }
        for r in rows
    ]


def _export_mutes(user: Any) -> list[dict[str, Any]]:
    rows = db.session.scalars(select(Mute).where(Mute.user_id == user.id).order_by(Mute.id)).all()
    return [
        {
            "reason": m.reason,
            "from": _iso(m.starts_at),
            "until": _iso(m.ends_at),
            "lifted_at": _iso(m.lifted_at),
        }
        for m in rows
    ]


def _export_hidden(user: Any) -> list[dict[str, Any]]:
    """Their own messages and comments a pengurus hid, with the reason they were given."""
    from community.events.models import Comment
    from community.messages.models import Message

    messages = db.session.execute(
        select(Message.id, Message.hidden_at, Message.hidden_reason)
        .where(Message.sender_id == user.id, Message.hidden_at.is_not(None))
        .order_by(Message.id)
    ).all()
    comments = db.session.execute(
        select(Comment.id, Comment.hidden_reason)
        .where(Comment.user_id == user.id, Comment.is_hidden.is_(True))
        .order_by(Comment.id)
    ).all()
    return [
        *(
            {"item": "message", "id": i, "hidden_at": _iso(at), "reason": why}
            for i, at, why in messages
        ),
        *({"item": "comment", "id": i, "hidden_at": None, "reason": why} for i, why in comments),
    ]


def register_exports() -> None:
    privacy.register_exporter("hidden_by_pengurus", _export_hidden)
    privacy.register_exporter("reports_made", _export_reports)
    privacy.register_exporter("mutes", _export_mutes)
    E, W, N = privacy.Exported, privacy.Withheld, privacy.NotPersonal
    key = N("an internal row number; means nothing outside this database")
    pengurus = W("which pengurus decided: their data, kept for accountability")
    privacy.classify("moderation_report", {
        "id": key, "reporter_id": key,
        "author_id": W("whom the report is about: the reporter's report, not the author's data"),
        "message_id": E("reports_made[].item"), "comment_id": E("reports_made[].item"),
        "wilayah_id": N("a place, not a person"),
        "reason": E("reports_made[].reason"), "note": E("reports_made[].note"),
        "body": E("reports_made[].text"), "created_at": E("reports_made[].reported_at"),
        "status": E("reports_made[].status"), "is_open": E("reports_made[].status"),
        "decided_at": E("reports_made[].decided_at"), "decided_by_id": pengurus,
    })  # fmt: skip
    privacy.classify("moderation_mute", {
        "id": key, "user_id": key, "wilayah_id": N("a place, not a person"),
        "reason": E("mutes[].reason"), "starts_at": E("mutes[].from"),
        "ends_at": E("mutes[].until"), "lifted_at": E("mutes[].lifted_at"),
        "muted_by_id": pengurus, "lifted_by_id": pengurus,
    })  # fmt: skip
    privacy.classify("moderation_log", {
        "id": key, "at": N("when a pengurus acted: the log of their actions"),
        "actor_id": pengurus, "action": N("what a pengurus did: the log of their actions"),
        "wilayah_id": N("a place, not a person"),
        "target_user_id": W("the same action is in the person's mutes[] or on their item"),
        "report_id": key, "item_kind": N("a kind of item"), "item_id": key,
        "reason": W("the same words are in the person's mutes[] or hidden_by_pengurus[]"),
        "days": W("the same period is in the person's mutes[]"),
    })  # fmt: skip
    # The hide state of the items other domains export.
    privacy.classify("message", {
        "hidden_at": E("hidden_by_pengurus[].hidden_at"),
        "hidden_reason": E("hidden_by_pengurus[].reason"),
    })  # fmt: skip
    privacy.classify("activity_comment", {"hidden_reason": E("hidden_by_pengurus[].reason")})
