"""Wilayah tree, RT membership (invite codes, join requests) and roles."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("areas", __name__)


def init_app(app: Flask) -> None:
    from community.areas import routes, services  # noqa: F401

    app.register_blueprint(bp)
    services.register_exports()
