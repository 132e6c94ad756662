"""Direct messages between neighbours (issue #13): conversations of two, blocking.

    rules.py          pure: body cleaning and limits, who may start a conversation, polling
    policies.py       the facts for the rules (RT paths, grants, shared activities, blocks)
    queries.py        reads: the conversation list, a page, the poll, the unread badge
    services.py       start, send, mark read, delete own message, block, unblock
    routes.py         /pesan, /pesan/<id>, /pesan/<id>/baru, /blokir/<user>
    badges.py         "Pesan" in the navigation with the unread count
    notices.py        a new message as a push, one per conversation (notifications.py
                      registers the switch and the kind)
    personal_data.py  export and inventory (UU PDP); erase_person is in services.py

Reporting, hiding and muting are the moderation domain's (community/moderation).
"""

from __future__ import annotations

import os

from flask import Blueprint, Flask

bp = Blueprint("messages", __name__)

# A burst of ten messages, then one every six seconds on average; a flood of a hundred in
# an hour is no conversation between neighbours.
DEFAULT_SEND_LIMIT = "10 per minute;100 per hour"


def init_app(app: Flask) -> None:
    from community.messages import (  # noqa: F401 (importing routes registers them)
        badges,
        notifications,
        personal_data,
        routes,
    )

    app.config.setdefault(
        "MESSAGE_LIMIT_PER_SENDER",
        os.environ.get("RUKUN_MESSAGE_LIMIT_PER_SENDER", DEFAULT_SEND_LIMIT),
    )
    app.register_blueprint(bp)
    badges.register()
    notifications.register()
    personal_data.register_exports()
