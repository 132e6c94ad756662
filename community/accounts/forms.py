"""Forms for accounts. Every message is Indonesian text through the catalogue."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TelField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from community.accounts import rules
from community.core.forms import EmptyForm, RukunForm

__all__ = ["EmptyForm"]  # re-exported: one-button forms of every domain

PASSWORD_MESSAGES = {
    "too_short": _l("Kata sandi minimal 8 karakter."),
    "too_long": _l("Kata sandi paling banyak 128 karakter."),
    "too_common": _l("Kata sandi ini terlalu mudah ditebak. Pilih yang lain."),
}


def valid_phone(form, field) -> None:
    try:
        field.data = rules.normalise_phone(field.data or "")
    except rules.InvalidPhone:
        raise ValidationError(
            _l("Nomor HP tidak valid. Tulis seperti 0812 3456 7890 atau +62 812 3456 7890.")
        ) from None


def strong_password(form, field) -> None:
    problem = rules.password_problem(field.data or "")
    if problem:
        raise ValidationError(PASSWORD_MESSAGES[problem])


def person_name(form, field) -> None:
    field.data = rules.clean_name(field.data or "")
    if not field.data:
        raise ValidationError(_l("Nama wajib diisi."))
    if len(field.data) > rules.NAME_MAX_LENGTH:
        raise ValidationError(_l("Nama paling banyak 80 karakter."))
    if any(ch in field.data for ch in "<>{}"):
        raise ValidationError(_l("Nama tidak boleh berisi tanda < > { }."))


def _phone_field() -> TelField:
    return TelField(
        _l("Nomor HP"),
        validators=[DataRequired(_l("Nomor HP wajib diisi.")), valid_phone],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )


def _email_field() -> EmailField:
    return EmailField(
        _l("Email (tidak wajib)"),
        validators=[
            Optional(),
            Length(max=254, message=_l("Email terlalu panjang.")),
            Email(_l("Alamat email tidak valid."), check_deliverability=False),
        ],
        render_kw={"autocomplete": "email"},
    )


LANGUAGE_CHOICES = [SelectChoice("id", "Bahasa Indonesia"), SelectChoice("en", "English")]


class RegisterForm(RukunForm):
    name = StringField(
        _l("Nama lengkap"), validators=[person_name], render_kw={"autocomplete": "name"}
    )
    phone = _phone_field()
    email = _email_field()
    password = PasswordField(
        _l("Kata sandi"),
        validators=[DataRequired(_l("Kata sandi wajib diisi.")), strong_password],
        render_kw={"autocomplete": "new-password"},
    )


class LoginForm(RukunForm):
    phone = _phone_field()
    password = PasswordField(
        _l("Kata sandi"),
        validators=[DataRequired(_l("Kata sandi wajib diisi.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Ingat saya (HP pribadi)"))


class ProfileForm(RukunForm):
    name = StringField(
        _l("Nama lengkap"), validators=[person_name], render_kw={"autocomplete": "name"}
    )
    phone = _phone_field()
    email = _email_field()
    language = SelectField(_l("Bahasa"), choices=LANGUAGE_CHOICES)
    is_large_text = BooleanField(_l("Teks besar"))
    is_phone_shared = BooleanField(_l("Tampilkan nomor HP saya kepada tetangga satu RT"))
    needs_wheelchair = BooleanField(_l("Saya memakai kursi roda"))
    needs_lift = BooleanField(_l("Saya butuh jemputan"))
    needs_hearing = BooleanField(_l("Saya punya gangguan pendengaran"))
    needs_vision = BooleanField(_l("Saya punya gangguan penglihatan"))
    needs_consent = BooleanField(_l("Saya setuju data kebutuhan ini disimpan untuk pengurus RT"))


class PasswordForm(RukunForm):
    current = PasswordField(
        _l("Kata sandi sekarang"),
        validators=[DataRequired(_l("Kata sandi wajib diisi.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        _l("Kata sandi baru"),
        validators=[DataRequired(_l("Kata sandi wajib diisi.")), strong_password],
        render_kw={"autocomplete": "new-password"},
    )


class ResetForm(RukunForm):
    phone = _phone_field()
    code = StringField(
        _l("Kode reset dari pengurus RT"),
        validators=[DataRequired(_l("Kode reset wajib diisi.")), Length(max=20)],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
    )
    password = PasswordField(
        _l("Kata sandi baru"),
        validators=[DataRequired(_l("Kata sandi wajib diisi.")), strong_password],
        render_kw={"autocomplete": "new-password"},
    )


class DeleteAccountForm(RukunForm):
    password = PasswordField(
        _l("Kata sandi Anda"),
        validators=[DataRequired(_l("Kata sandi wajib diisi.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    confirm = BooleanField(
        _l("Saya mengerti akun saya akan dihapus selamanya"),
        validators=[DataRequired(_l("Centang kotak ini untuk menghapus akun."))],
    )
