"""Forms for activities and answers. Times are typed in WITA and stored in UTC."""

from __future__ import annotations

from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from community.core.forms import RukunForm
from community.core.time import WITA, utcnow
from community.events import rules
from community.notifications import rules as notif_rules

KIND_LABELS = {
    "gotong_royong": _l("Gotong royong"),
    "pengajian": _l("Pengajian"),
    "arisan": _l("Arisan"),
    "olahraga": _l("Olahraga"),
    "pelatihan": _l("Pelatihan"),
    "musyawarah": _l("Musyawarah"),
}
ANSWER_LABELS = {
    "hadir": _l("Hadir"),
    "mungkin": _l("Mungkin Hadir"),
    "tidak": _l("Tidak Hadir"),
}


def kind_choices(*_args) -> list[SelectChoice]:
    return [SelectChoice(k, str(v)) for k, v in KIND_LABELS.items()]


OFFSET_MESSAGES = {
    "offset_unreadable": _l("Tulis pengingat seperti: 30 menit, 3 jam, 1 hari."),
    "not_before_start": _l("Pengingat harus sebelum kegiatan mulai: angkanya lebih dari 0."),
    "too_early": _l("Pengingat paling awal 14 hari sebelum kegiatan."),
    "too_many_offsets": _l("Paling banyak 5 pengingat tambahan."),
}


def within_date_window(field) -> None:
    """Activities stay between a year ago and five years ahead (WITA dates)."""
    if field.data is None:
        return
    first, last = rules.date_window(utcnow().astimezone(WITA).date())
    if not first <= field.data <= last:
        raise ValidationError(
            gettext(
                "Tanggal harus antara setahun lalu dan lima tahun ke depan: "
                "%(first)s sampai %(last)s.",
                first=format_date(first, "d MMMM y"),
                last=format_date(last, "d MMMM y"),
            )
        )


class ActivityForm(RukunForm):
    scope = SelectField(_l("Untuk warga"), coerce=int, choices=[])
    kind = SelectField(_l("Jenis kegiatan"), choices=kind_choices)
    title = StringField(
        _l("Judul"),
        validators=[
            DataRequired(_l("Judul wajib diisi.")),
            Length(max=rules.TITLE_MAX, message=_l("Judul paling banyak 120 karakter.")),
        ],
    )
    description = TextAreaField(
        _l("Keterangan (tidak wajib)"),
        validators=[Length(max=rules.DESCRIPTION_MAX, message=_l("Keterangan terlalu panjang."))],
    )
    place = StringField(
        _l("Tempat"),
        validators=[
            DataRequired(_l("Tempat wajib diisi.")),
            Length(max=rules.PLACE_MAX, message=_l("Tempat paling banyak 200 karakter.")),
        ],
    )
    latitude = FloatField(
        _l("Garis lintang (tidak wajib)"),
        validators=[Optional(), NumberRange(-90, 90, _l("Garis lintang tidak valid."))],
    )
    longitude = FloatField(
        _l("Garis bujur (tidak wajib)"),
        validators=[Optional(), NumberRange(-180, 180, _l("Garis bujur tidak valid."))],
    )
    accessibility_notes = StringField(
        _l("Catatan aksesibilitas tempat (tidak wajib)"),
        validators=[Length(max=300, message=_l("Catatan paling banyak 300 karakter."))],
    )
    start_date = DateField(_l("Tanggal"), validators=[InputRequired(_l("Tanggal wajib diisi."))])
    start_time = TimeField(
        _l("Jam mulai (WITA)"), validators=[InputRequired(_l("Jam mulai wajib diisi."))]
    )
    end_date = DateField(_l("Tanggal selesai (jika beda hari)"), validators=[Optional()])
    end_time = TimeField(
        _l("Jam selesai (WITA)"), validators=[InputRequired(_l("Jam selesai wajib diisi."))]
    )
    capacity = IntegerField(
        _l("Kuota peserta (kosongkan jika tanpa batas)"),
        validators=[
            Optional(),
            NumberRange(1, rules.MAX_CAPACITY, _l("Kuota harus antara 1 dan %(max)s.", max=10_000)),
        ],
    )
    deadline_date = DateField(
        _l("Batas konfirmasi: tanggal (tidak wajib)"), validators=[Optional()]
    )
    deadline_time = TimeField(_l("Batas konfirmasi: jam (WITA)"), validators=[Optional()])
    default_reminders = BooleanField(
        _l("Kirim pengingat bawaan"),
        default=True,
        description=_l(
            "Gotong royong: malam sebelumnya pukul 19.00 dan 1 jam sebelum mulai. "
            "Kegiatan lain: 2 jam sebelum mulai."
        ),
    )
    reminder_minutes = StringField(
        _l("Pengingat tambahan (tidak wajib)"),
        description=_l("Berapa lama sebelum mulai, misalnya: 30 menit, 3 jam, 1 hari."),
        validators=[Length(max=60, message=_l("Paling banyak 60 karakter."))],
    )
    remind_unanswered = BooleanField(
        _l("Ingatkan juga warga yang belum menjawab"),
        description=_l("Biasanya hanya warga yang menjawab Hadir atau Mungkin yang diingatkan."),
    )

    def validate_start_date(self, field) -> None:
        within_date_window(field)

    validate_end_date = validate_deadline_date = validate_start_date

    def validate_reminder_minutes(self, field) -> None:
        _minutes, problem = notif_rules.parse_offsets(field.data or "")
        if problem:
            raise ValidationError(str(OFFSET_MESSAGES[problem]))


REPEAT_LABELS = {
    "": _l("Tidak berulang (sekali saja)"),
    "weekly": _l("Setiap minggu, di hari yang sama"),
    "monthly_day": _l("Setiap bulan, di tanggal yang sama"),
    "monthly_nth": _l("Setiap bulan, hari yang sama di minggu ke-N (mis. Minggu kedua)"),
}
APPLY_LABELS = {
    "this": _l("Hanya kegiatan ini"),
    "following": _l("Kegiatan ini dan semua berikutnya"),
}


class SeriesFields:
    """Fields only the "create" form has."""

    repeat = SelectField(
        _l("Berulang"),
        choices=lambda *_: [SelectChoice(k, str(v)) for k, v in REPEAT_LABELS.items()],
    )
    repeat_until = DateField(_l("Berulang sampai tanggal"), validators=[Optional()])
    repeat_count = IntegerField(
        _l("atau: berapa kali"),
        validators=[
            Optional(),
            NumberRange(1, rules.MAX_OCCURRENCES, _l("Paling banyak 500 kali.")),
        ],
    )


def _task_label(n: int) -> StringField:
    return StringField(
        _l("Yang perlu dibawa %(n)s", n=n),
        validators=[Length(max=120, message=_l("Paling banyak 120 karakter."))],
    )


def _task_quantity(n: int) -> IntegerField:
    return IntegerField(
        _l("Jumlah %(n)s", n=n),
        validators=[
            Optional(),
            NumberRange(1, rules.MAX_TASK_QUANTITY, _l("Jumlah harus antara 1 dan 500.")),
        ],
    )


class TaskRows:
    """ "Yang perlu dibawa" while creating (#14): a few rows of what and how many, so a
    gotong royong is announced with its cangkul and karung in one form. More are added on
    the activity page. A row with a number but no name is refused; a name alone needs 1."""

    task_1_label, task_1_quantity = _task_label(1), _task_quantity(1)
    task_2_label, task_2_quantity = _task_label(2), _task_quantity(2)
    task_3_label, task_3_quantity = _task_label(3), _task_quantity(3)

    def task_rows(self):
        """The (label field, quantity field) pairs, in order, for the template."""
        return [(self[f"task_{n}_label"], self[f"task_{n}_quantity"]) for n in (1, 2, 3)]

    def tasks(self) -> list[tuple[str, int]]:
        """The filled rows as (what, how many)."""
        return [(" ".join(label.data.split()), quantity.data or 1)
                for label, quantity in self.task_rows() if (label.data or "").strip()]  # fmt: skip

    def validate_task_rows(self) -> bool:
        fine = True
        for label, quantity in self.task_rows():
            if quantity.data is not None and not (label.data or "").strip():
                label.errors.append(str(_l("Tulis apa yang dibutuhkan.")))
                fine = False
        return fine


class CreateActivityForm(ActivityForm, SeriesFields, TaskRows):
    def validate_repeat_until(self, field) -> None:
        within_date_window(field)

    def validate(self, extra_validators=None) -> bool:
        fine = super().validate(extra_validators)
        return self.validate_task_rows() and fine


class ApplyToField:
    apply_to = SelectField(
        _l("Terapkan ke"),
        choices=lambda *_: [SelectChoice(k, str(v)) for k, v in APPLY_LABELS.items()],
    )


class EditActivityForm(ActivityForm, ApplyToField):
    pass


def _answer_choices(*_) -> list[SelectChoice]:
    """Built per request: labels made at import time would stay in Indonesian."""
    return [SelectChoice(k, str(v)) for k, v in ANSWER_LABELS.items()]


def guests_field() -> IntegerField:
    """How many come along (+1), the same on the RSVP panel and atas nama."""
    return IntegerField(
        _l("Tamu yang ikut (+1)"),
        default=0,
        validators=[
            Optional(),
            NumberRange(0, rules.MAX_GUESTS, _l("Tamu paling banyak 10 orang.")),
        ],
    )


class RsvpForm(RukunForm):
    answer = SelectField(_l("Jawaban"), choices=_answer_choices)
    guests = guests_field()
    note = StringField(
        _l("Catatan untuk pengurus (rahasia)"),
        validators=[Length(max=rules.NOTE_MAX, message=_l("Catatan paling banyak 300 karakter."))],
    )
    needs_help = BooleanField(_l("Saya butuh bantuan untuk datang (jemputan, kursi roda)"))


class CardAnswerForm(RukunForm):
    """The one-tap answer of a feed card: the answer alone (guests and note stay)."""

    answer = SelectField(_l("Jawaban"), choices=_answer_choices)


class CancelForm(RukunForm, ApplyToField):
    reason = StringField(
        _l("Alasan pembatalan"),
        validators=[
            DataRequired(_l("Alasan wajib diisi supaya warga tahu.")),
            Length(max=300, message=_l("Alasan paling banyak 300 karakter.")),
        ],
    )
