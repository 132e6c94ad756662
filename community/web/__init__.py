"""HTTP glue: home, health check, language switch, error pages, headers, template helpers."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("web", __name__)


def init_app(app: Flask) -> None:
    from community.web import access_log, errors, pwa, request_input, routes, security, templating  # noqa: F401

    access_log.install(app.logger)
    app.register_blueprint(bp)
    request_input.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
