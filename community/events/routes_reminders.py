"""The organiser's page of what residents were told about an activity: each reminder
and notice, and how far it got."""

from __future__ import annotations

from flask_login import login_required

from community.core.authz import Action, can
from community.events import bp, notices, reminders
from community.events.routes import load_activity
from community.notifications import kinds, outbox
from community.web.htmx import render


@bp.get("/kegiatan/<int:activity_id>/pengingat")
@login_required
def reminders_report(activity_id: int):
    """Pengurus of the activity's wilayah or above (MANAGE_ACTIVITIES; others 403/404): the
    Pengingat page, each reminder and notice and how far it got (counts only; no group under five
    for those without SEE_PARTICIPANTS)."""
    activity = load_activity(activity_id, Action.MANAGE_ACTIVITIES)
    return render(
        "events/reminders.html",
        activity=activity,
        lines=outbox.delivery_report(notices.ref_of(activity.id)),
        planned=reminders.planned_reminders(activity),
        kind_labels=kinds.labels(),
        sees_people=can(Action.SEE_PARTICIPANTS, activity),  # others: no group under five
    )
