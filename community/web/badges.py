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
TAB, MORE = "tab", "more"  # where a badge shows: the tab bar fits five tabs at 360 px


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
    place: str = TAB  # TAB: its own tab; MORE: a line of "Lainnya", counted on its tab


@dataclass(frozen=True)
class NavBadge:
    """One badge as the navigation shows it."""

    name: str
    url: str
    text: str
    count: int
    label: str
    icon: str = "bell"
    place: str = TAB


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
    place: str = "tab",
) -> None:
    """Add (or replace, by ``name``) a badge; links are shown in registration order. A
    badge for pengurus work (join requests, reports) goes on "Lainnya" (``place="more"``):
    the tab bar keeps Beranda, Tetangga, Pengumuman, Pesan and Lainnya."""
    if place not in (TAB, MORE):
        raise ValueError(f"a badge's place is {TAB!r} or {MORE!r}: {place!r}")
    _badges[name] = Badge(name, endpoint, text, label, query, anchor, icon, place)


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
                              str(badge.label) % {"n": count}, badge.icon, badge.place))  # fmt: skip
    return shown


def more_count() -> int:
    """What the "Lainnya" tab shows: the counts of the badges on its page, added up."""
    return sum(badge.count for badge in nav_badges() if badge.place == MORE)


# --- the lines of "Lainnya" without a count ------------------------------------------------


@dataclass(frozen=True)
class MoreLink:
    """A line of the "Lainnya" page: a domain's own pages (Arisan, Musyawarah), the
    profile. ``shown(user)`` decides in Python, without SQL, whether it applies."""

    name: str
    endpoint: str
    text: Any
    icon: str
    order: int = 100
    shown: Callable[[Any], bool] = lambda _user: True


_more: dict[str, MoreLink] = {}


def register_more_link(link: MoreLink) -> None:
    """Add (or replace, by name) a line of the "Lainnya" page."""
    _more[link.name] = link


def more_links(user: Any) -> list[MoreLink]:
    return sorted((m for m in _more.values() if m.shown(user)), key=lambda m: m.order)


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    app.jinja_env.globals["nav_badges"] = nav_badges
    app.jinja_env.globals["more_count"] = more_count
    # What every signed-in person finds on "Lainnya"; domains add their own pages.
    register_more_link(MoreLink("kegiatan_lalu", "events.past", _l("Kegiatan lalu"), "history", 10))
    register_more_link(
        MoreLink(
            "notifikasi", "notifications.preferences", _l("Pengaturan notifikasi"), "settings", 80
        )
    )
    register_more_link(MoreLink("profil", "accounts.profile", _l("Profil"), "circle-user", 90))
