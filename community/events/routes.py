"""Activity pages, the organiser's forms and the one-tap RSVP. load → authorize → act."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from community.areas import services as areas
from community.areas.models import Wilayah
from community.core import privacy
from community.core.access_rules import covers
from community.core.authz import Action, can, require
from community.core.time import WITA, as_utc, utcnow
from community.events import bp, queries, rules, services
from community.events import comments as events_comments
from community.events import tasks as events_tasks
from community.events.forms import (
    ANSWER_LABELS,
    KIND_LABELS,
    ActivityForm,
    CancelForm,
    CreateActivityForm,
    EditActivityForm,
    RsvpForm,
)
from community.events.models import Activity
from community.extensions import db
from community.notifications import rules as notif_rules
from community.web.htmx import render
from community.web.i18n import labels

ACTIVITY_ERRORS = {
    "end_before_start": ("end_date", _l("Waktu selesai harus setelah waktu mulai. Selesai lewat tengah malam (misalnya ronda 22.00–04.00)? Isi tanggal selesai dengan tanggal besoknya.")),
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
    activity = queries.get_activity(activity_id)
    require(action, activity)
    return activity


def _scope_choices() -> list[SelectChoice]:
    """The wilayah the user may organise for: where they hold a role, and one level below."""
    return [SelectChoice(w.id, w.full_name) for w in areas.organisable_wilayah(current_user)]


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
    """Pengurus (any role holder) for a wilayah they may organise (MANAGE_ACTIVITIES; none: 403).
    GET: the activity form (``wilayah`` preselects). POST: announces the activity or series, 303
    redirect to its page; 422 with the form on bad input."""
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
        except rules.EventError as exc:
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
        meetings = [services.create_activity(scope, by=current_user, now=now, **fields)]
    else:
        if not form.repeat_until.data and not form.repeat_count.data:
            raise rules.EventError("no_end")
        until = None
        if form.repeat_until.data:
            until = datetime.combine(form.repeat_until.data, datetime.max.time())
        rule = rules.recurrence_rule(
            form.repeat.data, fields["starts_at"], until=until, count=form.repeat_count.data
        )
        meetings = services.create_series(scope, by=current_user, now=now, rule=rule, **fields)
    for label, quantity in form.tasks():  # every meeting needs its own cangkul
        for meeting in meetings:
            events_tasks.add_task(meeting, label=label, quantity=quantity)
    return meetings[0]


@bp.route("/kegiatan/<int:activity_id>/ubah", methods=["GET", "POST"])
@login_required
def edit(activity_id: int):
    """Pengurus of the activity's wilayah or above (MANAGE_ACTIVITIES; others 403/404). GET: the
    filled activity form. POST: saves this activity, or this and the following meetings of a series,
    303 redirect to its page; 422 with the form on bad input."""
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
        except rules.EventError as exc:
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
    """Pengurus of the activity's wilayah or above (MANAGE_ACTIVITIES; others 403/404). POST:
    cancels this activity (or the following meetings) with a reason, 303 redirect to its page; 422
    with the activity page when the form is bad."""
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
    """Anyone who may see the activity (VIEW: they live in its wilayah or hold a role above or below
    it; others 404): the activity page with their RSVP panel, tasks and comments (a hidden one as
    "Disembunyikan oleh pengurus"; its text for its writer and the pengurus)."""
    activity = load_activity(activity_id, Action.VIEW)
    return _detail_page(activity)


def _count_text(activity: Activity):
    """How the page writes a count: the number for people who live in the activity's wilayah
    and its organisers; for officials above who do not, groups under five as "<5", as the
    Peserta page does (core/privacy.py)."""
    home = current_user.home_rt_path
    if can(Action.SEE_PARTICIPANTS, activity) or (home and covers(activity.wilayah.path, home)):
        return str
    return privacy.suppress_small


def _panel_context(
    activity: Activity,
    form: RsvpForm | None = None,
    error: str | None = None,
    remind_hint: bool = False,
):
    rsvp = queries.get_rsvp(activity, current_user)
    if form is None:
        form = RsvpForm(obj=rsvp) if rsvp else RsvpForm()
    return {
        "activity": activity,
        "rsvp": rsvp,
        "position": queries.waitlist_position(rsvp) if rsvp else None,
        "counts": queries.count_answers(activity),
        "count_text": _count_text(activity),
        "rsvp_form": form,
        "rsvp_error": error,
        "answer_labels": labels(ANSWER_LABELS),
        "closed_reason": queries.answer_problem(activity, now=utcnow()),
        "remind_hint": remind_hint,
    }


def _detail_page(activity: Activity, *, cancel_form=None, status: int = 200,
                 hide_bound: dict | None = None, **panel):  # fmt: skip
    from community.events.forms_participation import CommentForm, SignupForm, TaskForm
    from community.moderation.forms import HideForm

    manages = can(Action.MANAGE_ACTIVITIES, activity)
    return render(
        "events/detail.html",
        **_panel_context(activity, **panel),
        kind_labels=labels(KIND_LABELS),
        manages=manages,
        cancel_form=cancel_form or _without_unrendered_fields(CancelForm(), activity),
        tasks=events_tasks.list_tasks(activity, current_user),
        task_form=TaskForm(formdata=None),
        signup_form=SignupForm(formdata=None),
        task_error=None,
        # Hidden ones too: "Disembunyikan oleh pengurus" for all, the text for its writer.
        comments=events_comments.list_comments(activity, include_hidden=True),
        comment_form=CommentForm(formdata=None),
        # pengurus: "Sembunyikan" with a reason under each comment (a refused one bound)
        hide_bound=hide_bound or {},
        hide_form=lambda comment_id: HideForm(formdata=None, prefix=f"hide{comment_id}"),
        status=status,
    )


@bp.get("/kegiatan/lalu")
@login_required
def past():
    """Signed in (signed out: redirect to sign-in): the Kegiatan lalu page of past activities they
    may see; with ``setelah`` (Lihat lebih banyak) its ``feed_page`` block for htmx."""
    after = rules.parse_feed_cursor(request.args.get("setelah"))
    feed = queries.list_feed(current_user, now=utcnow(), past=True, after=after)
    return render(
        "events/past.html",
        block="feed_page" if after else None,  # "Lihat lebih banyak" appends the next cards
        feed=feed,
        appended=after is not None,
        kind_labels=labels(KIND_LABELS),
        answer_labels=labels(ANSWER_LABELS),
    )


def _errors(form) -> str:
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def _back(activity: Activity, anchor: str = ""):
    return redirect(url_for("events.detail", activity_id=activity.id) + anchor, code=303)
