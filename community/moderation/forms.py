"""The forms of moderation (RukunForm: NUL refused, invisible-only text is empty)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from community.core.forms import RukunForm
from community.moderation import rules
from community.moderation.rules import ReportReason

REASON_LABELS = {
    ReportReason.SPAM: _l("Spam"),
    ReportReason.ABUSE: _l("Kata-kata kasar atau hinaan"),
    ReportReason.SCAM: _l("Penipuan"),
    ReportReason.OTHER: _l("Lainnya"),
}


class ReportForm(RukunForm):
    reason = RadioField(
        _l("Alasan"),
        choices=lambda *_: [SelectChoice(str(k), str(v)) for k, v in REASON_LABELS.items()],
        validators=[InputRequired(_l("Pilih alasan laporan."))],
    )
    note = TextAreaField(
        _l("Catatan untuk pengurus (boleh kosong)"),
        validators=[
            Optional(),
            Length(max=rules.MAX_NOTE_CHARS, message=_l("Catatan paling banyak 500 karakter.")),
        ],
    )


class HideForm(RukunForm):
    reason = TextAreaField(
        _l("Alasan (dibaca penulisnya)"),
        validators=[
            DataRequired(_l("Tulis alasannya: penulisnya akan membacanya.")),
            Length(max=rules.MAX_REASON_CHARS, message=_l("Alasan paling banyak 300 karakter.")),
        ],
    )


class MuteForm(RukunForm):
    days = RadioField(
        _l("Lamanya"),
        choices=lambda *_: [SelectChoice(d, str(_l("%(n)s hari", n=d))) for d in rules.MUTE_DAYS],
        coerce=int,
        validators=[InputRequired(_l("Pilih lamanya."))],
    )
    reason = TextAreaField(
        _l("Alasan (dibaca warga ini)"),
        validators=[
            DataRequired(_l("Tulis alasannya: warga ini akan membacanya.")),
            Length(max=rules.MAX_REASON_CHARS, message=_l("Alasan paling banyak 300 karakter.")),
        ],
    )
