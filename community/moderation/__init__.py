"""Moderation of neighbour messaging (issue #13, "Safety"): reports, hiding, mutes, the log.

    rules.py          pure: report reasons, note and reason limits, mute periods, whether a
                      mute is in force, whose reports a pengurus sees, whom they may mute
    models.py         Report (a copy of the reported text), Mute, LogEntry (append-only)
    policies.py       the facts for the rules (grants, the person's RT)
    mutes.py          the mute check the send paths call (messages, comments)
    services.py       report, hide, show again, dismiss, mute, lift a mute (each logged)
    queries.py        /moderasi: open and hidden reports, mutes, the log, the nav badge
    routes.py         /laporkan/pesan/<id>, /laporkan/komentar/<id>, /moderasi and its actions
    badges.py         "Moderasi" in the navigation of pengurus, with the open reports
    personal_data.py  export and inventory (UU PDP); erase_person is in services.py

Who moderates: whoever holds a role on the report's wilayah or above it (pengurus RT,
ketua RW, admins), the rule that decides who organises activities there.
"""

from __future__ import annotations

import os

from flask import Blueprint, Flask

bp = Blueprint("moderation", __name__)

# Three reports in a row is someone cleaning up a flood; thirty in an hour is a campaign
# against a neighbour, or a script.
DEFAULT_REPORT_LIMIT = "5 per minute;30 per hour"


def init_app(app: Flask) -> None:
    from community.moderation import (  # noqa: F401 (importing routes registers them)
        badges,
        personal_data,
        policies,
        routes,
    )

    app.config.setdefault(
        "REPORT_LIMIT_PER_USER",
        os.environ.get("RUKUN_REPORT_LIMIT_PER_USER", DEFAULT_REPORT_LIMIT),
    )
    app.register_blueprint(bp)
    app.add_template_global(policies.may_mute, "may_mute")
    app.add_template_global(policies.is_moderator, "is_moderator")
    badges.register()
    personal_data.register_exports()
