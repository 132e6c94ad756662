"""Activities (kegiatan) and RSVPs: the six kinds, capacity and waitlist, the home feed."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("events", __name__)


def init_app(app: Flask) -> None:
    from community.events import notifications, routes, routes_participation, services, share  # noqa: F401

    app.register_blueprint(bp)
    notifications.register()
    services.register_exports()
