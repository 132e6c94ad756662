"""Every Flask extension, created unbound here and bound in :func:`create_app`."""

from __future__ import annotations

import logging

from flask import current_app, request
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter as _Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from limits.errors import StorageError
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase
from werkzeug.exceptions import ServiceUnavailable

log = logging.getLogger(__name__)


class Base(DeclarativeBase):
    """Typed declarative base with a constraint naming convention (stable Alembic names)."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
compress = Compress()
babel = Babel()


class CountersUnavailable(ServiceUnavailable):
    """The rate-limit counters cannot be reached, and this view may not run without them."""


def fail_closed(view):
    """Mark a view whose limit must hold even when its counters cannot be reached (Redis
    down): password guessing must never become unlimited, so it answers 503 instead."""
    view.rate_limit_fail_closed = True
    return view


class Limiter(_Limiter):
    """Flask-Limiter, with the one decision for counters that cannot be reached (Redis
    down, the SQLite file unreadable): a view marked :func:`fail_closed` (sign-in,
    registration, password reset) answers 503 "coba lagi sebentar"; every other view goes
    on without its limit, so the rest of Rukun keeps working."""

    def _check_request_limit(
        self, callable_name: str | None = None, in_middleware: bool = True
    ) -> None:
        try:
            super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)
        except Exception as exc:
            if not isinstance(exc, (StorageError, self.storage.base_exceptions)):
                raise  # a limit that was hit, or a bug: not the counters being away
            view = current_app.view_functions.get(request.endpoint or "")
            closed = getattr(view, "rate_limit_fail_closed", False)
            log.warning(
                "rate-limit counters unavailable endpoint=%s %s: %s", request.endpoint,
                "refused" if closed else "unlimited", type(exc).__name__,
            )  # fmt: skip
            if closed:
                raise CountersUnavailable() from exc


limiter = Limiter(key_func=get_remote_address, default_limits=[])
