"""What direct messages tell residents, registered with notifications: the "Pesan langsung"
switch on the preferences page and the one kind of push it governs (see notices.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from community.messages import notices
from community.notifications import kinds


def register() -> None:
    kinds.register_switch(kinds.Switch("wants_messages", _l("Pesan langsung"), order=50))
    kinds.register(kinds.Kind(notices.KIND, _l("Pesan langsung"), switch="wants_messages"))
