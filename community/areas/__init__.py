"""Wilayah tree, RT membership (invite codes, join requests) and roles."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("areas", __name__)


def init_app(app: Flask) -> None:
    from community.areas import badges, routes, services  # noqa: F401
    from community.core import authz

    app.register_blueprint(bp)
    services.register_exports()
    badges.register()
    authz.register_grants_loader(services.grants_by_user)
