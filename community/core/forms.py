"""The base form every form uses: WTForms' own messages in the user's language, and the
one place where text typed by anyone is checked before any code sees it.

WTForms ships no Indonesian catalogue, so the handful of built-in messages a resident
can meet (a letter in a number field, a too-long code, a tampered choice) are mapped to
Indonesian message ids here and translated through Rukun's own catalogue.

Text: a NUL character is refused on every field (PostgreSQL cannot store it and gave a
500; SQLite stored it), before any validator sends the value to the database; and a
value made only of invisible characters (zero-width spaces, BOM, directional marks,
blank look-alikes) is treated as empty, so "required" means something visible.
"""

from __future__ import annotations

import unicodedata

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField

from community.core.photo_rules import PhotoProblem

BUILTIN_MESSAGES = {
    "This field is required.": _l("Isian ini wajib diisi."),
    "Not a valid integer value.": _l("Isian ini harus berupa angka."),
    "Not a valid float value.": _l("Isian ini harus berupa angka."),
    "Not a valid date value.": _l("Tanggal tidak valid."),
    "Not a valid time value.": _l("Jam tidak valid."),
    "Not a valid choice.": _l("Pilihan tidak valid."),
    "Invalid Choice: could not coerce.": _l("Pilihan tidak valid."),
    "Number must be between %(min)s and %(max)s.": _l("Angka harus antara %(min)s dan %(max)s."),
    "Invalid input.": _l("Isian tidak valid."),
    "Invalid email address.": _l("Alamat email tidak valid."),
    "Field cannot be longer than %(max)d characters.": _l(
        "Isian ini paling banyak %(max)d karakter."
    ),
    "Field must be at least %(min)d characters long.": _l("Isian ini minimal %(min)d karakter."),
}


class _Translations:
    def gettext(self, message: str) -> str:
        known = BUILTIN_MESSAGES.get(message)
        return str(known) if known is not None else gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(plural)  # Indonesian has no plural forms


NUL_MESSAGE = _l(
    "Isian ini berisi karakter tersembunyi yang tidak diizinkan. Hapus lalu coba lagi."
)

# Characters that show nothing but are not Unicode format (Cf) or space characters:
# Hangul fillers, the braille blank, the combining grapheme joiner, Khmer inherent vowels.
_BLANK_LOOKALIKES = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5")


def _shows_nothing(ch: str) -> bool:
    return (
        ch.isspace()
        or ch in _BLANK_LOOKALIKES
        or unicodedata.category(ch) in ("Cf", "Cc", "Zs", "Zl", "Zp")
    )


def is_blank(text: str) -> bool:
    """True when ``text`` would look empty on screen (also when it is empty)."""
    return all(_shows_nothing(ch) for ch in text)


def blank_if_invisible(value):
    """WTForms filter: a text made only of invisible characters becomes ``""``.
    Visible text is left as typed (a zero-width joiner inside an emoji is fine)."""
    if isinstance(value, str) and value and is_blank(value):
        return ""
    return value


def has_nul(field) -> bool:
    return any(isinstance(v, str) and "\x00" in v for v in (field.raw_data or ()))


class RukunForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _Translations()

        def bind_field(self, form, unbound_field, options):
            # Passwords are taken exactly as typed; every other field gets the filter.
            if not issubclass(unbound_field.field_class, PasswordField):
                filters = unbound_field.kwargs.get("filters") or ()
                options = {**options, "filters": (*filters, blank_if_invisible)}
            return unbound_field.bind(form=form, **options)

    def validate(self, extra_validators=None) -> bool:
        """Refuse NUL before any validator runs (some look values up in the database)."""
        with_nul = [field for field in self if has_nul(field)]
        if not with_nul:
            return super().validate(extra_validators)
        for field in with_nul:
            if isinstance(field.data, str):
                field.data = field.data.replace("\x00", "")  # not echoed back into the page
            field.errors = [NUL_MESSAGE]
        return False


class EmptyForm(RukunForm):
    """A form with only the CSRF token, for one-button actions."""


# What a resident's photo (an announcement's, a receipt, a proposal's) can be refused for
# (:class:`community.core.photo_rules.PhotoProblem`), said on its field.
PHOTO_MESSAGES = {
    PhotoProblem.PHOTO_TOO_BIG: _l("Foto terlalu besar: paling besar 5 MB."),
    PhotoProblem.PHOTO_NOT_IMAGE: _l("Berkas ini bukan foto. Pilih foto JPEG, PNG, atau WebP."),
    PhotoProblem.PHOTO_TOO_MANY_PIXELS: _l(
        "Ukuran gambar terlalu besar. Pilih foto biasa dari kamera HP."
    ),
}
