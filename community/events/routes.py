"""Activity pages, the organiser's forms and the one-tap RSVP. load → authorize → act."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from community.areas.models import RoleAssignment, Wilayah
from community.core.authz import Action, can, require
from community.core.forms import EmptyForm
from community.core.time import WITA, as_utc, utcnow
from community.events import bp, reminders, rules, services
from community.events.forms import (
    ANSWER_LABELS,
    KIND_LABELS,
    ActivityForm,
    CancelForm,
    CardAnswerForm,
    CreateActivityForm,
    EditActivityForm,
    RsvpForm,
)
from community.events.models import Activity, Answer
from community.extensions import db
from community.notifications import kinds, outbox
from community.notifications import rules as notif_rules
from community.web.htmx import render, wants_fragment
from community.web.redirects import safe_next

RSVP_ERRORS = {
    "cancelled": _l("Kegiatan ini sudah dibatalkan."),
    "deadline": _l("Batas waktu konfirmasi sudah lewat."),
    "started": _l("Kegiatan ini sudah dimulai."),
    "guests": _l("Tamu paling banyak 10 orang."),
    "answer": _l("Pilih Hadir, Mungkin Hadir, atau Tidak Hadir."),
    "conflict": _l("Jawaban Anda sedang diproses. Coba lagi."),
    "no_room_for_guests": _l("Kuota penuh: tidak ada tempat untuk tamu tambahan. Jawaban lama Anda tetap."),
}  # fmt: skip
ACTIVITY_ERRORS = {
    "end_before_start": ("end_time", _l("Waktu selesai harus setelah waktu mulai.")),
    "too_long": ("end_time", _l("Kegiatan paling lama 7 hari.")),
    "capacity": ("capacity", _l("Kuota harus antara 1 dan 10.000.")),
    "deadline_after_start": ("deadline_date", _l("Batas konfirmasi harus sebelum kegiatan mulai.")),
    "capacity_below_taken": ("capacity", _l("Kuota tidak boleh lebih kecil dari jumlah yang sudah menjawab Hadir.")),
    "too_many": ("repeat_count", _l("Terlalu banyak pertemuan: paling banyak 500. Pilih tanggal akhir lebih dekat.")),
    "empty": ("repeat_until", _l("Tidak ada tanggal yang cocok sebelum tanggal akhir.")),
    "no_end": ("repeat_until", _l("Isi tanggal akhir atau berapa kali kegiatan berulang.")),
}  # fmt: skip


def load_activity(activity_id: int, action: str) -> Activity:
    """Load → authorize for every activity route (404 for someone who may not see it)."""
    activity = services.get_activity(activity_id)
    require(action, activity)
    return activity


def _scope_choices() -> list[SelectChoice]:
    """The wilayah the user may organise for: where they hold a role, and one level below."""
    held = db.session.scalars(
        select(Wilayah)
        .join(RoleAssignment, RoleAssignment.wilayah_id == Wilayah.id)
        .where(RoleAssignment.user_id == current_user.id)
        .distinct()
    ).all()
    children = db.session.scalars(
        select(Wilayah).where(Wilayah.parent_id.in_([w.id for w in held]))
    ).all()
    nodes = {w.id: w for w in [*held, *children]}
    ordered = sorted(nodes.values(), key=lambda w: w.path)
    return [SelectChoice(w.id, w.full_name) for w in ordered]


def _combine(day, time) -> datetime:
    return datetime.combine(day, time, tzinfo=WITA)


def _fields(form: ActivityForm) -> dict:
    starts = _combine(form.start_date.data, form.start_time.data)
    ends = _combine(form.end_date.data or form.start_date.data, form.end_time.data)
    deadline = None
    if form.deadline_date.data:
        deadline = _combine(form.deadline_date.data, form.deadline_time.data or starts.time())
    return {
        "kind": form.kind.data,
        "title": " ".join(form.title.data.split()),
        "description": (form.description.data or "").strip(),
        "place": " ".join(form.place.data.split()),
        "latitude": form.latitude.data,
        "longitude": form.longitude.data,
        "accessibility_notes": (form.accessibility_notes.data or "").strip(),
        "starts_at": starts,
        "ends_at": ends,
        "capacity": form.capacity.data,
        "rsvp_deadline_at": deadline,
        "default_reminders": form.default_reminders.data,
        "reminder_minutes": notif_rules.format_offsets(
            notif_rules.parse_offsets(form.reminder_minutes.data or "")[0]
        ),
        "remind_unanswered": form.remind_unanswered.data,
    }


def _form_error(form: ActivityForm, code: str) -> None:
    field, message = ACTIVITY_ERRORS[code]
    getattr(form, field).errors.append(str(message))


@bp.route("/kegiatan/baru", methods=["GET", "POST"])
@login_required
def create():
    form = CreateActivityForm()
    form.scope.choices = _scope_choices()
    if not form.scope.choices:
        abort(403)
    if request.method == "GET" and request.args.get("wilayah", type=int):
        form.scope.data = request.args.get("wilayah", type=int)
    if form.validate_on_submit():
        scope = db.session.get(Wilayah, form.scope.data)
        require(Action.MANAGE_ACTIVITIES, scope)
        now = utcnow()
        try:
            activity = _create(form, scope, now)
        except services.EventError as exc:
            db.session.rollback()
            _form_error(form, exc.code)
        else:
            db.session.commit()
            flash(_('Kegiatan "%(title)s" sudah diumumkan.', title=activity.title), "success")
            if as_utc(activity.starts_at) < now:
                flash(
                    _("Waktu mulainya sudah lewat: kegiatan ini dicatat sebagai kegiatan lalu."),
                    "warning",
                )
            return redirect(url_for("events.detail", activity_id=activity.id), code=303)
    return render("events/form.html", form=form, activity=None, status=422 if form.errors else 200)


def _create(form: CreateActivityForm, scope: Wilayah, now: datetime) -> Activity:
    fields = _fields(form)
    if not form.repeat.data:
        return services.create_activity(scope, by=current_user, now=now, **fields)
    if not form.repeat_until.data and not form.repeat_count.data:
        raise services.EventError("no_end")
    until = None
    if form.repeat_until.data:
        until = datetime.combine(form.repeat_until.data, datetime.max.time())
    rule = rules.recurrence_rule(
        form.repeat.data, fields["starts_at"], until=until, count=form.repeat_count.data
    )
    return services.create_series(scope, by=current_user, now=now, rule=rule, **fields)[0]


@bp.route("/kegiatan/<int:activity_id>/ubah", methods=["GET", "POST"])
@login_required
def edit(activity_id: int):
    activity = load_activity(activity_id, Action.MANAGE_ACTIVITIES)
    form = _without_unrendered_fields(EditActivityForm(obj=activity), activity)
    form.scope.choices = [SelectChoice(activity.wilayah_id, activity.wilayah.full_name)]
    if request.method == "GET":
        _fill(form, activity)
    form.scope.data = activity.wilayah_id
    if form.validate_on_submit():
        change = services.update_following if _following(form) else services.update_activity
        try:
            change(activity, now=utcnow(), **_fields(form))
        except services.EventError as exc:
            db.session.rollback()
            _form_error(form, exc.code)
        else:
            db.session.commit()
            flash(_("Perubahan tersimpan."), "success")
            return redirect(url_for("events.detail", activity_id=activity.id), code=303)
    return render(
        "events/form.html", form=form, activity=activity, status=422 if form.errors else 200
    )


def _without_unrendered_fields(form, activity: Activity):
    """A one-off activity has no "Terapkan ke" choice: the page does not render it, so the
    form must not validate it either (it once refused every edit of a one-off activity)."""
    if activity.series_id is None:
        del form.apply_to
    return form


def _following(form) -> bool:
    return "apply_to" in form and form.apply_to.data == "following"


def _fill(form: ActivityForm, activity: Activity) -> None:
    starts = as_utc(activity.starts_at).astimezone(WITA)
    ends = as_utc(activity.ends_at).astimezone(WITA)
    form.start_date.data, form.start_time.data = starts.date(), starts.time()
    form.end_date.data = ends.date() if ends.date() != starts.date() else None
    form.end_time.data = ends.time()
    if activity.rsvp_deadline_at:
        deadline = as_utc(activity.rsvp_deadline_at).astimezone(WITA)
        form.deadline_date.data, form.deadline_time.data = deadline.date(), deadline.time()


@bp.post("/kegiatan/<int:activity_id>/batalkan")
@login_required
def cancel(activity_id: int):
    activity = load_activity(activity_id, Action.MANAGE_ACTIVITIES)
    form = _without_unrendered_fields(CancelForm(), activity)
    if not form.validate_on_submit():
        return _detail_page(activity, cancel_form=form, status=422)
    if _following(form):
        services.cancel_following(activity, reason=form.reason.data.strip(), now=utcnow())
    else:
        services.cancel_activity(activity, reason=form.reason.data.strip(), now=utcnow())
    db.session.commit()
    flash(_('Kegiatan dibatalkan. Warga melihatnya sebagai "Dibatalkan".'), "success")
    return redirect(url_for("events.detail", activity_id=activity.id), code=303)


@bp.get("/kegiatan/<int:activity_id>")
@login_required
def detail(activity_id: int):
    activity = load_activity(activity_id, Action.VIEW)
    return _detail_page(activity)


def _panel_context(
    activity: Activity,
    form: RsvpForm | None = None,
    error: str | None = None,
    remind_hint: bool = False,
):
    rsvp = services.get_rsvp(activity, current_user)
    if form is None:
        form = RsvpForm(obj=rsvp) if rsvp else RsvpForm()
    return {
        "activity": activity,
        "rsvp": rsvp,
        "position": services.waitlist_position(rsvp) if rsvp else None,
        "counts": services.count_answers(activity),
        "rsvp_form": form,
        "rsvp_error": error,
        "answer_labels": ANSWER_LABELS,
        "closed_reason": services.answer_problem(activity, now=utcnow()),
        "remind_hint": remind_hint,
    }


def _detail_page(activity: Activity, *, cancel_form=None, status: int = 200, **panel):
    from community.events import participation
    from community.events.forms import CommentForm, SignupForm, TaskForm

    manages = can(Action.MANAGE_ACTIVITIES, activity)
    return render(
        "events/detail.html",
        **_panel_context(activity, **panel),
        kind_labels=KIND_LABELS,
        manages=manages,
        cancel_form=cancel_form or _without_unrendered_fields(CancelForm(), activity),
        tasks=participation.list_tasks(activity, current_user),
        task_form=TaskForm(formdata=None),
        signup_form=SignupForm(formdata=None),
        task_error=None,
        comments=participation.list_comments(activity, include_hidden=manages),
        comment_form=CommentForm(formdata=None),
        status=status,
    )


def _panel(activity: Activity, *, status: int = 200, **context):
    """The answer of ``events.respond`` and ``events.withdraw``: for htmx the block
    ``rsvp_panel`` of the activity page (DOM id ``rsvp-panel-<id>``), 200 or 422; without
    htmx a 303 to the activity page after success, the whole page with 422 otherwise."""
    if wants_fragment():
        return render(
            "events/detail.html",
            block="rsvp_panel",
            status=status,
            **_panel_context(activity, **context),
        )
    if status == 200:
        return redirect(url_for("events.detail", activity_id=activity.id), code=303)
    return _detail_page(activity, status=status, **context)


@bp.post("/kegiatan/<int:activity_id>/jawab")
@login_required
def respond(activity_id: int):
    """Anyone who may see the activity: their own answer from the RSVP panel, with guests,
    note and butuh bantuan. Answers the panel (see :func:`_panel`); the feed card has its
    own route, :func:`respond_card`, which changes the answer only."""
    activity = load_activity(activity_id, Action.VIEW)
    form = RsvpForm()
    if not form.validate_on_submit():
        error = str(RSVP_ERRORS["answer"]) if form.answer.errors else None  # no field shows it
        return _panel(activity, form=form, error=error, status=422)
    try:
        services.respond(
            activity,
            current_user,
            answer=form.answer.data,
            guests=form.guests.data or 0,
            note=(form.note.data or "").strip(),
            needs_help=form.needs_help.data,
            now=utcnow(),
        )
    except services.EventError as exc:
        db.session.rollback()
        return _panel(activity, form=form, error=str(RSVP_ERRORS[exc.code]), status=422)
    db.session.commit()
    # Coming, but no phone would be reminded: say how to turn reminders on (only right
    # after answering, so reading the page costs no extra query).
    hint = form.answer.data in (Answer.HADIR, Answer.MUNGKIN) and not outbox.has_devices(
        current_user.id
    )
    if hint and not wants_fragment():
        flash(
            _(
                "Aktifkan notifikasi (Profil → Pengaturan notifikasi) supaya HP Anda mengingatkan sebelum kegiatan mulai."
            ),
            "info",
        )
    return _panel(activity, remind_hint=hint)


@bp.post("/kegiatan/<int:activity_id>/jawab/kartu")
@login_required
def respond_card(activity_id: int):
    """Anyone who may see the activity: the one-tap answer of a feed card. It changes the
    answer only (guests, note and butuh bantuan stay) and answers the card's answer block
    for htmx, or 303 back to the feed."""
    activity = load_activity(activity_id, Action.VIEW)
    form = CardAnswerForm()
    if not form.validate_on_submit():
        return _card_answer(activity, error=str(RSVP_ERRORS["answer"]), status=422)
    try:
        services.change_answer(activity, current_user, answer=form.answer.data, now=utcnow())
    except services.EventError as exc:
        db.session.rollback()
        return _card_answer(activity, error=str(RSVP_ERRORS[exc.code]), status=422)
    db.session.commit()
    return _card_answer(activity)


def _card_answer(activity: Activity, *, error: str | None = None, status: int = 200):
    """For htmx the block ``card_answer`` of the feed card (DOM id ``card-answer-<id>``),
    200 or 422; without htmx a 303 to the feed (the form's ``next``: where the card was
    shown, never another site), the error flashed."""
    if not wants_fragment():
        if error:
            flash(error, "error")
        return redirect(safe_next(request.form.get("next"), url_for("web.index")), code=303)
    db.session.refresh(activity)
    rsvp = services.get_rsvp(activity, current_user)
    return render(
        "events/_card.html",
        block="card_answer",
        status=status,
        activity=activity,
        answer=rsvp.answer if rsvp else None,
        waitlisted=bool(rsvp and rsvp.waitlisted_at),
        answer_labels=ANSWER_LABELS,
        card_error=error,
    )


@bp.post("/kegiatan/<int:activity_id>/jawab/semua")
@login_required
def respond_all(activity_id: int):
    """Hadir untuk semua: Hadir to this and every later occurrence of the series."""
    activity = load_activity(activity_id, Action.VIEW)
    if not EmptyForm().validate_on_submit():
        abort(400)
    count = services.respond_to_following(activity, current_user, now=utcnow())
    db.session.commit()
    flash(_("Anda tercatat Hadir di %(n)s pertemuan.", n=count), "success")
    return redirect(url_for("events.detail", activity_id=activity.id), code=303)


@bp.post("/kegiatan/<int:activity_id>/jawab/hapus")
@login_required
def withdraw(activity_id: int):
    """Anyone who may see the activity: take back their own answer. Answers the panel."""
    activity = load_activity(activity_id, Action.VIEW)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw(activity, current_user, now=utcnow())
    except services.EventError as exc:
        db.session.rollback()
        return _panel(activity, error=str(RSVP_ERRORS[exc.code]), status=422)
    db.session.commit()
    return _panel(activity)


@bp.get("/kegiatan/lalu")
@login_required
def past():
    after = rules.parse_feed_cursor(request.args.get("setelah"))
    feed = services.list_feed(current_user, now=utcnow(), past=True, after=after)
    return render(
        "events/past.html",
        block="feed_page" if after else None,  # "Lihat lebih banyak" appends the next cards
        feed=feed,
        appended=after is not None,
        kind_labels=KIND_LABELS,
        answer_labels=ANSWER_LABELS,
    )


@bp.get("/kegiatan/<int:activity_id>/pengingat")
@login_required
def reminders_report(activity_id: int):
    """For pengurus: each reminder and notice, and how far it got (counts only)."""
    activity = load_activity(activity_id, Action.MANAGE_ACTIVITIES)
    return render(
        "events/reminders.html",
        activity=activity,
        lines=outbox.delivery_report(reminders.ref_of(activity.id)),
        planned=reminders.planned_reminders(activity),
        kind_labels=kinds.labels(),
        sees_people=can(Action.SEE_PARTICIPANTS, activity),  # others: no group under five
    )
