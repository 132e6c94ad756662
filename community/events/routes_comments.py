"""Routes for comments under an activity: residents write, pengurus hide."""

from __future__ import annotations

from flask import abort, flash
from flask_login import current_user, login_required

from community.core.authz import Action
from community.core.forms import EmptyForm
from community.core.idempotency import idempotent
from community.core.time import utcnow
from community.events import bp, comments
from community.events.forms_participation import CommentForm
from community.events.routes import _back, _detail_page, _errors, load_activity
from community.extensions import db
from community.moderation import mutes


@bp.post("/kegiatan/<int:activity_id>/komentar")
@login_required
@idempotent
def comment(activity_id: int):
    """Anyone who may see the activity (VIEW; others 404). POST: adds their comment; 303 redirect to
    the activity page's comments, the error flashed on bad input; muted by a pengurus: 422 with
    the activity page saying until when and why."""
    activity = load_activity(activity_id, Action.VIEW)
    muted = mutes.active_mute(current_user.id, now=utcnow())
    if muted is not None:  # muted by a pengurus: 422 saying until when and why, nothing stored
        flash(mutes.MutedError(muted).message(), "error")
        return _detail_page(activity, status=422)
    form = CommentForm()
    if form.validate_on_submit():
        comments.add_comment(activity, current_user, form.body.data.strip(), now=utcnow())
        db.session.commit()
    else:
        flash(_errors(form), "error")
    return _back(activity, "#comments")


@bp.post("/kegiatan/<int:activity_id>/komentar/<int:comment_id>/sembunyikan")
@login_required
def hide_comment(activity_id: int, comment_id: int):
    """Pengurus of the activity's wilayah or above (MANAGE_ACTIVITIES; others 403/404). POST: hides
    a comment, or shows it again (404 when not on this activity, 400 on a bad CSRF token); 303
    redirect to the comments."""
    activity = load_activity(activity_id, Action.MANAGE_ACTIVITIES)
    found = comments.get_comment(activity, comment_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    comments.set_hidden(found, not found.is_hidden)
    db.session.commit()
    return _back(activity, "#comments")
