"""Arisan forms. Money is typed as text ("50.000", "Rp 50.000") and read by
``rules.parse_rupiah``, so a decimal or a minus gets its own message, not "not a number"."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from community.arisan import rules
from community.arisan.rules import ArisanError as E
from community.core.forms import PHOTO_MESSAGES, RukunForm

MESSAGES = {
    E.AMOUNT_EMPTY: _l("Isi jumlah iurannya, misalnya 50.000."),
    E.AMOUNT_NOT_NUMBER: _l("Tulis jumlah dalam angka, misalnya 50.000 atau Rp 50.000."),
    E.AMOUNT_DECIMAL: _l("Jumlah harus rupiah bulat, tanpa koma atau sen."),
    E.AMOUNT_NEGATIVE: _l("Jumlah tidak boleh negatif."),
    E.AMOUNT_TOO_LOW: _l("Iuran paling sedikit Rp10.000."),
    E.AMOUNT_TOO_HIGH: _l("Jumlah paling banyak Rp5.000.000."),
    E.TOO_FEW_SLOTS: _l("Arisan perlu paling sedikit dua nama yang ikut."),
    E.TOO_MANY_SLOTS: _l("Arisan paling banyak 60 nama."),
    E.TOO_MANY_SLOTS_FOR_MEMBER: _l("Satu anggota paling banyak dua nama."),
    E.ODD_SLOTS_FOR_TWO: _l("Dengan dua pemenang per kocokan, jumlah nama harus genap."),
    E.NOT_A_MEMBER_HERE: _l("Anggota harus warga wilayah arisan ini."),
    E.ALREADY_PAID: _l("Nama ini sudah lunas untuk putaran ini."),
    E.ALREADY_REVERSED: _l("Catatan ini sudah dikoreksi."),
    E.NOT_REVERSIBLE: _l("Koreksi tidak bisa dikoreksi lagi. Catat pembayarannya ulang."),
    E.NOTHING_ELIGIBLE: _l("Belum ada nama yang bisa dikocok: belum ada yang lunas putaran ini."),
    E.ALREADY_DRAWN: _l("Putaran ini sudah dikocok. Kocokan tidak bisa diulang."),
    E.NOT_DRAWN: _l("Putaran ini belum dikocok."),
    E.CYCLE_OVER: _l("Semua nama sudah mendapat giliran di siklus ini."),
    E.CYCLE_NOT_OVER: _l("Siklus ini belum selesai: masih ada nama yang belum mendapat giliran."),
    E.ALREADY_PAID_OUT: _l("Uang arisan putaran ini sudah diserahkan."),
    E.REASON_TOO_SHORT: _l("Tulis alasan pembatalan, paling sedikit 5 huruf."),
    E.ALREADY_REPORTED: _l("Laporan transfer untuk nama ini masih menunggu dicek bendahara."),
    E.REPORT_DECIDED: _l("Laporan ini sudah diputuskan bendahara."),
    E.NOT_YOUR_SLOT: _l("Anda hanya bisa melapor untuk nama Anda sendiri."),
    E.FINE_TOO_LOW: _l("Denda paling sedikit Rp1.000."),
    E.MEETING_HELD: _l("Putaran ini sudah dikocok: tuan rumahnya tidak diubah lagi."),
    E.NOT_FIXED_ORDER: _l("Arisan ini memakai kocokan, bukan urutan tetap."),
    E.USES_FIXED_ORDER: _l("Arisan ini memakai urutan tetap: catat giliran, bukan kocokan."),
    E.ALREADY_WON: _l("Nama ini sudah mendapat giliran di siklus ini."),
    E.FIXED_ORDER_ONE_WINNER: _l("Urutan tetap hanya untuk satu penerima per pertemuan."),
    E.ORDER_INCOMPLETE: _l("Beri setiap nama nomor urutnya."),
    E.ORDER_DUPLICATE: _l("Setiap nomor urut hanya untuk satu nama."),
    E.ORDER_LOCKED: _l("Urutan tidak bisa diubah lagi: giliran pertama siklus ini sudah dicatat."),
    E.DISSOLVED: _l("Arisan ini sudah dibubarkan: tidak ada lagi yang dicatat selain koreksi."),
    **PHOTO_MESSAGES,
}
# The rejection of a report says why, as an undo does, in its own words.
REJECT_REASON_TOO_SHORT = _l("Tulis alasan penolakan, paling sedikit 5 huruf.")

PERIODS = [
    SelectChoice(rules.Period.MINGGUAN.value, _l("Mingguan")),
    SelectChoice(rules.Period.DUA_MINGGUAN.value, _l("Dua minggu sekali")),
    SelectChoice(rules.Period.BULANAN.value, _l("Bulanan")),
]
REPORT_METHODS = [
    SelectChoice(rules.Method.TRANSFER.value, _l("Transfer")),
    SelectChoice(rules.Method.QRIS.value, _l("QRIS")),
]
METHODS = [
    SelectChoice(rules.Method.TUNAI.value, _l("Tunai")),
    SelectChoice(rules.Method.TRANSFER.value, _l("Transfer")),
    SelectChoice(rules.Method.QRIS.value, _l("QRIS")),
]


class ResidentsField(SelectMultipleField):
    """Ticked residents; an id that was not offered (tampered) gets the one Indonesian
    message (WTForms' own plural message has no translation)."""

    def pre_validate(self, form) -> None:
        offered = {c.value for c in self.choices}
        if any(value not in offered for value in self.data or ()):
            raise ValidationError(_l("Pilihan tidak valid."))


class GroupForm(RukunForm):
    name = StringField(
        _l("Nama arisan"),
        validators=[
            DataRequired(_l("Nama arisan wajib diisi.")),
            Length(max=80, message=_l("Nama arisan paling banyak 80 karakter.")),
        ],
    )
    scope = SelectField(_l("Wilayah"), coerce=int, choices=[])
    contribution = StringField(_l("Iuran per putaran (Rp)"))
    kas = StringField(_l("Uang kas per putaran (Rp, tidak wajib)"))
    period = SelectField(_l("Jadwal"), choices=PERIODS, default=rules.Period.BULANAN.value)
    first_meeting_on = DateField(
        _l("Tanggal pertemuan pertama"), validators=[DataRequired(_l("Isi tanggalnya."))]
    )
    meeting_time = TimeField(_l("Jam (WITA)"), validators=[DataRequired(_l("Isi jamnya."))])
    place = StringField(
        _l("Tempat"),
        validators=[
            DataRequired(_l("Tempat wajib diisi.")),
            Length(max=200, message=_l("Tempat paling banyak 200 karakter.")),
        ],
    )
    winners = SelectField(
        _l("Pemenang per kocokan"),
        coerce=int,
        choices=[SelectChoice(1, _l("Satu")), SelectChoice(2, _l("Dua"))],
        default=1,
    )
    include_unpaid = BooleanField(_l("Yang belum bayar tetap ikut kocokan"))
    fixed_order = BooleanField(_l("Urutan tetap, tanpa kocokan"))
    members = ResidentsField(_l("Anggota"), coerce=int, choices=[])
    dua_nama = ResidentsField(_l("Dua nama"), coerce=int, choices=[])
    bendahara = SelectField(_l("Bendahara"), coerce=int, choices=[])
    others = TextAreaField(
        _l("Anggota tanpa akun (satu nama per baris)"),
        validators=[Optional(), Length(max=2000, message=_l("Daftar nama terlalu panjang."))],
    )


class PaymentForm(RukunForm):
    slot = HiddenField()
    method = SelectField(_l("Cara bayar"), choices=METHODS, default=rules.Method.TUNAI.value)
    paid_on = DateField(_l("Tanggal bayar"), validators=[DataRequired(_l("Isi tanggalnya."))])
    photo = FileField(_l("Foto bukti transfer (tidak wajib)"))


class ReportForm(RukunForm):
    """A member's "Sudah transfer": method, date and the receipt photo (required)."""

    slot = HiddenField()
    method = SelectField(
        _l("Cara bayar"), choices=REPORT_METHODS, default=rules.Method.TRANSFER.value
    )
    paid_on = DateField(_l("Tanggal transfer"), validators=[DataRequired(_l("Isi tanggalnya."))])
    photo = FileField(_l("Foto bukti transfer"))


class RejectForm(RukunForm):
    reason = TextAreaField(
        _l("Alasan menolak"),
        validators=[
            DataRequired(REJECT_REASON_TOO_SHORT),
            Length(max=rules.MAX_REASON_CHARS, message=_l("Alasan paling banyak 300 karakter.")),
        ],
    )


class PayoutForm(RukunForm):
    slot = HiddenField()
    method = SelectField(_l("Cara serah"), choices=METHODS, default=rules.Method.TUNAI.value)


class FineForm(RukunForm):
    """The bendahara's denda for a slot that paid late: an amount typed as people write it
    (``rules.parse_rupiah``) and an optional note."""

    slot = HiddenField()
    amount = StringField(_l("Denda keterlambatan (Rp)"),
                         validators=[DataRequired(_l("Isi jumlah dendanya."))])  # fmt: skip
    note = StringField(
        _l("Keterangan (tidak wajib)"),
        validators=[
            Optional(),
            Length(
                max=rules.MAX_REASON_CHARS, message=_l("Keterangan paling banyak 300 karakter.")
            ),
        ],
    )


class HostForm(RukunForm):
    """The pengelola's choice of host for the meeting: a member of the group ("" for not
    decided); the choices are the group's members, set by the route."""

    host = SelectField(_l("Tuan rumah"), choices=[], validate_choice=True)


class TurnForm(RukunForm):
    """Urutan tetap: whose turn this meeting is, among the names that have not had theirs
    (the choices are set by the route)."""

    slot = SelectField(_l("Giliran putaran ini"), choices=[], validate_choice=True)


class DissolveForm(RukunForm):
    """Bubarkan, confirmed by a tick: it cannot be taken back."""

    confirm = BooleanField(
        _l("Saya mengerti: arisan berhenti, pembayaran dan kocokan tidak bisa dicatat lagi."),
        validators=[DataRequired(_l("Centang dulu bahwa Anda mengerti."))],
    )


class UndoForm(RukunForm):
    reason = TextAreaField(
        _l("Alasan membatalkan kocokan"),
        validators=[
            DataRequired(_l("Tulis alasan pembatalan, paling sedikit 5 huruf.")),
            Length(max=rules.MAX_REASON_CHARS, message=_l("Alasan paling banyak 300 karakter.")),
        ],
    )


def order_form(names: list[tuple[int, str]], numbers: dict[int, int | None], **kwargs):
    """Urutan tetap agreed in advance: for each name (slot id, label) a choice of its place,
    1 to N, preset to the order agreed so far."""

    class OrderForm(RukunForm):
        pass

    places = [SelectChoice("", _l("Pilih nomor"))] + [
        SelectChoice(str(n), str(n)) for n in range(1, len(names) + 1)
    ]
    for slot_id, label in names:
        place = numbers.get(slot_id)
        setattr(OrderForm, f"urutan_{slot_id}", SelectField(
            label, choices=places, validate_choice=True,
            default="" if place is None else str(place),
        ))  # fmt: skip
    return OrderForm(**kwargs)
