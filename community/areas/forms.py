from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from community.accounts.forms import valid_phone
from community.core.forms import RukunForm

ROLE_LABELS = {
    "ketua_rt": _l("Ketua RT"),
    "sekretaris": _l("Sekretaris"),
    "bendahara": _l("Bendahara"),
    "ketua_rw": _l("Ketua RW"),
    "admin_kelurahan": _l("Admin kelurahan"),
    "admin_kota": _l("Admin kota"),
}


class JoinForm(RukunForm):
    code = StringField(
        _l("Kode undangan"),
        validators=[DataRequired(_l("Kode undangan wajib diisi.")), Length(max=40)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
    is_move = BooleanField(_l("Saya pindah RT (keanggotaan lama berakhir setelah disetujui)"))


class ConfirmJoinForm(RukunForm):
    code = HiddenField(validators=[DataRequired(), Length(max=40)])
    is_move = BooleanField(_l("Saya pindah RT (keanggotaan lama berakhir setelah disetujui)"))


class AppointForm(RukunForm):
    phone = StringField(
        _l("Nomor HP warga"),
        validators=[DataRequired(_l("Nomor HP wajib diisi.")), valid_phone],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )
    role = SelectField(_l("Peran"), choices=[])


class AddChildForm(RukunForm):
    number = IntegerField(
        _l("Nomor"),
        validators=[
            InputRequired(_l("Nomor wajib diisi.")),
            NumberRange(1, 99, _l("Nomor harus antara 1 dan 99.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
