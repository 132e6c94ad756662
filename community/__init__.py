"""Rukun: neighbourhood activities for Banjarbaru's RT and RW."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

__version__ = "0.1.0"
PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent  # the checkout (in an installed wheel: site-packages)


def asset_dir(name: str) -> Path:
    """``templates``, ``static``, ``translations`` or ``migrations``: at the top of the
    checkout, or inside the package in an installed wheel (setup.py copies them there)."""
    installed = PACKAGE / name
    return installed if installed.is_dir() else ROOT / name


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints. No network or database I/O."""
    from community import config
    from community.extensions import babel, compress, csrf, db, limiter, login_manager, migrate

    app = Flask(
        __name__,
        instance_path=os.environ.get("RUKUN_INSTANCE_PATH") or None,
        instance_relative_config=True,
        template_folder=str(asset_dir("templates")),
        static_folder=str(asset_dir("static")),
    )
    instance = Path(app.instance_path)
    app.config.update(config.default_config(instance))
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.load_secret_key(instance)
    # The instance folder holds the worker's queue, the translations and the static build
    # whatever the database: PostgreSQL on a fresh machine needs it too.
    instance.mkdir(parents=True, exist_ok=True)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        from community.core.files import ensure_private_file, sqlite_file

        database_file = sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
        if database_file is not None:
            # Flask-SQLAlchemy reads a relative SQLite path from the instance folder.
            ensure_private_file(instance / database_file)  # residents' data: never world-readable

    # First, so its after_request runs last: it compresses the body the others made.
    compress.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(asset_dir("migrations")), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    from community.web import i18n

    translations = i18n.compile_catalogues(instance / "translations")
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(translations),
    )

    from community.web import database

    database.init_app(app)

    from community import accounts, areas, events, notifications, web

    web.init_app(app)
    accounts.init_app(app)
    areas.init_app(app)
    events.init_app(app)
    notifications.init_app(app)

    from community import messages

    messages.init_app(app)

    from community import announcements

    announcements.init_app(app)

    from community import moderation

    moderation.init_app(app)

    from community import arisan

    arisan.init_app(app)

    from community import musyawarah

    musyawarah.init_app(app)

    from community import dashboard

    dashboard.init_app(app)

    from community.cli import register_commands

    register_commands(app)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Outermost, around the static files too: every layer sees the client's address
        # and scheme (rate limits, Secure cookies, https URLs).
        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    return app
