"""HTTP glue: home, health check, language switch, error pages, headers, template helpers."""

from __future__ import annotations

from flask import Blueprint, Flask, g

from community.core.time import utcnow

bp = Blueprint("web", __name__)


def _request_now() -> None:
    """One ``now`` per request (``g.now``): what the commit's notification planning uses
    (:func:`community.notifications.planning.planning_now`)."""
    g.now = utcnow()


def init_app(app: Flask) -> None:
    from community.web import (
        access_log,
        assets,
        badges,
        errors,
        pwa,  # noqa: F401 (registers /sw.js and the manifest)
        request_input,
        routes,  # noqa: F401 (registers the home page)
        security,
        templating,
    )

    access_log.install(app.logger)
    app.before_request(_request_now)
    app.register_blueprint(bp)
    request_input.init_app(app)
    security.init_app(app)
    assets.init_app(app, security.security_headers(app.config))
    errors.init_app(app)
    templating.init_app(app)
    badges.init_app(app)
