"""The base form: WTForms' own messages in the user's language.

WTForms ships no Indonesian catalogue, so the handful of built-in messages a resident
can meet (a letter in a number field, a too-long code, a tampered choice) are mapped to
Indonesian message ids here and translated through Rukun's own catalogue.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

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


class RukunForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _Translations()


class EmptyForm(RukunForm):
    """A form with only the CSRF token, for one-button actions."""
