"""Notification preferences and quiet hours (the "Pengaturan notifikasi" page)."""

from __future__ import annotations

from datetime import time

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.extensions import db
from community.notifications import bp, services
from community.notifications.forms import PrefsForm
from community.web.htmx import render

TOGGLES = (
    "wants_reminders", "wants_changes", "wants_waitlist", "wants_announcements",
    "wants_messages", "wants_arisan",
)  # fmt: skip


def _minute(value: time) -> int:
    return value.hour * 60 + value.minute


@bp.route("/profil/notifikasi", methods=["GET", "POST"])
@login_required
def preferences():
    pref = services.get_prefs(current_user.id)
    form = PrefsForm(obj=pref)
    if not form.is_submitted():
        form.quiet_start.data = time(*divmod(pref.quiet_start_minute, 60))
        form.quiet_end.data = time(*divmod(pref.quiet_end_minute, 60))
    if form.validate_on_submit():
        services.save_prefs(
            current_user.id,
            **{name: getattr(form, name).data for name in TOGGLES},
            quiet_start_minute=_minute(form.quiet_start.data),
            quiet_end_minute=_minute(form.quiet_end.data),
        )
        db.session.commit()
        flash(_("Pengaturan notifikasi tersimpan."), "success")
        return redirect(url_for("notifications.preferences"), code=303)
    return render("notifications/preferences.html", form=form, status=422 if form.errors else 200)
