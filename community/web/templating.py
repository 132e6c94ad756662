"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from flask import Flask, g, url_for
from flask_babel import get_locale

from community.accounts.rules import display_phone
from community.core import authz, privacy
from community.core.time import format_clock, format_wita


def init_app(app: Flask) -> None:
    @app.template_filter("wita")
    def _wita(value, with_time: bool = True) -> str:
        return format_wita(value, str(get_locale() or "id"), with_time)

    from community.areas.forms import ROLE_LABELS

    @app.template_filter("wita_day")
    def _wita_day(value) -> str:
        return format_wita(value, str(get_locale() or "id"), with_year=False)

    @app.template_filter("clock")
    def _clock(value) -> str:
        return format_clock(value, str(get_locale() or "id"))

    def icon_sprite() -> str:
        """The icon sprite's hashed URL, built once per request (a feed draws one per card)."""
        if "_rukun_icon_sprite" not in g:
            g._rukun_icon_sprite = url_for("static", filename="icons/sprite.svg")
        return g._rukun_icon_sprite

    app.jinja_env.filters["phone"] = display_phone
    app.jinja_env.filters["suppress_small"] = privacy.suppress_small
    app.jinja_env.globals.update(
        can=authz.can,
        icon_sprite=icon_sprite,
        Action=authz.Action,
        role_label=lambda role: ROLE_LABELS.get(role, role),
        current_locale=lambda: str(get_locale() or "id"),
    )
