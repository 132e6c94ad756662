"""Input that reaches Rukun without a form: the URL and JSON bodies.

Form fields are checked in :class:`community.core.forms.RukunForm`. Here: a NUL in the
path or the query string is a 400 (PostgreSQL cannot store or compare it: it was a 500 on
search and token URLs), and JSON is parsed strictly (``app.json``, which
``request.get_json`` uses), so a body nested thousands deep (``RecursionError``), a NUL,
or a lone surrogate (``"\\ud800"``, which no database can encode) reads as "not valid
JSON": ``get_json(silent=True)`` gives ``None`` and the route answers its own 4xx.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, request
from flask.json.provider import DefaultJSONProvider

MAX_JSON_DEPTH = 16  # a push subscription is three levels deep


def check_text(text: str) -> None:
    """Raise ``ValueError`` for text no database should be given."""
    if "\x00" in text:
        raise ValueError("NUL character")
    text.encode("utf-8")  # a lone surrogate raises UnicodeEncodeError, a ValueError


def _check(value: Any, depth: int) -> None:
    if depth > MAX_JSON_DEPTH:
        raise ValueError("JSON nested too deeply")
    if isinstance(value, str):
        check_text(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key)
            _check(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check(item, depth + 1)


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON (``request.get_json`` uses ``app.json``), refusing what must not pass."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        _check(value, 0)
        return value


def _has_nul_in_url() -> bool:
    if "\x00" in request.path:
        return True
    return any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True))


def init_app(app: Flask) -> None:
    app.json = StrictJSONProvider(app)

    @app.before_request
    def _refuse_nul_in_url():
        if _has_nul_in_url():
            abort(400)
