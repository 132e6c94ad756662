"""Routes of moderation: the report form beside a message or comment, /moderasi for the
pengurus, and their actions. A report, mute or person outside the pengurus' subtree is
404 (whether it exists is not theirs to know); a resident has no /moderasi (404)."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from community.accounts.models import User
from community.core.authz import Action, grants_of, preload_grants, require
from community.core.forms import EmptyForm
from community.core.time import utcnow
from community.events.models import Activity, Comment
from community.extensions import db
from community.messages import queries as dm_queries
from community.messages.models import Message
from community.moderation import bp, mutes, policies, queries, services
from community.moderation.forms import REASON_LABELS, HideForm, MuteForm, ReportForm
from community.moderation.models import Report
from community.moderation.services import ModerationError
from community.web.htmx import render
from community.web.ratelimits import per_user

MESSAGES = {
    "own": _l("Anda tidak dapat melaporkan tulisan Anda sendiri."),
    "already": _l("Anda sudah melaporkan ini. Pengurus sedang memeriksanya."),
    "gone": _l("Pesan ini sudah dihapus."),
    "reason": _l("Pilih alasan laporan."),
    "note_too_long": _l("Catatan paling banyak 500 karakter."),
    "reason_empty": _l("Tulis alasannya."),
    "reason_too_long": _l("Alasan paling banyak 300 karakter."),
    "not_open": _l("Laporan ini sudah ditangani."),
    "not_hidden": _l("Tulisan ini tidak sedang disembunyikan."),
    "hidden": _l("Tulisan ini sudah disembunyikan."),
    "period": _l("Pilih lamanya."),
    "not_active": _l("Warga ini tidak sedang dibisukan."),
    "no_rt": _l("Warga ini belum menjadi anggota RT."),
}
LOG_LABELS = {
    "hide": _l("menyembunyikan tulisan"),
    "unhide": _l("menampilkan lagi tulisan"),
    "dismiss": _l("menutup laporan (tidak melanggar) tentang"),
    "mute": _l("membisukan"),
    "unmute": _l("mencabut bisukan"),
}
WAIT = _l("Tunggu sebentar sebelum melapor lagi.")
SENT = _l("Laporan terkirim ke pengurus")


# --- reporting (residents) -----------------------------------------------------------------


def _reported_message(message_id: int) -> Message:
    """Load → authorize: a message of a conversation the signed-in person is in, written by
    the other person (anyone else: 404; their own: 403; deleted: 404)."""
    message = db.session.get(Message, message_id) or abort(404)
    if dm_queries.get_membership(message.conversation_id, current_user.id) is None:
        abort(404)
    if message.deleted_at is not None:
        abort(404)
    if message.sender_id == current_user.id:
        abort(403)
    return message


def _reported_comment(comment_id: int) -> tuple[Comment, Activity]:
    """Load → authorize: a comment of an activity the signed-in person may see (others:
    404), written by someone else (their own: 403)."""
    comment = db.session.get(Comment, comment_id) or abort(404)
    activity = db.session.get(Activity, comment.activity_id)
    require(Action.VIEW, activity)
    if comment.user_id == current_user.id:
        abort(403)
    return comment, activity


def _report_page(kind: str, text: str, back: str, form: ReportForm, *, already: bool,
                 status: int = 200) -> Response:  # fmt: skip
    return render("moderation/report.html", kind=kind, text=text, back=back, form=form,
                  already=already, status=status)  # fmt: skip


def _report_form(kind: str, text: str, back: str, *, already: bool,
            file: Callable[[ReportForm], object]) -> Response:  # fmt: skip
    """The report form of one message or comment: GET shows it; a valid POST files the
    report (``file``), commits and goes ``back`` with "Laporan terkirim"; bad input or a
    refusal (already reported) is 422 with the form."""
    form = ReportForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            file(form)
        except ModerationError as exc:
            db.session.rollback()
            form.note.errors = [*form.note.errors, exc.message(MESSAGES)]
        else:
            db.session.commit()
            flash(str(SENT), "success")
            return redirect(back, code=303)
    status = 422 if request.method == "POST" else 200
    return _report_page(kind, text, back, form, already=already and status == 200, status=status)


def _back_to_message(message: Message) -> str:
    return url_for("messages.conversation", conversation_id=message.conversation_id,
                   _anchor=f"pesan-{message.id}")  # fmt: skip


def _back_to_comment(comment: Comment) -> str:
    return url_for("events.detail", activity_id=comment.activity_id, _anchor="comments")


@bp.route("/laporkan/pesan/<int:message_id>", methods=["GET", "POST"])
@login_required
@per_user("REPORT_LIMIT_PER_USER", "report")
def report_message(message_id: int):
    """A member of the message's conversation, for the other person's message (others 404,
    their own 403). GET: the report form with the message quoted (or "sudah dilaporkan").
    POST: files the report; 303 to the conversation with "Laporan terkirim ke pengurus";
    422 with the form on bad input or when already reported; over the limit 429."""
    message = _reported_message(message_id)
    return _report_form(
        "message", message.body, _back_to_message(message),
        already=queries.has_open_report(current_user.id, message_id=message.id),
        file=lambda form: services.report_message(
            message, current_user, reason=form.reason.data, note=form.note.data or "",
            now=utcnow(),
        ),
    )  # fmt: skip


@bp.route("/laporkan/komentar/<int:comment_id>", methods=["GET", "POST"])
@login_required
@per_user("REPORT_LIMIT_PER_USER", "report")
def report_comment(comment_id: int):
    """Anyone who may see the comment's activity (VIEW; others 404), for someone else's
    comment (their own 403). GET: the report form with the comment quoted. POST: files the
    report; 303 to the activity's comments with "Laporan terkirim ke pengurus"; 422 with the
    form on bad input or when already reported; over the limit 429."""
    comment, activity = _reported_comment(comment_id)
    return _report_form(
        "comment", comment.body, _back_to_comment(comment),
        already=queries.has_open_report(current_user.id, comment_id=comment.id),
        file=lambda form: services.report_comment(
            comment, activity, current_user, reason=form.reason.data,
            note=form.note.data or "", now=utcnow(),
        ),
    )  # fmt: skip


@bp.errorhandler(429)
def _too_many(exc):
    """The report limit: the form page again saying "Tunggu sebentar" (429)."""
    args = request.view_args or {}
    if "message_id" in args:
        message = _reported_message(args["message_id"])
        text, back, kind = message.body, _back_to_message(message), "message"
    elif "comment_id" in args:
        comment, _activity = _reported_comment(args["comment_id"])
        text, back, kind = comment.body, _back_to_comment(comment), "comment"
    else:
        return exc
    form = ReportForm()
    form.validate()  # keeps what was chosen and typed; the errors are replaced below
    for field in form:
        field.errors = []
    form.note.errors = [WAIT]
    return _report_page(kind, text, back, form, already=False, status=429)


# --- /moderasi (pengurus) ------------------------------------------------------------------


def _require_moderator() -> None:
    if not policies.is_moderator():
        abort(404)


def _report(report_id: int) -> Report:
    """Load → authorize: a report of the pengurus' subtree (others, any role: 404)."""
    report = queries.get_report(report_id)
    if report is None or not policies.may_moderate(report):
        abort(404)
    return report


def _index(*, status: int = 200, bound: dict | None = None) -> Response:
    grants = grants_of(current_user)
    now = utcnow()
    open_reports, hidden_reports = queries.list_open(grants), queries.list_hidden(grants)
    authors = queries.get_users(
        {line.author_id for line in [*open_reports, *hidden_reports] if line.author_id}
    )
    preload_grants(authors)
    page = request.args.get("halaman", 1, type=int) or 1
    return render(
        "moderation/index.html",
        status=status,
        open_reports=open_reports,
        hidden_reports=hidden_reports,
        mutes=queries.list_active_mutes(grants, now=now),
        log=queries.list_log(grants, page),
        reason_labels=REASON_LABELS,
        log_labels=LOG_LABELS,
        authors={a.id: a for a in authors},
        bound=bound or {},
        hide_form=lambda report_id: HideForm(formdata=None, prefix=f"hide{report_id}"),
    )


@bp.get("/moderasi")
@login_required
def index():
    """Pengurus RT, ketua RW and admins (anyone holding a role; residents 404): the open
    reports of their subtree, newest first, with the reported text, reason and time (WITA)
    and the actions; the hidden items ("Tampilkan lagi"); the residents muted now; and the
    subtree's moderation log, 50 a page (``?halaman=``)."""
    _require_moderator()
    return _index()


@bp.post("/moderasi/laporan/<int:report_id>/sembunyikan")
@login_required
def hide(report_id: int):
    """A pengurus whose subtree holds the report (others 404). POST: hides the reported
    message or comment with a reason (required, at most 300 characters) and logs it; 303
    to /moderasi; 422 with the page on a missing or too long reason or a decided report."""
    report = _report(report_id)
    form = HideForm(prefix=f"hide{report.id}")
    if form.validate_on_submit():
        try:
            services.hide(report, current_user, form.reason.data, now=utcnow())
        except ModerationError as exc:
            db.session.rollback()
            form.reason.errors = [exc.message(MESSAGES)]
        else:
            db.session.commit()
            flash(_("Disembunyikan. Penulisnya melihat alasannya."), "success")
            return redirect(url_for("moderation.index"), code=303)
    return _index(status=422, bound={report.id: form})


def _simple_action(report_id: int, act, done: str) -> Response:
    report = _report(report_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        act(report, current_user, now=utcnow())
    except ModerationError as exc:
        db.session.rollback()
        flash(exc.message(MESSAGES), "error")
        return _index(status=422)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("moderation.index"), code=303)


@bp.post("/moderasi/laporan/<int:report_id>/tampilkan")
@login_required
def unhide(report_id: int):
    """A pengurus whose subtree holds the report (others 404). POST: shows the hidden item
    again and logs it; 303 to /moderasi; 422 when it is not hidden."""
    return _simple_action(report_id, services.unhide, _("Ditampilkan lagi."))


@bp.post("/moderasi/laporan/<int:report_id>/abaikan")
@login_required
def dismiss(report_id: int):
    """A pengurus whose subtree holds the report (others 404). POST: closes the report as
    "tidak melanggar" and logs it; 303 to /moderasi; 422 when already decided."""
    return _simple_action(report_id, services.dismiss, _("Laporan ditutup: tidak melanggar."))


def _mutable(user_id: int) -> User:
    """Load → authorize: a resident of the pengurus' subtree whose roles they could give
    (anyone else 404; themselves or someone above them 403)."""
    _require_moderator()
    person = db.session.get(User, user_id) or abort(404)
    if person.home_rt_path is None or not policies.covers_path(person.home_rt_path):
        abort(404)
    if not policies.may_mute(person):
        abort(403)
    return person


@bp.route("/moderasi/warga/<int:user_id>/bisukan", methods=["GET", "POST"])
@login_required
def mute(user_id: int):
    """A pengurus of the person's RT or above, with authority over every role they hold
    (outside their subtree 404; themselves or a higher role 403). GET: the mute form (1, 3
    or 7 days, a reason) and any mute in force. POST: mutes them and logs it; 303 to
    /moderasi; 422 with the form on a missing period or reason."""
    person = _mutable(user_id)
    form = MuteForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.mute(person, current_user, days=form.days.data, reason=form.reason.data,
                          now=utcnow())  # fmt: skip
        except ModerationError as exc:
            db.session.rollback()
            form.reason.errors = [exc.message(MESSAGES)]
        else:
            db.session.commit()
            flash(_("%(name)s dibisukan.", name=person.name), "success")
            return redirect(url_for("moderation.index"), code=303)
    return render("moderation/mute.html", person=person, form=form,
                  active=mutes.active_mute(person.id, now=utcnow()),
                  status=422 if request.method == "POST" else 200)  # fmt: skip


@bp.post("/moderasi/bisukan/<int:mute_id>/cabut")
@login_required
def unmute(mute_id: int):
    """A pengurus whose subtree holds the muted person's RT (others 404). POST: lifts the
    mute now and logs it; 303 to /moderasi; 422 when it is no longer in force."""
    muted = queries.get_mute(mute_id)
    if muted is None or not policies.may_moderate(muted):
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.unmute(muted, current_user, now=utcnow())
    except ModerationError as exc:
        db.session.rollback()
        flash(exc.message(MESSAGES), "error")
        return _index(status=422)
    db.session.commit()
    flash(_("Bisukan dicabut."), "success")
    return redirect(url_for("moderation.index"), code=303)
