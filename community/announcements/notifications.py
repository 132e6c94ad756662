"""What announcements tell residents, registered with notifications: the "Pengumuman baru"
switch on the preferences page and the one kind of push it governs (see notices.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from community.announcements import notices
from community.notifications import kinds


def register() -> None:
    kinds.register_switch(kinds.Switch("wants_announcements", _l("Pengumuman baru"), order=40))
    kinds.register(kinds.Kind(notices.KIND, _l("Pengumuman"), switch="wants_announcements"))
