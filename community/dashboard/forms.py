"""The dashboard's filter (a GET form: it changes nothing, so it has no CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, MonthField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from community.core.forms import RukunForm
from community.dashboard.rules import Preset
from community.events.forms import KIND_LABELS

PRESET_LABELS = {
    Preset.BULAN: _l("Bulan ini"),
    Preset.KUARTAL: _l("3 bulan terakhir"),
    Preset.TAHUN: _l("12 bulan terakhir"),
    Preset.ATUR: _l("Pilih tanggal"),
}
PERIOD_MESSAGES = {
    "missing": _l("Isi tanggal mulai dan tanggal akhir."),
    "order": _l("Tanggal akhir harus sesudah tanggal mulai."),
    "too_long": _l("Periode paling panjang 5 tahun."),
    "preset": _l("Pilih periode dari daftar."),
    "future": _l("Bulan itu belum dimulai. Pilih bulan ini atau bulan sebelumnya."),
}


class FilterForm(RukunForm):
    class Meta:
        csrf = False

    periode = SelectField(
        _l("Periode"),
        choices=lambda *_: [SelectChoice(str(k), str(v)) for k, v in PRESET_LABELS.items()],
        default=str(Preset.KUARTAL),
        validate_choice=True,
    )
    dari = DateField(_l("Dari tanggal"), validators=[Optional()])
    sampai = DateField(_l("Sampai tanggal"), validators=[Optional()])
    jenis = SelectField(
        _l("Jenis kegiatan"),
        choices=lambda *_: [
            SelectChoice("", str(_l("Semua jenis"))),
            *[SelectChoice(k, str(v)) for k, v in KIND_LABELS.items()],
        ],
        default="",
        validate_choice=True,
    )


class ReportForm(RukunForm):
    """The month of the printable report (a GET form, no CSRF token)."""

    class Meta:
        csrf = False

    bulan = MonthField(
        _l("Bulan"),
        validators=[Optional()],
        description=_l("Kosongkan untuk bulan lalu."),
    )
