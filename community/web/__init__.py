"""HTTP glue: home, health check, language switch, error pages, headers, template helpers."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("web", __name__)


def init_app(app: Flask) -> None:
    from community.web import errors, pwa, routes, security, templating  # noqa: F401

    app.register_blueprint(bp)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
