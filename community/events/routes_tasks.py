"""Routes for tasks: pengurus add and remove them, residents take one on and give it back."""

from __future__ import annotations

from flask import abort, flash
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from community.core.authz import Action, can
from community.core.forms import EmptyForm
from community.core.idempotency import idempotent
from community.core.time import as_utc, utcnow
from community.events import bp, rules
from community.events import tasks as events_tasks
from community.events.forms_participation import SignupForm, TaskForm
from community.events.models import Activity
from community.events.routes import _back, _errors, load_activity
from community.extensions import db
from community.web.htmx import render, wants_fragment

TASK_ERRORS = {
    "task_full": _l("Sudah cukup: jumlah itu melebihi yang masih dibutuhkan."),
    "task_quantity": _l("Jumlah harus antara 1 dan 500."),
    "conflict": _l("Sedang diproses. Coba lagi."),
    "closed": _l("Kegiatan ini sudah selesai atau dibatalkan."),
}


def _tasks_panel(
    activity: Activity,
    *,
    status: int = 200,
    error: str | None = None,
    task_form: TaskForm | None = None,
):
    """The answer of every task route: for htmx the block ``tasks_panel`` of the activity
    page (DOM id ``tasks-panel``), 200 or 422 with the error (``task_form`` carries the
    errors of "Tambah ke daftar" next to its fields); without htmx a 303 back to the
    panel, the error flashed."""
    if wants_fragment():
        return render(
            "events/detail.html",
            block="tasks_panel",
            status=status,
            activity=activity,
            tasks=events_tasks.list_tasks(activity, current_user),
            manages=can(Action.MANAGE_ACTIVITIES, activity),
            task_form=task_form or TaskForm(formdata=None),
            signup_form=SignupForm(formdata=None),
            task_error=error,
        )
    if error:
        flash(error, "error")
    return _back(activity, "#tasks-panel")


def _open(activity: Activity) -> bool:
    return not activity.is_cancelled and as_utc(activity.ends_at) > utcnow()


@bp.post("/kegiatan/<int:activity_id>/tugas")
@login_required
def add_task(activity_id: int):
    """Pengurus of the activity's wilayah or above (MANAGE_ACTIVITIES; others 403/404). POST: adds a
    task to the list; answers the tasks panel (see :func:`_tasks_panel`), 422 with the form's errors
    on bad input."""
    activity = load_activity(activity_id, Action.MANAGE_ACTIVITIES)
    form = TaskForm()
    if not form.validate_on_submit():
        if wants_fragment():  # the errors are shown next to the fields
            return _tasks_panel(activity, status=422, task_form=form)
        return _tasks_panel(activity, status=422, error=_errors(form))
    events_tasks.add_task(
        activity, label=" ".join(form.label.data.split()), quantity=form.quantity.data
    )
    db.session.commit()
    return _tasks_panel(activity)


@bp.post("/kegiatan/<int:activity_id>/tugas/<int:task_id>/hapus")
@login_required
def remove_task(activity_id: int, task_id: int):
    """Pengurus of the activity's wilayah or above (MANAGE_ACTIVITIES; others 403/404). POST:
    removes a task (404 when not on this activity, 400 on a bad CSRF token); answers the tasks
    panel."""
    activity = load_activity(activity_id, Action.MANAGE_ACTIVITIES)
    task = events_tasks.get_task(activity, task_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    events_tasks.remove_task(task)
    db.session.commit()
    return _tasks_panel(activity)


@bp.post("/kegiatan/<int:activity_id>/tugas/<int:task_id>/ambil")
@login_required
@idempotent
def sign_up(activity_id: int, task_id: int):
    """Anyone who may see the activity (VIEW; others 404). POST: takes on a quantity of a task;
    answers the tasks panel, 422 with the error on bad input, when the activity is over or
    cancelled, or the task is full."""
    activity = load_activity(activity_id, Action.VIEW)
    task = events_tasks.get_task(activity, task_id) or abort(404)
    form = SignupForm()
    if not form.validate_on_submit():
        return _tasks_panel(activity, status=422, error=str(TASK_ERRORS["task_quantity"]))
    if not _open(activity):
        return _tasks_panel(activity, status=422, error=str(TASK_ERRORS["closed"]))
    try:
        events_tasks.sign_up(task, current_user, quantity=form.quantity.data)
    except rules.EventError as exc:
        db.session.rollback()
        return _tasks_panel(activity, status=422, error=exc.message(TASK_ERRORS))
    db.session.commit()
    return _tasks_panel(activity)


@bp.post("/kegiatan/<int:activity_id>/tugas/<int:task_id>/batal")
@login_required
@idempotent
def withdraw_signup(activity_id: int, task_id: int):
    """Anyone who may see the activity (VIEW; others 404). POST: gives back their own sign-up (400
    on a bad CSRF token); answers the tasks panel."""
    activity = load_activity(activity_id, Action.VIEW)
    task = events_tasks.get_task(activity, task_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    events_tasks.withdraw_signup(task, current_user)
    db.session.commit()
    return _tasks_panel(activity)
