"""Home page, language switch and the health check."""

from __future__ import annotations

import logging

from flask import jsonify, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from community import __version__
from community.areas import services as areas
from community.extensions import db
from community.web import bp
from community.web.forms import LanguageForm
from community.web.htmx import render

log = logging.getLogger(__name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return render("web/welcome.html")
    pending = areas.pending_request_of(current_user)
    managed = areas.managed_wilayah(current_user)
    rt = current_user.rt
    if rt is None and not managed:
        # Until a pengurus approves them, a resident sees only the waiting page.
        return render("areas/waiting.html", pending=pending)
    return render(
        "web/home.html",
        rt=rt,
        officers=areas.officers_of(rt) if rt else [],
        pending=pending,
        managed=managed,
    )


@bp.post("/bahasa")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            current_user.language = form.language.data
            db.session.commit()
        session["lang"] = form.language.data
    return redirect(_same_site_next(request.form.get("next")), code=303)


def _same_site_next(target: str | None) -> str:
    """Only local paths: ``//evil`` or ``https://evil`` fall back to the home page."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("web.index")


@bp.get("/healthz")
def healthz():
    status = {"status": "ok", "database": "ok", "version": __version__}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not healthy"; say which part
        log.warning("healthz database check failed: %s", type(exc).__name__)
        db.session.rollback()
        status.update(status="error", database="error")
        return jsonify(status), 503
    return jsonify(status)
