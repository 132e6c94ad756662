from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField


class LanguageForm(FlaskForm):
    language = SelectField(
        _l("Bahasa"), choices=[("id", "Bahasa Indonesia"), ("en", "English")]
    )
