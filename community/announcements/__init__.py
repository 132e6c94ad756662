"""Pengumuman: announcements by pengurus RT, ketua RW and admins to their wilayah subtree.

    rules.py          expiry, photo limits, links in plain text, the WhatsApp text (pure)
    models.py         Announcement (scoped to a wilayah), AnnouncementRead
    services.py       publish, update, pin, delete, mark read
    queries.py        the list, the home feed's few, "dibaca oleh N dari M warga"
    photos.py         a photo checked by content, re-encoded without EXIF, stored privately
    routes.py         the pages; personal_data.py: export and the inventory (UU PDP)
    notices.py        a new announcement as a push to the subtree (notifications.py
                      registers the switch and the kind)

Who may post where is the rule that decides who organises activities
(``Action.MANAGE_ACTIVITIES``): a role on the wilayah or above it.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask

bp = Blueprint("announcements", __name__)


def init_app(app: Flask) -> None:
    from community.announcements import (  # noqa: F401 (routes register)
        notifications,
        personal_data,
        routes,
        rules,
    )

    # Photos are residents' data: in the instance folder, never under static/.
    app.config.setdefault("ANNOUNCEMENT_PHOTO_FOLDER", str(Path(app.instance_path) / "pengumuman"))
    # Pengurus post a few a day; a burst beyond this is a script or a stuck button.
    app.config.setdefault("ANNOUNCE_LIMIT", "10 per minute;60 per day")
    app.register_blueprint(bp)
    app.add_template_filter(rules.link_segments, "link_segments")
    notifications.register()
    personal_data.register_exports()
