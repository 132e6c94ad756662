"""Comments under an activity, and pengurus hiding one. Services flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from community.accounts.models import User
from community.events.models import Activity, Comment
from community.extensions import db


def add_comment(activity: Activity, user: User, body: str, *, now: datetime) -> Comment:
    comment = Comment(activity_id=activity.id, user_id=user.id, body=body, created_at=now)
    db.session.add(comment)
    db.session.flush()
    return comment


def get_comment(activity: Activity, comment_id: int) -> Comment | None:
    return db.session.scalar(
        select(Comment).where(Comment.id == comment_id, Comment.activity_id == activity.id)
    )


def set_hidden(comment: Comment, hidden: bool, reason: str | None = None) -> None:
    """Hide (with the pengurus' reason, shown to its writer) or show again."""
    comment.is_hidden = hidden
    comment.hidden_reason = reason if hidden else None
    db.session.flush()


@dataclass(frozen=True)
class CommentLine:
    comment: Comment
    author: str | None  # None: the writer deleted their account ("warga terhapus")


def list_comments(activity: Activity, *, include_hidden: bool) -> list[CommentLine]:
    query = (
        select(Comment, User.name)
        .outerjoin(User, User.id == Comment.user_id)
        .where(Comment.activity_id == activity.id)
        .order_by(Comment.created_at, Comment.id)
    )
    if not include_hidden:
        query = query.where(or_(Comment.is_hidden.is_(False)))
    return [CommentLine(c, name) for c, name in db.session.execute(query).all()]
