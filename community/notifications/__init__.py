"""Notifications: preferences, quiet hours, VAPID keys, push subscriptions, the outbox
and the worker that sends it.  A sink: it imports no other domain; the domains that
cause messages call :mod:`community.notifications.outbox`."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from community.extensions import db

bp = Blueprint("notifications", __name__)
_listening = False


def init_app(app: Flask) -> None:
    from community.notifications import cli, planning, routes, tasks  # noqa: F401

    app.register_blueprint(bp)
    app.cli.add_command(cli.vapid_command)
    tasks.init_queue(app)
    planning.install()
    _listen_for_commits()


def _listen_for_commits() -> None:
    """A committed notice (cancellation, change, waitlist) asks the worker to send now."""
    global _listening
    if _listening:
        return
    _listening = True
    sessions = db.session.session_factory  # db's sessions, not every Session of the process

    @event.listens_for(sessions, "after_commit")
    def _kick(session: Session) -> None:
        if session.info.pop("rukun_push_now", False):
            from community.notifications import tasks

            tasks.kick(current_app._get_current_object())

    @event.listens_for(sessions, "after_rollback")
    def _forget(session: Session) -> None:
        session.info.pop("rukun_push_now", None)
