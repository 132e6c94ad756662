"""What events tell residents, registered with notifications: the three switches on the
preferences page that govern it, the four kinds of push message, and re-planning a
person's reminders when their devices or preferences change."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from community.events import reminders
from community.notifications import kinds


def register() -> None:
    kinds.register_switch(kinds.Switch("wants_reminders", _l("Pengingat kegiatan"), order=10))
    kinds.register_switch(
        kinds.Switch("wants_changes", _l("Perubahan dan pembatalan kegiatan"), order=20)
    )
    kinds.register_switch(kinds.Switch("wants_waitlist", _l("Masuk dari Daftar Tunggu"), order=30))
    kinds.register(kinds.Kind("reminder", _l("Pengingat"), switch="wants_reminders"))
    kinds.register(kinds.Kind("changed", _l("Perubahan"), switch="wants_changes"))
    kinds.register(kinds.Kind("cancelled", _l("Pembatalan"), switch="wants_changes"))
    kinds.register(kinds.Kind("promoted", _l("Dapat tempat"), switch="wants_waitlist"))
    kinds.on_recipient_changed(reminders.replan_people)
