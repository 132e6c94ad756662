"""Routes around an activity: tasks, answers atas nama, the organiser's list, the Daftar
Hadir (tap to mark, walk-ins, QR self check-in, CSV) and comments."""

from __future__ import annotations

import csv
import io

import segno
from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from community.areas import services as areas
from community.areas.models import Level
from community.core.authz import Action, can
from community.core.forms import EmptyForm
from community.core.time import as_utc, utcnow
from community.events import bp, participation, rules, services
from community.events.forms import (
    ANSWER_LABELS,
    KIND_LABELS,
    CommentForm,
    ProxyForm,
    SignupForm,
    TaskForm,
    WalkInForm,
)
from community.events.models import Activity
from community.events.routes import load_activity
from community.extensions import db
from community.web.htmx import render, wants_fragment

TASK_ERRORS = {
    "task_full": _l("Sudah cukup: jumlah itu melebihi yang masih dibutuhkan."),
    "task_quantity": _l("Jumlah harus antara 1 dan 500."),
    "conflict": _l("Sedang diproses. Coba lagi."),
    "closed": _l("Kegiatan ini sudah selesai atau dibatalkan."),
}


def _errors(form) -> str:
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def _back(activity: Activity, anchor: str = ""):
    return redirect(url_for("events.detail", activity_id=activity.id) + anchor, code=303)


# --- tasks -------------------------------------------------------------------------------


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
            tasks=participation.list_tasks(activity, current_user),
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
    activity = load_activity(activity_id, Action.MANAGE_ACTIVITIES)
    form = TaskForm()
    if not form.validate_on_submit():
        if wants_fragment():  # the errors are shown next to the fields
            return _tasks_panel(activity, status=422, task_form=form)
        return _tasks_panel(activity, status=422, error=_errors(form))
    participation.add_task(
        activity, label=" ".join(form.label.data.split()), quantity=form.quantity.data
    )
    db.session.commit()
    return _tasks_panel(activity)


@bp.post("/kegiatan/<int:activity_id>/tugas/<int:task_id>/hapus")
@login_required
def remove_task(activity_id: int, task_id: int):
    activity = load_activity(activity_id, Action.MANAGE_ACTIVITIES)
    task = participation.get_task(activity, task_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    participation.remove_task(task)
    db.session.commit()
    return _tasks_panel(activity)


@bp.post("/kegiatan/<int:activity_id>/tugas/<int:task_id>/ambil")
@login_required
def sign_up(activity_id: int, task_id: int):
    activity = load_activity(activity_id, Action.VIEW)
    task = participation.get_task(activity, task_id) or abort(404)
    form = SignupForm()
    if not form.validate_on_submit():
        return _tasks_panel(activity, status=422, error=str(TASK_ERRORS["task_quantity"]))
    if not _open(activity):
        return _tasks_panel(activity, status=422, error=str(TASK_ERRORS["closed"]))
    try:
        participation.sign_up(task, current_user, quantity=form.quantity.data)
    except services.EventError as exc:
        db.session.rollback()
        return _tasks_panel(activity, status=422, error=str(TASK_ERRORS[exc.code]))
    db.session.commit()
    return _tasks_panel(activity)


@bp.post("/kegiatan/<int:activity_id>/tugas/<int:task_id>/batal")
@login_required
def withdraw_signup(activity_id: int, task_id: int):
    activity = load_activity(activity_id, Action.VIEW)
    task = participation.get_task(activity, task_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    participation.withdraw_signup(task, current_user)
    db.session.commit()
    return _tasks_panel(activity)


# --- the organiser's list and answers atas nama -------------------------------------------


def _rt_members(activity: Activity):
    return areas.list_members(activity.wilayah) if activity.wilayah.level == Level.RT else []


def _proxy_form(activity: Activity, form: ProxyForm | None = None) -> ProxyForm:
    form = form or ProxyForm()
    form.resident.choices = [SelectChoice(0, _("— pilih warga —"))] + [
        SelectChoice(m.id, m.name) for m in _rt_members(activity)
    ]
    return form


@bp.get("/kegiatan/<int:activity_id>/peserta")
@login_required
def participants(activity_id: int):
    """The organisers' list; everyone above them who manages it sees the figures only."""
    activity = load_activity(activity_id, Action.MANAGE_ACTIVITIES)
    return _participants_page(activity)


def _participants_page(activity: Activity, *, form: ProxyForm | None = None, status: int = 200):
    sees_people = can(Action.SEE_PARTICIPANTS, activity)
    people = participation.list_participants(activity) if sees_people else []
    return render(
        "events/participants.html",
        activity=activity,
        sees_people=sees_people,
        people=people,
        needs_help=[p for p in people if p.rsvp.needs_help],
        counts=services.count_answers(activity),
        attended=participation.count_attendance(activity),
        tasks=participation.list_tasks(activity, current_user),
        proxy_form=_proxy_form(activity, form) if sees_people else None,
        answer_labels=ANSWER_LABELS,
        kind_labels=KIND_LABELS,
        status=status,
    )


@bp.post("/kegiatan/<int:activity_id>/atas-nama")
@login_required
def respond_for(activity_id: int):
    activity = load_activity(activity_id, Action.SEE_PARTICIPANTS)
    form = _proxy_form(activity)
    if not form.validate_on_submit():
        return _participants_page(activity, form=form, status=422)
    name = " ".join((form.name.data or "").split())
    resident = None
    if form.resident.data:
        resident = next((m for m in _rt_members(activity) if m.id == form.resident.data), None)
    if resident is None and not name:
        form.name.errors.append(_("Pilih warga atau tulis nama orangnya."))
        return _participants_page(activity, form=form, status=422)
    try:
        participation.respond_for(
            activity, by=current_user, resident=resident, name=None if resident else name,
            answer=form.answer.data, guests=form.guests.data or 0,
            needs_help=form.needs_help.data, now=utcnow(),
        )  # fmt: skip
    except services.EventError as exc:
        db.session.rollback()
        from community.events.routes import RSVP_ERRORS

        form.answer.errors.append(str(RSVP_ERRORS[exc.code]))
        return _participants_page(activity, form=form, status=422)
    db.session.commit()
    flash(
        _("Jawaban atas nama %(name)s tersimpan.", name=resident.name if resident else name),
        "success",
    )
    return redirect(url_for("events.participants", activity_id=activity.id), code=303)


# --- Daftar Hadir --------------------------------------------------------------------------


def _sheet(activity: Activity, query: str = ""):
    return participation.attendance_sheet(activity, _rt_members(activity), query)


@bp.get("/kegiatan/<int:activity_id>/daftar-hadir")
@login_required
def attendance(activity_id: int):
    activity = load_activity(activity_id, Action.SEE_PARTICIPANTS)
    query = request.args.get("q", "")[:80]
    lines = _sheet(activity, query)
    return render(
        "events/attendance.html",
        block="attendance_list",
        activity=activity,
        lines=lines,
        query=query,
        present=sum(1 for line in lines if line.attendance_id),
        walk_in_form=WalkInForm(),
        answer_labels=ANSWER_LABELS,
        check_in_url=url_for(
            "events.self_check_in",
            activity_id=activity.id,
            token=participation.check_in_token(activity),
            _external=True,
        ),
    )


@bp.post("/kegiatan/<int:activity_id>/daftar-hadir/<int:user_id>")
@login_required
def toggle_attendance(activity_id: int, user_id: int):
    """The activity's own pengurus: mark or unmark one person on the Daftar Hadir. For
    htmx the block ``attendance_row`` of the Daftar Hadir page (DOM id
    ``attendance-<user id>``); without htmx a 303 back to the page."""
    activity = load_activity(activity_id, Action.SEE_PARTICIPANTS)
    if not EmptyForm().validate_on_submit():
        abort(400)
    line = next((x for x in _sheet(activity) if x.user_id == user_id), None)
    if line is None:
        abort(404)  # not an answer of this activity nor a member of its RT
    if line.attendance_id:
        participation.unmark_attendance(activity, line.attendance_id)
    else:
        from community.accounts.models import User

        participation.mark_attendance(activity, user=db.session.get(User, user_id),
                                      method="pengurus", by=current_user, now=utcnow())  # fmt: skip
    db.session.commit()
    if wants_fragment():
        updated = next(x for x in _sheet(activity) if x.user_id == user_id)
        return render("events/attendance.html", block="attendance_row", line=updated,
                      activity=activity, answer_labels=ANSWER_LABELS)  # fmt: skip
    return redirect(url_for("events.attendance", activity_id=activity.id), code=303)


@bp.post("/kegiatan/<int:activity_id>/daftar-hadir/tamu")
@login_required
def walk_in(activity_id: int):
    activity = load_activity(activity_id, Action.SEE_PARTICIPANTS)
    form = WalkInForm()
    if form.validate_on_submit():
        name = " ".join(form.name.data.split())
        participation.mark_attendance(activity, name=name, method="pengurus", by=current_user,
                                      now=utcnow())  # fmt: skip
        db.session.commit()
        flash(_("%(name)s dicatat hadir.", name=name), "success")
    else:
        flash(_errors(form), "error")
    return redirect(url_for("events.attendance", activity_id=activity.id), code=303)


@bp.post("/kegiatan/<int:activity_id>/daftar-hadir/catatan/<int:attendance_id>/hapus")
@login_required
def remove_attendance(activity_id: int, attendance_id: int):
    activity = load_activity(activity_id, Action.SEE_PARTICIPANTS)
    if not EmptyForm().validate_on_submit():
        abort(400)
    participation.unmark_attendance(activity, attendance_id)
    db.session.commit()
    return redirect(url_for("events.attendance", activity_id=activity.id), code=303)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP "CSV injection"


@bp.get("/kegiatan/<int:activity_id>/daftar-hadir.csv")
@login_required
def attendance_csv(activity_id: int):
    activity = load_activity(activity_id, Action.SEE_PARTICIPANTS)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["nama", "jawaban", "hadir", "cara", "waktu_wita"])
    for line in _sheet(activity):
        when = ""
        if line.checked_in_at:
            from community.core.time import WITA

            when = as_utc(line.checked_in_at).astimezone(WITA).strftime("%Y-%m-%d %H:%M")
        # A name starting with = + - @ (or a tab or CR before one) would run as a formula
        # in a spreadsheet.
        name = "'" + line.name if line.name.startswith(FORMULA_START) else line.name
        writer.writerow([name, line.answer or "", "ya" if line.attendance_id else "tidak",
                         line.method or "", when])  # fmt: skip
    return Response(
        "\ufeff" + out.getvalue(),  # BOM: Excel on Windows then reads UTF-8 names correctly
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="daftar-hadir-{activity.id}.csv"'},
    )


@bp.get("/kegiatan/<int:activity_id>/daftar-hadir/qr.svg")
@login_required
def check_in_qr(activity_id: int):
    activity = load_activity(activity_id, Action.SEE_PARTICIPANTS)
    url = url_for("events.self_check_in", activity_id=activity.id,
                  token=participation.check_in_token(activity), _external=True)  # fmt: skip
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=2, title=activity.title)
    return Response(out.getvalue(), mimetype="image/svg+xml")


@bp.route("/kegiatan/<int:activity_id>/hadir/<token>", methods=["GET", "POST"])
@login_required
def self_check_in(activity_id: int, token: str):
    activity = load_activity(activity_id, Action.VIEW)
    if not participation.valid_check_in_token(activity, token):
        abort(404)
    now = utcnow()
    is_open = not activity.is_cancelled and rules.check_in_open(
        now=now, starts_at=as_utc(activity.starts_at), ends_at=as_utc(activity.ends_at)
    )
    form = EmptyForm()
    if is_open and form.validate_on_submit():
        participation.mark_attendance(activity, user=current_user, method="qr", by=current_user,
                                      now=now)  # fmt: skip
        db.session.commit()
        flash(_("Terima kasih, kehadiran Anda sudah tercatat."), "success")
        return redirect(url_for("events.detail", activity_id=activity.id), code=303)
    return render("events/check_in.html", activity=activity, is_open=is_open, token=token,
                  status=200 if is_open or request.method == "GET" else 422)  # fmt: skip


# --- comments -----------------------------------------------------------------------------


@bp.post("/kegiatan/<int:activity_id>/komentar")
@login_required
def comment(activity_id: int):
    activity = load_activity(activity_id, Action.VIEW)
    form = CommentForm()
    if form.validate_on_submit():
        participation.add_comment(activity, current_user, form.body.data.strip(), now=utcnow())
        db.session.commit()
    else:
        flash(_errors(form), "error")
    return _back(activity, "#comments")


@bp.post("/kegiatan/<int:activity_id>/komentar/<int:comment_id>/sembunyikan")
@login_required
def hide_comment(activity_id: int, comment_id: int):
    activity = load_activity(activity_id, Action.MANAGE_ACTIVITIES)
    found = participation.get_comment(activity, comment_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    participation.set_hidden(found, not found.is_hidden)
    db.session.commit()
    return _back(activity, "#comments")
