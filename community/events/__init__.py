"""Activities (kegiatan) and RSVPs: the six kinds, capacity and waitlist, the home feed.

What residents and pengurus do, one module each (services, then its routes):

    queries.py        reads many pages use: the feed, counts, Daftar Tunggu place, scopes
    services.py       organising: create, edit, cancel an activity or a series
    answers.py        answering (own, feed card, atas nama, without an account), places
    tasks.py          tasks and sign-ups                  routes_tasks.py
    attendance.py     Peserta, Daftar Hadir, check-in     routes_attendance.py
    comments.py       comments                            routes_comments.py
    calendar.py, calendar_series.py, feeds.py: .ics files and feeds; share.py: their routes
    reminders.py, notices.py, notifications.py: what residents are told, and when
                      (routes_reminders.py: the organiser's report of it)
    personal_data.py  erasure and export (UU PDP)
    routes.py         the activity pages; routes_answers.py: the answer forms
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("events", __name__)


def init_app(app: Flask) -> None:
    from community.events import (  # noqa: F401 (importing a routes module registers its routes)
        notifications,
        personal_data,
        routes,
        routes_answers,
        routes_attendance,
        routes_comments,
        routes_reminders,
        routes_tasks,
        share,
    )

    app.register_blueprint(bp)
    notifications.register()
    personal_data.register_exports()
