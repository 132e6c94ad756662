"""Accounts: registration, sign-in, profile, password reset, privacy."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("accounts", __name__)


def init_app(app: Flask) -> None:
    from community.accounts import policies, routes, services  # noqa: F401
    from community.extensions import login_manager

    app.register_blueprint(bp)
    login_manager.user_loader(services.load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None  # the sign-in page explains itself
    login_manager.session_protection = "basic"  # "strong" logs CGNAT mobile users out
    services.register_exports()
    app.add_template_global(policies.may_see_private)
