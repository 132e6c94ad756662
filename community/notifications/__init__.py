"""Notifications: preferences, quiet hours, VAPID keys (and, next, subscriptions, the
outbox and the push worker). A sink: it imports no other domain."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("notifications", __name__)


def init_app(app: Flask) -> None:
    from community.notifications import cli, routes  # noqa: F401

    app.register_blueprint(bp)
    app.cli.add_command(cli.vapid_command)
