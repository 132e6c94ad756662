"""Musyawarah pages: the list, proposals (new, one with its supports, comments, history and
the pengurus' status form) and polls (new, one with its ballot and results).
load → authorize → validate → act → commit → render."""

from __future__ import annotations

from datetime import datetime, time

from flask import abort, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from community.areas import services as areas
from community.areas.models import Wilayah
from community.core.authz import Action, can, require
from community.core.forms import PHOTO_MESSAGES, EmptyForm
from community.core.photos import PhotoError, accept_photo_upload
from community.core.time import WITA, format_wita, utcnow
from community.extensions import csrf, db
from community.musyawarah import bp, queries, rules, services
from community.musyawarah.forms import (
    CATEGORY_LABELS,
    ERRORS,
    KIND_LABELS,
    STATUS_LABELS,
    WITHDRAW_MESSAGES,
    CommentForm,
    MarkForm,
    MinutesForm,
    PickForm,
    PollForm,
    ProposalForm,
    StatusForm,
    TimePollForm,
    ballot_choices,
    ballot_error_field,
    ballot_form,
    paper_form,
    paper_votes,
)
from community.musyawarah.models import Poll, Proposal
from community.musyawarah.photos import PHOTOS
from community.musyawarah.services import MusyawarahRefused
from community.web.downloads import csv_response
from community.web.htmx import render
from community.web.ratelimits import per_user

LABELS = {"categories": CATEGORY_LABELS, "statuses": STATUS_LABELS, "kinds": KIND_LABELS}


def _error(form, exc: MusyawarahRefused, field: str | None = None) -> None:
    name, message = ERRORS[exc.code]
    form[field or name].errors.append(str(message))


@bp.get("/musyawarah")
@login_required
def index():
    """Signed in (signed out: redirect to sign-in): the Musyawarah page, the newest proposals
    and polls of their RT and the wilayah above it, and of the wilayah they hold a role in
    and below; links to propose (residents of an RT) and to start a poll (pengurus)."""
    return render(
        "musyawarah/index.html",
        proposals=queries.list_proposals(current_user),
        polls=queries.list_polls(current_user),
        time_polls=queries.list_time_polls(current_user),
        may_propose=current_user.rt is not None,
        may_poll=bool(areas.managed_wilayah(current_user)),
        exports=areas.managed_wilayah(current_user),
        now=utcnow(),
        **LABELS,
    )


# --- proposals ---------------------------------------------------------------------------


@bp.route("/usulan/baru", methods=["GET", "POST"])
@login_required
@csrf.exempt  # checked in accept_photo_upload, after the upload limit is raised
@per_user("MUSYAWARAH_LIMIT", "musyawarah")
def propose():
    """A resident of an RT (signed in without an RT: 403). GET: the proposal form, to their RT, RW or
    kelurahan. POST: sends it (with an optional photo), 303 redirect to the proposal; 422
    with the form on bad input (an empty title or description, a wilayah not theirs, a
    photo that is not an image or over 5 MB: nothing kept); 400 without a CSRF token."""
    accept_photo_upload()
    targets = services.proposal_targets(current_user)
    if not targets:
        abort(403)
    form = ProposalForm()
    form.scope.choices = [SelectChoice(w.id, w.full_name) for w in targets]
    if form.validate_on_submit():
        photo = None
        try:
            photo = PHOTOS.store(form.photo.data.stream) if form.photo.data else None
            proposal = services.propose(
                db.session.get(Wilayah, form.scope.data), by=current_user,
                title=form.title.data.strip(), body=form.body.data.strip(),
                category=form.category.data, location=(form.location.data or "").strip(),
                now=utcnow(), photo_name=photo,
            )  # fmt: skip
        except PhotoError as exc:
            db.session.rollback()
            form.photo.errors.append(str(PHOTO_MESSAGES[exc.code]))
        except MusyawarahRefused as exc:
            db.session.rollback()
            PHOTOS.remove(photo)
            _error(form, exc, "scope")
        else:
            db.session.commit()
            flash(_("Usulan Anda sudah diajukan."), "success")
            return redirect(url_for("musyawarah.proposal", proposal_id=proposal.id), code=303)
    status = 422 if form.errors else 200
    return render("musyawarah/proposal_form.html", form=form, status=status)


@bp.get("/usulan/<int:proposal_id>/foto")
@login_required
def proposal_photo(proposal_id: int):
    """Whoever may see the proposal (VIEW; others 404): its photo as a JPEG (404 when it has
    none), for this browser only (``private``)."""
    proposal = _load_proposal(proposal_id)
    return PHOTOS.response(proposal.photo_name)


def _load_proposal(proposal_id: int, action: str = Action.VIEW) -> Proposal:
    proposal = queries.get_proposal(proposal_id)
    require(action, proposal)
    return proposal


def _proposal_page(proposal: Proposal, *, comment_form=None, status_form=None,
                   support_error=None, status=200, block=None):  # fmt: skip
    manages = can(Action.MANAGE_ACTIVITIES, proposal)
    if status_form is None and manages:
        status_form = _status_form(proposal, formdata=None)
    may_support = rules.support_problem(
        proposal.status, is_author=proposal.author_id == current_user.id,
        lives_in_scope=services.lives_in(current_user, proposal.wilayah),
    ) is None  # fmt: skip
    return render(
        "musyawarah/proposal.html",
        block=block,
        status=status,
        proposal=proposal,
        support=queries.get_support(proposal, current_user),
        may_support=may_support,
        support_error=support_error,
        comments=queries.list_comments(proposal),
        history=queries.list_history(proposal),
        minutes_about=_visible_minutes(queries.list_minutes_about_proposal(proposal.id)),
        comment_form=comment_form or CommentForm(formdata=None),
        status_form=status_form if manages and status_form.status.choices else None,
        action_form=EmptyForm(formdata=None),
        **LABELS,
    )


def _status_form(proposal: Proposal, **kwargs) -> StatusForm:
    form = StatusForm(**kwargs)
    form.status.choices = [
        SelectChoice(s, STATUS_LABELS[s])
        for s in rules.next_statuses(proposal.status, proposal.wilayah.level)
    ]
    return form


@bp.get("/usulan/<int:proposal_id>")
@login_required
def proposal(proposal_id: int):
    """Anyone who may see the proposal (VIEW: they live in its wilayah or hold a role above
    or below it; others 404): the proposal, its support count with the Dukung button,
    comments, status history, and for the pengurus of its wilayah the status form."""
    return _proposal_page(_load_proposal(proposal_id))


def _support_action(proposal_id: int, add: bool):
    proposal = _load_proposal(proposal_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        if add:
            services.support(proposal, current_user, now=utcnow())
        else:
            services.unsupport(proposal, current_user)
    except MusyawarahRefused as exc:
        db.session.rollback()
        message = str(ERRORS[exc.code][1])
        return _proposal_page(proposal, support_error=message, status=422, block="support_panel")
    db.session.commit()
    if request.headers.get("HX-Request") == "true":
        return _proposal_page(proposal, block="support_panel")
    return redirect(url_for("musyawarah.proposal", proposal_id=proposal.id), code=303)


@bp.post("/usulan/<int:proposal_id>/dukung")
@login_required
def support(proposal_id: int):
    """A resident of the proposal's wilayah other than its author, while it is open (VIEW;
    others 404). POST: adds their support (twice is once); 303 to the proposal, or the
    support panel for htmx; 422 with the reason when they may not (their own, another
    wilayah, decided); 400 without a CSRF token."""
    return _support_action(proposal_id, add=True)


@bp.post("/usulan/<int:proposal_id>/batal-dukung")
@login_required
def unsupport(proposal_id: int):
    """A resident who supports the proposal (who may: as :func:`support`). POST: withdraws their support; 303 to the proposal, or
    the support panel for htmx; 422 with the reason when they may not; 400 without a CSRF
    token."""
    return _support_action(proposal_id, add=False)


@bp.post("/usulan/<int:proposal_id>/komentar")
@login_required
@per_user("MUSYAWARAH_LIMIT", "musyawarah")
def comment(proposal_id: int):
    """Anyone who may see the proposal (VIEW; others 404). POST: adds their comment, 303 to
    the proposal's comments; 422 with the page on an empty or too long comment; 400
    without a CSRF token."""
    proposal = _load_proposal(proposal_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return _proposal_page(proposal, comment_form=form, status=422)
    services.comment(proposal, current_user, form.body.data.strip(), now=utcnow())
    db.session.commit()
    return redirect(
        url_for("musyawarah.proposal", proposal_id=proposal.id, _anchor="komentar"), code=303
    )


@bp.post("/usulan/<int:proposal_id>/status")
@login_required
def change_status(proposal_id: int):
    """Pengurus of the proposal's wilayah or above (MANAGE_ACTIVITIES; others 403/404). POST:
    moves it to the chosen status (forwarding: to the wilayah above), 303 to the proposal;
    422 with the page on a status not allowed now or a rejection without a reason; 400
    without a CSRF token."""
    proposal = _load_proposal(proposal_id, Action.MANAGE_ACTIVITIES)
    form = _status_form(proposal)
    if form.validate_on_submit():
        try:
            services.change_status(
                proposal, form.status.data, by=current_user,
                reason=(form.reason.data or "").strip(), now=utcnow(),
            )  # fmt: skip
        except MusyawarahRefused as exc:
            db.session.rollback()
            _error(form, exc)
        else:
            db.session.commit()
            flash(_("Status usulan diubah."), "success")
            return redirect(url_for("musyawarah.proposal", proposal_id=proposal.id), code=303)
    return _proposal_page(proposal, status_form=form, status=422)


# --- polls -------------------------------------------------------------------------------


def _wita(day, clock) -> datetime:
    return datetime.combine(day, clock or time(0, 0), tzinfo=WITA)


@bp.route("/jajak/baru", methods=["GET", "POST"])
@login_required
@per_user("MUSYAWARAH_LIMIT", "musyawarah")
def create_poll():
    """Pengurus RT, ketua RW and admins, for a wilayah they organise for (MANAGE_ACTIVITIES;
    no role: 403). GET: the poll form. POST: makes the poll with its options, 303 redirect to
    it; 422 with the form on bad input (fewer than 2 or duplicate options, N out of range,
    closing before opening or in the past); 400 without a CSRF token."""
    choices = [SelectChoice(w.id, w.full_name) for w in areas.organisable_wilayah(current_user)]
    if not choices:
        abort(403)
    form = PollForm()
    form.scope.choices = choices
    if form.validate_on_submit():
        wilayah = db.session.get(Wilayah, form.scope.data)
        require(Action.MANAGE_ACTIVITIES, wilayah)
        now = utcnow()
        opens_at = _wita(form.opens_on.data, form.opens_time.data) if form.opens_on.data else now
        closes_at = _wita(form.closes_on.data, form.closes_time.data or time(23, 59))
        try:
            poll = services.create_poll(
                wilayah, by=current_user, question=form.question.data.strip(),
                description=(form.description.data or "").strip(), kind=form.kind.data,
                options=form.option_labels(), max_choices=form.max_choices.data or 1,
                is_secret=form.is_secret.data, shows_live=form.shows_live.data,
                opens_at=opens_at, closes_at=closes_at, now=now,
            )  # fmt: skip
        except MusyawarahRefused as exc:
            db.session.rollback()
            _error(form, exc)
        else:
            db.session.commit()
            flash(_("Jajak pendapat dibuat."), "success")
            return redirect(url_for("musyawarah.poll", poll_id=poll.id), code=303)
    status = 422 if form.errors else 200
    return render("musyawarah/poll_form.html", form=form, status=status, **LABELS)


def _load_poll(poll_id: int) -> Poll:
    poll = queries.get_poll(poll_id)
    require(Action.VIEW, poll)
    return poll


def _poll_page(poll: Poll, form=None, status: int = 200):
    now = utcnow()
    state = rules.poll_state(poll.opens_at, poll.closes_at, now)
    voted = services.has_voted(poll, current_user)
    problem = rules.vote_problem(
        state, lives_in_scope=services.lives_in(current_user, poll.wilayah),
        is_secret=poll.is_secret, has_voted=voted,
    )  # fmt: skip
    options = [(o.id, o.label) for o in poll.options]
    if form is None and problem is None:
        form = ballot_form(poll, options, formdata=None)
        mine = services.my_choices(poll, current_user)
        if mine and poll.kind == rules.PollKind.PERINGKAT:
            for place, option in enumerate(mine, 1):
                form[f"rank_{place}"].data = option
        elif mine:
            form.choice.data = mine if poll.kind == rules.PollKind.GANDA else mine[0]
    visible = rules.results_visible(state, poll.shows_live, poll.is_secret)
    return render(
        "musyawarah/poll.html",
        status=status,
        poll=poll,
        state=state,
        voted=voted,
        why_not=str(ERRORS[problem][1]) if problem and problem != "closed" else None,
        form=form,
        results=services.results(poll) if visible else None,
        counts=None if visible else services.count_eligible(poll),
        minutes_about=_visible_minutes(queries.list_minutes_about_poll(poll.id)),
        manages=can(Action.MANAGE_ACTIVITIES, poll),
        paper_log=queries.list_paper_tallies(poll),
        paper_withdrawable=rules.paper_withdraw_problem(
            closes_at=poll.closes_at, now=now, withdrawn=False
        )
        is None,
        action_form=EmptyForm(formdata=None),
        **LABELS,
    )


@bp.get("/jajak/<int:poll_id>")
@login_required
def poll(poll_id: int):
    """Anyone who may see the poll (VIEW: they live in its wilayah or hold a role above or
    below it; others 404): the question, the ballot for residents of the wilayah while it is
    open (their own open ballot filled in), and the results with turnout once it has closed
    or, when its maker chose so, live."""
    return _poll_page(_load_poll(poll_id))


@bp.post("/jajak/<int:poll_id>/pilih")
@login_required
@per_user("MUSYAWARAH_LIMIT", "musyawarah")
def vote(poll_id: int):
    """A resident of the poll's wilayah while it is open (VIEW; others 404). POST: casts their
    ballot or, on an open ballot, changes it; 303 to the poll; 422 with the page on a bad
    ballot (none, duplicates, more than N), outside the wilayah, before opening, after
    closing, or a second secret vote; 400 without a CSRF token."""
    poll = _load_poll(poll_id)
    form = ballot_form(poll, [(o.id, o.label) for o in poll.options])
    if form.validate_on_submit():
        try:
            services.vote(poll, current_user, ballot_choices(poll, form), now=utcnow())
        except MusyawarahRefused as exc:
            db.session.rollback()
            _error(form, exc, ballot_error_field(poll))
        else:
            db.session.commit()
            flash(_("Suara Anda sudah tercatat."), "success")
            return redirect(url_for("musyawarah.poll", poll_id=poll.id), code=303)
    return _poll_page(poll, form=form, status=422)


# --- notulen -----------------------------------------------------------------------------


def _load_meeting(activity_id: int, action: str = Action.VIEW):
    from community.events import queries as events

    activity = events.get_activity(activity_id)
    require(action, activity)
    if activity.kind != rules.MEETING_KIND:
        abort(404)
    return activity


def _visible_minutes(found: list) -> list:
    return [m for m in found if can(Action.VIEW, m.activity)]


@bp.get("/kegiatan/<int:activity_id>/notulen")
@login_required
def minutes(activity_id: int):
    """Anyone who may see the musyawarah activity (VIEW; others, and activities of another
    kind, 404): its notulen with links made clickable, the proposals and polls it settled,
    who wrote it and every change with who and when; "Belum ada notulen" before any. Its
    organisers get the link to write them."""
    activity = _load_meeting(activity_id)
    found = queries.get_minutes(activity.id)
    return render(
        "musyawarah/minutes.html",
        activity=activity,
        minutes=found,
        revisions=queries.list_revisions(found) if found else [],
        manages=can(Action.MANAGE_ACTIVITIES, activity),
        **LABELS,
    )


def _minutes_form(activity, found, **kwargs) -> MinutesForm:
    if found is not None and "formdata" in kwargs:
        kwargs.setdefault("body", found.body)
        kwargs.setdefault("proposals", [p.id for p in found.proposals])
        kwargs.setdefault("polls", [p.id for p in found.polls])
    form = MinutesForm(**kwargs)
    form.proposals.choices = [
        SelectChoice(p.id, f"{p.title} ({STATUS_LABELS[p.status]})")
        for p in queries.list_attachable_proposals(activity.wilayah)
    ]
    form.polls.choices = [
        SelectChoice(p.id, p.question) for p in queries.list_attachable_polls(activity.wilayah)
    ]
    return form


@bp.route("/kegiatan/<int:activity_id>/notulen/tulis", methods=["GET", "POST"])
@login_required
@per_user("MUSYAWARAH_LIMIT", "musyawarah")
def write_minutes(activity_id: int):
    """Whoever organises the musyawarah activity (MANAGE_ACTIVITIES; residents 403, others and
    other kinds 404). GET: the notulen form, filled with the current text and attachments.
    POST: saves them (a new revision with who and when), 303 to the notulen; 422 with the
    form on empty or too long text, before the meeting starts or when it was cancelled;
    400 without a CSRF token."""
    activity = _load_meeting(activity_id, Action.MANAGE_ACTIVITIES)
    found = queries.get_minutes(activity.id)
    if request.method == "GET":
        form = _minutes_form(activity, found, formdata=None)
    else:
        form = _minutes_form(activity, found)
    if form.validate_on_submit():
        try:
            services.write_minutes(
                activity, by=current_user, body=form.body.data.strip(),
                proposal_ids=form.proposals.data or [], poll_ids=form.polls.data or [],
                now=utcnow(),
            )  # fmt: skip
        except MusyawarahRefused as exc:
            db.session.rollback()
            _error(form, exc)
        else:
            db.session.commit()
            flash(_("Notulen disimpan."), "success")
            return redirect(url_for("musyawarah.minutes", activity_id=activity.id), code=303)
    status = 422 if form.errors else 200
    return render("musyawarah/minutes_form.html", form=form, activity=activity, status=status)


# --- the Musrenbang export ---------------------------------------------------------------


def _export_scope(wilayah_id: int) -> Wilayah:
    wilayah = areas.get_wilayah(wilayah_id)
    require(Action.MANAGE_ACTIVITIES, wilayah)
    return wilayah


@bp.get("/musyawarah/musrenbang/<int:wilayah_id>")
@login_required
def musrenbang(wilayah_id: int):
    """Pengurus RT, ketua RW and admins of the wilayah (MANAGE_ACTIVITIES; residents 403,
    others 404): the printable page of its proposals for the Musrenbang, grouped by
    category and the RT they came from, with status, where each lies now and supports;
    no names. Links to the CSV."""
    wilayah = _export_scope(wilayah_id)
    now = utcnow()
    return render(
        "musyawarah/musrenbang.html",
        wilayah=wilayah,
        lines=queries.list_musrenbang(wilayah),
        priorities=[(p, services.results(p)) for p in queries.list_priority_polls(wilayah, now)],
        printed_at=now,
        **LABELS,
    )


@bp.get("/musyawarah/musrenbang/<int:wilayah_id>.csv")
@login_required
def musrenbang_csv(wilayah_id: int):
    """Who may see the Musrenbang page (as :func:`musrenbang`): the same proposals as a CSV
    file (";" separated, opens in Excel with Indonesian settings), one row each."""
    wilayah = _export_scope(wilayah_id)
    header = ["bidang", "asal", "judul", "uraian", "lokasi", "status", "sekarang_di",
              "dukungan", "diajukan"]  # fmt: skip
    rows = [
        [
            str(CATEGORY_LABELS[p.category]),
            p.origin_wilayah.full_name,
            p.title,
            p.body,
            p.location,
            str(STATUS_LABELS[p.status]),
            p.wilayah.full_name,
            line.supports,
            p.created_at.astimezone(WITA).date().isoformat(),
        ]
        for line in queries.list_musrenbang(wilayah)
        for p in [line.proposal]
    ]
    return csv_response(f"musrenbang-{wilayah.level}-{wilayah.id}.csv", header, rows)


@bp.get("/musyawarah/musrenbang/<int:wilayah_id>/prioritas.csv")
@login_required
def musrenbang_priorities_csv(wilayah_id: int):
    """Who may see the Musrenbang page (as :func:`musrenbang`): the results of its latest
    closed ranking polls as a CSV file (";" separated, for Excel with Indonesian settings),
    one row per option: the poll, its wilayah, the place, the option and its Borda points,
    ballots and who could vote. No voter is named."""
    wilayah = _export_scope(wilayah_id)
    header = ["jajak_pendapat", "wilayah", "ditutup", "peringkat", "pilihan", "poin",
              "suara", "warga_berhak"]  # fmt: skip
    rows = []
    for poll in queries.list_priority_polls(wilayah, utcnow()):
        result = services.results(poll)
        closed = poll.closes_at.astimezone(WITA).date().isoformat()
        for place, group in result.tally.places:
            for option in group:
                rows.append([poll.question, poll.wilayah.full_name, closed, place,
                             result.options[option], result.tally.scores[option],
                             result.ballots, result.eligible])  # fmt: skip
    return csv_response(f"prioritas-{wilayah.level}-{wilayah.id}.csv", header, rows)


# --- paper ballots -----------------------------------------------------------------------


@bp.route("/jajak/<int:poll_id>/kertas", methods=["GET", "POST"])
@login_required
@per_user("MUSYAWARAH_LIMIT", "musyawarah")
def paper(poll_id: int):
    """Pengurus of the poll's wilayah or above (MANAGE_ACTIVITIES; residents 403, others
    404). GET: the form for a batch of paper ballots: one count per option, or for a
    ranking one order and how many ballots carry it. POST: adds it (logged with who and
    when), 303 to the poll, or for a ranking back to this form for the next order; 422
    with the form on counts that do not add up, an order a ballot may not have, before
    opening or after the grace days; 400 without a CSRF token."""
    poll = queries.get_poll(poll_id)
    require(Action.MANAGE_ACTIVITIES, poll)
    ranking = poll.kind == rules.PollKind.PERINGKAT
    form = paper_form(poll)
    if form.validate_on_submit():
        try:
            if ranking:
                services.enter_paper_ranking(poll, by=current_user, ballots=form.ballots.data,
                                             order=ballot_choices(poll, form), now=utcnow())  # fmt: skip
            else:
                services.enter_paper(poll, by=current_user, ballots=form.ballots.data,
                                     votes=paper_votes(poll, form), now=utcnow())  # fmt: skip
        except MusyawarahRefused as exc:
            db.session.rollback()
            _error(form, exc, "rank_1" if exc.code in rules.ORDER_PROBLEMS else "ballots")
        else:
            db.session.commit()
            if ranking:
                flash(_("Dicatat: %(n)s surat suara. Catat urutan berikutnya, atau kembali "
                        "ke jajak pendapat.", n=form.ballots.data), "success")  # fmt: skip
                return redirect(url_for("musyawarah.paper", poll_id=poll.id), code=303)
            flash(_("Suara kertas dicatat."), "success")
            return redirect(url_for("musyawarah.poll", poll_id=poll.id), code=303)
    status = 422 if form.errors else 200
    entered = services.paper_ballots(poll)
    return render("musyawarah/paper.html", poll=poll, form=form, entered=entered, status=status)


@bp.post("/jajak/<int:poll_id>/kertas/<int:tally_id>/batal")
@login_required
@per_user("MUSYAWARAH_LIMIT", "musyawarah")
def withdraw_paper(poll_id: int, tally_id: int):
    """Pengurus of the poll's wilayah or above (MANAGE_ACTIVITIES; residents 403, others
    404; another poll's batch 404): takes back a batch of paper ballots entered by
    mistake. It stays in the log, struck out with who withdrew it, and no longer counts.
    303 to the poll; 422 with the poll page when already withdrawn or after the grace
    days; 400 without a CSRF token."""
    poll = queries.get_poll(poll_id)
    require(Action.MANAGE_ACTIVITIES, poll)
    batch = queries.get_paper_tally(poll, tally_id)
    if batch is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw_paper(poll, batch, by=current_user, now=utcnow())
    except MusyawarahRefused as exc:
        db.session.rollback()
        flash(str(WITHDRAW_MESSAGES[exc.code]), "error")
        return _poll_page(poll, status=422)
    db.session.commit()
    flash(_("Pencatatan %(n)s surat suara kertas dibatalkan; tidak dihitung lagi.",
            n=batch.ballots), "success")  # fmt: skip
    return redirect(url_for("musyawarah.poll", poll_id=poll.id), code=303)


# --- time polls --------------------------------------------------------------------------


@bp.route("/waktu-musyawarah/baru", methods=["GET", "POST"])
@login_required
@per_user("MUSYAWARAH_LIMIT", "musyawarah")
def create_time_poll():
    """Pengurus RT, ketua RW and admins, for a wilayah they organise for (MANAGE_ACTIVITIES;
    no role: 403). GET: the time poll form ("kapan musyawarah?"), up to six times in WITA.
    POST: makes it, 303 redirect to it; 422 with the form on bad input (fewer than two
    times, the same time twice, a time past, a date without its hour); 400 without a CSRF
    token."""
    choices = [SelectChoice(w.id, w.full_name) for w in areas.organisable_wilayah(current_user)]
    if not choices:
        abort(403)
    form = TimePollForm()
    form.scope.choices = choices
    if form.validate_on_submit():
        wilayah = db.session.get(Wilayah, form.scope.data)
        require(Action.MANAGE_ACTIVITIES, wilayah)
        try:
            poll = services.create_time_poll(
                wilayah, by=current_user, title=form.title.data.strip(),
                place=form.place.data.strip(),
                times=[_wita(day, clock) for day, clock in form.wita_times()], now=utcnow(),
            )  # fmt: skip
        except MusyawarahRefused as exc:
            db.session.rollback()
            _error(form, exc)
        else:
            db.session.commit()
            flash(_("Jajak waktu dibuat. Warga dapat menandai waktu yang mereka bisa."), "success")
            return redirect(url_for("musyawarah.time_poll", poll_id=poll.id), code=303)
    status = 422 if form.errors else 200
    return render("musyawarah/time_poll_form.html", form=form, status=status)


def _load_time_poll(poll_id: int, action: str = Action.VIEW):
    poll = queries.get_time_poll(poll_id)
    require(action, poll)
    return poll


def _time_poll_page(poll, *, mark_form=None, pick_form=None, status: int = 200):
    decided = poll.chosen_option_id is not None
    may_mark = (
        rules.mark_problem(
            is_decided=decided, lives_in_scope=services.lives_in(current_user, poll.wilayah)
        )
        is None
    )
    manages = can(Action.MANAGE_ACTIVITIES, poll)
    labels_ = [SelectChoice(o.id, format_wita(o.starts_at, str(get_locale() or "id")))
               for o in poll.options]  # fmt: skip
    if may_mark and mark_form is None:
        mark_form = MarkForm(formdata=None, times=queries.my_marks(poll, current_user))
    if mark_form is not None:
        mark_form.times.choices = labels_
    if manages and not decided and pick_form is None:
        pick_form = PickForm(formdata=None)
    if pick_form is not None:
        pick_form.option.choices = labels_
    marks = queries.count_marks(poll)
    return render(
        "musyawarah/time_poll.html",
        status=status,
        poll=poll,
        marks=marks,
        best=rules.best_times(marks),
        mark_form=mark_form if may_mark else None,
        pick_form=pick_form if manages and not decided else None,
    )


@bp.get("/waktu-musyawarah/<int:poll_id>")
@login_required
def time_poll(poll_id: int):
    """Anyone who may see the time poll (VIEW: they live in its wilayah or hold a role above
    or below it; others 404): the proposed times (WITA) with how many can attend each, the
    residents' form to tick theirs, the organiser's form to pick one, and once picked a
    link to the musyawarah activity it made."""
    return _time_poll_page(_load_time_poll(poll_id))


@bp.post("/waktu-musyawarah/<int:poll_id>/tandai")
@login_required
@per_user("MUSYAWARAH_LIMIT", "musyawarah")
def mark_times(poll_id: int):
    """A resident of the time poll's wilayah until a time is picked (VIEW; others 404).
    POST: their ticks become the times they ticked, 303 to the poll; 422 with the page
    when they do not live there or a time is already picked; 400 without a CSRF token."""
    poll = _load_time_poll(poll_id)
    form = MarkForm()
    form.times.choices = [SelectChoice(o.id, "") for o in poll.options]
    if form.validate_on_submit():
        try:
            services.mark_times(poll, current_user, form.times.data or [])
        except MusyawarahRefused as exc:
            db.session.rollback()
            flash(str(ERRORS[exc.code][1]), "error")
            return _time_poll_page(poll, status=422)
        db.session.commit()
        flash(_("Waktu yang Anda bisa sudah tercatat."), "success")
        return redirect(url_for("musyawarah.time_poll", poll_id=poll.id), code=303)
    return _time_poll_page(poll, mark_form=form, status=422)


@bp.post("/waktu-musyawarah/<int:poll_id>/tetapkan")
@login_required
def pick_time(poll_id: int):
    """Whoever organises for the time poll's wilayah (MANAGE_ACTIVITIES; residents 403,
    others 404). POST: picks the chosen time and makes the musyawarah activity there, 303
    to the activity; 422 with the page when none is chosen, the time has passed or one was
    already picked; 400 without a CSRF token."""
    poll = _load_time_poll(poll_id, Action.MANAGE_ACTIVITIES)
    form = PickForm()
    form.option.choices = [SelectChoice(o.id, "") for o in poll.options]
    if form.validate_on_submit():
        option = next(o for o in poll.options if o.id == form.option.data)
        try:
            activity = services.pick_time(poll, option, by=current_user, now=utcnow())
        except MusyawarahRefused as exc:
            db.session.rollback()
            form.option.errors.append(str(ERRORS[exc.code][1]))
        else:
            db.session.commit()
            flash(_("Waktu musyawarah ditetapkan dan kegiatannya dibuat."), "success")
            return redirect(url_for("events.detail", activity_id=activity.id), code=303)
    if poll.chosen_option_id is not None:
        flash(str(ERRORS[rules.MusyawarahError.ALREADY_DECIDED][1]), "error")
        return _time_poll_page(poll, status=422)
    return _time_poll_page(poll, pick_form=form, status=422)
