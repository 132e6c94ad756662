"""Forms around an activity beyond answering it: tasks and sign-ups, answers atas nama,
walk-ins on the Daftar Hadir, comments, and the calendar feed on the profile."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
)

from community.core.forms import RukunForm
from community.events import rules
from community.events.forms import _answer_choices, guests_field


class TaskForm(RukunForm):
    label = StringField(
        _l("Yang dibutuhkan"),
        validators=[
            DataRequired(_l("Tulis apa yang dibutuhkan.")),
            Length(max=120, message=_l("Paling banyak 120 karakter.")),
        ],
    )
    quantity = IntegerField(
        _l("Jumlah"),
        default=1,
        validators=[
            InputRequired(_l("Jumlah wajib diisi.")),
            NumberRange(1, rules.MAX_TASK_QUANTITY, _l("Jumlah harus antara 1 dan 500.")),
        ],
    )


class SignupForm(RukunForm):
    quantity = IntegerField(
        _l("Jumlah yang saya bawa"),
        default=1,
        validators=[
            InputRequired(_l("Jumlah wajib diisi.")),
            NumberRange(1, rules.MAX_TASK_QUANTITY, _l("Jumlah harus antara 1 dan 500.")),
        ],
    )


class ProxyForm(RukunForm):
    resident = SelectField(_l("Warga"), coerce=int, choices=[])
    name = StringField(
        _l("atau nama orang tanpa akun"),
        validators=[Length(max=80, message=_l("Nama paling banyak 80 karakter."))],
    )
    answer = SelectField(_l("Jawaban"), choices=_answer_choices)
    guests = guests_field()
    needs_help = BooleanField(_l("Butuh bantuan untuk datang"))


class WalkInForm(RukunForm):
    name = StringField(
        _l("Nama (datang tanpa konfirmasi)"),
        validators=[
            DataRequired(_l("Nama wajib diisi.")),
            Length(max=80, message=_l("Nama paling banyak 80 karakter.")),
        ],
    )


class CommentForm(RukunForm):
    body = TextAreaField(
        _l("Komentar"),
        validators=[
            DataRequired(_l("Komentar tidak boleh kosong.")),
            Length(max=rules.COMMENT_MAX, message=_l("Komentar paling banyak 1000 karakter.")),
        ],
    )


FEED_SCOPE_LABELS = {
    "answered": _l("Kegiatan yang saya jawab Hadir/Mungkin"),
    "rt": _l("Semua kegiatan untuk RT saya"),
}


class CalendarFeedForm(RukunForm):
    scope = RadioField(
        _l("Isi kalender"),
        default="answered",
        choices=lambda *_: [SelectChoice(k, str(v)) for k, v in FEED_SCOPE_LABELS.items()],
    )
