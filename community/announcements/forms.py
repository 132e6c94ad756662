"""The announcement form. The expiry is typed in WITA and stored in UTC."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, SelectField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, Optional

from community.announcements import rules
from community.core.forms import PHOTO_MESSAGES, RukunForm

ERRORS = {
    rules.AnnouncementError.EXPIRY_PAST: ("expires_on", _l("Waktu berakhir harus setelah sekarang.")),
    rules.AnnouncementError.EXPIRY_TOO_FAR: ("expires_on", _l("Waktu berakhir paling lama setahun dari sekarang.")),
    rules.AnnouncementError.EXPIRY_NO_DATE: ("expires_on", _l("Isi tanggalnya juga, atau kosongkan jamnya.")),
    **{problem: ("photo", message) for problem, message in PHOTO_MESSAGES.items()},
}  # fmt: skip


class AnnouncementForm(RukunForm):
    scope = SelectField(_l("Untuk warga"), coerce=int, choices=[])
    body = TextAreaField(
        _l("Isi pengumuman"),
        validators=[
            DataRequired(_l("Isi pengumuman tidak boleh kosong.")),
            Length(max=rules.BODY_MAX, message=_l("Pengumuman paling banyak 2.000 karakter.")),
        ],
    )
    photo = FileField(_l("Foto (tidak wajib)"))
    remove_photo = BooleanField(_l("Hapus foto"))
    is_pinned = BooleanField(_l("Sematkan di atas"))
    expires_on = DateField(_l("Berakhir pada tanggal"), validators=[Optional()])
    expires_time = TimeField(_l("Berakhir pada jam (WITA)"), validators=[Optional()])
    activity = SelectField(
        _l("Tautkan ke kegiatan (tidak wajib)"), coerce=int, choices=[], default=0
    )
