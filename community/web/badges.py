"""Counts in the navigation: join requests waiting, later unread messages and open polls.

A domain registers a badge once at start-up (:func:`register_badge`); ``base.html`` asks
for the badges of the signed-in user with ``nav_badges()`` inside the navigation only.
Every badge gives SQL scalar expressions, not numbers, and all of them are read in **one**
``SELECT`` per page (cached on ``g``), so the navigation costs at most one cheap query
however many domains add a badge. A page that does not show the navigation badges (error
pages, the offline page, ``/sw.js``, htmx fragments, which never render ``base.html``)
never calls ``nav_badges()`` and so runs no query for them: such a page overrides the
``nav_badges`` block of ``base.html`` with an empty one.

A badge's ``query(user)`` returns ``None`` when the badge cannot apply to that user
(decided in Python, without SQL), else a mapping of column expressions: ``"count"`` (the
number shown; NULL hides the link, e.g. for someone without the role) and one entry per
argument of ``endpoint`` (NULL also hides the link).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import g, url_for
from flask_login import current_user
from sqlalchemy import ColumnElement, select

from community.extensions import db

Query = Callable[[Any], Mapping[str, ColumnElement[Any]] | None]


@dataclass(frozen=True)
class Badge:
    """A navigation link that carries a count.

    ``text`` is the link's text, ``label`` the count's accessible name (a format with
    ``%(n)s``: "3 permintaan bergabung"), ``anchor`` the part of the page to open.
    """

    name: str
    endpoint: str
    text: Any
    label: Any
    query: Query
    anchor: str | None = None
    icon: str = "bell"  # a symbol of static/icons/sprite.svg (scripts/build_icons.py)


@dataclass(frozen=True)
class NavBadge:
    """One badge as the navigation shows it."""

    name: str
    url: str
    text: str
    count: int
    label: str
    icon: str = "bell"


_badges: dict[str, Badge] = {}


def register_badge(
    name: str,
    *,
    endpoint: str,
    text: Any,
    label: Any,
    query: Query,
    anchor: str | None = None,
    icon: str = "bell",
) -> None:
    """Add (or replace, by ``name``) a badge; links are shown in registration order."""
    _badges[name] = Badge(name, endpoint, text, label, query, anchor, icon)


def nav_badges() -> list[NavBadge]:
    """The signed-in user's badges, read in one SELECT the first time a page asks."""
    if "_rukun_nav_badges" not in g:
        g._rukun_nav_badges = _load(current_user)
    return g._rukun_nav_badges


def _load(user: Any) -> list[NavBadge]:
    if not getattr(user, "is_authenticated", False):
        return []
    columns: list[ColumnElement[Any]] = []
    wanted: list[tuple[Badge, list[str]]] = []
    for badge in _badges.values():
        parts = badge.query(user)
        if parts is None:
            continue
        keys = list(parts)
        wanted.append((badge, keys))
        columns += [expr.label(f"{badge.name}__{key}") for key, expr in parts.items()]
    if not columns:
        return []
    row = db.session.execute(select(*columns)).one()._mapping
    shown = []
    for badge, keys in wanted:
        values = {key: row[f"{badge.name}__{key}"] for key in keys}
        count = values.pop("count", None)
        if count is None or any(v is None for v in values.values()):
            continue
        url = url_for(badge.endpoint, _anchor=badge.anchor, **values)
        shown.append(NavBadge(badge.name, url, str(badge.text), int(count),
                              str(badge.label) % {"n": count}, badge.icon))  # fmt: skip
    return shown


def init_app(app) -> None:
    app.jinja_env.globals["nav_badges"] = nav_badges
