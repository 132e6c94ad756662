"""The navigation badge of moderation: "Moderasi" with the open reports of the subtree."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement

from community.core import authz
from community.moderation.queries import count_open_expr
from community.web.badges import register_badge


def open_reports_query(user: Any) -> dict[str, ColumnElement[Any]] | None:
    """``count``: open reports in the subtree the user's roles cover. None, and no SQL at
    all, for everyone without a role (most people, on every page); for the others one more
    column of the page's one badge SELECT (``web/badges.py``), no statement of its own."""
    grants = authz.grants_of(user)
    if not grants:
        return None
    return {"count": count_open_expr(grants)}


def register() -> None:
    register_badge(
        "moderation",
        endpoint="moderation.index",
        text=_l("Moderasi"),
        label=_l("%(n)s laporan belum ditangani"),
        query=open_reports_query,
        icon="bell",
        place="more",  # pengurus work: a line of "Lainnya", counted on its tab
    )
