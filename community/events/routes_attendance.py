"""Routes for pengurus around who comes: the Peserta page with answers atas nama, the
Daftar Hadir (ticks, walk-ins, CSV, QR) and the resident's own QR check-in."""

from __future__ import annotations

import io

import segno
from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from community.areas import services as areas
from community.areas.models import Level
from community.core.authz import Action, can
from community.core.forms import EmptyForm
from community.core.time import as_utc, utcnow
from community.events import answers, bp, queries, rules
from community.events import attendance as events_attendance
from community.events import tasks as events_tasks
from community.events.forms import ANSWER_LABELS, KIND_LABELS
from community.events.forms_participation import ProxyForm, WalkInForm
from community.events.models import Activity
from community.events.routes import _errors, load_activity
from community.extensions import db
from community.web.downloads import csv_response
from community.web.htmx import render, wants_fragment
from community.web.i18n import labels


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
    """Pengurus of the activity's wilayah or above (MANAGE_ACTIVITIES; others 403/404): the Peserta
    page. The organisers (SEE_PARTICIPANTS) get names (``q`` searches them, ``halaman`` pages
    them; for htmx the ``participant_list`` block), needs and the atas-nama form; everyone above
    them who manages it sees the figures only."""
    activity = load_activity(activity_id, Action.MANAGE_ACTIVITIES)
    return _participants_page(activity)


def _page_number() -> int:
    """``halaman`` of a paged list; anything that is not a page number is page 1."""
    raw = request.args.get("halaman", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else 1


def _search_text() -> str:
    return request.args.get("q", "")[:80]


def _participants_page(activity: Activity, *, form: ProxyForm | None = None, status: int = 200):
    sees_people = can(Action.SEE_PARTICIPANTS, activity)
    query = _search_text()
    people = (
        events_attendance.list_participants(activity, query, _page_number())
        if sees_people
        else None
    )
    return render(
        "events/participants.html",
        block="participant_list" if sees_people and wants_fragment() else None,
        activity=activity,
        sees_people=sees_people,
        people=people,
        query=query,
        needs_help=events_attendance.list_needing_help(activity) if sees_people else [],
        counts=queries.count_answers(activity),
        attended=events_attendance.count_attendance(activity),
        tasks=events_tasks.list_tasks(activity, current_user),
        proxy_form=_proxy_form(activity, form) if sees_people else None,
        answer_labels=labels(ANSWER_LABELS),
        kind_labels=labels(KIND_LABELS),
        status=status,
    )


@bp.post("/kegiatan/<int:activity_id>/atas-nama")
@login_required
def respond_for(activity_id: int):
    """Pengurus of the activity's own wilayah (SEE_PARTICIPANTS; others 403/404). POST: an answer
    atas nama a member of the RT or a named person without an account, 303 redirect to the Peserta
    page; 422 with the Peserta page on bad input or a refused answer."""
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
        answers.respond_for(
            activity, by=current_user, resident=resident, name=None if resident else name,
            answer=form.answer.data, guests=form.guests.data or 0,
            needs_help=form.needs_help.data, now=utcnow(),
        )  # fmt: skip
    except rules.EventError as exc:
        db.session.rollback()
        from community.events.routes_answers import RSVP_ERRORS

        field = form.needs_help if exc.code == "needs_consent" else form.answer
        field.errors.append(exc.message(RSVP_ERRORS))
        return _participants_page(activity, form=form, status=422)
    db.session.commit()
    flash(
        _("Jawaban atas nama %(name)s tersimpan.", name=resident.name if resident else name),
        "success",
    )
    return redirect(url_for("events.participants", activity_id=activity.id), code=303)


def _rt_id(activity: Activity) -> int | None:
    return activity.wilayah_id if activity.wilayah.level == Level.RT else None


@bp.get("/kegiatan/<int:activity_id>/daftar-hadir")
@login_required
def attendance(activity_id: int):
    """Pengurus of the activity's own wilayah (SEE_PARTICIPANTS; others 403/404). GET: the Daftar
    Hadir page, or its ``attendance_list`` block for htmx; ``q`` filters by name and ``halaman``
    pages the list on the server."""
    activity = load_activity(activity_id, Action.SEE_PARTICIPANTS)
    query = _search_text()
    return render(
        "events/attendance.html",
        block="attendance_list",
        activity=activity,
        lines=events_attendance.attendance_page(activity, _rt_id(activity), query, _page_number()),
        query=query,
        present=events_attendance.count_attendance(activity),
        walk_in_form=WalkInForm(),
        answer_labels=labels(ANSWER_LABELS),
        check_in_url=url_for(
            "events.self_check_in",
            activity_id=activity.id,
            token=events_attendance.check_in_token(activity),
            _external=True,
        ),
    )


@bp.post("/kegiatan/<int:activity_id>/daftar-hadir/<int:user_id>")
@login_required
def toggle_attendance(activity_id: int, user_id: int):
    """The activity's own pengurus: mark or unmark one person on the Daftar Hadir. For
    htmx the block ``attendance_row`` of the Daftar Hadir page (DOM id
    ``attendance-<user id>``) and the count above the list (out of band); without htmx a 303
    back to the page."""
    activity = load_activity(activity_id, Action.SEE_PARTICIPANTS)
    if not EmptyForm().validate_on_submit():
        abort(400)
    line = events_attendance.attendance_line(activity, _rt_id(activity), user_id)
    if line is None:
        abort(404)  # not an answer of this activity nor a member of its RT
    if line.attendance_id:
        events_attendance.unmark_attendance(activity, line.attendance_id)
    else:
        from community.accounts.models import User

        events_attendance.mark_attendance(activity, user=db.session.get(User, user_id),
                                      method="pengurus", by=current_user, now=utcnow())  # fmt: skip
    db.session.commit()
    if wants_fragment():
        updated = events_attendance.attendance_line(activity, _rt_id(activity), user_id)
        return render("events/attendance.html", block=["attendance_row", "attendance_count"],
                      line=updated, activity=activity, answer_labels=labels(ANSWER_LABELS),
                      present=events_attendance.count_attendance(activity), oob=True)  # fmt: skip
    return redirect(url_for("events.attendance", activity_id=activity.id), code=303)


@bp.post("/kegiatan/<int:activity_id>/daftar-hadir/tamu")
@login_required
def walk_in(activity_id: int):
    """Pengurus of the activity's own wilayah (SEE_PARTICIPANTS; others 403/404). POST: records a
    walk-in guest as present by name; 303 redirect to the Daftar Hadir, the error flashed on bad
    input."""
    activity = load_activity(activity_id, Action.SEE_PARTICIPANTS)
    form = WalkInForm()
    if form.validate_on_submit():
        name = " ".join(form.name.data.split())
        events_attendance.mark_attendance(activity, name=name, method="pengurus", by=current_user,
                                      now=utcnow())  # fmt: skip
        db.session.commit()
        flash(_("%(name)s dicatat hadir.", name=name), "success")
    else:
        flash(_errors(form), "error")
    return redirect(url_for("events.attendance", activity_id=activity.id), code=303)


@bp.post("/kegiatan/<int:activity_id>/daftar-hadir/catatan/<int:attendance_id>/hapus")
@login_required
def remove_attendance(activity_id: int, attendance_id: int):
    """Pengurus of the activity's own wilayah (SEE_PARTICIPANTS; others 403/404). POST: removes one
    attendance record; 303 redirect to the Daftar Hadir; 400 on a bad CSRF token."""
    activity = load_activity(activity_id, Action.SEE_PARTICIPANTS)
    if not EmptyForm().validate_on_submit():
        abort(400)
    events_attendance.unmark_attendance(activity, attendance_id)
    db.session.commit()
    return redirect(url_for("events.attendance", activity_id=activity.id), code=303)


@bp.get("/kegiatan/<int:activity_id>/daftar-hadir.csv")
@login_required
def attendance_csv(activity_id: int):
    """Pengurus of the activity's own wilayah (SEE_PARTICIPANTS; others 403/404): the Daftar Hadir
    as a CSV file download (UTF-8 with BOM, ";" between fields for Excel in Indonesian; names that
    would run as formulas are quoted: community/web/downloads.py)."""
    from community.core.time import WITA

    activity = load_activity(activity_id, Action.SEE_PARTICIPANTS)
    rows = []
    for line in events_attendance.attendance_sheet(activity, _rt_id(activity)):
        when = ""
        if line.checked_in_at:
            when = as_utc(line.checked_in_at).astimezone(WITA).strftime("%Y-%m-%d %H:%M")
        rows.append([line.name, line.answer or "", "ya" if line.attendance_id else "tidak",
                     line.method or "", when])  # fmt: skip
    return csv_response(
        f"daftar-hadir-{activity.id}.csv", ["nama", "jawaban", "hadir", "cara", "waktu_wita"], rows
    )


@bp.get("/kegiatan/<int:activity_id>/daftar-hadir/qr.svg")
@login_required
def check_in_qr(activity_id: int):
    """Pengurus of the activity's own wilayah (SEE_PARTICIPANTS; others 403/404): an SVG file, the
    QR code residents scan to check themselves in."""
    activity = load_activity(activity_id, Action.SEE_PARTICIPANTS)
    url = url_for("events.self_check_in", activity_id=activity.id,
                  token=events_attendance.check_in_token(activity), _external=True)  # fmt: skip
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=2, title=activity.title)
    return Response(out.getvalue(), mimetype="image/svg+xml")


@bp.route("/kegiatan/<int:activity_id>/hadir/<token>", methods=["GET", "POST"])
@login_required
def self_check_in(activity_id: int, token: str):
    """Anyone who may see the activity (VIEW; others 404) holding the check-in token from the QR
    (wrong token: 404). GET: the check-in page. POST while check-in is open: records them present,
    303 redirect to the activity page; otherwise 422 with the page."""
    activity = load_activity(activity_id, Action.VIEW)
    if not events_attendance.valid_check_in_token(activity, token):
        abort(404)
    now = utcnow()
    is_open = not activity.is_cancelled and rules.check_in_open(
        now=now, starts_at=as_utc(activity.starts_at), ends_at=as_utc(activity.ends_at)
    )
    form = EmptyForm()
    if is_open and form.validate_on_submit():
        events_attendance.mark_attendance(activity, user=current_user, method="qr", by=current_user,
                                      now=now)  # fmt: skip
        db.session.commit()
        flash(_("Terima kasih, kehadiran Anda sudah tercatat."), "success")
        return redirect(url_for("events.detail", activity_id=activity.id), code=303)
    return render("events/check_in.html", activity=activity, is_open=is_open, token=token,
                  status=200 if is_open or request.method == "GET" else 422)  # fmt: skip
