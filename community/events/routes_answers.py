"""Routes for answering: Hadir / Mungkin / Tidak on the activity page (the RSVP panel)
and on a feed card, Hadir for every coming meeting of a series, and taking an answer back."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from community.core.authz import Action
from community.core.forms import EmptyForm
from community.core.idempotency import idempotent
from community.core.time import utcnow
from community.events import answers, bp, queries, rules
from community.events.forms import ANSWER_LABELS, CardAnswerForm, RsvpForm
from community.events.models import Activity, Answer
from community.events.routes import _detail_page, _panel_context, load_activity
from community.extensions import db
from community.notifications import outbox
from community.web.htmx import render, wants_fragment
from community.web.i18n import labels
from community.web.redirects import safe_next

RSVP_ERRORS = {
    "cancelled": _l("Kegiatan ini sudah dibatalkan."),
    "deadline": _l("Batas waktu konfirmasi sudah lewat."),
    "started": _l("Kegiatan ini sudah dimulai."),
    "guests": _l("Tamu paling banyak 10 orang."),
    "answer": _l("Pilih Hadir, Mungkin Hadir, atau Tidak Hadir."),
    "conflict": _l("Jawaban Anda sedang diproses. Coba lagi."),
    "no_room_for_guests": _l("Kuota penuh: tidak ada tempat untuk tamu tambahan. Jawaban lama Anda tetap."),
    "needs_consent": _l("Warga ini belum setuju data kebutuhannya disimpan. Ia bisa mencentang \"butuh bantuan\" sendiri atau menyetujuinya di Profil; jawabannya bisa disimpan tanpa centang ini."),
}  # fmt: skip


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
@idempotent
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
        answers.respond(
            activity,
            current_user,
            answer=form.answer.data,
            guests=form.guests.data or 0,
            note=(form.note.data or "").strip(),
            needs_help=form.needs_help.data,
            now=utcnow(),
        )
    except rules.EventError as exc:
        db.session.rollback()
        return _panel(activity, form=form, error=exc.message(RSVP_ERRORS), status=422)
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
@idempotent
def respond_card(activity_id: int):
    """Anyone who may see the activity: the one-tap answer of a feed card. It changes the
    answer only (guests, note and butuh bantuan stay) and answers the card's answer block
    for htmx, or 303 back to the feed."""
    activity = load_activity(activity_id, Action.VIEW)
    form = CardAnswerForm()
    if not form.validate_on_submit():
        return _card_answer(activity, error=str(RSVP_ERRORS["answer"]), status=422)
    try:
        answers.change_answer(activity, current_user, answer=form.answer.data, now=utcnow())
    except rules.EventError as exc:
        db.session.rollback()
        return _card_answer(activity, error=exc.message(RSVP_ERRORS), status=422)
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
    rsvp = queries.get_rsvp(activity, current_user)
    return render(
        "events/_card.html",
        block="card_answer",
        status=status,
        activity=activity,
        answer=rsvp.answer if rsvp else None,
        waitlisted=bool(rsvp and rsvp.waitlisted_at),
        answer_labels=labels(ANSWER_LABELS),
        card_error=error,
    )


@bp.post("/kegiatan/<int:activity_id>/jawab/semua")
@login_required
@idempotent
def respond_all(activity_id: int):
    """Anyone who may see the activity (VIEW; others 404). POST, Hadir untuk semua: Hadir to this
    and every later occurrence of the series; 303 redirect to the activity page; 400 on a bad CSRF
    token."""
    activity = load_activity(activity_id, Action.VIEW)
    if not EmptyForm().validate_on_submit():
        abort(400)
    count = answers.respond_to_following(activity, current_user, now=utcnow())
    db.session.commit()
    flash(_("Anda tercatat Hadir di %(n)s pertemuan.", n=count), "success")
    return redirect(url_for("events.detail", activity_id=activity.id), code=303)


@bp.post("/kegiatan/<int:activity_id>/jawab/hapus")
@login_required
@idempotent
def withdraw(activity_id: int):
    """Anyone who may see the activity: take back their own answer. Answers the panel."""
    activity = load_activity(activity_id, Action.VIEW)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        answers.withdraw(activity, current_user, now=utcnow())
    except rules.EventError as exc:
        db.session.rollback()
        return _panel(activity, error=exc.message(RSVP_ERRORS), status=422)
    db.session.commit()
    return _panel(activity)
