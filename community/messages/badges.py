"""The navigation badge of direct messages: "Pesan" with the number of unread messages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement

from community.messages.queries import unread_total_expr
from community.web.badges import register_badge


def unread_query(user: Any) -> dict[str, ColumnElement[Any]]:
    """``count``: unread messages in all of the person's conversations (0: the link without
    a number). One column of the page's one badge SELECT; see ``web/badges.py``."""
    return {"count": unread_total_expr(user.id)}


def register() -> None:
    register_badge(
        "messages",
        endpoint="messages.index",
        text=_l("Pesan"),
        label=_l("%(n)s pesan belum dibaca"),
        query=unread_query,
        icon="message-circle",
    )
