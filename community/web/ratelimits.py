"""Rate limits on views, named by the configuration key that holds their value.

Each helper is a Flask-Limiter decorator whose limit string (``"20 per minute;200 per
hour"``) is read from ``app.config[config_key]`` at request time, so tests and operators
change it without touching code. A new domain adds one line above its view::

    @per_user("MESSAGE_LIMIT_PER_SENDER", "message")  # N per hour per sender
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import current_app
from flask_login import current_user

from community.extensions import limiter

POST = ("POST",)


def _configured(config_key: str) -> Callable[[], str]:
    def limit() -> str:
        return current_app.config[config_key]

    return limit


def per_address(config_key: str, methods: Iterable[str] = POST):
    """Limit requests from one client address (the limiter's default key)."""
    return limiter.limit(_configured(config_key), methods=list(methods))


def per_key(config_key: str, key_func: Callable[[], str], methods: Iterable[str] = POST):
    """Limit requests sharing ``key_func()`` (e.g. the phone number being tried)."""
    return limiter.limit(_configured(config_key), key_func=key_func, methods=list(methods))


def per_user(config_key: str, prefix: str, methods: Iterable[str] = POST):
    """Limit what one signed-in user does, from every address: key ``<prefix>:<user id>``."""
    return per_key(config_key, lambda: f"{prefix}:{current_user.id}", methods)
