"""The proposal, comment, status, poll and ballot forms. Times are typed in WITA and stored
in UTC."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
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
from wtforms.widgets import CheckboxInput, ListWidget

from community.core.forms import RukunForm
from community.musyawarah import rules
from community.musyawarah.rules import MusyawarahError as E

CATEGORY_LABELS = {
    rules.Category.INFRASTRUKTUR: _l("Infrastruktur (jalan, drainase, lampu jalan)"),
    rules.Category.EKONOMI: _l("Ekonomi (pelatihan usaha, pertanian)"),
    rules.Category.SOSIAL_BUDAYA: _l("Sosial budaya (PKK, rumah ibadah, pos kamling, kebersihan)"),
    rules.Category.LAINNYA: _l("Lainnya"),
}
STATUS_LABELS = {
    rules.Status.DIAJUKAN: _l("Diajukan"),
    rules.Status.DIBAHAS: _l("Dibahas"),
    rules.Status.DITERUSKAN: _l("Diteruskan"),
    rules.Status.DITERIMA: _l("Diterima"),
    rules.Status.DITOLAK: _l("Ditolak"),
    rules.Status.SELESAI: _l("Selesai"),
}
KIND_LABELS = {
    rules.PollKind.TUNGGAL: _l("Pilih satu"),
    rules.PollKind.GANDA: _l("Pilih beberapa (paling banyak N)"),
    rules.PollKind.PERINGKAT: _l("Urutkan prioritas (N teratas)"),
}
# (field, message): the field the message is shown under.
ERRORS = {
    E.NO_CHOICE: ("choice", _l("Pilih paling sedikit satu pilihan.")),
    E.UNKNOWN_OPTION: ("choice", _l("Pilihan tidak valid.")),
    E.DUPLICATE_CHOICE: ("choice", _l("Setiap pilihan hanya boleh muncul sekali dalam urutan.")),
    E.TOO_MANY_CHOICES: ("choice", _l("Terlalu banyak pilihan untuk jajak pendapat ini.")),
    E.NOT_OPEN_YET: ("choice", _l("Jajak pendapat ini belum dibuka.")),
    E.CLOSED: ("choice", _l("Jajak pendapat ini sudah ditutup.")),
    E.NOT_ELIGIBLE: ("choice", _l("Hanya warga wilayah ini yang dapat memilih.")),
    E.ALREADY_VOTED: ("choice", _l("Anda sudah memilih. Suara rahasia tidak dapat diubah.")),
    E.TOO_FEW_OPTIONS: ("options", _l("Tulis paling sedikit 2 pilihan, satu per baris.")),
    E.TOO_MANY_OPTIONS: ("options", _l("Paling banyak 12 pilihan.")),
    E.DUPLICATE_OPTION: ("options", _l("Ada pilihan yang sama. Setiap pilihan harus berbeda.")),
    E.BAD_MAX_CHOICES: ("max_choices", _l("N harus antara 1 dan jumlah pilihan.")),
    E.CLOSES_BEFORE_OPENING: ("closes_on", _l("Waktu ditutup harus setelah waktu dibuka.")),
    E.CLOSES_IN_PAST: ("closes_on", _l("Waktu ditutup harus setelah sekarang.")),
    E.TOO_LONG: ("closes_on", _l("Jajak pendapat paling lama dibuka 90 hari.")),
    E.STATUS_NOT_ALLOWED: ("status", _l("Status ini tidak dapat dipilih sekarang. Muat ulang halaman.")),
    E.REASON_REQUIRED: ("reason", _l("Tulis alasan penolakan.")),
    E.CANNOT_FORWARD: ("status", _l("Usulan di tingkat ini tidak dapat diteruskan lagi.")),
    E.SUPPORT_CLOSED: ("support", _l("Usulan ini sudah diputuskan; dukungan ditutup.")),
    E.OWN_PROPOSAL: ("support", _l("Ini usulan Anda sendiri.")),
    E.NOT_RESIDENT: ("support", _l("Hanya warga wilayah usulan ini yang dapat mendukung.")),
    E.PAPER_TOO_LATE: ("ballots", _l("Suara kertas paling lambat dicatat 3 hari setelah ditutup.")),
    E.PAPER_BAD_COUNT: ("ballots", _l("Jumlah surat suara antara 1 dan 5.000; jumlah suara tidak boleh negatif.")),
    E.PAPER_TOO_MANY_VOTES: ("ballots", _l("Jumlah suara per pilihan tidak cocok dengan jumlah surat suara.")),
    E.TOO_FEW_TIMES: ("day_1", _l("Tulis paling sedikit 2 waktu, masing-masing dengan tanggal dan jam.")),
    E.DUPLICATE_TIME: ("day_1", _l("Ada waktu yang sama. Setiap waktu harus berbeda.")),
    E.TIME_IN_PAST: ("day_1", _l("Waktu yang diusulkan harus setelah sekarang.")),
    E.TIME_TOO_FAR: ("day_1", _l("Waktu yang diusulkan paling lambat 90 hari dari sekarang.")),
    E.ALREADY_DECIDED: ("option", _l("Waktu musyawarah sudah ditetapkan.")),
    E.NOT_A_MEETING: ("body", _l("Notulen hanya untuk kegiatan musyawarah.")),
    E.MEETING_CANCELLED: ("body", _l("Musyawarah ini dibatalkan; tidak ada notulen.")),
    E.MEETING_NOT_STARTED: ("body", _l("Notulen dapat ditulis setelah musyawarah dimulai.")),
}  # fmt: skip


# Why a paper batch cannot be withdrawn (a flash on the poll page: there is no field).
WITHDRAW_MESSAGES = {
    E.PAPER_ALREADY_WITHDRAWN: _l("Pencatatan ini sudah dibatalkan."),
    E.PAPER_TOO_LATE: _l("Hasilnya sudah final: pencatatan tidak dapat dibatalkan lagi lewat "
                         "3 hari setelah ditutup."),
}  # fmt: skip


def _choices(labels) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


class ProposalForm(RukunForm):
    scope = SelectField(_l("Diajukan ke"), coerce=int, choices=[])
    title = StringField(
        _l("Judul usulan"),
        validators=[
            DataRequired(_l("Judul usulan tidak boleh kosong.")),
            Length(max=rules.TITLE_MAX, message=_l("Judul paling banyak 120 karakter.")),
        ],
    )
    category = SelectField(
        _l("Bidang"), choices=_choices(CATEGORY_LABELS), default=rules.Category.INFRASTRUKTUR
    )
    body = TextAreaField(
        _l("Uraian"),
        validators=[
            DataRequired(_l("Uraian usulan tidak boleh kosong.")),
            Length(max=rules.BODY_MAX, message=_l("Uraian paling banyak 2.000 karakter.")),
        ],
    )
    location = StringField(
        _l("Lokasi (tidak wajib)"),
        validators=[
            Optional(),
            Length(max=rules.LOCATION_MAX, message=_l("Lokasi paling banyak 200 karakter.")),
        ],
    )
    photo = FileField(_l("Foto (tidak wajib)"))


class CommentForm(RukunForm):
    body = TextAreaField(
        _l("Komentar"),
        validators=[
            DataRequired(_l("Komentar tidak boleh kosong.")),
            Length(max=rules.COMMENT_MAX, message=_l("Komentar paling banyak 1.000 karakter.")),
        ],
    )


class StatusForm(RukunForm):
    status = SelectField(_l("Status baru"), choices=[])
    reason = TextAreaField(
        _l("Alasan atau catatan"),
        validators=[
            Optional(),
            Length(max=rules.REASON_MAX, message=_l("Alasan paling banyak 500 karakter.")),
        ],
    )


class PollForm(RukunForm):
    scope = SelectField(_l("Untuk warga"), coerce=int, choices=[])
    question = StringField(
        _l("Pertanyaan"),
        validators=[
            DataRequired(_l("Pertanyaan tidak boleh kosong.")),
            Length(max=rules.TITLE_MAX, message=_l("Pertanyaan paling banyak 120 karakter.")),
        ],
    )
    description = TextAreaField(
        _l("Keterangan (tidak wajib)"),
        validators=[
            Optional(),
            Length(max=rules.BODY_MAX, message=_l("Keterangan paling banyak 2.000 karakter.")),
        ],
    )
    kind = RadioField(
        _l("Cara memilih"), choices=_choices(KIND_LABELS), default=rules.PollKind.TUNGGAL
    )
    max_choices = IntegerField(
        _l("N: jumlah pilihan paling banyak"),
        default=1,
        validators=[Optional(), NumberRange(min=1, max=rules.MAX_OPTIONS)],
    )
    options = TextAreaField(
        _l("Pilihan, satu per baris"),
        validators=[
            DataRequired(_l("Tulis paling sedikit 2 pilihan, satu per baris.")),
            Length(max=rules.MAX_OPTIONS * (rules.OPTION_MAX + 2)),
        ],
    )
    is_secret = BooleanField(_l("Suara rahasia"))
    shows_live = BooleanField(_l("Tampilkan hasil sebelum ditutup"))
    opens_on = DateField(_l("Dibuka tanggal (kosong: sekarang)"), validators=[Optional()])
    opens_time = TimeField(_l("Dibuka jam (WITA)"), validators=[Optional()])
    closes_on = DateField(
        _l("Ditutup tanggal"), validators=[DataRequired(_l("Isi tanggal ditutup."))]
    )
    closes_time = TimeField(_l("Ditutup jam (WITA)"), validators=[Optional()])

    def option_labels(self) -> list[str]:
        return [line.strip() for line in (self.options.data or "").splitlines() if line.strip()]

    def validate_options(self, field) -> None:
        if any(len(label) > rules.OPTION_MAX for label in self.option_labels()):
            raise ValidationError(_l("Setiap pilihan paling banyak 120 karakter."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def ballot_form(poll, labels: list[tuple[int, str]], **kwargs) -> RukunForm:
    """The ballot of ``poll``: one radio choice (``choice``), up to N boxes (``choice``),
    or N selects for the 1st, 2nd, ... place (``rank_1``, ...): no JavaScript needed."""

    class BallotForm(RukunForm):
        pass

    options = [SelectChoice(value, label) for value, label in labels]

    if poll.kind == rules.PollKind.TUNGGAL:
        BallotForm.choice = RadioField(
            _l("Pilihan Anda"), coerce=int, choices=options, validators=[Optional()]
        )
    elif poll.kind == rules.PollKind.GANDA:
        BallotForm.choice = MultiCheckboxField(
            _l("Pilihan Anda"), coerce=int, choices=options, validators=[Optional()]
        )
    else:
        _add_rank_fields(BallotForm, poll, options)
    return BallotForm(**kwargs)


def _add_rank_fields(form_class, poll, options: list[SelectChoice]) -> None:
    """The selects of a ranking: ``rank_1`` for the 1st place, ... up to N."""
    blank = [SelectChoice(0, _l("— tidak dipilih —"))]
    for place in range(1, min(poll.max_choices, len(options)) + 1):
        setattr(
            form_class,
            f"rank_{place}",
            SelectField(
                _l("Pilihan ke-%(n)s", n=place),
                coerce=int,
                choices=blank + options,
                default=0,
                validators=[Optional()],
            ),
        )


def ballot_choices(poll, form) -> list[int]:
    """The option ids of the submitted ballot, in order (0 = an empty rank, left out)."""
    if poll.kind == rules.PollKind.TUNGGAL:
        return [form.choice.data] if form.choice.data else []
    if poll.kind == rules.PollKind.GANDA:
        return list(form.choice.data or [])
    ranks = sorted(
        (int(name.removeprefix("rank_")), field.data)
        for name, field in form._fields.items()
        if name.startswith("rank_")
    )
    return [option for _place, option in ranks if option]


def ballot_error_field(poll) -> str:
    """Where a refused ballot's message is shown."""
    return "rank_1" if poll.kind == rules.PollKind.PERINGKAT else "choice"


class MinutesForm(RukunForm):
    """The notulen: plain text, and the proposals and polls the meeting settled (their
    choices are set by the route: what the meeting's wilayah may attach)."""

    body = TextAreaField(
        _l("Notulen"),
        validators=[
            DataRequired(_l("Notulen tidak boleh kosong.")),
            Length(max=rules.MINUTES_MAX, message=_l("Notulen paling banyak 10.000 karakter.")),
        ],
    )
    proposals = MultiCheckboxField(
        _l("Usulan yang dibahas atau diputuskan"), coerce=int, choices=[], validators=[Optional()]
    )
    polls = MultiCheckboxField(
        _l("Jajak pendapat yang hasilnya dibahas"), coerce=int, choices=[], validators=[Optional()]
    )


def paper_form(poll, **kwargs) -> RukunForm:
    """A batch of paper ballots. For a single or multiple choice: how many ballots
    (``ballots``) and the marks for each option (``option_<id>``, 0 when left empty). For
    a ranking: one order as on the ballots (``rank_1``, ... as on a phone; none chosen for
    blank ballots) and how many ballots carry it (``ballots``, 1 unless several read the
    same)."""
    ranking = poll.kind == rules.PollKind.PERINGKAT

    class PaperForm(RukunForm):
        ballots = IntegerField(
            _l("Jumlah surat suara dengan urutan ini") if ranking
            else _l("Jumlah surat suara kertas"),
            default=1 if ranking else None,
            validators=[
                InputRequired(_l("Isi jumlah surat suara.")),
                NumberRange(min=1, max=rules.PAPER_MAX_BALLOTS,
                            message=_l("Jumlah surat suara antara 1 dan 5.000.")),
            ],
        )  # fmt: skip

    if ranking:
        _add_rank_fields(PaperForm, poll, [SelectChoice(o.id, o.label) for o in poll.options])
        return PaperForm(**kwargs)
    for option in poll.options:
        setattr(
            PaperForm,
            f"option_{option.id}",
            IntegerField(
                option.label,
                default=0,
                validators=[
                    Optional(),
                    NumberRange(min=0, max=rules.PAPER_MAX_BALLOTS,
                                message=_l("Jumlah suara antara 0 dan 5.000.")),
                ],
            ),
        )  # fmt: skip
    return PaperForm(**kwargs)


def paper_votes(poll, form) -> dict[int, int]:
    """The marks per option id as entered (an empty box is 0)."""
    return {o.id: form[f"option_{o.id}"].data or 0 for o in poll.options}


class TimePollForm(RukunForm):
    """A time poll: for which wilayah, what and where, and up to six times (date and hour,
    WITA; a row left empty is skipped)."""

    scope = SelectField(_l("Untuk warga"), coerce=int, choices=[])
    title = StringField(
        _l("Judul musyawarah"),
        validators=[
            DataRequired(_l("Judul tidak boleh kosong.")),
            Length(max=rules.TITLE_MAX, message=_l("Judul paling banyak 120 karakter.")),
        ],
    )
    place = StringField(
        _l("Tempat"),
        validators=[
            DataRequired(_l("Tempat tidak boleh kosong.")),
            Length(max=rules.LOCATION_MAX, message=_l("Tempat paling banyak 200 karakter.")),
        ],
    )

    def wita_times(self) -> list[tuple[object, object]]:
        """The (date, time) rows as typed, empty rows left out."""
        rows = []
        for n in range(1, rules.TIME_OPTIONS_MAX + 1):
            day, clock = self[f"day_{n}"].data, self[f"clock_{n}"].data
            if day or clock:
                rows.append((day, clock))
        return rows

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for n in range(1, rules.TIME_OPTIONS_MAX + 1):
            day, clock = self[f"day_{n}"], self[f"clock_{n}"]
            if bool(day.data) != bool(clock.data) and not (day.errors or clock.errors):
                missing = clock if day.data else day
                missing.errors = [*missing.errors, str(_l("Isi tanggal dan jamnya."))]
                ok = False
        return ok


for _n in range(1, rules.TIME_OPTIONS_MAX + 1):
    setattr(
        TimePollForm, f"day_{_n}", DateField(_l("Tanggal %(n)s", n=_n), validators=[Optional()])
    )
    setattr(
        TimePollForm,
        f"clock_{_n}",
        TimeField(_l("Jam %(n)s (WITA)", n=_n), validators=[Optional()]),
    )


class MarkForm(RukunForm):
    times = MultiCheckboxField(
        _l("Waktu yang saya bisa hadir"), coerce=int, choices=[], validators=[Optional()]
    )


class PickForm(RukunForm):
    option = RadioField(
        _l("Waktu yang ditetapkan"),
        coerce=int,
        choices=[],
        validators=[DataRequired(_l("Pilih satu waktu."))],
    )
