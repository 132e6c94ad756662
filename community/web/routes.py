"""Home page, language switch and the health check."""

from __future__ import annotations

import logging

from flask import jsonify, redirect, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from community import __version__
from community.announcements import queries as announcements
from community.areas import services as areas
from community.core.time import utcnow
from community.events import queries
from community.events import rules as event_rules
from community.events.forms import ANSWER_LABELS, KIND_LABELS
from community.extensions import db
from community.web import badges, bp
from community.web.forms import LanguageForm
from community.web.htmx import render
from community.web.i18n import labels
from community.web.redirects import safe_next

log = logging.getLogger(__name__)


@bp.get("/")
def index():
    """Anyone. Signed out: the welcome page. Signed in without an RT or a role: the waiting page
    (their pending join request). Otherwise the home feed, ``jenis`` filtering by kind; with
    ``setelah`` (Lihat lebih banyak) its ``feed_page`` block for htmx."""
    if not current_user.is_authenticated:
        return render("web/welcome.html")
    pending = areas.pending_request_of(current_user)
    managed = areas.managed_wilayah(current_user)
    rt = current_user.rt
    if rt is None and not managed:
        # Until a pengurus approves them, a resident sees only the waiting page.
        return render("areas/waiting.html", pending=pending)
    kind = request.args.get("jenis")
    kind = kind if kind in KIND_LABELS else None
    after = event_rules.parse_feed_cursor(request.args.get("setelah"))
    now = utcnow()
    return render(
        "web/home.html",
        block="feed_page" if after else None,  # "Lihat lebih banyak" appends the next cards
        rt=rt,
        officers=areas.officers_of(rt) if rt else [],
        pending=pending,
        managed=managed,
        feed=queries.list_feed(current_user, now=now, kind=kind, after=after),
        # Pengumuman above the activities (pinned first); not on "Lihat lebih banyak" pages.
        announcements=None if after else announcements.list_home(current_user, now=now),
        appended=after is not None,
        kind=kind,
        kind_labels=labels(KIND_LABELS),
        answer_labels=labels(ANSWER_LABELS),
        may_organise=bool(managed),
    )


@bp.get("/lainnya")
@login_required
def more():
    """Signed in (signed out: redirect to sign-in): the "Lainnya" tab, everything the five
    tabs leave out: the pengurus' work with its counts (join requests, reports), the
    domains' own pages (Arisan, Musyawarah), past activities, notification settings and
    the profile."""
    return render(
        "web/more.html",
        counted=[b for b in badges.nav_badges() if b.place == badges.MORE],
        links=badges.more_links(current_user),
    )


@bp.post("/bahasa")
def set_language():
    """Anyone, signed in or not. POST: keeps the chosen language in the session (and on the account
    when signed in); always a 303 redirect to ``next`` (same site only) or home, a bad form changing
    nothing."""
    form = LanguageForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            current_user.language = form.language.data
            db.session.commit()
        session["lang"] = form.language.data
    return redirect(safe_next(request.form.get("next"), url_for("web.index")), code=303)


@bp.get("/healthz")
def healthz():
    """Anyone (the uptime monitor): JSON with status, database and version; 200 when the database
    answers, 503 with ``"error"`` otherwise."""
    status = {"status": "ok", "database": "ok", "version": __version__}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not healthy"; say which part
        log.warning("healthz database check failed: %s", type(exc).__name__)
        db.session.rollback()
        status.update(status="error", database="error")
        return jsonify(status), 503
    return jsonify(status)
