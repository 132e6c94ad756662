"""Routes for comments under an activity: residents write, pengurus hide (through moderation:
with a reason, logged) or show again."""

from __future__ import annotations

from flask import abort, flash, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.core.authz import Action
from community.core.forms import EmptyForm
from community.core.idempotency import idempotent
from community.core.time import utcnow
from community.events import bp, comments
from community.events.forms_participation import CommentForm
from community.events.routes import _back, _detail_page, _errors, load_activity
from community.extensions import db
from community.moderation import mutes, services
from community.moderation.forms import HideForm
from community.moderation.routes import MESSAGES
from community.moderation.services import ModerationError


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


def _hide_form(comment_id: int, formdata=None) -> HideForm:
    """One per comment on the activity page: its fields' ids must not clash."""
    return HideForm(formdata=formdata, prefix=f"hide{comment_id}")


@bp.post("/kegiatan/<int:activity_id>/komentar/<int:comment_id>/sembunyikan")
@login_required
def hide_comment(activity_id: int, comment_id: int):
    """Pengurus of the activity's wilayah or above (MANAGE_ACTIVITIES; others 403/404). POST:
    hides a comment with a reason its writer reads (required, at most 300 characters),
    logged on /moderasi like a hide there; 303 to the comment; 422 with the activity page
    on a missing or too long reason or an already hidden comment; 404 when not on this
    activity; 400 on a bad CSRF token."""
    activity = load_activity(activity_id, Action.MANAGE_ACTIVITIES)
    found = comments.get_comment(activity, comment_id) or abort(404)
    form = _hide_form(found.id, request.form)
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _detail_page(activity, status=422, hide_bound={found.id: form})
    try:
        services.hide_comment(found, activity, current_user, form.reason.data, now=utcnow())
    except ModerationError as exc:  # already hidden (another tab): no form to show it by
        db.session.rollback()
        flash(exc.message(MESSAGES), "error")
        return _detail_page(activity, status=422)
    db.session.commit()
    flash(_("Komentar disembunyikan. Penulisnya melihat alasannya."), "success")
    return _back(activity, f"#komentar-{found.id}")


@bp.post("/kegiatan/<int:activity_id>/komentar/<int:comment_id>/tampilkan")
@login_required
def show_comment(activity_id: int, comment_id: int):
    """Pengurus of the activity's wilayah or above (MANAGE_ACTIVITIES; others 403/404). POST:
    shows a hidden comment again, logged on /moderasi; 303 to the comment (a flashed note
    when it was not hidden); 404 when not on this activity; 400 on a bad CSRF token."""
    activity = load_activity(activity_id, Action.MANAGE_ACTIVITIES)
    found = comments.get_comment(activity, comment_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.show_comment(found, activity, current_user, now=utcnow())
    except ModerationError as exc:
        db.session.rollback()
        flash(exc.message(MESSAGES), "error")
    else:
        db.session.commit()
        flash(_("Komentar ditampilkan lagi."), "success")
    return _back(activity, f"#komentar-{found.id}")
