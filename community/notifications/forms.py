from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, TimeField
from wtforms.validators import InputRequired

from community.core.forms import RukunForm


class PrefsForm(RukunForm):
    wants_reminders = BooleanField(_l("Pengingat kegiatan"))
    wants_changes = BooleanField(_l("Perubahan dan pembatalan kegiatan"))
    wants_waitlist = BooleanField(_l("Masuk dari Daftar Tunggu"))
    wants_announcements = BooleanField(_l("Pengumuman baru"))
    wants_messages = BooleanField(_l("Pesan langsung"))
    wants_arisan = BooleanField(_l("Arisan: pengingat iuran dan kocokan"))
    quiet_start = TimeField(
        _l("Jam tenang mulai (WITA)"), validators=[InputRequired(_l("Jam wajib diisi."))]
    )
    quiet_end = TimeField(
        _l("Jam tenang selesai (WITA)"), validators=[InputRequired(_l("Jam wajib diisi."))]
    )
